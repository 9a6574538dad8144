"""Raw sockets to a live server: requests sent byte for byte, answers read within a bound."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

BOUND = 10.0  # seconds: a generous bound for an answer or a close, never a measurement


def connect(port: int, source: str = "127.0.0.1") -> socket.socket:
    """A TCP connection to 127.0.0.1:``port`` from the loopback address ``source``."""
    sock = socket.socket()
    sock.settimeout(BOUND)
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", port))
    return sock


def exchange(port: int, raw: bytes) -> tuple[int, dict, bytes]:
    """Send ``raw`` on a new connection; the answer's status, headers (lower-case) and body."""
    with connect(port) as sock:
        sock.sendall(raw)
        return read_response(sock)


def read_response(sock: socket.socket) -> tuple[int, dict, bytes]:
    """Read the final response (after any ``100 Continue``) within :data:`BOUND`; it has a
    Content-Length or ends at the close."""
    deadline = time.monotonic() + BOUND
    data = b""
    while True:
        while b"\r\n\r\n" not in data:
            chunk = _recv(sock, deadline)
            if not chunk:
                raise ConnectionError(f"closed before a whole answer: {data[:200]!r}")
            data += chunk
        head, _, data = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        if not lines[0].split()[1].startswith("1"):
            break
    headers = {name.lower(): value.strip() for name, _, value in
               (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", -1))
    while len(data) < length or length < 0:
        chunk = _recv(sock, deadline)
        if not chunk:
            break
        data += chunk
    return int(lines[0].split()[1]), headers, data


def json_body(body: bytes) -> dict:
    """The decoded JSON of an answer."""
    return json.loads(body.decode("utf-8"))


def closed_within(sock: socket.socket, seconds: float = BOUND) -> bool:
    """Whether the server closes ``sock`` within ``seconds`` (anything it sends is read and dropped)."""
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            if not sock.recv(65536):
                return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    return False


def _recv(sock: socket.socket, deadline: float) -> bytes:
    """The next bytes, ``b""`` at the close; :class:`TimeoutError` past ``deadline``."""
    sock.settimeout(max(0.01, deadline - time.monotonic()))
    return sock.recv(65536)


def log_shows(log: Path, text: str) -> bool:
    """Whether ``text`` appears in the server log ``log`` within :data:`BOUND`."""
    deadline = time.monotonic() + BOUND
    while text not in log.read_text():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True
