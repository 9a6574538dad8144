"""A real ``egov-search serve`` on a free loopback port, and raw HTTP requests to it."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CLI = shutil.which("egov-search", path=str(Path(sys.executable).parent))
COMMAND = [CLI] if CLI else [sys.executable, "-m", "webui"]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(index: Path, log_path: Path, env: dict | None = None,
                   threads: int = 4, workers: int | None = None, ready: int = 200) -> Iterator[dict]:
    """``egov-search serve`` over ``index`` until the block ends: its url, port, log and process
    (``workers`` processes, by default as many as the machine's cores, at most 4); it is up
    once ``/healthz`` answers ``ready``."""
    port = free_port()
    args = [*COMMAND, "serve", "--index", str(index), "--port", str(port), "--threads", str(threads)]
    if workers is not None:
        args += ["--workers", str(workers)]
    with open(log_path, "wb") as log:  # a file, not a pipe: the access log never blocks the server
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a bound for a hung start, not a measurement
    while True:
        try:
            if request(port, "/healthz")[0] == ready:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"egov-search serve did not start:\n{log_path.read_text()}")
        time.sleep(0.2)
    try:
        yield {"url": url, "port": port, "log": log_path, "process": process}
    finally:
        process.terminate()
        process.wait(timeout=20)


def request(port: int, path: str, method: str = "GET", headers: dict | None = None,
            connection: http.client.HTTPConnection | None = None) -> tuple[int, bytes, dict]:
    """Send ``path`` byte for byte (nothing normalised); return status, body and headers."""
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        if connection is None:
            conn.close()


def get_json(port: int, path: str) -> tuple[int, dict]:
    """Status and decoded JSON body of a GET."""
    status, body, _ = request(port, path)
    return status, json.loads(body)
