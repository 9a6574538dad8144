"""End to end in headless Chromium against a live ``egov-search serve``.

Needs Debian's /usr/bin/chromium, which ``make test`` installs; without it these tests fail
with the command to run, never skip. Screenshots go to tests/screenshots/.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from browser_setup import SCREENSHOTS

pytestmark = pytest.mark.browser

HOSTILE = '"><img src=x onerror=alert(1)><script>alert(2)</script>'


@pytest.fixture
def page(browser, live_server):
    """A fresh tab at 1280×900 that records dialogs and console errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server["url"])
    tab = context.new_page()
    tab.events = []
    tab.on("dialog", lambda dialog: (tab.events.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    tab.on("console", lambda message: message.type == "error" and tab.events.append(message.text))
    tab.on("pageerror", lambda error: tab.events.append(f"page error: {error}"))
    yield tab
    context.close()


def api(live_server, path: str, **params) -> dict:
    url = f"{live_server['url']}{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def test_search_facet_pages_and_document(page, live_server):
    page.goto("/")
    page.fill("input[name=q]", "服务")
    page.click("button[type=submit]")
    page.wait_for_url("**/?q=*")
    assert page.input_value("input[name=q]") == "服务"
    marks = page.locator(".hit mark")
    assert marks.count() > 0 and set(marks.all_inner_texts()) <= {"服务"}
    expected = api(live_server, "/api/search", q="服务")
    assert page.locator(".hit").count() == len(expected["hits"])
    page.screenshot(path=SCREENSHOTS / "results.png")  # docs/screenshot.png comes from here

    page.click(".facet[data-kind=vendor]")
    page.wait_for_url("**kind=vendor*")
    badges = page.locator(".hit .badge").all_inner_texts()
    assert badges and set(badges) == {"提供商"}
    assert page.locator(".facet.active").get_attribute("data-kind") == "vendor"

    page.click(".pagination a[rel=next]")
    page.wait_for_url("**page=2*")
    second = api(live_server, "/api/search", q="服务", kind="vendor", page=2)
    assert page.locator(".hit-title a").all_inner_texts() == [hit["title"] for hit in second["hits"]]
    assert set(page.locator(".hit .badge").all_inner_texts()) == {"提供商"}
    assert page.locator(".pagination .current").inner_text() == "2"
    page.screenshot(path=SCREENSHOTS / "results-vendors-page2.png", full_page=True)

    title = page.locator(".hit-title a").first.inner_text()
    page.locator(".hit-title a").first.click()
    page.wait_for_url("**/doc/**")
    assert page.locator("article h1").inner_text() == title
    assert page.locator("article mark").count() > 0  # the query, highlighted
    assert page.locator(".crumbs").inner_text().endswith("搜索“服务”")
    page.screenshot(path=SCREENSHOTS / "document.png", full_page=True)
    assert page.events == []


def test_vendor_page_links_the_case_that_mentions_it(page, live_server):
    vendor = api(live_server, "/api/search", q="神州数码", kind="vendor")["hits"][0]
    page.goto(vendor["url"])
    mentions = page.locator("section.related").first
    assert "提到“神州数码”" in mentions.locator("h2").inner_text()
    mentions.locator(".hit-title a").first.click()
    page.wait_for_url("**/doc/section-*")
    assert page.locator("article h1").inner_text().startswith("案例三")
    assert page.events == []


def test_autocomplete_is_keyboard_navigable(page, live_server):
    page.goto("/")
    box = page.locator("input[name=q]")
    box.click()
    box.press_sequentially("华")
    options = page.locator(".suggestions [role=option]")
    options.first.wait_for()
    expected = api(live_server, "/api/suggest", q="华")["suggestions"]
    assert options.all_inner_texts() == expected
    assert box.get_attribute("aria-expanded") == "true"
    page.screenshot(path=SCREENSHOTS / "autocomplete.png")

    box.press("ArrowDown")
    box.press("ArrowDown")
    box.press("ArrowUp")
    selected = page.locator(".suggestions [aria-selected=true]")
    assert selected.count() == 1 and selected.inner_text() == expected[0]
    assert box.get_attribute("aria-activedescendant") == selected.get_attribute("id")
    box.press("ArrowUp")  # wraps round to the last
    assert page.locator(".suggestions [aria-selected=true]").inner_text() == expected[-1]

    box.press("Escape")
    assert page.locator(".suggestions").is_hidden()
    assert box.input_value() == "华"

    box.press("ArrowDown")  # reopens
    options.first.wait_for()
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url("**/?q=*")
    assert box.input_value() == expected[0]
    assert page.locator(".hit").count() > 0
    assert page.events == []


def test_narrow_viewport_has_no_horizontal_scroll(browser, live_server):
    context = browser.new_context(viewport={"width": 375, "height": 812}, base_url=live_server["url"],
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    tab = context.new_page()
    for name, path in [("home", "/"), ("results", "/?q=智慧城市"), ("document", "/doc/section-2?q=深圳"),
                       ("empty", "/?q=" + "无结果" * 30)]:
        tab.goto(path)
        assert tab.evaluate("document.documentElement.scrollWidth") <= 375, name
        box = tab.locator("input[name=q]").first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
        tab.screenshot(path=SCREENSHOTS / f"narrow-{name}.png", full_page=name != "home")
    context.close()


def test_hostile_query_runs_no_script(page):
    page.goto("/?" + urllib.parse.urlencode({"q": HOSTILE}))
    assert page.input_value("input[name=q]") == HOSTILE
    assert page.locator("main img").count() == 0 and page.locator("main script").count() == 0
    page.goto("/doc/vendor-1?" + urllib.parse.urlencode({"q": HOSTILE}))
    box = page.locator("input[name=q]")
    box.fill("")
    with page.expect_response(lambda response: "/api/suggest" in response.url):
        box.press_sequentially("<img src=x onerror=alert(3)>")  # the autocomplete answers
    assert page.locator(".suggestions img").count() == 0
    assert page.title().endswith("政务搜索")
    assert [event for event in page.events if "dialog" in event or "page error" in event] == []
    page.screenshot(path=SCREENSHOTS / "hostile.png")


def test_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, base_url=live_server["url"])
    tab = context.new_page()
    tab.goto("/")
    tab.click("th a.sort >> text=企业")
    assert "sort=name" in tab.url
    tab.fill("input[name=q]", "智慧城市")
    tab.press("input[name=q]", "Enter")
    tab.wait_for_url("**/?q=*")
    assert tab.locator(".hit").count() > 0
    tab.click(".facet[data-kind=section]")
    assert set(tab.locator(".hit .badge").all_inner_texts()) == {"文章段落"}
    context.close()
