"""Request bodies: the app takes none, so a big one is refused at once, and Expect never hangs."""

from __future__ import annotations

import pytest
from live_server import running_server
from raw_http import connect, exchange, json_body, read_response

TOKEN = "s3cret-token-for-tests"
BIG = 200 << 20


@pytest.fixture(scope="module")
def port(index_dir, tmp_path_factory):
    """A live server with the admin endpoint on."""
    log = tmp_path_factory.mktemp("bodies") / "serve.log"
    with running_server(index_dir, log, env={"EGOV_ADMIN_TOKEN": TOKEN}, workers=1) as server:
        yield server["port"]


def post(length: int, *extra: str) -> bytes:
    """The head of an unauthenticated POST to the rebuild endpoint announcing ``length`` bytes."""
    lines = ["POST /api/admin/rebuild HTTP/1.1", "Host: egov", f"Content-Length: {length}", *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_a_200_mb_post_gets_its_413_before_the_body_is_sent(port):
    status, headers, body = exchange(port, post(BIG) + b"x" * 4096)
    assert status == 413 and headers["connection"] == "close"


def test_a_body_over_64_kb_is_refused_and_one_under_reaches_the_app(port):
    assert exchange(port, post(64 << 10) + b"x" * (64 << 10))[0] == 413
    status, _, body = exchange(port, post(1000) + b"x" * 1000)
    assert status == 401 and json_body(body)["error"]["code"] == "unauthorized"


def test_expect_100_continue_without_a_body_is_answered_at_once(port):
    status, _, body = exchange(port, b"GET /healthz HTTP/1.1\r\nHost: egov\r\nExpect: 100-continue\r\n\r\n")
    assert status == 200 and json_body(body)["status"] == "ok"


def test_expect_100_continue_with_a_body_too_big_gets_the_413_at_once(port):
    assert exchange(port, post(BIG, "Expect: 100-continue"))[0] == 413


def test_expect_100_continue_with_a_small_body_continues(port):
    with connect(port) as sock:
        sock.sendall(post(10, "Expect: 100-continue"))
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(b"0123456789")
        assert read_response(sock)[0] == 401
