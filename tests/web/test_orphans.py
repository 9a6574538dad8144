"""Workers never outlive their supervisor: SIGKILL it and they go, freeing the port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from live_server import running_server
from raw_http import BOUND

from webui import serving


def children(pid: int) -> set[int]:
    """The live (not zombie) processes whose parent is ``pid``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie does not)."""
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


def can_listen(port: int) -> bool:
    """Whether ``serve`` could listen on ``port`` now (the kernel frees it just after the last
    process holding it exits)."""
    try:
        serving.listen("127.0.0.1", port).close()
    except OSError:
        return False
    return True


def within_bound(condition) -> bool:
    """Whether ``condition()`` comes true within :data:`BOUND`."""
    deadline = time.monotonic() + BOUND
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_a_killed_supervisor_takes_its_workers_with_it(index_dir, tmp_path):
    with running_server(index_dir, tmp_path / "serve.log", workers=2) as server:
        supervisor = server["process"]
        assert within_bound(lambda: len(children(supervisor.pid)) == 2)
        workers = children(supervisor.pid)
        try:
            supervisor.kill()
            supervisor.wait(BOUND)
            assert within_bound(lambda: not any(alive(pid) for pid in workers))
            assert within_bound(lambda: can_listen(server["port"]))  # the next serve can bind it
        finally:
            for pid in workers:  # before the fix they live on: never leave them behind
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


def test_a_worker_whose_supervisor_died_before_it_could_follow_is_told_so():
    check = "import os; from indexer.children import end_with; print(end_with(os.getppid()), end_with(-1))"
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=BOUND)
    assert result.stdout.split() == ["True", "False"], result.stderr
