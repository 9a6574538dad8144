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
from test_citizens import TABS, tab_to

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
    page.goto(vendor["doc_url"])
    mentions = page.locator("section.related").first
    assert "提到“神州数码”" in mentions.locator("h2").inner_text()
    mentions.locator(".hit-title a").first.click()
    page.wait_for_url("**/doc/section-*")
    assert page.locator("article h1").inner_text().startswith("案例三")
    assert page.events == []


def open_suggestions(page, typed: str):
    box = page.locator("input[name=q]").first
    box.click()
    box.press_sequentially(typed)
    page.locator(".suggestions [role=option]").first.wait_for()
    return box


def test_autocomplete_is_keyboard_navigable(page, live_server):
    page.goto("/")
    box = open_suggestions(page, "华")
    options = page.locator(".suggestions [role=option]")
    expected = api(live_server, "/api/suggest", q="华")["items"]
    assert options.locator(".text").all_inner_texts() == [item["text"] for item in expected]
    actions = {"title": "打开文档", "section": "打开段落", "word": "搜索此词"}
    assert options.locator(".type").all_inner_texts() == [actions[item["type"]] for item in expected]
    # each option is read as its text, a pause, then what choosing it does; never glued together
    names = [option.evaluate("e => e.getAttribute('aria-label')") for option in options.all()]
    assert names == [f"{item['text']}，{actions[item['type']]}" for item in expected]
    assert set(options.locator(".type").evaluate_all("all => all.map(e => e.ariaHidden)")) == {"true"}
    assert box.get_attribute("aria-expanded") == "true"
    status = page.locator(".search [role=status]")
    assert status.get_attribute("aria-live") == "polite"
    assert status.inner_text() == f"有 {len(expected)} 条搜索建议，可用上下方向键选择"
    page.screenshot(path=SCREENSHOTS / "autocomplete.png")

    box.press("ArrowUp")  # nothing chosen yet: ArrowUp picks nothing
    assert page.locator(".suggestions [aria-selected=true]").count() == 0 and box.input_value() == "华"
    box.press("ArrowDown")
    box.press("ArrowDown")
    selected = page.locator(".suggestions [aria-selected=true]")
    assert selected.locator(".text").inner_text() == expected[1]["text"]
    assert box.input_value() == expected[1]["text"]  # the choice shows in the box
    assert box.get_attribute("aria-activedescendant") == selected.get_attribute("id")
    box.press("ArrowUp")
    assert box.input_value() == expected[0]["text"]
    box.press("ArrowUp")  # back past the first: what was typed
    assert box.input_value() == "华" and page.locator(".suggestions [aria-selected=true]").count() == 0

    box.press("Escape")
    assert page.locator(".suggestions").is_hidden() and box.input_value() == "华"
    assert status.inner_text() == ""  # no 有 8 条搜索建议 left behind
    assert page.events == []


def test_choosing_a_title_opens_its_document_and_a_word_searches(page, live_server):
    page.goto("/")
    open_suggestions(page, "华")
    items = api(live_server, "/api/suggest", q="华")["items"]
    title = next(i for i, item in enumerate(items) if item["type"] == "title")
    box = page.locator("input[name=q]").first
    for _ in range(title + 1):
        box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url("**/doc/**")
    assert page.url.endswith(items[title]["url"])
    assert page.locator("article h1").inner_text() == items[title]["text"]

    page.goto("/")
    open_suggestions(page, "服")
    items = api(live_server, "/api/suggest", q="服")["items"]
    index, word = next((i, item) for i, item in enumerate(items) if item["type"] == "word")
    page.locator(".suggestions [role=option]").nth(index).dispatch_event("mousedown")
    page.wait_for_url("**/?q=*")
    assert page.input_value("input[name=q]") == word["text"] and "sug=1" in page.url
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


def contrast(foreground: str, background: str = "rgb(255, 255, 255)") -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""
    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in colour[colour.index("(") + 1:colour.index(")")].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def style(tab, selector: str, prop: str) -> str:
    return tab.locator(selector).first.evaluate(f"e => getComputedStyle(e)['{prop}']")


def px(value: str) -> float:
    return float(value.removesuffix("px"))


def test_focus_ring_input_border_and_underlined_links(page):
    page.goto("/?q=服务")
    assert contrast(style(page, ".search input", "borderTopColor")) >= 3
    page.keyboard.press("Tab")  # the skip link comes first
    skip = page.locator("a.skip")
    assert skip.evaluate("e => e === document.activeElement") and skip.is_visible()
    assert contrast(style(page, "a.skip", "outlineColor")) >= 3
    assert px(style(page, "a.skip", "outlineWidth")) >= 2
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.locator(".search input").focus()
    assert contrast(style(page, ".search input", "outlineColor")) >= 3
    for selector in (".snippet a, footer a", ".crumbs a, footer a"):
        assert "underline" in style(page, selector, "textDecorationLine")


def test_sizes_at_normal_size(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server["url"])
    tab = context.new_page()
    tab.goto("/?q=服务")
    assert px(style(tab, ".hit .badge", "fontSize")) >= 14
    assert px(style(tab, ".facet .count", "fontSize")) >= 14
    assert px(style(tab, ".snippet", "fontSize")) >= 16
    context.close()
    context = browser.new_context(viewport={"width": 375, "height": 812}, base_url=live_server["url"],
                                  is_mobile=True, has_touch=True)
    tab = context.new_page()
    tab.goto("/?q=服务")
    heights = tab.locator(".hit-title a").evaluate_all(
        "all => all.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44
    for selector in (".facet", ".pagination .page", ".search button", ".option"):
        assert tab.locator(selector).first.bounding_box()["height"] >= 44, selector
    context.close()


def test_care_mode_without_javascript_is_large_and_kept(browser, live_server):
    context = browser.new_context(java_script_enabled=False, base_url=live_server["url"],
                                  viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto("/?q=智慧城市")
    tab.click("a.care-switch")
    tab.wait_for_url("**/?q=*")
    for path in ("/?q=智慧城市", "/doc/section-2?q=深圳", "/"):
        tab.goto(path)
        assert "care" in tab.locator("body").get_attribute("class").split(), path
        assert px(style(tab, "body", "fontSize")) >= 18
        assert tab.locator("a.care-switch").inner_text() == "退出长者模式"
    tab.goto("/?q=智慧城市")
    assert px(style(tab, ".hit-title", "fontSize")) >= 24 and px(style(tab, ".snippet", "fontSize")) >= 18
    assert contrast(style(tab, "body", "color")) >= 15 and contrast(style(tab, ".snippet", "color")) >= 7
    targets = tab.locator("main a, header a, button, input[type=search]").evaluate_all(
        "all => all.filter(e => e.offsetParent)"
        "          .map(e => [e.textContent.trim(), e.getBoundingClientRect().height])")
    small = [target for target in targets if target[1] < 44]
    assert small == []
    tab.screenshot(path=SCREENSHOTS / "care-results.png")
    tab.click("a.care-switch")
    assert "care" not in (tab.locator("body").get_attribute("class") or "").split()
    context.close()


def test_similar_results_do_not_get_the_match_colour(page):
    page.goto("/doc/vendor-13?q=神州")
    assert page.locator("article mark").count() > 0
    assert page.locator(".related mark").count() == 0
    shared = page.locator(".related .shared")
    if shared.count():
        quiet = style(page, ".related .shared", "backgroundColor")
        assert quiet != style(page, "article mark", "backgroundColor")


def test_government_filters_without_javascript(browser, gov_server):
    context = browser.new_context(java_script_enabled=False, base_url=gov_server["url"],
                                  viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto("/?q=医疗")
    publisher = tab.locator("a[data-facet=publisher]").first
    name = publisher.evaluate("e => e.firstChild.textContent")
    publisher.click()
    tab.wait_for_url("**publisher=*")
    assert tab.locator("a[data-facet=publisher].active").count() == 1
    assert set(tab.locator(".hit .publisher").all_inner_texts()) == {name}
    tab.click(".options a >> text=按时间")
    tab.wait_for_url("**sort=-published*")
    dates = tab.locator(".hit .date").all_inner_texts()
    assert dates == sorted(dates, reverse=True)
    tab.click(".custom-time summary")
    tab.fill("input[name=from]", "2021-01-01")
    tab.fill("input[name=to]", "2022-12-31")
    tab.click(".dates button")
    tab.wait_for_url("**from=2021-01-01*")
    assert all("2021-01-01" <= d <= "2022-12-31" for d in tab.locator(".hit .date").all_inner_texts())
    tab.fill(".search input[name=q]", "保险")  # a new search from the box keeps every filter
    tab.press(".search input[name=q]", "Enter")
    tab.wait_for_url("**q=%E4%BF%9D%E9%99%A9*")
    for kept in ("publisher=", "sort=-published", "from=2021-01-01", "to=2022-12-31"):
        assert kept in tab.url, kept
    assert tab.locator("a[data-facet=publisher].active").count() == 1
    tab.click(".options a >> text=标题")
    tab.wait_for_url("**in=title*")
    context.close()


def test_readme_screenshot_of_government_results(browser, gov_server):
    """docs/screenshot.png comes from here: tests/screenshots/gov-results.png."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, base_url=gov_server["url"],
                                  locale="zh-CN")
    tab = context.new_page()
    tab.goto("/?q=医疗保险&from=2021-01-01")
    tab.reload()  # the time shown is a warm search's
    tab.locator(".custom-time").evaluate("e => e.open = true")
    assert tab.locator(".facet-group").count() >= 3 and tab.locator(".hit .date").count() > 0
    tab.screenshot(path=SCREENSHOTS / "gov-results.png")
    context.close()


def test_best_answer_is_a_labelled_region_reached_by_keyboard(browser, gov_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=gov_server["url"])
    tab = context.new_page()
    tab.goto("/?q=" + urllib.parse.quote("在南京租房子住，一年最多能取多少公积金？"))
    region = tab.get_by_role("region", name="最佳答案")
    assert "18000元" in region.inner_text()
    assert tab_to(tab, ".best-answer a") <= TABS  # from the search box, through 跳到搜索结果
    tab.keyboard.press("Enter")
    tab.wait_for_url("**#answer")
    passage = tab.locator("#answer")
    assert passage.is_visible() and "18000" in passage.inner_text()
    assert tab.evaluate("document.querySelector('#answer').getBoundingClientRect().top < innerHeight")
    context.close()
