"""Serve the app under waitress: one listening socket, answered by one or more processes.

Python answers one request at a time per process (the GIL), so ``workers`` processes share the
socket and the kernel hands each connection to one of them. Each worker has its own engine and
follows index swaps by itself. The parent only supervises: it replaces a worker that dies, and
stops them all on SIGTERM or Ctrl-C.

Each worker runs waitress with the :class:`Limits` below, plus what waitress lacks: a deadline
for a whole request (a client trickling header lines in is cut off) and a cap on the
connections one client address may hold.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import signal
import socket
import time
from collections.abc import Mapping

from flask import Flask
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask

from indexer import config
from indexer.children import end_with

from . import SECURITY_HEADERS, errors
from .logs import log_access

LOG = logging.getLogger("egov_search.serve")
MIN_WORKER_SECONDS = 5.0  # a worker that exits sooner by itself is a fault a restart won't fix


@dataclasses.dataclass(frozen=True)
class Limits:
    """What one client may ask of one worker, and for how long (seconds, bytes, counts).

    Each can be changed with the environment variable ``EGOV_<NAME>``, e.g. ``EGOV_IDLE_TIMEOUT=30``;
    why these values: ``docs/reliability-notes.md``.
    """

    request_timeout: int = 10  # from a request's first byte to its last, headers and body
    idle_timeout: int = 15  # a connection with no request under way and no traffic is closed
    connection_limit: int = 200  # open connections per worker; more wait in the listen backlog
    client_connections: int = 20  # open connections per client address and worker; 0: no cap
    max_body_bytes: int = 64 << 10  # the app takes no bodies: a bigger one gets a 413 at once
    max_header_bytes: int = 2 << 20  # URLs up to 2 MB reach the app: a 100,000-character query gets JSON
    sweep_interval: int = 1  # how often the deadlines are checked

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, with any ``EGOV_<NAME>`` from ``environ`` (by default the process's)
        instead, read by :func:`indexer.config.whole_number`.

        >>> Limits.from_environ({"EGOV_IDLE_TIMEOUT": "30"}).idle_timeout
        30
        """
        return cls(**{field.name: config.whole_number(f"EGOV_{field.name.upper()}", field.default, environ)
                      for field in dataclasses.fields(cls)})

    def adjustments(self, threads: int) -> Adjustments:
        """Waitress's settings for these limits and ``threads`` threads."""
        return Adjustments(threads=threads, ident="egov-search", asyncore_use_poll=True,
                           channel_timeout=self.idle_timeout, cleanup_interval=self.sweep_interval,
                           connection_limit=self.connection_limit,
                           max_request_header_size=self.max_header_bytes,
                           max_request_body_size=self.max_body_bytes,
                           # X-Forwarded-For reaches the app, which believes it only from the
                           # proxies of $EGOV_TRUSTED_PROXIES (webui/visitors.py)
                           clear_untrusted_proxy_headers=False)


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


def serve(app: Flask, sock: socket.socket, threads: int, workers: int = 1,
          limits: Limits | None = None) -> None:
    """Answer requests on ``sock`` with ``workers`` processes of ``threads`` threads each
    (``limits``: by default :meth:`Limits.from_environ`)."""
    limits = limits or Limits.from_environ()
    if workers <= 1 or not hasattr(os, "fork"):
        _run(app, sock, threads, limits)
        return
    pool = _Pool(app, sock, threads, limits)
    pool.run(workers)


def _run(app: Flask, sock: socket.socket, threads: int, limits: Limits) -> None:
    """Serve in this process until a stop signal."""
    server = _Server(app, limits, sock, limits.adjustments(threads))
    server.print_listen("Serving on http://{}:{}")
    server.run()


class _Request(HTTPRequestParser):
    """Waitress's request parser, remembering when the request's first bytes came and how it began."""

    START_BYTES = 512  # enough of the request line to name the method and where it goes

    def __init__(self, adj: Adjustments):
        super().__init__(adj)
        self.started = time.time()  # waitress's own clock for channel activity
        self.start = b""  # the first bytes as sent, for errors waitress answers before parsing them

    def received(self, data: bytes) -> int:
        """Parse ``data``; a request complete without a body (or refused) asks for no 100 Continue.

        Waitress would send ``100 Continue`` for it and then wait for a body that never comes.
        """
        if len(self.start) < self.START_BYTES:
            self.start += data[:self.START_BYTES - len(self.start)]
        consumed = super().received(data)
        if self.completed:
            self.expect_continue = False
        return consumed

    def parse_header(self, header_plus: bytes) -> None:
        """Parse the head, a request line with raw UTF-8 in its target (``curl '/?q=智慧城市'``)
        read as a browser would have sent it: those bytes percent-encoded. Waitress itself
        refuses any byte above ASCII there with a bare 400."""
        line, sep, rest = header_plus.partition(b"\r\n")
        if not line.isascii():
            line = b"".join(b"%%%02X" % byte if byte > 0x7F else bytes([byte]) for byte in line)
        super().parse_header(line + sep + rest)

    def request_line(self) -> tuple[str, str]:
        """Method and target of the request line as far as it came (``-`` where missing)."""
        words = self.start.lstrip().split(b"\r\n", 1)[0].decode("latin-1").split(" ")
        return words[0] or "-", words[1] if len(words) > 1 else "-"

    def target_path(self) -> str:
        """The path the request line names, without the query (``/`` if none), for an absolute URL too."""
        target = self.request_line()[1].partition("?")[0]
        if "://" in target:
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        return target if target.startswith("/") else "/"


class _ErrorTask(ErrorTask):
    """An error waitress answers by itself (400, 413, 431, 501, …), worded and dressed like the app's."""

    def execute(self) -> None:
        """Write the error with the app's wording and security headers, and log it."""
        error, request = self.request.error, self.request
        content_type, body = errors.plain_error(error.code, request.target_path())
        self.status = f"{error.code} {error.reason}"
        self.response_headers += [("Content-Type", content_type), *SECURITY_HEADERS.items()]
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)
        log_access(self.channel.addr[0], *request.request_line(), error.code,
                   (time.time() - request.started) * 1000)


class _Channel(HTTPChannel):
    """One client connection."""

    parser_class = _Request
    error_task_class = _ErrorTask


class _Server(TcpWSGIServer):
    """Waitress's server on a socket of ours, enforcing the request deadline and the per-client cap."""

    channel_class = _Channel

    def __init__(self, app: Flask, limits: Limits, sock: socket.socket, adj: Adjustments):
        self.limits = limits
        self.refused: dict[str, int] = {}  # client address → connections refused since the last sweep
        sockinfo = (sock.family, sock.type, sock.proto, sock.getsockname())
        super().__init__(app, _sock=sock, adj=adj, bind_socket=False, sockinfo=sockinfo)

    def accept(self) -> tuple[socket.socket, tuple] | None:
        """The next connection, unless its address already holds its share (then closed here)."""
        pair = super().accept()
        if pair is None or not self.limits.client_connections:
            return pair
        conn, addr = pair
        held = sum(channel.addr[0] == addr[0] for channel in self.active_channels.values())
        if held < self.limits.client_connections:
            return pair
        self.refused[addr[0]] = self.refused.get(addr[0], 0) + 1
        conn.close()
        return None

    def maintenance(self, now: float) -> None:
        """Waitress's idle timeout; close connections whose request is overdue; log refusals."""
        super().maintenance(now)
        for client, count in self.refused.items():
            LOG.warning("too many connections from %s: refused %d (at most %d open per address)",
                        client, count, self.limits.client_connections)
        self.refused.clear()
        cutoff = now - self.limits.request_timeout
        for channel in self.active_channels.values():
            if not channel.requests and channel.request is not None and channel.request.started < cutoff:
                LOG.info("closed the connection from %s: no complete request within %d s",
                         channel.addr[0], self.limits.request_timeout)
                channel.will_close = True


class _Pool:
    """Worker processes forked from this one, kept at full strength until a stop signal."""

    def __init__(self, app: Flask, sock: socket.socket, threads: int, limits: Limits):
        self.app, self.sock, self.threads, self.limits = app, sock, threads, limits
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
        supervisor = os.getpid()
        pid = os.fork()
        if pid == 0:  # the worker: Ctrl-C reaches the parent, which stops every worker
            if not end_with(supervisor):
                os._exit(0)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, stops)
            try:
                _run(self.app, self.sock, self.threads, self.limits)
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
