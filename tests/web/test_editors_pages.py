"""What editors set, as a citizen sees it in Chromium on a live server over the government
collection: 服务直达 above the results, validity badges, and a 解读 linked with its policy.
The editors' changes are made while the server runs: no rebuild, no restart."""

from __future__ import annotations

import shutil
import urllib.parse

import pytest
from live_server import get_json, running_server

from indexer import config
from indexer.editors.state import EDITORS
from indexer.editors.store import EditorsFile

pytestmark = pytest.mark.browser

POLICY = "www.ndrc.gov.cn/xxgk/zcfb/fzggwl/201803/t20180330_960918.html"
READING = "www.ndrc.gov.cn/xxgk/jd/jd/201806/t20180606_962013.html"


@pytest.fixture(scope="module")
def server(gov_index, tmp_path_factory):
    """A live server over a private copy of the government index (its editors' file its own)."""
    folder = tmp_path_factory.mktemp("editors-live")
    shutil.copytree(gov_index, folder / "gov", symlinks=True)
    with running_server(folder / "gov", folder / "serve.log", workers=1,
                        env={"EGOV_QUERY_LOG": str(folder / "queries.sqlite3")}) as live:
        live["editors"] = EditorsFile(config.beside_index(EDITORS, folder / "gov"))
        yield live


@pytest.fixture
def page(browser, server):
    """A tab at 1280×900."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server["url"])
    yield context.new_page()
    context.close()


def search(q: str) -> str:
    return "/?" + urllib.parse.urlencode({"q": q})


def test_a_pinned_link_shows_above_the_results_as_recommended(page, server):
    page.goto(search("公积金提取"))
    assert page.locator("section.pinned").count() == 0
    server["editors"].add_pin("公积金提取", match="contains", title="住房公积金提取网上办理",
                              url="https://gjj.example.gov.cn/tq", description="登录后在线申请提取")
    page.goto(search("南京公积金提取条件"))
    pinned = page.locator("section.pinned")
    assert pinned.locator("h2").inner_text() == "服务直达"
    assert pinned.locator(".badge-recommended").inner_text() == "推荐"
    link = pinned.get_by_role("link", name="住房公积金提取网上办理")
    assert link.get_attribute("href") == "https://gjj.example.gov.cn/tq"
    first_hit = page.locator("li.hit").first.bounding_box()
    assert pinned.bounding_box()["y"] < first_hit["y"]
    asked = urllib.parse.urlencode({"q": "南京公积金提取条件"})
    status, data = get_json(server["port"], f"/api/search?{asked}")
    assert status == 200 and [p["title"] for p in data["pinned"]] == ["住房公积金提取网上办理"]


def test_validity_badges_on_results_and_the_document_page(page, server):
    page.goto(search("必须招标的工程项目规定"))
    hit = page.locator("li.hit", has=page.locator(f'a[href^="/doc/{POLICY}"]')).first
    assert hit.locator(".validity").all_inner_texts() == ["现行有效"]  # as its page says
    server["editors"].set_validity(POLICY, "已废止")
    page.goto(search("必须招标的工程项目规定"))
    hit = page.locator("li.hit", has=page.locator(f'a[href^="/doc/{POLICY}"]')).first
    assert hit.locator(".validity").inner_text() == "已废止"
    facet = page.locator("section.facet-group", has=page.locator("#facet-validity"))
    assert page.locator("#facet-validity").inner_text() == "有效性" and "已废止" in facet.inner_text()
    hit.locator(".hit-title a").click()
    assert page.locator("article.document .meta .validity").inner_text() == "已废止"
    server["editors"].set_validity(POLICY, None)


def test_a_policy_and_its_interpretation_link_each_other(page, server):
    page.goto(search("必须招标的工程项目规定"))
    hit = page.locator("li.hit", has=page.locator(f'a[href^="/doc/{POLICY}"]')).first
    readings = hit.locator("p.interpretations")
    assert readings.locator(".linked-label").inner_text() == "相关解读："
    readings.get_by_role("link", name="《必须招标的工程项目规定》解读").click()
    assert page.url.split("/doc/", 1)[1].startswith(READING)
    interprets = page.locator("section.interprets")
    assert interprets.locator("h2").inner_text() == "解读的文件"
    interprets.get_by_role("link", name="必须招标的工程项目规定").click()
    assert page.locator("section.interpretations h2").inner_text() == "相关解读"
    status, data = get_json(server["port"], "/api/doc/" + urllib.parse.quote(POLICY))
    assert status == 200 and [d["id"] for d in data["document"]["interpretations"]] == [READING]
