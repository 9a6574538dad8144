"""Errors waitress answers by itself look like the app's: JSON under /api/ and /healthz, a short
Chinese page elsewhere, always with the security headers; and each gets an access-log line."""

from __future__ import annotations

import pytest
from live_server import running_server
from raw_http import exchange, json_body, log_shows

from webui import SECURITY_HEADERS

HUGE = 2 << 20  # past the header limit
CASES = {
    "header too large": (431, "GET {path} HTTP/1.1\r\nHost: egov\r\nX-Big: " + "a" * HUGE + "\r\n\r\n"),
    "URL too long": (431, "GET {path}?q=" + "a" * HUGE + " HTTP/1.1\r\nHost: egov\r\n\r\n"),
    "malformed header": (400, "GET {path} HTTP/1.1\r\nHost: egov\r\nno colon here\r\n\r\n"),
    "bad Content-Length": (400, "GET {path} HTTP/1.1\r\nHost: egov\r\nContent-Length: -5\r\n\r\n"),
    "body too large": (413, "POST {path} HTTP/1.1\r\nHost: egov\r\nContent-Length: 999999999\r\n\r\n"),
    "unknown transfer coding": (501, "POST {path} HTTP/1.1\r\nHost: egov\r\nTransfer-Encoding: gzip\r\n\r\n"),
}


@pytest.fixture(scope="module")
def server(index_dir, tmp_path_factory):
    """A live server."""
    with running_server(index_dir, tmp_path_factory.mktemp("errors") / "serve.log", workers=1) as server:
        yield server


def assert_secured(headers: dict) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name.lower()) == value, name


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("path", ["/api/search", "/healthz"])
def test_api_errors_from_waitress_are_json(server, case, path):
    code, raw = CASES[case]
    status, headers, body = exchange(server["port"], raw.format(path=path).encode())
    assert status == code and headers["content-type"] == "application/json"
    error = json_body(body)["error"]
    assert any("\u4e00" <= char <= "\u9fff" for char in error["message"]) and error["code"].isascii()
    assert_secured(headers)


@pytest.mark.parametrize("case", CASES)
def test_page_errors_from_waitress_are_a_chinese_page(server, case):
    code, raw = CASES[case]
    status, headers, body = exchange(server["port"], raw.format(path="/doc/vendor-1").encode())
    assert status == code and headers["content-type"] == "text/html; charset=utf-8"
    page = body.decode("utf-8")
    assert page.startswith("<!doctype html>") and 'lang="zh-CN"' in page and str(code) in page
    assert "Traceback" not in page and "waitress" not in page
    assert_secured(headers)


def test_waitress_errors_are_in_the_access_log(server):
    exchange(server["port"], b"POST /api/errors-for-the-log HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n")
    assert log_shows(server["log"], "127.0.0.1 POST /api/errors-for-the-log 413 ")
