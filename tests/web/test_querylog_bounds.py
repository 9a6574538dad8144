"""What the query log costs a request (counted, not timed), a log file from before version 2,
the file deleted or replaced under a running server, and the editor's decisions."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from live_server import request, running_server
from test_querylog import CLIENTS, link, refresh, rows, search, shown_popular

from webui import create_app, logschema, popular, querylog
from webui.cli import main

TOKEN = "editor-token-for-tests"
OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS searches (
    at REAL NOT NULL, query TEXT NOT NULL, filters TEXT NOT NULL, total INTEGER NOT NULL,
    suggestion TEXT, kept_typed INTEGER NOT NULL DEFAULT 0, from_autocomplete INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS searches_at ON searches (at);
"""


@pytest.fixture
def statements(monkeypatch) -> list[tuple[int, str]]:
    """Every SQL statement run on a connection opened from now on, with the thread that ran it."""
    ran: list[tuple[int, str]] = []
    real = sqlite3.connect

    def traced(*args, **kwargs):
        db = real(*args, **kwargs)
        db.set_trace_callback(lambda sql: ran.append((threading.get_ident(), sql)))
        return db

    monkeypatch.setattr(sqlite3, "connect", traced)
    return ran


def flood(path: Path, count: int, clients: int, start: int = 0) -> None:
    """``count`` distinct queries, each searched by ``clients`` distinct clients today."""
    now = time.time()
    querylog.LogFile(path).write([querylog.Search(now, f"洪水{n}", f"洪水{n}", {}, 1, visitor=bytes([c]) * 8)
                                 for n in range(start, start + count) for c in range(clients)])


def test_a_request_does_no_query_log_work_however_big_the_log(index_dir, tmp_path, statements):
    log = tmp_path / "queries.sqlite3"
    app = create_app({"TESTING": True, "INDEX": str(index_dir), "QUERY_LOG": str(log),
                      "POPULAR_REFRESH": 3600, "QUERY_LOG_QUERIES": 30_000})
    site = app.test_client()
    me = threading.get_ident()

    def work_of(url: str) -> int:
        """Statements run by the thread that answered ``url`` while it answered."""
        before = len(statements)
        assert site.get(url, environ_base={"REMOTE_ADDR": "10.3.0.1"}).status_code == 200
        return sum(thread == me for thread, _ in statements[before:])

    pages = ["/", "/?q=智慧城市", "/?q=服务&kind=vendor"]
    assert [work_of(url) for url in pages] == [0, 0, 0]
    flood(log, 20_000, 1)
    flood(log, 2 * popular.POOL, CLIENTS, start=20_000)  # more popular ones than 相关搜索 compares
    refresh(site)
    kept = app.extensions["querylog"]
    assert [work_of(url) for url in pages] == [0, 0, 0]
    assert len(shown_popular(site)) == popular.POPULAR_SHOWN and len(kept._lists) == popular.POOL
    with sqlite3.connect(log) as db:
        assert db.execute("SELECT COUNT(*) FROM queries").fetchone()[0] == 20_000 + 2 * popular.POOL + 2
    assert "智慧城市" in [row["query"] for row in rows(log)]  # written, but by the log's thread


def test_distinct_queries_are_cut_to_the_bound_on_refresh(index_dir, tmp_path):
    log = tmp_path / "queries.sqlite3"
    site = create_app({"TESTING": True, "INDEX": str(index_dir), "QUERY_LOG": str(log),
                       "POPULAR_REFRESH": 3600}).test_client()
    flood(log, 12_000, 1)
    refresh(site)
    with sqlite3.connect(log) as db:
        assert db.execute("SELECT COUNT(*) FROM queries").fetchone()[0] == popular.Settings.max_queries


def test_a_log_from_before_version_2_is_migrated_in_place(index_dir, tmp_path):
    log = tmp_path / "queries.sqlite3"
    with contextlib.closing(sqlite3.connect(log)) as db, db:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(OLD_SCHEMA)
        db.executemany("INSERT INTO searches VALUES (?, ?, '{}', 3, NULL, 0, 0)",
                       [(time.time() - 60, "服务")] * 6 + [(time.time() - 30, "智慧城市")])
    site = create_app({"TESTING": True, "INDEX": str(index_dir), "QUERY_LOG": str(log),
                       "POPULAR_REFRESH": 3600}).test_client()
    search(site, "/?q=服务")
    assert shown_popular(site) == []  # old rows cannot tell clients apart: they do not count
    *old, new = [(row["id"], row["query"]) for row in rows(log)]
    assert old == [*((n, "服务") for n in range(1, 7)), (7, "智慧城市")]
    assert new[1] == "服务" and abs(querylog.search_time(new[0]) - time.time()) < 60  # an id by the request
    with sqlite3.connect(log) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(logschema.MIGRATIONS)
    report = CliRunner().invoke(main, ["report", "--log", str(log)])
    assert "搜索 8 次" in report.output


def _written(path: Path, query: str, count: int) -> None:
    """Wait (bounded) until ``path`` holds ``count`` searches for ``query``."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if sum(row["query"] == query for row in rows(path)) >= count:
                return
        except sqlite3.Error:
            pass
        time.sleep(0.2)
    pytest.fail(f"{path} never held {count} searches for {query}")


def _open_deleted(pid: int) -> list[str]:
    """Files the process holds open that were deleted."""
    folder = Path(f"/proc/{pid}/fd")
    return [target for fd in folder.iterdir() if (target := os.readlink(fd)).endswith("(deleted)")]


@pytest.mark.slow  # over 2 s on its own: `make test`, not `make test-fast`
def test_a_log_deleted_or_replaced_under_a_running_server_is_reopened(index_dir, tmp_path):
    log = tmp_path / "queries.sqlite3"
    with running_server(index_dir, tmp_path / "serve.log", workers=1,
                        env={"EGOV_QUERY_LOG": str(log), "EGOV_POPULAR_REFRESH": "1"}) as server:
        for query in ("服务", "智慧城市", "云计算"):
            assert request(server["port"], link(query))[0] == 200
            _written(log, query, 1)
            log.unlink() if query == "服务" else None
            if query == "智慧城市":  # replaced by another log, as a restore from a backup would
                other = tmp_path / "other.sqlite3"
                querylog.LogFile(other).write([querylog.Search(time.time(), "备份", "备份", {}, 1)])
                os.replace(other, log)
        _written(log, "云计算", 1)
        assert [row["query"] for row in rows(log)] == ["备份", "云计算"]
        assert not [path for path in _open_deleted(server["process"].pid) if "sqlite3" in path]
    assert server["log"].read_text().count("was deleted or replaced: reopened") == 2


@pytest.mark.slow  # over 2 s on its own: `make test`, not `make test-fast`
def test_behind_a_trusted_proxy_each_forwarded_address_is_a_client(index_dir, tmp_path):
    env = {"EGOV_QUERY_LOG": str(tmp_path / "queries.sqlite3"), "EGOV_POPULAR_REFRESH": "1",
           "EGOV_TRUSTED_PROXIES": "127.0.0.1"}
    with running_server(index_dir, tmp_path / "serve.log", workers=1, env=env) as server:
        for number in range(CLIENTS):
            forwarded = {"X-Forwarded-For": f"6.6.6.6, 192.0.2.{number}"}  # the first: what a client wrote
            assert request(server["port"], link("智慧城市"), headers=forwarded)[0] == 200
        deadline = time.monotonic() + 60
        while link("智慧城市").encode() not in request(server["port"], "/")[1]:
            assert time.monotonic() < deadline, "five forwarded clients never made 智慧城市 popular"
            time.sleep(0.2)


def _editor(path: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["popular", *args, "--log", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_editor_hides_pins_and_unpins_from_the_command_line(site, log):
    search(site, "/?q=智慧城市", clients=CLIENTS + 1)
    search(site, "/?q=服务", clients=CLIENTS)
    search(site, "/?q=云计算", clients=2)
    assert shown_popular(site) == [link("智慧城市"), link("服务")]
    listed = _editor(log, "list")
    assert "已显示" in listed and "搜索人数不足（2/5）" in listed and "云计算" in listed
    assert _editor(log, "hide", "智慧城市") == "已隐藏：智慧城市\n"
    _editor(log, "pin", "雲計算")
    assert shown_popular(site) == [link("云计算"), link("服务")]
    _editor(log, "unpin", "云计算")
    assert shown_popular(site) == [link("服务")]
    _editor(log, "approve", "智慧城市")
    assert shown_popular(site) == [link("智慧城市"), link("服务")]
    usage = CliRunner().invoke(main, ["popular", "--help"]).output
    assert "Hide QUERY" in usage and "Pin QUERY" in usage  # help in English, output in Chinese


def test_in_approval_mode_nothing_is_shown_until_approved(index_dir, log, monkeypatch):
    monkeypatch.setenv("EGOV_POPULAR", "approved")
    site = create_app({"TESTING": True, "INDEX": str(index_dir), "QUERY_LOG": str(log),
                       "POPULAR_REFRESH": 3600}).test_client()
    search(site, "/?q=智慧城市", clients=CLIENTS)
    search(site, "/?q=服务", clients=CLIENTS)
    assert shown_popular(site) == [] and "待批准" in _editor(log, "list")
    _editor(log, "approve", "服务")
    assert shown_popular(site) == [link("服务")]


def test_the_admin_api_lists_and_decides_with_the_token(index_dir, log):
    site = create_app({"TESTING": True, "INDEX": str(index_dir), "QUERY_LOG": str(log),
                       "POPULAR_REFRESH": 3600, "ADMIN_TOKEN": TOKEN}).test_client()
    search(site, "/?q=服务", clients=CLIENTS)
    search(site, "/?q=智慧城市", clients=CLIENTS)
    assert site.get("/api/admin/popular").status_code == 401
    assert site.post("/api/admin/popular/hide?q=服务").status_code == 401
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    refresh(site)
    listed = site.get("/api/admin/popular", headers=bearer).get_json()
    assert {entry["key"]: entry["shown"] for entry in listed["entries"]} == {"服务": True, "智慧城市": True}
    answer = site.post("/api/admin/popular/hide?q=服務", headers=bearer)
    assert answer.get_json() == {"query": "服务", "state": "hidden"}
    assert "/?q=%E6%9C%8D%E5%8A%A1" not in site.get("/").get_data(as_text=True)  # this worker: at once
    missing = site.post("/api/admin/popular/pin", headers=bearer)
    assert missing.status_code == 400 and missing.get_json()["error"]["param"] == "q"
