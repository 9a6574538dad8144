"""HTTP figures: a bounded loopback load generator and the cold start of ``egov-search serve``."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

HOST = "127.0.0.1"
SERVE = [sys.executable, "-m", "webui", "serve"]


@dataclass
class LoadResult:
    """Requests per second, latency percentiles (ms) and failed requests of one load run."""

    requests: int
    per_second: float
    p99_ms: float
    errors: int
    p50_ms: float = 0.0
    p95_ms: float = 0.0


def free_port() -> int:
    """A TCP port on the loopback interface that nobody listens on now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def search_path(query: str) -> str:
    """The JSON API path that searches for ``query``."""
    return f"/api/search?q={quote(query)}"


def start_server(index_dir: Path, port: int) -> subprocess.Popen:
    """Launch ``egov-search serve`` on the loopback interface, its logs discarded."""
    return subprocess.Popen([*SERVE, "--index", str(index_dir), "--host", HOST, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_server(server: subprocess.Popen) -> None:
    """Stop a server this module started."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def cold_start(index_dir: Path, query: str, timeout: float = 60.0) -> float:
    """Seconds from launching ``serve`` to the first answered search."""
    port = free_port()
    started = time.perf_counter()
    server = start_server(index_dir, port)
    try:
        while time.perf_counter() - started < timeout:
            if server.poll() is not None:
                raise RuntimeError(f"serve exited with code {server.returncode}")
            try:
                connection = http.client.HTTPConnection(HOST, port, timeout=5)
                connection.request("GET", search_path(query))
                if connection.getresponse().status == 200:
                    return time.perf_counter() - started
            except OSError:
                time.sleep(0.01)
        raise RuntimeError(f"serve did not answer within {timeout:.0f} s")
    finally:
        stop_server(server)


def wait_until_up(port: int, timeout: float = 60.0) -> None:
    """Block until something answers HTTP on ``port``."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answered on port {port} within {timeout:.0f} s")


def load(port: int, queries: Sequence[str], requests: int, concurrency: int = 8,
         request: Callable[[int], tuple[str, dict]] | None = None) -> LoadResult:
    """Send ``requests`` searches from ``concurrency`` keep-alive clients; measure the server.
    The ``n``-th is ``request(n)`` (a path and its headers), by default a search of ``queries``."""
    request = request or (lambda number: (search_path(queries[number % len(queries)]), {}))
    lock = threading.Lock()
    issued = iter(range(requests))
    latencies: list[float] = []
    errors = [0]

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        while True:
            with lock:
                number = next(issued, None)
            if number is None:
                break
            sent = time.perf_counter()
            try:
                path, headers = request(number)
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
            with lock:
                latencies.append(time.perf_counter() - sent)
                errors[0] += not ok
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    latencies.sort()
    p50, p95, p99 = (latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000
                     for share in (0.50, 0.95, 0.99))
    return LoadResult(requests, requests / seconds, p99, errors[0], p50, p95)
