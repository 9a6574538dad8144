"""Client threads that request paths from a live server in a loop until stopped, keeping
count of every answer's status and the first bodies of server errors."""

from __future__ import annotations

import http.client
import itertools
import threading
from collections import Counter

from live_server import request

SERVER_ERRORS_KEPT = 5


class Hammer:
    """``clients`` threads cycling through ``paths`` while the ``with`` block runs, each
    waiting ``pause`` seconds after every answer (to leave a small machine some CPU)."""

    def __init__(self, port: int, paths: list[str], clients: int, pause: float = 0.0):
        self.port, self.paths, self.pause = port, paths, pause
        self.statuses: Counter = Counter()
        self.server_errors: list[str] = []  # "path: status body" of answers >= 500 other than 503
        self._lock, self._stop = threading.Lock(), threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,)) for n in range(clients)]

    def __enter__(self) -> Hammer:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _run(self, number: int) -> None:
        for path in itertools.islice(itertools.cycle(self.paths), number, None):
            if self._stop.is_set():
                return
            try:
                status, body, _ = request(self.port, path)
            except (OSError, http.client.HTTPException) as err:
                status, body = 0, f"{type(err).__name__}: {err}".encode()
            self._record(path, status, body)
            self._stop.wait(self.pause)

    def _record(self, path: str, status: int, body: bytes) -> None:
        with self._lock:
            self.statuses[status] += 1
            if (status >= 500 or status == 0) and status != 503 \
                    and len(self.server_errors) < SERVER_ERRORS_KEPT:
                self.server_errors.append(f"{path}: {status} {body[:300]!r}")
