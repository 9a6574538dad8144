"""Stopping and starting a node of the local test cluster (``opensearch/cluster.py``), and a
relay to it that can be cut."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

CLUSTER_SCRIPT = Path(__file__).parents[2] / "opensearch" / "cluster.py"


def cluster_command(*args: str) -> None:
    """Run ``opensearch/cluster.py`` on the test cluster (to kill a node, or start it again)."""
    folder = os.environ.get("EGOV_OPENSEARCH_CLUSTER")
    if not folder:
        pytest.fail("EGOV_OPENSEARCH_CLUSTER is not set: the node-failure tests stop and start a node "
                    "of the local cluster, which `make test` and `make opensearch` name", pytrace=False)
    subprocess.run([sys.executable, str(CLUSTER_SCRIPT), "--dir", folder, *args], check=True, timeout=300)


class Relay:
    """A TCP relay on a free loopback port to ``target`` (host, port) until :meth:`cut`, which
    closes every connection and the port: to the server behind it, the cluster becomes
    unreachable while it runs."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # cut
                return
            server = socket.create_connection(self.target)
            self.open += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                end.close()

    def cut(self) -> None:
        """Refuse new connections and end the open ones."""
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread (a close alone does not)
        self.listener.close()
        for end in self.open:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()
