"""Slow and idle connections are closed in time, and one client address cannot take every slot."""

from __future__ import annotations

import select
import time

import pytest
from live_server import running_server
from raw_http import BOUND, closed_within, connect, exchange, log_shows, read_response

pytestmark = pytest.mark.slow  # real deadlines of seconds: `make test`, not `make test-fast`

HALF_REQUEST = b"GET /?q=%E4%BA%91 HTTP/1.1\r\nHost: egov\r\n"  # the headers never end


def test_a_request_trickled_in_line_by_line_is_cut_at_the_deadline(index_dir, tmp_path):
    env = {"EGOV_REQUEST_TIMEOUT": "2"}
    with running_server(index_dir, tmp_path / "serve.log", env=env, workers=1) as server:
        with connect(server["port"]) as sock:
            sock.sendall(HALF_REQUEST)
            closed, deadline = False, time.monotonic() + BOUND
            while not closed and time.monotonic() < deadline:
                try:
                    sock.sendall(b"X-Slow: 1\r\n")  # a header line every half second keeps it active
                except OSError:
                    closed = True
                    break
                closed = closed_within(sock, 0.5)
            assert closed
        assert log_shows(server["log"], "no complete request within 2 s")


def test_an_idle_keep_alive_connection_is_closed(index_dir, tmp_path):
    env = {"EGOV_IDLE_TIMEOUT": "2"}
    with running_server(index_dir, tmp_path / "serve.log", env=env, workers=1) as server:
        with connect(server["port"]) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: egov\r\n\r\n")
            status, headers, _ = read_response(sock)
            assert status == 200 and headers.get("connection") != "close"
            assert closed_within(sock)


def test_one_address_holding_half_sent_requests_does_not_lock_others_out(index_dir, tmp_path):
    with running_server(index_dir, tmp_path / "serve.log", workers=1) as server:
        hogs = [connect(server["port"], source="127.0.0.2") for _ in range(120)]
        try:
            for sock in hogs:
                sock.sendall(HALF_REQUEST)
            status, _, _ = exchange(server["port"], b"GET /healthz HTTP/1.1\r\nHost: egov\r\n\r\n")
            assert status == 200
            assert count_closed(hogs, at_least=100) >= 100  # all but the per-client cap
        finally:
            for sock in hogs:
                sock.close()
        assert log_shows(server["log"], "too many connections from 127.0.0.2")


def count_closed(socks: list, at_least: int) -> int:
    """How many of ``socks`` the server closed, waiting until ``at_least`` are or :data:`BOUND`."""
    open_, closed = set(socks), 0
    deadline = time.monotonic() + BOUND
    while closed < at_least and open_ and time.monotonic() < deadline:
        ready, _, _ = select.select(list(open_), [], [], 0.2)
        for sock in ready:
            open_.discard(sock)
            closed += closed_within(sock, 0.1)
    return closed


def test_a_full_connection_table_of_half_sent_requests_drains_at_the_deadline(index_dir, tmp_path):
    env = {"EGOV_REQUEST_TIMEOUT": "2"}
    with running_server(index_dir, tmp_path / "serve.log", env=env, workers=1) as server:
        hogs = [connect(server["port"], source=f"127.0.1.{n % 11 + 1}") for n in range(210)]
        try:
            for sock in hogs:
                sock.sendall(HALF_REQUEST)  # 11 addresses, each under its cap, 210 in all
            status, _, _ = exchange(server["port"], b"GET /healthz HTTP/1.1\r\nHost: egov\r\n\r\n")
            assert status == 200
        finally:
            for sock in hogs:
                sock.close()
