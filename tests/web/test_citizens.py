"""What citizens met on the government collection (issue 23), in Chromium against a live
``egov-search serve``: the document page on a phone, the keyboard path, the phone's first
screen, time filters, the breadcrumb, printing, screen readers and the wording."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta

import pytest
from browser_setup import SCREENSHOTS

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
BROAD = "保障"  # many results, several publishers, years and columns
TABS = 5  # at most, from the search box to the first result


def api(server, path: str, **params) -> dict:
    url = f"{server['url']}{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.load(answer)


@pytest.fixture
def open_tab(browser, gov_server):
    """``open_tab(size, care=False)``: a tab on the government site; closed after the test."""
    contexts = []

    def opened(size: dict, care: bool = False):
        context = browser.new_context(base_url=gov_server["url"], locale="zh-CN", **size)
        contexts.append(context)
        tab = context.new_page()
        if care:
            tab.goto("/care?on=1")
        return tab

    yield opened
    for context in contexts:
        context.close()


def attachment_and_page(server) -> tuple[dict, dict]:
    """An attachment of the collection (as /api/documents gives it) and the page linking it."""
    hit = api(server, "/api/search", q="公积金", kind="attachment")["hits"][0]
    attachment = api(server, f"/api/documents/{hit['id']}")["document"]
    return attachment, api(server, f"/api/documents/{attachment['parent']}")["document"]


def focused(tab, selector: str) -> bool:
    return tab.evaluate(f"document.activeElement.matches({json.dumps(selector)})")


def tab_to(tab, selector: str) -> int:
    """Tabs from the search box until ``selector`` has the focus (Enter on 跳到搜索结果 when
    it comes); the number of Tabs, or ``TABS + 1`` when it is not reached in ``TABS``."""
    tab.focus(".search input[name=q]")
    for tabs in range(1, TABS + 1):
        tab.keyboard.press("Tab")
        if focused(tab, "a.skip-results"):
            tab.keyboard.press("Enter")
        elif focused(tab, selector):
            return tabs
    return TABS + 1


# --- 1. the document page ---

def test_document_page_puts_the_text_first_on_a_phone_with_chinese_fields_only(open_tab, gov_server):
    _, page_doc = attachment_and_page(gov_server)
    tab = open_tab(PHONE)
    tab.goto(f"/doc/{page_doc['id']}")
    first = tab.locator(".document .body p").first.bounding_box()
    assert first["y"] + 20 < 844  # the text starts on the first screen
    labels = tab.locator(".fields dt").all_inner_texts()
    assert labels and all(re.fullmatch(r"[\u4e00-\u9fff（）]+", label) for label in labels), labels
    text = tab.locator("main").inner_text()
    for internal in ("site_domain", "site_id", "column_type", "format", "encoding", "parent",
                     page_doc["site_id"]):
        assert internal not in text, internal
    shown = tab.locator(".fields").inner_text()
    assert "发布机构" in labels and all(office in shown for office in page_doc["publisher"])
    # the title, then its date and office on one line, then the text
    assert tab.locator("article > :first-child").evaluate("e => e.tagName") == "H1"
    line = tab.locator("article h1 + .meta").inner_text()
    office = page_doc["publisher"][0]
    assert line.startswith("网页") and line.index(page_doc["published"]) < line.index(office)
    tab.screenshot(path=SCREENSHOTS / "gov-document-phone.png")


def test_a_page_lists_its_attachments_and_an_attachment_links_its_page(open_tab, gov_server):
    attachment, page_doc = attachment_and_page(gov_server)
    tab = open_tab(DESKTOP)
    tab.goto(f"/doc/{page_doc['id']}")
    listed = tab.get_by_role("region", name="附件")
    download = listed.get_by_role("link", name=re.compile(r"^下载\s*" + re.escape(attachment["title"]) + "$"))
    assert download.get_attribute("href") == attachment["url"]
    listed.get_by_role("link", name=attachment["title"], exact=True).click()
    tab.wait_for_url(f"**/doc/{attachment['id']}")
    assert tab.locator("article h1").inner_text() == attachment["title"]
    tab.locator(".parent-page a").click()
    tab.wait_for_url(f"**/doc/{page_doc['id']}")
    assert tab.locator("article h1").inner_text() == page_doc["title"]


# --- 2. the keyboard path ---

def test_keyboard_reaches_the_first_result_in_five_tabs(open_tab):
    tab = open_tab(DESKTOP)
    tab.goto("/?q=" + urllib.parse.quote(BROAD))
    assert tab.locator(".hit").count() == 10
    assert tab_to(tab, ".hit:first-child .hit-title a") <= TABS
    # the results come before the facets in the page, whatever the columns show
    assert tab.evaluate("""document.querySelector('.hits').compareDocumentPosition(
        document.querySelector('.filters')) & Node.DOCUMENT_POSITION_FOLLOWING""")


def test_focus_stays_on_the_facet_that_was_followed(open_tab):
    tab = open_tab(DESKTOP)
    tab.goto("/?q=" + urllib.parse.quote(BROAD))
    facet = tab.locator("a[data-facet=publisher]").nth(1)
    key = facet.get_attribute("data-focus")
    facet.focus()
    tab.keyboard.press("Enter")
    tab.wait_for_url("**publisher=*")
    tab.wait_for_function("document.activeElement.dataset.focus !== undefined")
    assert tab.evaluate("document.activeElement.dataset.focus") == key
    assert tab.evaluate("document.activeElement.getAttribute('aria-current')") == "true"
    tab.keyboard.press("Enter")  # the same control again: the facet is unticked
    tab.wait_for_url(lambda url: "publisher=" not in url)
    tab.wait_for_function("document.activeElement.dataset.focus !== undefined")
    assert tab.evaluate("document.activeElement.dataset.focus") == key
    tab.locator("a[data-facet=year]").first.click()  # a chip that removes a filter: its facet
    tab.wait_for_url("**year=*")
    year = tab.locator("a[data-facet=year].active").get_attribute("data-focus")
    tab.locator("a.chip").click()
    tab.wait_for_url(lambda url: "year=" not in url)
    tab.wait_for_function("document.activeElement.dataset.focus !== undefined")
    assert tab.evaluate("document.activeElement.dataset.focus") == year


# --- 3. the phone ---

@pytest.mark.parametrize("care", [False, True], ids=["normal", "care"])
def test_phone_first_screen_shows_the_first_result_and_a_filter_button(open_tab, care):
    tab = open_tab(PHONE, care)
    tab.goto("/?q=" + urllib.parse.quote(BROAD))
    title = tab.locator(".hit .hit-title").first.bounding_box()
    assert title["y"] + title["height"] <= 844
    button = tab.get_by_role("link", name="筛选")
    box = button.bounding_box()
    assert button.is_visible() and box["y"] + box["height"] <= 844 and box["height"] >= 44
    tab.screenshot(path=SCREENSHOTS / f"gov-results-phone{'-care' if care else ''}.png")
    button.click()
    assert tab.locator("#refine").evaluate("e => e.getBoundingClientRect().top < innerHeight")
    assert tab.evaluate("document.activeElement.id") == "refine"
    row = tab.locator(".timebar .options")
    lines = row.evaluate("e => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)")
    assert lines < 2.5  # one line of links (each 44 px high), never three
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390


def test_care_mode_enlarges_facet_headings_popular_and_source_links(open_tab):
    tab = open_tab(DESKTOP, care=True)
    tab.goto("/?q=" + urllib.parse.quote(BROAD))
    for selector in (".facet-group h3", ".source a"):
        assert float(tab.locator(selector).first.evaluate("e => getComputedStyle(e).fontSize")[:-2]) >= 19
    tab.goto("/")
    tab.evaluate("""document.querySelector('main').insertAdjacentHTML('beforeend',
        '<nav class="popular"><h2>热门搜索</h2><ul><li><a href="/?q=x">x</a></li></ul></nav>')""")
    assert float(tab.locator(".popular h2").evaluate("e => getComputedStyle(e).fontSize")[:-2]) >= 19


# --- 4. time filters ---

def test_time_presets_show_counts_and_an_empty_one_is_not_a_link(open_tab, gov_server):
    tab = open_tab(DESKTOP)
    tab.goto("/?q=" + urllib.parse.quote(BROAD))
    presets = tab.get_by_role("group", name="发布时间")
    for label, days in (("一周内", 7), ("一月内", 31), ("一年内", 365)):
        link = presets.get_by_role("link", name=re.compile(label))
        if link.count():
            start = urllib.parse.parse_qs(urllib.parse.urlsplit(link.get_attribute("href")).query)["from"][0]
            shown = int(link.locator(".count").inner_text().strip(" ，条"))
            assert shown == api(gov_server, "/api/search", q=BROAD, **{"from": start})["total"] > 0
        else:
            empty = presets.locator(".option.unavailable", has_text=label)
            assert empty.get_attribute("aria-disabled") == "true" and "0" in empty.inner_text()
            start = (date.today() - timedelta(days=days)).isoformat()
            assert api(gov_server, "/api/search", q=BROAD, **{"from": start})["total"] == 0
            colour = "e => getComputedStyle(e).color"
            assert empty.evaluate(colour) != presets.locator("a").first.evaluate(colour)


def test_a_reversed_date_range_is_refused_in_chinese(open_tab, gov_server):
    dates = {"from": "2022-12-31", "to": "2021-01-01"}
    with pytest.raises(urllib.error.HTTPError) as refused:
        api(gov_server, "/api/search", q=BROAD, **dates)
    answer = json.load(refused.value)
    error = answer["error"]
    assert refused.value.code == 400 and error["param"] == "to" and error["code"] == "reversed_range"
    assert "开始日期 2022-12-31 晚于结束日期 2021-01-01" in error["message"]
    tab = open_tab(DESKTOP)
    response = tab.goto("/?" + urllib.parse.urlencode({"q": BROAD, **dates}))
    assert response.status == 400
    assert tab.locator("h1").inner_text().startswith("开始日期 2022-12-31 晚于结束日期 2021-01-01")
    assert "from" not in tab.locator("main").inner_text()
    assert tab.locator(".search input[name=q]").input_value() == BROAD
    tab.get_by_role("link", name=f"重新搜索“{BROAD}”").click()
    tab.wait_for_url("**/?q=*")
    assert tab.locator(".hit").count() > 0 and "from=" not in tab.url


# --- 5. breadcrumb, print, og: ---

def test_breadcrumb_goes_back_to_the_filtered_search(open_tab, gov_server):
    publisher = next(iter(api(gov_server, "/api/search", q=BROAD)["facets"]["publisher"]))
    tab = open_tab(DESKTOP)
    tab.goto("/?" + urllib.parse.urlencode({"q": BROAD, "publisher": publisher, "sort": "-published"}))
    titles = tab.locator(".hit-title a").all_inner_texts()
    tab.locator(".hit-title a").first.click()
    tab.wait_for_url("**/doc/**")
    tab.get_by_role("navigation", name="位置").get_by_role("link", name=f"搜索“{BROAD}”").click()
    tab.wait_for_url("**/?q=*")
    assert tab.locator(".hit-title a").all_inner_texts() == titles
    assert tab.locator("a[data-facet=publisher].active").count() == 1 and "sort=-published" in tab.url


def test_printing_a_document_prints_its_text_not_the_search(open_tab, gov_server):
    _, page_doc = attachment_and_page(gov_server)
    tab = open_tab(DESKTOP)
    tab.goto(f"/doc/{page_doc['id']}?q=" + urllib.parse.quote("公积金"))
    assert tab.locator(".search").is_visible() and tab.locator(".related").first.is_visible()
    tab.emulate_media(media="print")
    for hidden in (".search", "header.site", ".related", ".crumbs", "footer.site"):
        assert tab.locator(hidden).first.is_hidden(), hidden
    assert tab.locator("article h1").is_visible() and tab.locator(".document .body").is_visible()


def test_pages_describe_themselves_to_link_previews(open_tab, gov_server):
    _, page_doc = attachment_and_page(gov_server)
    tab = open_tab(DESKTOP)
    results = "/?q=" + urllib.parse.quote(BROAD)
    for path, kind in ((f"/doc/{page_doc['id']}", "article"), (results, "website")):
        tab.goto(path)

        def og(name: str) -> str:
            return tab.locator(f"meta[property='og:{name}']").get_attribute("content")
        assert og("title") == tab.title() and og("type") == kind and og("url") == tab.url
        assert og("description") == tab.locator("meta[name=description]").get_attribute("content")


# --- 6. examples from the collection itself ---

def test_placeholder_and_tips_come_from_this_collection(open_tab, gov_server):
    tab = open_tab(DESKTOP)
    tab.goto("/")
    hint = tab.locator("input[name=q]").get_attribute("placeholder")
    assert "智慧城市" not in hint and hint.startswith("例如：")
    for example in hint.removeprefix("例如：").split("、"):
        assert api(gov_server, "/api/search", q=example)["total"] > 0, example
    tab.goto("/?q=" + urllib.parse.quote("量子纠缠xyz"))
    tips = tab.locator("ul.tips")
    assert "城市 大脑" not in tips.inner_text() and "左侧" not in tips.inner_text()
    assert tab.locator(".filters").count() == 0
    tried = tips.get_by_role("link")
    assert tried.count() > 0
    tried.first.click()
    tab.wait_for_url("**/?q=*")
    assert tab.locator(".hit").count() > 0


# --- 7. screen readers ---

def test_each_result_reads_its_heading_first_and_names_its_source_link(open_tab):
    tab = open_tab(DESKTOP)
    tab.goto("/?q=" + urllib.parse.quote(BROAD))
    order = tab.locator(".hit").evaluate_all(
        "all => all.map(h => h.firstElementChild.classList.contains('hit-title'))")
    assert order and all(order)
    titles = tab.locator(".hit").evaluate_all("all => all.filter(h => h.querySelector('.source'))"
                                              "          .map(h => h.querySelector('.hit-title').innerText)")
    sources = tab.get_by_role("link", name=re.compile("^原文链接"))
    names = [link.evaluate("e => e.innerText.replace(/\\s+/g, '')") for link in sources.all()]
    assert names == [f"原文链接：{title}".replace(" ", "") for title in titles]
    assert len(set(names)) == len(names)


# --- 8. wording ---

def test_wording_is_chinese_and_plain(open_tab, gov_server):
    tab = open_tab(DESKTOP)
    tab.goto("/?q=" + urllib.parse.quote(BROAD))
    stats = tab.locator(".stats").inner_text()
    assert re.search(r"用时 (\d+ 毫秒|\d+\.\d 秒)）", stats), stats
    footer = tab.locator("footer.site")
    assert "中文全文检索" not in footer.inner_text()
    assert footer.get_by_role("link").inner_text().startswith("本页数据（")
    for badge in tab.locator(".hit .badge").all():
        assert badge.get_attribute("title"), badge.inner_text()  # 网页, 附件: what they are
    counts = api(gov_server, "/api/search", q=BROAD)["facets"]["publisher"]
    single = next(publisher for publisher, count in counts.items() if count == 1)
    tab.goto("/?" + urllib.parse.urlencode({"q": BROAD, "publisher": single}))
    stats = tab.locator(".stats").inner_text()
    assert "1–1" not in stats and "找到 1 条结果" in stats
