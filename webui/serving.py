"""Serve the app under waitress: one listening socket, answered by one or more processes.

Python answers one request at a time per process (the GIL), so ``workers`` processes share the
socket and the kernel hands each connection to one of them. Each worker has its own engine and
follows index swaps by itself. The parent only supervises: it replaces a worker that dies, and
stops them all on SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time

import waitress
from flask import Flask

LOG = logging.getLogger("egov_search.serve")
MAX_HEADER_BYTES = 2 << 20  # URLs up to 2 MB reach the app: a 100,000-character query gets JSON
MIN_WORKER_SECONDS = 5.0  # a worker that exits sooner by itself is a fault a restart won't fix


class WorkerFailed(RuntimeError):
    """A worker died right after it started; the server stopped."""


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (:class:`OSError` if it is taken or foreign)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    return sock


def serve(app: Flask, sock: socket.socket, threads: int, workers: int = 1) -> None:
    """Answer requests on ``sock`` with ``workers`` processes of ``threads`` threads each."""
    if workers <= 1 or not hasattr(os, "fork"):
        _run(app, sock, threads)
        return
    pool = _Pool(app, sock, threads)
    pool.run(workers)


def _run(app: Flask, sock: socket.socket, threads: int) -> None:
    waitress.serve(app, sockets=[sock], threads=threads, ident="egov-search",
                   max_request_header_size=MAX_HEADER_BYTES)


class _Pool:
    """Worker processes forked from this one, kept at full strength until a stop signal."""

    def __init__(self, app: Flask, sock: socket.socket, threads: int):
        self.app, self.sock, self.threads = app, sock, threads
        self.started: dict[int, float] = {}  # pid → when it started
        self.stopping = False

    def run(self, workers: int) -> None:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        for _ in range(workers):
            self._spawn()
        while self.started:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            if pid not in self.started or self.stopping:
                self.started.pop(pid, None)
                continue
            lived = time.monotonic() - self.started.pop(pid)
            LOG.warning("worker %d ended (%s) after %.0f s", pid, _describe(status), lived)
            if lived < MIN_WORKER_SECONDS:
                if not os.WIFSIGNALED(status):  # it failed by itself: it would fail again
                    self._stop()
                    raise WorkerFailed(f"a worker ended {lived:.1f} s after it started "
                                       f"({_describe(status)}); stopped the server")
                time.sleep(1)  # killed from outside: replace it, but never in a tight loop
            if not self.stopping:
                self._spawn()

    def _spawn(self) -> None:
        stops = {signal.SIGINT, signal.SIGTERM}
        signal.pthread_sigmask(signal.SIG_BLOCK, stops)  # a stop now still reaches the new worker
        pid = os.fork()
        if pid == 0:  # the worker: Ctrl-C reaches the parent, which stops every worker
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, stops)
            try:
                _run(self.app, self.sock, self.threads)
            except BaseException:
                LOG.exception("worker %d failed", os.getpid())
                os._exit(1)
            os._exit(0)
        self.started[pid] = time.monotonic()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stops)

    def _stop(self, *_signal) -> None:
        self.stopping = True
        for pid in list(self.started):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass


def _describe(status: int) -> str:
    """A wait status in words."""
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"
