"""Guessing the admin token: each wrong one is logged and answered with WWW-Authenticate, and a
client address that keeps failing is told to wait (429) instead of being answered at full speed."""

from __future__ import annotations

import pytest
from live_server import running_server
from raw_http import connect, json_body, log_shows, read_response

from webui.throttle import RecentEvents as Failures

TOKEN = "s3cret-token-for-tests"


@pytest.fixture(scope="module")
def server(index_dir, tmp_path_factory):
    """A live server (one worker: the count is per worker) with the admin endpoint on."""
    log = tmp_path_factory.mktemp("throttle") / "serve.log"
    with running_server(index_dir, log, env={"EGOV_ADMIN_TOKEN": TOKEN}, workers=1) as server:
        yield server


def rebuild(port: int, token: str, source: str = "127.0.0.1") -> tuple[int, dict, bytes]:
    """POST /api/admin/rebuild with ``Authorization: Bearer token``, from ``source``."""
    with connect(port, source) as sock:
        sock.sendall(f"POST /api/admin/rebuild HTTP/1.1\r\nHost: egov\r\nAuthorization: Bearer {token}"
                     "\r\nContent-Length: 0\r\n\r\n".encode())
        return read_response(sock)


def test_wrong_tokens_are_logged_then_throttled_per_address(server):
    port = server["port"]
    for attempt in range(5):
        status, headers, body = rebuild(port, f"guess-{attempt}-x", source="127.0.0.3")
        assert status == 401 and headers["www-authenticate"].startswith("Bearer")
        assert json_body(body)["error"]["code"] == "unauthorized"
    assert log_shows(server["log"], "wrong or missing admin token from 127.0.0.3 (5 in 60 s)")
    assert "guess-" not in server["log"].read_text()
    status, headers, body = rebuild(port, TOKEN, source="127.0.0.3")  # even the right one waits
    assert status == 429 and 1 <= int(headers["retry-after"]) <= 60
    assert headers["content-type"] == "application/json"
    assert json_body(body)["error"]["code"] == "too_many_requests"
    assert rebuild(port, "guess-elsewhere", source="127.0.0.4")[0] == 401  # other addresses may still try


class Clock:
    """A clock the test moves."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_wait_ends_with_the_window():
    clock = Clock()
    failures = Failures(limit=5, window=60, capacity=100, clock=clock)
    for second in range(5):
        clock.now += 1
        assert failures.retry_after("a") == 0
        assert failures.add("a") == second + 1
    assert failures.retry_after("a") == 60 - 4
    clock.now += 56.5
    assert failures.retry_after("a") == 0 and failures.add("a") == 5  # the oldest has expired


def test_it_remembers_a_bounded_number_of_addresses():
    failures = Failures(limit=2, window=60, capacity=3, clock=Clock())
    for client in ["a", "b", "c", "d"]:
        failures.add(client)
        failures.add(client)
    assert failures.retry_after("a") == 0 and failures.retry_after("d") == 60
    assert len(failures) == 3
