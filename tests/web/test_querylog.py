"""The query log: what it keeps (and does not), retention, 热门搜索, 相关搜索, the block list
and ``egov-search report``."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_pages import Tags, hrefs

from webui import create_app, querylog
from webui.cli import main


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return tmp_path / "queries.sqlite3"


@pytest.fixture
def site(index_dir: Path, log: Path, tmp_path: Path):
    """A client over the seed index logging to ``log``, with no caching of the lists."""
    app = create_app({"TESTING": True, "INDEX": str(index_dir), "QUERY_LOG": str(log), "QUERY_LOG_CACHE": 0,
                      "BLOCKLIST": str(tmp_path / "blocklist.txt")})
    return app.test_client()


def rows(log: Path) -> list[dict]:
    with sqlite3.connect(log) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM searches ORDER BY at")]


def search(site, url: str, times: int = 1) -> None:
    for _ in range(times):
        assert site.get(url, headers={"Cookie": "care=1", "X-Forwarded-For": "10.1.2.3"}).status_code == 200


def test_a_search_is_logged_without_address_or_cookie(site, log):
    search(site, "/?q=服务&kind=vendor&from=2020-01-01")
    search(site, "/?q=服务&kind=vendor&page=2")  # later pages are the same search: not logged
    search(site, "/?q=")  # an empty query neither
    [row] = rows(log)
    assert set(row) == {"at", "query", "filters", "total", "suggestion", "kept_typed", "from_autocomplete"}
    total = site.get("/api/search?q=服务&kind=vendor&from=2020-01-01").get_json()["total"]
    assert row["query"] == "服务" and row["total"] == total and abs(row["at"] - time.time()) < 60
    assert row["filters"] == '{"from": "2020-01-01", "kind": ["vendor"]}'
    stored = log.read_bytes()
    assert b"10.1.2.3" not in stored and b"127.0.0.1" not in stored and b"care" not in stored


def test_corrections_kept_typed_and_autocomplete_are_logged(site, log):
    search(site, "/?q=華雨軟件")
    search(site, "/?q=華雨軟件&exact=1")
    search(site, "/?q=华宇软件&sug=1")
    corrected, kept, picked = rows(log)
    assert (corrected["suggestion"], corrected["kept_typed"]) == ("华宇软件", 0)
    assert (kept["suggestion"], kept["kept_typed"]) == (None, 1)
    assert picked["from_autocomplete"] == 1 and corrected["from_autocomplete"] == 0


def test_old_searches_are_pruned_on_write(log):
    now = time.time()
    querylog.record(log, "旧查询", {}, 3, now=now - (querylog.RETENTION_DAYS + 1) * querylog.DAY)
    querylog.record(log, "较新", {}, 3, now=now - 10 * querylog.DAY)
    querylog.record(log, "新查询", {}, 3, now=now)
    assert [row["query"] for row in rows(log)] == ["较新", "新查询"]


def test_popular_needs_several_searches_that_found_something(site, log):
    search(site, "/?q=智慧城市", times=querylog.MIN_SEARCHES)
    search(site, "/?q=服务", times=querylog.MIN_SEARCHES + 1)
    search(site, "/?q=云计算", times=querylog.MIN_SEARCHES - 1)  # too few: could identify someone
    search(site, "/?q=量子纠缠xyz", times=querylog.MIN_SEARCHES)  # found nothing
    html = site.get("/").get_data(as_text=True)
    tags = Tags(html.split('id="popular-title"', 1)[1].split("</nav>", 1)[0])
    assert hrefs(tags, r"^/\?q=") == ["/?q=%E6%9C%8D%E5%8A%A1", "/?q=%E6%99%BA%E6%85%A7%E5%9F%8E%E5%B8%82"]


def test_block_list_hides_terms(site, log, tmp_path):
    search(site, "/?q=智慧城市", times=querylog.MIN_SEARCHES)
    search(site, "/?q=服务", times=querylog.MIN_SEARCHES)
    (tmp_path / "blocklist.txt").write_text("# 不公开的词\n城市\n", encoding="utf-8")
    html = site.get("/").get_data(as_text=True)
    assert "/?q=%E6%9C%8D%E5%8A%A1" in html and "%E6%99%BA%E6%85%A7%E5%9F%8E%E5%B8%82" not in html


def test_related_searches_share_a_word(site, log):
    for query in ("智慧城市", "智慧政务", "服务", "城市大脑"):
        search(site, "/?q=" + query, times=querylog.MIN_SEARCHES)
    html = site.get("/?q=智慧城市").get_data(as_text=True)
    block = html.split('id="related-title"', 1)[1].split("</section>", 1)[0]
    shown = hrefs(Tags(block), r"^/\?q=")
    assert set(shown) == {"/?q=%E6%99%BA%E6%85%A7%E6%94%BF%E5%8A%A1",  # 智慧政务
                          "/?q=%E5%9F%8E%E5%B8%82%E5%A4%A7%E8%84%91"}  # 城市大脑


def test_lists_can_be_switched_off(index_dir, log, monkeypatch):
    monkeypatch.setenv("EGOV_POPULAR", "0")
    site = create_app({"TESTING": True, "INDEX": str(index_dir), "QUERY_LOG": str(log),
                       "QUERY_LOG_CACHE": 0}).test_client()
    for query in ("智慧城市", "智慧政务"):
        search(site, "/?q=" + query, times=querylog.MIN_SEARCHES)
    assert "热门搜索" not in site.get("/").get_data(as_text=True)
    assert "相关搜索" not in site.get("/?q=智慧城市").get_data(as_text=True)
    assert len(rows(log)) == 2 * querylog.MIN_SEARCHES + 1  # logging goes on


def test_logging_can_be_switched_off(index_dir, tmp_path):
    site = create_app({"TESTING": True, "INDEX": str(index_dir), "QUERY_LOG": "0"}).test_client()
    search(site, "/?q=服务")
    assert not list(tmp_path.glob("*.sqlite3")) and "热门搜索" not in site.get("/").get_data(as_text=True)


def test_an_unusable_log_never_fails_a_search(index_dir, tmp_path):
    folder = tmp_path / "not-a-file"
    folder.mkdir()
    site = create_app({"TESTING": True, "INDEX": str(index_dir), "QUERY_LOG": str(folder),
                       "QUERY_LOG_CACHE": 0}).test_client()
    search(site, "/?q=服务")
    assert site.get("/").status_code == 200


def test_report_prints_top_nothing_and_suggestions(site, log):
    search(site, "/?q=服务", times=3)
    search(site, "/?q=智慧城市", times=2)
    search(site, "/?q=量子纠缠xyz", times=2)
    search(site, "/?q=華雨軟件")
    search(site, "/?q=华宇软件&sug=1")
    old = time.time() - 40 * querylog.DAY
    querylog.record(log, "很久以前", {}, 0, now=old)
    result = CliRunner().invoke(main, ["report", "--log", str(log), "--days", "30"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "9 searches in the last 30 days" in out
    top = out.split("top queries:", 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    assert [line.split()[-1] for line in top][:3] == ["服务", "智慧城市", "量子纠缠xyz"]
    nothing = out.split("top queries that found nothing:", 1)[1].split("\n\n", 1)[0]
    assert "量子纠缠xyz" in nothing and "服务" not in nothing and "很久以前" not in nothing
    assert "華雨軟件 | 华宇软件" in out.split("corrections shown", 1)[1]
    assert "华宇软件" in out.split("queries picked from the autocomplete:", 1)[1]
    longer = CliRunner().invoke(main, ["report", "--log", str(log), "--days", "60"]).output
    assert "很久以前" in longer


def test_report_without_a_log_says_where_it_looked(tmp_path):
    result = CliRunner().invoke(main, ["report", "--log", str(tmp_path / "none.sqlite3")])
    assert result.exit_code != 0 and "no query log" in result.output


def test_related_searches_leave_the_results_marks_alone(site, log):
    for query in ("智慧城市", "智慧政务"):
        search(site, "/?q=" + query, times=querylog.MIN_SEARCHES)
    html = site.get("/?q=智慧城市").get_data(as_text=True)
    assert "相关搜索" in html and "平安<mark>智慧城市</mark></a>" in html
