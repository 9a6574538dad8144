"""Clicks on results, through ``/go`` (no JavaScript needed): what is taken down (the search's
id, the position, the document; no address, no cookie), where the reader is sent (the
document's page or its 原文 address from the index, never an address from the request),
bad parameters, the same counting rules as searches, and the rate per client."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest
from test_pages import Tags, addresses, hrefs, search_id
from test_querylog import refresh

from webui import create_app

GOV_QUERY = "医疗保险"


@pytest.fixture
def gov_site(gov_index: Path, log: Path):
    """A client of the app over the government index, logging to ``log``."""
    return create_app({"TESTING": True, "INDEX": str(gov_index), "QUERY_LOG": str(log),
                       "POPULAR_REFRESH": 3600}).test_client()


def clicks(log: Path) -> list[tuple]:
    with sqlite3.connect(log) as db:
        return db.execute("SELECT search_id, position, doc_id FROM clicks ORDER BY id").fetchall()


def results_page(site, url: str, address: str = "10.5.0.1") -> Tags:
    response = site.get(url, environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 200
    return Tags(response.get_data(as_text=True))


def result_links(tags: Tags) -> list[dict]:
    """The results' links (title, then 原文链接 where there is one), with their attributes."""
    return [a for a in tags.find("a") if "data-href" in a]


def test_a_click_without_javascript_is_taken_down_and_redirected(gov_site, log):
    tags = results_page(gov_site, "/?q=" + GOV_QUERY)
    logged = int(search_id(tags))
    titles = [a for a in result_links(tags) if a["data-href"].startswith("/doc/")]
    sources = [a for a in result_links(tags) if not a["data-href"].startswith("/doc/")]
    assert len(titles) == 10 and sources  # the government pages have their 原文 addresses
    hits = gov_site.get(f"/api/search?q={quote(GOV_QUERY)}").get_json()["hits"]
    assert [a["data-href"] for a in titles] == [hit["doc_url"] for hit in hits]

    opened = gov_site.get(titles[2]["href"], environ_base={"REMOTE_ADDR": "10.5.0.1"})
    assert opened.status_code == 303 and opened.headers["Location"] == hits[2]["doc_url"]
    assert opened.headers["Cache-Control"] == "no-store"
    source = sources[0]
    hit = next(hit for hit in hits if hit["url"] == source["data-href"])
    sent = gov_site.get(source["href"], environ_base={"REMOTE_ADDR": "10.5.0.1"})
    assert hit["url"].startswith("http://")
    assert sent.status_code == 303 and sent.headers["Location"] == hit["url"]
    refresh(gov_site)
    assert clicks(log) == [(logged, 3, hits[2]["id"]), (logged, hits.index(hit) + 1, hit["id"])]
    stored = log.read_bytes()
    assert b"10.5.0.1" not in stored


def test_the_same_document_opened_twice_from_one_search_counts_once(gov_site, log):
    tags = results_page(gov_site, "/?q=" + GOV_QUERY)
    first = result_links(tags)[0]["href"]
    for _ in range(3):
        assert gov_site.get(first).status_code == 303
    refresh(gov_site)
    assert len(clicks(log)) == 1


def test_positions_count_from_the_first_result_of_the_list_not_of_the_page(gov_site, log):
    logged = search_id(results_page(gov_site, "/?q=" + GOV_QUERY))
    second = results_page(gov_site, f"/?q={GOV_QUERY}&page=2&s={logged}")
    assert search_id(second) == logged  # page 2 is the same search
    assert gov_site.get(result_links(second)[0]["href"]).status_code == 303
    refresh(gov_site)
    assert [position for _, position, _ in clicks(log)] == [11]


HOSTILE_TARGETS = [
    {"q": "https://evil.example/"}, {"q": "//evil.example"}, {"to": "source", "u": "https://evil.example"},
    {"next": "https://evil.example"}, {"url": "https://evil.example"},
]


@pytest.mark.parametrize("extra", HOSTILE_TARGETS)
def test_go_sends_readers_only_where_the_index_says(gov_site, extra):
    hit = gov_site.get(f"/api/search?q={quote(GOV_QUERY)}").get_json()["hits"][0]
    response = gov_site.get("/go", query_string={"s": "1", "p": "1", "d": hit["id"], **extra})
    assert response.status_code == 303
    location = response.headers["Location"]
    if extra.get("to") == "source":
        assert location == hit["url"]
    else:
        assert location.startswith(f"/doc/{hit['id']}")  # this site, only ever the document's page
    assert "evil" not in location.split("?", 1)[0]


def test_a_document_without_an_address_is_opened_here(client):
    """The seed's documents have no 原文 address: ``to=source`` opens the document's page."""
    response = client.get("/go?s=1&p=1&d=vendor-10&to=source")
    assert response.status_code == 303 and response.headers["Location"] == "/doc/vendor-10"


@pytest.mark.parametrize(("query", "status", "param"), [
    ("p=1&d=vendor-10", 400, "s"), ("s=1&d=vendor-10", 400, "p"), ("s=1&p=1", 400, "d"),
    ("s=abc&p=1&d=vendor-10", 400, "s"), ("s=1&p=0&d=vendor-10", 400, "p"),
    ("s=1&p=1&d=vendor-10&to=elsewhere", 400, "to"), ("s=1&p=1&d=no-such-document", 404, None),
    ("s=-5&p=1&d=vendor-10", 400, "s"), ("s=99999999999999999999&p=1&d=vendor-10", 400, "s"),
])
def test_bad_clicks_get_a_clear_error_page(client, query, status, param):
    response = client.get("/go?" + query)
    assert response.status_code == status and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Traceback" not in html and (param is None or f"参数 {param}" in html or "缺少参数" in html)


def test_a_beacon_is_taken_down_like_a_click(gov_site, log):
    tags = results_page(gov_site, "/?q=" + GOV_QUERY)
    beacon = gov_site.post(result_links(tags)[0]["href"], headers={"Sec-Fetch-Site": "same-origin",
                                                                   "Sec-Fetch-Dest": "empty"})
    assert beacon.status_code == 204 and not beacon.data
    refresh(gov_site)
    assert [position for _, position, _ in clicks(log)] == [1]


@pytest.mark.parametrize("how", ["HEAD", "image", "cross-site", "prefetch", "cross-site beacon"])
def test_requests_a_person_did_not_make_are_not_counted(gov_site, log, how):
    go = result_links(results_page(gov_site, "/?q=" + GOV_QUERY))[0]["href"]
    headers = {"image": {"Sec-Fetch-Dest": "image", "Sec-Fetch-Site": "cross-site"},
               "cross-site": {"Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "cross-site"},
               "prefetch": {"Sec-Purpose": "prefetch"},
               "cross-site beacon": {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "empty"}}.get(how, {})
    method = {"HEAD": "HEAD", "cross-site beacon": "POST"}.get(how, "GET")
    response = gov_site.open(go, method=method, headers=headers)
    assert response.status_code in (204, 303)
    refresh(gov_site)
    assert clicks(log) == []


def test_clicks_per_client_and_minute_are_bounded_apart_from_searches(gov_index, log):
    site = create_app({"TESTING": True, "INDEX": str(gov_index), "QUERY_LOG": str(log),
                       "POPULAR_REFRESH": 3600, "QUERY_LOG_RATE": 3}).test_client()
    tags = results_page(site, "/?q=" + GOV_QUERY)
    links = [a["href"] for a in result_links(tags) if a["data-href"].startswith("/doc/")]
    for link in links[:6]:
        assert site.get(link, environ_base={"REMOTE_ADDR": "10.5.0.1"}).status_code == 303
    for link in links[6:8]:  # another client is not held back
        assert site.get(link, environ_base={"REMOTE_ADDR": "10.5.0.2"}).status_code == 303
    assert search_id(results_page(site, "/?q=社会保险"))  # the clicks did not use up the searches' rate
    refresh(site)
    assert [position for _, position, _ in clicks(log)] == [1, 2, 3, 7, 8]


def test_pages_link_documents_directly_when_logging_is_off(gov_index):
    site = create_app({"TESTING": True, "INDEX": str(gov_index), "QUERY_LOG": "0"}).test_client()
    tags = results_page(site, "/?q=" + GOV_QUERY)
    assert not result_links(tags) and not hrefs(tags, r"^/go") and not hrefs(tags, r"[?&]s=")
    # the results' own links carry the query; a 相关解读 link under a result does not
    assert len(addresses(tags, r"^/doc/[^?]*\?q=")) == 10 and "clicks.js" not in str(tags.tags)
