"""Clicks on results against a live ``egov-search serve``: a plain HTTP client (no cookie
jar, no JavaScript) following a result's link; in Chromium without JavaScript through
``/go``, and with it by a beacon, the links keeping the documents' own addresses (copy,
middle click, keyboard), and a 原文链接 going straight to the government site."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import time
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit
from urllib.request import urlopen

import pytest
from live_server import request, running_server
from test_pages import Tags

QUERY = "医疗保险"
ELSEWHERE = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")  # the government sites of 原文 addresses


@pytest.fixture(scope="module")
def server(gov_index: Path, tmp_path_factory: pytest.TempPathFactory):
    """``egov-search serve`` over the government index, with a query log the tests read."""
    folder = tmp_path_factory.mktemp("clicks-live")
    log = folder / "queries.sqlite3"
    with running_server(gov_index, folder / "serve.log", env={"EGOV_QUERY_LOG": str(log)}, workers=1) as live:
        yield {**live, "querylog": log}


@pytest.fixture
def context(browser, server, request):
    """A browser context on the server (``javascript``: the test's mark, default on); the
    government site's own pages are answered locally, so a 原文链接 can be followed offline."""
    javascript = getattr(request, "param", True)
    context = browser.new_context(base_url=server["url"], java_script_enabled=javascript,
                                  viewport={"width": 1280, "height": 900})
    context.route(ELSEWHERE, lambda route: route.fulfill(
        status=200, content_type="text/html; charset=utf-8", body="<!doctype html><title>原文</title>原文"))
    yield context
    context.close()


def logged_clicks(server: dict, search: str, count: int) -> list[tuple[int, str]]:
    """The clicks of search ``search`` once there are ``count`` of them (the server writes its
    log each second; the wait is bounded, not measured)."""
    deadline, found = time.monotonic() + 30, []
    while len(found) < count and time.monotonic() < deadline:
        time.sleep(0.2)
        try:  # read-only: the file may not be there yet, and is the server's to make
            reading = sqlite3.connect(server["querylog"].as_uri() + "?mode=ro", uri=True)
            with contextlib.closing(reading) as db:
                found = db.execute("SELECT position, doc_id FROM clicks WHERE search_id = ? ORDER BY id",
                                   (int(search),)).fetchall()
        except sqlite3.OperationalError:
            continue
    return found


def results(tab, search: str | None = None) -> tuple[str, list]:
    """Search for :data:`QUERY` (or show the results of ``search`` again, as a refinement of
    it); the search id and the result titles' links."""
    tab.goto("/?q=" + quote(QUERY) + (f"&s={search}" if search else ""))
    refine = tab.locator("a.facet").first.get_attribute("href")
    links = tab.locator(".hit-title a")
    return parse_qs(urlsplit(refine).query)["s"][0], [links.nth(i) for i in range(links.count())]


def test_a_plain_http_client_follows_a_result_to_the_document(server):
    """What ``curl -L`` does, or a browser without JavaScript: the result's link answers 303 to
    the document's page, no cookie is set on the way, and the click is in the log."""
    status, body, headers = request(server["port"], "/?q=" + quote(QUERY))
    assert status == 200 and "set-cookie" not in {name.lower() for name in headers}
    fifth = [a for a in Tags(body.decode()).find("a") if a.get("data-href", "").startswith("/doc/")][4]
    go, address = fifth["href"], fifth["data-href"]
    search = parse_qs(urlsplit(go).query)["s"][0]
    status, _, headers = request(server["port"], go)
    headers = {name.lower(): value for name, value in headers.items()}
    assert status == 303 and headers["location"] == address and "set-cookie" not in headers
    with urlopen(server["url"] + go, timeout=60) as followed:  # urllib follows the redirect
        assert followed.status == 200 and followed.url == server["url"] + address
    assert logged_clicks(server, search, 1) == [(5, _doc_id(address))]


@pytest.mark.browser
@pytest.mark.parametrize("context", [False], indirect=True)
def test_without_javascript_a_result_opens_through_go(context, server):
    tab = context.new_page()
    search, links = results(tab)
    address = links[1].get_attribute("data-href")
    assert links[1].get_attribute("href").startswith(f"/go?s={search}&p=2&")
    navigations = []
    tab.on("request", lambda request: request.is_navigation_request() and navigations.append(request.url))
    links[1].click()
    tab.wait_for_url("**/doc/**")
    assert tab.url == server["url"] + address and "/go?" in navigations[0]
    doc_id = tab.url.split("/doc/", 1)[1].split("?", 1)[0]
    assert logged_clicks(server, search, 1) == [(2, doc_id)]

    assert results(tab, search)[0] == search
    tab.locator(".hit .source a").first.click()
    tab.wait_for_url(ELSEWHERE)
    assert len(logged_clicks(server, search, 2)) == 2


@pytest.mark.browser
def test_with_javascript_links_keep_the_documents_addresses_and_send_a_beacon(context, server):
    tab = context.new_page()
    search, links = results(tab)
    tab.wait_for_function("document.querySelector('.hit-title a').getAttribute('href').startsWith('/doc/')")
    for link in links:  # what a reader copies, or a screen reader announces, is the document
        assert link.get_attribute("href") == link.get_attribute("data-href")
        assert link.get_attribute("href").startswith("/doc/")
    sources = tab.locator(".hit .source a").evaluate_all("all => all.map(link => link.getAttribute('href'))")
    assert sources and all(ELSEWHERE.match(href) for href in sources)
    navigations = []
    tab.on("request", lambda request: request.is_navigation_request() and navigations.append(request.url))

    first = links[0].get_attribute("href")
    links[0].click()  # a plain click: the page goes straight to the document
    tab.wait_for_url("**/doc/**")
    assert navigations == [server["url"] + first] == [tab.url]
    assert logged_clicks(server, search, 1) == [(1, _doc_id(tab.url))]

    results(tab, search)
    second = tab.locator(".hit-title a").nth(1)
    with context.expect_page() as opened:  # the middle button: a new tab, at the document
        second.click(button="middle")
    new_tab = opened.value
    new_tab.wait_for_load_state()
    assert new_tab.url == server["url"] + second.get_attribute("href")
    assert logged_clicks(server, search, 2)[1] == (2, _doc_id(new_tab.url))

    third = tab.locator(".hit-title a").nth(2)
    third.focus()
    tab.keyboard.press("Enter")  # the keyboard, as a screen reader user opens it
    tab.wait_for_url("**/doc/**")
    assert logged_clicks(server, search, 3)[2] == (3, _doc_id(tab.url))

    results(tab, search)
    source = tab.locator(".hit").nth(3).locator(".source a")  # a document not opened yet
    address = source.get_attribute("href")
    source.click()  # 原文链接: straight to the government site
    tab.wait_for_url(ELSEWHERE)
    assert tab.url == address and logged_clicks(server, search, 4)[3][0] == 4
    assert not [url for url in navigations if "/go?" in url]


def _doc_id(url: str) -> str:
    return url.split("/doc/", 1)[1].split("?", 1)[0]
