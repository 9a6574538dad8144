"""A website on 127.0.0.1 for the crawler's tests and benchmark: real HTTP/1.1 with keep-alive,
``ETag`` and ``Last-Modified`` on every file and ``304`` for a conditional request that matches,
redirects and removed pages as a test sets them, and a log of every request it answered.

Files come from folders (the first that has a path wins; in an ``overlay`` folder, ``{origin}``
in a text file becomes the server's own address) or from a mapping of paths to bytes. A path
ending in ``/`` serves its ``index.html``. Extra routes are functions of the request handler,
for hostile answers (a key ending in ``/`` takes every path below it).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

TYPES = {".html": "text/html", ".htm": "text/html", ".shtml": "text/html", ".pdf": "application/pdf",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         ".xml": "application/xml", ".txt": "text/plain"}
NOT_FOUND = b"<html><body>not found</body></html>"
Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass(frozen=True)
class Request:
    """One request the site answered."""

    method: str
    path: str
    conditional: bool
    status: int
    user_agent: str


class LoopbackSite:
    """The site; ``with LoopbackSite(...) as site:`` serves it on ``site.origin``."""

    def __init__(self, folders: list[Path] = (), overlay: Path | None = None,
                 files: dict[str, bytes] | None = None,
                 routes: dict[str, Route] | None = None, mtime: float = 1_700_000_000.0):
        self.folders, self.overlay = list(folders), overlay
        self.files = dict(files or {})
        self.routes = dict(routes or {})
        self.redirects: dict[str, tuple[int, str]] = {}
        self.removed: dict[str, int] = {}  # path → 404 or 410
        self.mtimes: dict[str, float] = {}
        self.mtime = mtime
        self.log: list[Request] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> LoopbackSite:
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
        return self

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def requests(self, since: int = 0) -> list[Request]:
        """The requests answered from the ``since``-th on."""
        with self._lock:
            return list(self.log[since:])

    def record(self, request: Request) -> None:
        """Log one answered request."""
        with self._lock:
            self.log.append(request)

    def content(self, path: str) -> tuple[bytes, float] | None:
        """The bytes at ``path`` and their modification time, or ``None``."""
        if path.endswith("/"):
            path += "index.html"
        if path in self.files:
            return self.files[path], self.mtimes.get(path, self.mtime)
        relative = unquote(path).lstrip("/")
        for folder in ([self.overlay] if self.overlay else []) + self.folders:
            file = folder / relative
            if relative and file.is_file() and folder.resolve() in file.resolve().parents:
                data = file.read_bytes()
                if folder == self.overlay and file.suffix in (".txt", ".xml", ".html"):
                    data = data.replace(b"{origin}", self.origin.encode())
                return data, self.mtimes.get(path, file.stat().st_mtime)
        return None


def _handler(site: LoopbackSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body leave at once: no 40 ms delayed-ACK stall
        wbufsize = 1 << 16  # one write per answer (flushed after each request; a route streaming flushes)

        def log_message(self, *_args) -> None:  # the site keeps its own log
            pass

        def answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
            """Send a whole answer and log it."""
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            self.logged(status)

        def logged(self, status: int) -> None:
            conditional = bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))
            agent = self.headers.get("User-Agent", "")
            site.record(Request(self.command, self.path, conditional, status, agent))

        def do_GET(self) -> None:  # noqa: N802 (the http.server name)
            path = urlsplit(self.path).path
            route = site.routes.get(path) or next(
                (site.routes[key] for key in sorted(site.routes, key=len, reverse=True)
                 if key.endswith("/") and path.startswith(key)), None)
            if route is not None:
                route(self)
            elif path in site.removed:
                self.answer(site.removed[path], NOT_FOUND, {"Content-Type": "text/html"})
            elif path in site.redirects:
                status, target = site.redirects[path]
                self.answer(status, headers={"Location": target})
            else:
                found = site.content(path)
                if found is None:
                    self.answer(404, NOT_FOUND, {"Content-Type": "text/html"})
                else:
                    self.send_file(path, *found)

        do_HEAD = do_GET  # noqa: N815

        def send_file(self, path: str, data: bytes, mtime: float) -> None:
            etag = f'"{hashlib.sha1(data).hexdigest()[:16]}"'
            modified = formatdate(mtime, usegmt=True)
            headers = {"ETag": etag, "Last-Modified": modified}
            asked = self.headers.get("If-None-Match")  # when given, If-Modified-Since is ignored (RFC 9110)
            since = self.headers.get("If-Modified-Since")
            if asked == etag or (asked is None and _not_modified(since, mtime)):
                self.answer(304, headers=headers)
                return
            suffix = Path(path if not path.endswith("/") else path + "index.html").suffix.lower()
            self.answer(200, data, {**headers, "Content-Type": TYPES.get(suffix, "application/octet-stream")})

    return Handler


def _not_modified(since: str | None, mtime: float) -> bool:
    """Whether an ``If-Modified-Since`` date is at or after ``mtime`` (whole seconds)."""
    if not since:
        return False
    try:
        return int(mtime) <= parsedate_to_datetime(since).timestamp()
    except (TypeError, ValueError):
        return False
