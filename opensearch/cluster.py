"""The local OpenSearch cluster of the tests and of ``make opensearch``: nodes on loopback, one
JVM each, run from what Maven built in ``opensearch/target`` (no distribution, no Docker).

    python opensearch/cluster.py start [--fresh]  # two nodes; prints EGOV_OPENSEARCH_URL=… and
                                                  # EGOV_OPENSEARCH_CLUSTER=… (the folder)
    python opensearch/cluster.py stop
    python opensearch/cluster.py run -- CMD …     # a fresh cluster for CMD, stopped after it
    python opensearch/cluster.py kill 2           # SIGKILL node 2 (the node-failure tests)
    python opensearch/cluster.py start-node 2     # node 2 again, back in the cluster

Node 1 is the cluster manager and holds data; the others hold data only. Two nodes cannot
both vote (OpenSearch keeps the voting set odd), so the node a test may kill is named here
rather than left to an election: killing node 2 leaves a working cluster.
Each node keeps its data, log and process id under ``.opensearch/node-N/``. Only Python's
standard library is used, so the cluster starts before the project is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE / "target"
MAIN_CLASS = "egov.opensearch.ClusterNode"
START_TIMEOUT = 240  # seconds: a bound for a hung start on a busy machine, not a measurement
STOP_TIMEOUT = 30


def java() -> str:
    """The ``java`` of ``$JAVA_HOME``, else the one on the path."""
    home = os.environ.get("JAVA_HOME")
    found = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not found or not Path(found).exists():
        sys.exit("cluster: no java found: install Java 17 or set JAVA_HOME")
    return found


def classpath() -> str:
    """The node's jar and every jar Maven resolved for it."""
    listed, jar = TARGET / "classpath.txt", TARGET / "opensearch-cluster-1.jar"
    if not listed.exists() or not jar.exists():
        sys.exit(f"cluster: {listed} or {jar.name} is missing: build them with `make opensearch` "
                 "(mvn -f opensearch/pom.xml compile jar:jar dependency:build-classpath)")
    return f"{jar}{os.pathsep}{listed.read_text().strip()}"


def class_archive() -> Path:
    """The JVM's archive of the node's loaded classes (AppCDS) for this java, class path and
    build of the node's jar: with it a node starts on a third of the CPU time. It lives in the
    user's cache, as the jars do in ``~/.m2``, so a new checkout finds it."""
    built = (TARGET / "opensearch-cluster-1.jar").stat().st_mtime_ns
    key = hashlib.sha256(f"{os.path.realpath(java())}\n{classpath()}\n{built}".encode()).hexdigest()[:16]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "egov-search"
    return cache / f"opensearch-classes-{key}.jsa"


class Cluster:
    """The nodes' settings and their folders under ``root``."""

    def __init__(self, root: Path, nodes: int = 2, http_port: int = 9200, transport_port: int = 9300,
                 heap: str = "512m"):
        self.root, self.nodes, self.heap = root, nodes, heap
        self.http_port, self.transport_port = http_port, transport_port

    @classmethod
    def load(cls, root: Path) -> Cluster:
        """The cluster as it was last started in ``root``."""
        saved = root / "cluster.json"
        if not saved.exists():
            sys.exit(f"cluster: no cluster was started in {root}")
        return cls(root, **json.loads(saved.read_text()))

    def save(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "cluster.json").write_text(json.dumps({
            "nodes": self.nodes, "http_port": self.http_port,
            "transport_port": self.transport_port, "heap": self.heap}))

    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.http_port + i}" for i in range(self.nodes)]

    def folder(self, node: int) -> Path:
        return self.root / f"node-{node}"

    def settings(self, node: int) -> list[str]:
        """The ``key=value`` settings of node ``node`` (from 1)."""
        folder = self.folder(node)
        seeds = ",".join(f"127.0.0.1:{self.transport_port + i}" for i in range(self.nodes))
        return [
            "cluster.name=egov-search-local",
            f"node.name=node-{node}",
            f"node.roles={'cluster_manager,data,ingest' if node == 1 else 'data,ingest'}",
            "cluster.initial_cluster_manager_nodes=node-1",
            f"discovery.seed_hosts={seeds}",
            "network.host=127.0.0.1",
            f"http.port={self.http_port + node - 1}",
            f"transport.port={self.transport_port + node - 1}",
            f"path.home={folder}",
            f"path.data={folder / 'data'}",
            f"path.logs={folder / 'logs'}",
            # a shared developer disk may be fuller than a server's: never refuse replicas for it
            "cluster.routing.allocation.disk.threshold_enabled=false",
            # an index appears only when egov-search creates it, never by a write to a typo
            "action.auto_create_index=false",
        ]

    def start_node(self, node: int) -> None:
        """Start node ``node`` in the background; its output goes to ``node.log``."""
        folder = self.folder(node)
        folder.mkdir(parents=True, exist_ok=True)
        archive, sharing = class_archive(), []
        if archive.exists():
            sharing = [f"-XX:SharedArchiveFile={archive}"]
        elif node == 1 and not os.environ.get("CI"):
            # node 1 writes it as it stops (some 20 s, once), and stop() puts it in place if that
            # went well; CI's machine runs the suite once and is gone, so it never would pay off
            archive.parent.mkdir(parents=True, exist_ok=True)
            sharing = [f"-XX:ArchiveClassesAtExit={archive}.pending"]
        command = [java(), *sharing, f"-Xms{self.heap}", f"-Xmx{self.heap}", "-XX:+UseG1GC",
                   "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8", "-Dlog4j2.disable.jmx=true",
                   "-cp", classpath(), MAIN_CLASS, *self.settings(node)]
        with open(folder / "node.log", "ab") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        (folder / "pid").write_text(str(process.pid))
        while self.pid(node) is None and process.poll() is None:  # until the fork has become java
            time.sleep(0.01)

    def pid(self, node: int) -> int | None:
        """The process id of node ``node`` if that process is running and is our node."""
        saved = self.folder(node) / "pid"
        if not saved.exists():
            return None
        pid = int(saved.read_text())
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return None
        return pid if MAIN_CLASS.encode() in command and str(self.folder(node)).encode() in command else None

    def wait(self, nodes: int) -> None:
        """Wait until ``nodes`` nodes have joined and every shard has a copy (yellow or green)."""
        deadline = time.monotonic() + START_TIMEOUT
        query = f"/_cluster/health?wait_for_nodes={nodes}&wait_for_status=yellow&timeout=2s"
        while time.monotonic() < deadline:
            for node in range(1, self.nodes + 1):
                if self.pid(node) is None and (self.folder(node) / "pid").exists():
                    self.fail(f"node {node} exited")
            try:
                with urllib.request.urlopen(self.urls()[0] + query, timeout=10) as answer:
                    health = json.load(answer)
                if not health["timed_out"]:
                    return
            except (OSError, ValueError, urllib.error.URLError):
                pass
            time.sleep(0.5)
        self.fail(f"the cluster did not reach {nodes} nodes within {START_TIMEOUT} s")

    def fail(self, reason: str) -> None:
        """Stop what was started and exit with ``reason`` and the nodes' last log lines."""
        for node in range(1, self.nodes + 1):
            log = self.folder(node) / "node.log"
            if log.exists():
                tail = log.read_text(errors="replace").splitlines()[-15:]
                print(f"--- node {node}: {log}", *tail, sep="\n", file=sys.stderr)
        self.stop()
        sys.exit(f"cluster: {reason}")

    def start(self, fresh: bool) -> float:
        """Start every node and wait for the cluster; return the seconds it took."""
        if any(self.pid(node) for node in range(1, self.nodes + 1)):
            sys.exit(f"cluster: already running in {self.root} (stop it with `make opensearch-stop`)")
        ports = [self.http_port + i for i in range(self.nodes)] + [
            self.transport_port + i for i in range(self.nodes)]
        busy = [port for port in ports if port_in_use(port)]
        if busy:
            sys.exit(f"cluster: port(s) {', '.join(map(str, busy))} in use on 127.0.0.1; stop what "
                     "listens there or choose other ports (--http-port, --transport-port)")
        if fresh:
            shutil.rmtree(self.root, ignore_errors=True)
        self.save()
        started = time.monotonic()
        for node in range(1, self.nodes + 1):
            self.start_node(node)
        self.wait(self.nodes)
        return time.monotonic() - started

    def kill(self, node: int) -> None:
        """Kill node ``node`` at once (SIGKILL), as a crash would."""
        pid = self.pid(node)
        if pid is None:
            sys.exit(f"cluster: node {node} is not running")
        os.kill(pid, signal.SIGKILL)
        while self.pid(node) is not None:
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop every node (SIGTERM, then SIGKILL after :data:`STOP_TIMEOUT` seconds)."""
        running = {node: pid for node in range(1, self.nodes + 1) if (pid := self.pid(node))}
        for pid in running.values():
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while running and time.monotonic() < deadline:
            running = {node: pid for node, pid in running.items() if self.pid(node)}
            time.sleep(0.2)
        for pid in running.values():
            os.kill(pid, signal.SIGKILL)
        for node in range(1, self.nodes + 1):
            (self.folder(node) / "pid").unlink(missing_ok=True)
        archive = class_archive()
        pending = Path(f"{archive}.pending")
        if pending.exists() and 1 not in running:  # node 1 stopped by itself: its archive is whole
            pending.replace(archive)
            for old in archive.parent.glob("opensearch-classes-*.jsa"):  # of earlier builds of the jar
                if old != archive:
                    old.unlink()
        pending.unlink(missing_ok=True)


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def environment(cluster: Cluster) -> dict[str, str]:
    """What a client and the tests need to know: the nodes, and the folder (to kill a node)."""
    return {"EGOV_OPENSEARCH_URL": ",".join(cluster.urls()), "EGOV_OPENSEARCH_CLUSTER": str(cluster.root)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=Path(".opensearch"),
                        help="where the nodes keep their data and logs [.opensearch]")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("start", "run"):
        command = commands.add_parser(name)
        command.add_argument("--nodes", type=int, default=2)
        command.add_argument("--http-port", type=int, default=9200, help="node 1's; node N's is +N-1")
        command.add_argument("--transport-port", type=int, default=9300)
        command.add_argument("--heap", default="512m", help="each node's Java heap")
    commands.choices["start"].add_argument("--fresh", action="store_true", help="delete old data first")
    commands.choices["run"].add_argument("program", nargs=argparse.REMAINDER)
    commands.add_parser("stop")
    for name in ("kill", "start-node"):
        commands.add_parser(name).add_argument("node", type=int)
    args = parser.parse_args(argv)
    root = args.dir.resolve()

    if args.command in ("start", "run"):
        cluster = Cluster(root, args.nodes, args.http_port, args.transport_port, args.heap)
        program = [word for word in getattr(args, "program", []) if word != "--"]
        if args.command == "run" and not program:
            parser.error("run needs a command after --")
        # a stop by the terminal or by CI still stops the nodes (the finally below)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        seconds = cluster.start(fresh=args.command == "run" or args.fresh)
        print(f"cluster: {cluster.nodes} nodes up in {seconds:.1f} s ({root})", file=sys.stderr)
        if args.command == "start":
            print(*(f"{name}={value}" for name, value in environment(cluster).items()), sep="\n")
            return 0
        try:
            return subprocess.call(program, env={**os.environ, **environment(cluster)})
        finally:
            cluster.stop()
    cluster = Cluster.load(root)
    if args.command == "stop":
        cluster.stop()
    elif args.command == "kill":
        cluster.kill(args.node)
    else:
        cluster.start_node(args.node)
        cluster.wait(cluster.nodes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
