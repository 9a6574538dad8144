"""The query log: what it keeps (and does not), retention and bounds, 热门搜索 and 相关搜索 among
distinct clients, and the block list (the report: ``test_search_report.py``)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from test_pages import Tags, hrefs

from webui import create_app, popular, querylog

CLIENTS = popular.Settings.min_clients


def refresh(site) -> None:
    """What the log's thread does each minute, now: write, prune, compute the lists."""
    site.application.extensions["querylog"].refresh()


def rows(log: Path) -> list[dict]:
    with sqlite3.connect(log) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM searches ORDER BY id")]


def search(site, url: str, times: int = 1, clients: int = 1, headers: dict | None = None,
           method: str = "GET") -> None:
    """``url`` asked ``times`` by each of ``clients`` addresses (10.1.2.1, 10.1.2.2, …)."""
    for number in range(1, clients + 1):
        for _ in range(times):
            response = site.open(url, method=method, headers={"Cookie": "care=1", **(headers or {})},
                                 environ_base={"REMOTE_ADDR": f"10.1.2.{number}"})
            assert response.status_code == 200


def shown_popular(site) -> list[str]:
    refresh(site)
    html = site.get("/").get_data(as_text=True)
    if 'id="popular-title"' not in html:
        return []
    return hrefs(Tags(html.split('id="popular-title"', 1)[1].split("</nav>", 1)[0]), r"^/\?q=")


def shown_related(site, query: str) -> list[str]:
    refresh(site)
    html = site.get("/?q=" + query).get_data(as_text=True)
    if 'id="related-title"' not in html:
        return []
    return hrefs(Tags(html.split('id="related-title"', 1)[1].split("</section>", 1)[0]), r"^/\?q=")


def link(query: str) -> str:
    from urllib.parse import quote
    return "/?q=" + quote(query)


def test_a_search_is_logged_without_address_or_cookie(site, log):
    search(site, "/?q=服务&kind=vendor&from=2020-01-01")
    search(site, "/?q=服务&kind=vendor&page=2")  # later pages are the same search: not logged
    search(site, "/?q=")  # an empty query neither
    refresh(site)
    [row] = rows(log)
    assert set(row) == {"id", "at", "query", "filters", "total", "suggestion", "kept_typed",
                        "from_autocomplete"}
    total = site.get("/api/search?q=服务&kind=vendor&from=2020-01-01").get_json()["total"]
    assert row["query"] == "服务" and row["total"] == total and abs(row["at"] - time.time()) < 60
    assert row["filters"] == '{"from": "2020-01-01", "kind": ["vendor"]}'
    stored = log.read_bytes()
    assert b"10.1.2.1" not in stored and b"127.0.0.1" not in stored and b"care" not in stored


def test_corrections_kept_typed_and_autocomplete_are_logged(site, log):
    search(site, "/?q=華雨軟件")
    search(site, "/?q=華雨軟件&exact=1")
    search(site, "/?q=华宇软件&sug=1")
    refresh(site)
    corrected, kept, picked = rows(log)
    assert (corrected["suggestion"], corrected["kept_typed"]) == ("华宇软件", 0)
    assert (kept["suggestion"], kept["kept_typed"]) == (None, 1)
    assert picked["from_autocomplete"] == 1 and corrected["from_autocomplete"] == 0


def test_old_searches_are_pruned(log):
    now = time.time()
    old = now - (querylog.RETENTION_DAYS + 1) * querylog.DAY
    searches = ((old, "旧查询"), (now - 10 * querylog.DAY, "较新"), (now, "新查询"))
    querylog.LogFile(log).write([querylog.Search(at, text, text, {}, 3) for at, text in searches])
    querylog.LogFile(log).maintain(now, int(now // querylog.DAY), popular.WINDOW_DAYS, 100)
    assert [row["query"] for row in rows(log)] == ["较新", "新查询"]


def test_one_client_repeating_a_phrase_never_makes_it_popular(site):
    search(site, "/?q=智慧城市", times=50)
    search(site, "/?q=服务", clients=CLIENTS - 1, times=3)
    assert shown_popular(site) == []


def test_five_clients_make_a_query_popular_if_it_found_something(site):
    search(site, "/?q=智慧城市", clients=CLIENTS)
    search(site, "/?q=服务", clients=CLIENTS + 1)
    search(site, "/?q=量子纠缠xyz", clients=CLIENTS)  # found nothing
    search(site, "/?q=云计算", clients=CLIENTS - 1, times=4)
    assert shown_popular(site) == [link("服务"), link("智慧城市")]


def test_a_query_typed_in_traditional_or_variants_counts_as_one(site):
    for number, typed in enumerate(["华宇软件", "華宇軟件", "華宇软件", "华宇软件", "华宇软件"], start=1):
        site.get("/?q=" + typed, environ_base={"REMOTE_ADDR": f"10.9.9.{number}"})
    assert shown_popular(site) == [link("华宇软件")]


BLOCKED_FORMS = ["騙子", "骗\u200b子", "骗 子", "骗-子", "ＰＩＡＮ子"]


@pytest.mark.parametrize("form", BLOCKED_FORMS)
def test_a_blocked_term_in_any_form_is_never_shown(site, tmp_path, form):
    (tmp_path / "blocklist.txt").write_text("# 不公开的词\n骗子\npian子\n", encoding="utf-8")
    planted = f"智慧城市{form}电话"
    search(site, "/?q=" + planted, clients=CLIENTS)
    search(site, "/?q=智慧城市大脑", clients=CLIENTS)
    assert shown_popular(site) == [link("智慧城市大脑")]
    assert shown_related(site, "智慧城市") == [link("智慧城市大脑")]


def test_block_list_matches_inside_longer_phrases_and_spaced_out(site, tmp_path):
    (tmp_path / "blocklist.txt").write_text("vx13800\n城市\n", encoding="utf-8")
    search(site, "/?q=服务", clients=CLIENTS)
    search(site, "/?q=加ｖｘ１３８００ 服务", clients=CLIENTS)
    search(site, "/?q=智慧城 市", clients=CLIENTS)
    assert shown_popular(site) == [link("服务")]


@pytest.mark.parametrize("how", ["HEAD", "image", "iframe", "cross-site", "prefetch"])
def test_requests_a_person_did_not_type_are_not_counted(site, log, how):
    headers = {"image": {"Sec-Fetch-Dest": "image", "Sec-Fetch-Site": "cross-site"},
               "iframe": {"Sec-Fetch-Dest": "iframe"},
               "cross-site": {"Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "cross-site"},
               "prefetch": {"Sec-Purpose": "prefetch"}}.get(how, {})
    search(site, "/?q=智慧城市", clients=CLIENTS, headers=headers, method="HEAD" if how == "HEAD" else "GET")
    assert shown_popular(site) == [] and rows(log) == []


def test_a_person_s_navigations_are_counted(site, log):
    document = {"Sec-Fetch-Dest": "document"}
    search(site, "/?q=智慧城市", clients=2, headers={**document, "Sec-Fetch-Site": "same-origin"})
    search(site, "/?q=智慧城市", clients=1, headers={**document, "Sec-Fetch-Site": "none"})
    clicked = {**document, "Sec-Fetch-Site": "cross-site", "Sec-Fetch-User": "?1"}  # a link a person clicked
    search(site, "/?q=智慧城市", clients=1, headers=clicked)
    refresh(site)
    assert len(rows(log)) == 4


def test_forwarded_addresses_count_only_from_trusted_proxies(index_dir, log):
    def clients_counted(trusted: str | None) -> list[str]:
        config = {"TESTING": True, "INDEX": str(index_dir), "QUERY_LOG": str(log), "POPULAR_REFRESH": 3600}
        site = create_app({**config, "TRUSTED_PROXIES": trusted} if trusted else config).test_client()
        for number in range(CLIENTS):  # five people behind the proxy, one of them lying
            site.get("/?q=服务", headers={"X-Forwarded-For": f"6.6.6.6, 192.0.2.{number}"},
                     environ_base={"REMOTE_ADDR": "10.0.0.1"})
        return shown_popular(site)

    assert clients_counted(None) == []
    assert clients_counted("10.0.0.0/8, ::1") == [link("服务")]


def test_rows_per_client_and_minute_are_bounded(index_dir, log):
    site = create_app({"TESTING": True, "INDEX": str(index_dir), "QUERY_LOG": str(log),
                       "POPULAR_REFRESH": 3600, "QUERY_LOG_RATE": 3}).test_client()
    search(site, "/?q=服务", times=10)
    search(site, "/?q=智慧城市", clients=2)  # the first client is past its rate: only the second's
    refresh(site)
    assert [row["query"] for row in rows(log)] == ["服务"] * 3 + ["智慧城市"]


def test_distinct_queries_kept_are_bounded_least_searched_dropped_first(index_dir, log):
    site = create_app({"TESTING": True, "INDEX": str(index_dir), "QUERY_LOG": str(log),
                       "POPULAR_REFRESH": 3600, "QUERY_LOG_QUERIES": 10, "POPULAR_CLIENTS": 2}).test_client()
    search(site, "/?q=服务", clients=2)
    search(site, "/?q=智慧城市", clients=3)
    for number in range(30):
        site.get(f"/?q=查询{number}", environ_base={"REMOTE_ADDR": f"10.7.0.{number}"})
    refresh(site)
    with sqlite3.connect(log) as db:
        kept = {key for (key,) in db.execute("SELECT key FROM queries")}
        days = db.execute("SELECT COUNT(*) FROM query_days").fetchone()[0]
    assert len(kept) == 10 and {"服务", "智慧城市"} <= kept and days == 10
    assert shown_popular(site) == [link("智慧城市"), link("服务")]


def test_related_searches_share_a_word(site):
    for query in ("智慧城市", "智慧政务", "服务", "城市大脑"):
        search(site, "/?q=" + query, clients=CLIENTS)
    assert set(shown_related(site, "智慧城市")) == {link("智慧政务"), link("城市大脑")}


def test_related_searches_share_content_not_the_question_words(site):
    for query in ("智慧城市怎么建设", "政务服务怎么办理", "城市大脑是什么"):
        search(site, "/?q=" + query, clients=CLIENTS)
    assert set(shown_related(site, "智慧城市有哪些")) == {link("智慧城市怎么建设"), link("城市大脑是什么")}
    assert shown_related(site, "政务服务怎么样") == [link("政务服务怎么办理")]


def test_lists_can_be_switched_off(index_dir, log, monkeypatch):
    monkeypatch.setenv("EGOV_POPULAR", "0")
    site = create_app({"TESTING": True, "INDEX": str(index_dir), "QUERY_LOG": str(log)}).test_client()
    for query in ("智慧城市", "智慧政务"):
        search(site, "/?q=" + query, clients=CLIENTS)
    refresh(site)
    assert "热门搜索" not in site.get("/").get_data(as_text=True)
    assert "相关搜索" not in site.get("/?q=智慧城市").get_data(as_text=True)
    refresh(site)
    assert len(rows(log)) == 2 * CLIENTS + 1  # logging goes on


def test_logging_can_be_switched_off(index_dir, tmp_path):
    site = create_app({"TESTING": True, "INDEX": str(index_dir), "QUERY_LOG": "0"}).test_client()
    search(site, "/?q=服务")
    assert not list(tmp_path.glob("*.sqlite3")) and "热门搜索" not in site.get("/").get_data(as_text=True)


def test_an_unusable_log_never_fails_a_search(index_dir, tmp_path, caplog):
    folder = tmp_path / "not-a-file"
    folder.mkdir()
    site = create_app({"TESTING": True, "INDEX": str(index_dir), "QUERY_LOG": str(folder)}).test_client()
    search(site, "/?q=服务")
    site.application.extensions["querylog"].tick()
    assert site.get("/").status_code == 200 and "unusable" in caplog.text


def test_related_searches_leave_the_results_marks_alone(site):
    for query in ("智慧城市", "智慧政务"):
        search(site, "/?q=" + query, clients=CLIENTS)
    refresh(site)
    html = site.get("/?q=智慧城市").get_data(as_text=True)
    assert "相关搜索" in html and "平安<mark>智慧城市</mark></a>" in html
