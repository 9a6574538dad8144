"""The access log holds one line per request, whatever bytes the request carries."""

from __future__ import annotations

import logging
import re

import pytest
from live_server import running_server
from raw_http import exchange, log_shows

from webui.logs import log_access

FORGED = b"\x1b[31mred\x1b[0m\x0b2026-01-01%2000:00:00,000%20[1]%20egov_search.access%20GET%20/admin%20200"
UNSAFE = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f-\xff]")  # what a log line must not hold (\n ends it)


@pytest.fixture(scope="module")
def server(index_dir, tmp_path_factory):
    """A live server."""
    with running_server(index_dir, tmp_path_factory.mktemp("logs") / "serve.log", workers=1) as server:
        yield server


def test_control_bytes_in_the_query_are_escaped(server):
    query = b"q=" + FORGED + b"\x00\x7f\\x41"
    status, _, _ = exchange(server["port"], b"GET /api/search?" + query + b" HTTP/1.1\r\nHost: e\r\n\r\n")
    escaped = (r"GET /api/search?q=\x1b[31mred\x1b[0m\x0b2026-01-01%2000:00:00,000%20[1]"
               rf"%20egov_search.access%20GET%20/admin%20200\x00\x7f\x5cx41 {status} ")
    assert log_shows(server["log"], escaped)
    assert not UNSAFE.search(server["log"].read_bytes())


def test_raw_utf_8_in_the_query_is_answered_and_logged_percent_encoded(server):
    status, _, _ = exchange(server["port"], "GET /?q=华宇 HTTP/1.1\r\nHost: e\r\n\r\n".encode())
    assert status == 200  # read as a browser would have sent it
    assert log_shows(server["log"], r"GET /?q=%E5%8D%8E%E5%AE%87 200 ")


def test_a_request_waitress_refuses_is_escaped_too(server):
    status, _, _ = exchange(server["port"], b"G\x1b[2JET /api/\x0bx\x00 HTTP/1.1\r\nHost: e\r\n\r\n")
    assert status == 400
    assert log_shows(server["log"], r"127.0.0.1 G\x1b[2JET /api/\x0bx\x00 400 ")
    assert not UNSAFE.search(server["log"].read_bytes())


def test_every_field_is_escaped(caplog):
    with caplog.at_level(logging.INFO, logger="egov_search.access"):
        log_access("10.0.0.1\x1b]0;x\x07", "GET\x0b", "/a\r\nb", 200, 1.0)
    assert caplog.messages == [r"10.0.0.1\x1b]0;x\x07 GET\x0b /a\x0d\x0ab 200 1.0ms"]
