"""Every page type checked by real tools in Chromium: axe-core and Lighthouse.

``make test`` installs both into tools/npm (``npm ci``); without them these tests fail with
the command to run. Lighthouse scores are thresholds on audits, not timings.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from browser_setup import CHROMIUM, CHROMIUM_ARGS
from live_server import running_server

pytestmark = pytest.mark.browser

NPM = Path(__file__).parent.parent.parent / "tools" / "npm"
AXE = NPM / "node_modules" / "axe-core" / "axe.min.js"
LIGHTHOUSE = NPM / "node_modules" / ".bin" / "lighthouse"
INSTALL = f"npm ci --prefix {NPM}  (or: make test)"
PAGE_TYPES = {
    "home": "/", "results": "/?q=智慧城市", "no-results": "/?q=量子纠缠xyz", "corrected": "/?q=華雨軟件",
    "page-2": "/?q=服务&page=2", "document": "/doc/vendor-10?q=华宇", "error": "/nope",
}
SIZES = {"desktop": {"viewport": {"width": 1280, "height": 900}},
         "mobile": {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True,
                    "has_touch": True}}
CATEGORIES = ("accessibility", "best-practices", "seo")
THRESHOLD = 0.95


def _tool(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"{path} is missing: {INSTALL}")
    return path


@pytest.fixture(scope="module")
def axe_source() -> str:
    return _tool(AXE).read_text(encoding="utf-8")


def axe_violations(tab, axe_source: str) -> list[dict]:
    """axe-core's violations on the open tab (WCAG 2.x A and AA rules and best practices)."""
    tab.evaluate(axe_source)  # evaluated by the driver, so the page's CSP (no inline script) stands
    return tab.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                            nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
    }""")


def test_axe_harness_reports_what_it_finds(browser, axe_source):
    """The check itself works: a page with known faults gets them reported."""
    tab = browser.new_page()
    tab.set_content('<html><body><img src="x.png"><a href="/"></a>'
                    '<p style="color:#bbb;background:#fff">浅色文字</p></body></html>')
    found = {v["id"] for v in axe_violations(tab, axe_source)}
    tab.close()
    assert {"image-alt", "link-name", "color-contrast", "html-has-lang"} <= found


@pytest.mark.parametrize("size", SIZES)
def test_axe_finds_nothing_on_any_page_type(browser, live_server, axe_source, size):
    context = browser.new_context(base_url=live_server["url"], **SIZES[size])
    tab = context.new_page()
    found = {}
    for name, path in PAGE_TYPES.items():
        tab.goto(path)
        found[name] = axe_violations(tab, axe_source)
    context.close()
    assert found == {name: [] for name in PAGE_TYPES}


def test_axe_finds_nothing_on_government_filters_and_care_mode(browser, gov_server, axe_source):
    context = browser.new_context(base_url=gov_server["url"], **SIZES["desktop"])
    tab = context.new_page()
    found = {}
    for name, path in {"filters": "/?q=医疗", "filtered": "/?q=医疗&sort=-published&in=title&from=2021-01-01",
                       "document": "/?q=医疗", "answer": "/?q=租房能取公积金吗",
                       "attachment": "/?q=公积金&kind=attachment"}.items():
        tab.goto(path)
        if name in ("document", "attachment"):
            tab.locator(".hit-title a").first.click()
            tab.wait_for_url("**/doc/**")
        found[name] = axe_violations(tab, axe_source)
        if name == "attachment":  # and the page it belongs to, which lists its attachments
            tab.locator(".parent-page a").click()
            tab.wait_for_selector(".attachments")
            found["page with attachments"] = axe_violations(tab, axe_source)
        if name == "answer":  # and its passage in the document page
            tab.locator(".best-answer a").click()
            tab.wait_for_url("**#answer")
            found["answer passage"] = axe_violations(tab, axe_source)
    tab.goto("/care?on=1&next=/%3Fq%3D%E5%8C%BB%E7%96%97")
    found["care"] = axe_violations(tab, axe_source)
    context.close()
    assert found == {name: [] for name in found}


def axe_at_each_size(browser, index: Path, folder: Path, path: str, ready, axe_source: str) -> dict:
    """axe's violations on ``path`` of a server over ``index``, at each of :data:`SIZES`, once
    ``ready(tab)`` (which checks what the page must show, or opens part of it) has run."""
    found = {}
    with running_server(index, folder / "log", env={"EGOV_QUERY_LOG": "0"}, workers=1) as server:
        for size in SIZES:
            context = browser.new_context(base_url=server["url"], **SIZES[size])
            tab = context.new_page()
            tab.goto(path)
            ready(tab)
            found[size] = axe_violations(tab, axe_source)
            context.close()
    return found


def test_axe_finds_nothing_on_a_long_document_shown_in_parts(browser, large_index, tmp_path, axe_source):
    def ready(tab):
        assert tab.locator("nav.pagination .page.current").count() == 1

    found = axe_at_each_size(browser, large_index, tmp_path, "/doc/large-1?q=打印机", ready, axe_source)
    assert found == {size: [] for size in SIZES}


EDITED_POLICY = "www.ndrc.gov.cn/xxgk/zcfb/fzggwl/201803/t20180330_960918.html"


@pytest.fixture
def edited_gov(gov_index, tmp_path) -> Path:
    """A copy of the government index with a pinned link and a policy an editor set 已废止."""
    from indexer import config
    from indexer.editors.store import EditorsFile

    shutil.copytree(gov_index, tmp_path / "gov", symlinks=True)
    editors = EditorsFile(config.beside_index("editors.sqlite3", tmp_path / "gov"))
    editors.add_pin("必须招标的工程项目规定", title="工程建设项目招标网上办理", url="https://example.gov.cn/zb",
                    description="在线提交招标文件")
    editors.set_validity(EDITED_POLICY, "已废止")
    return tmp_path / "gov"


@pytest.mark.parametrize("path", [
    "/?q=必须招标的工程项目规定",  # 服务直达, a 已废止 badge and 相关解读 under the policy
    f"/doc/{EDITED_POLICY}",  # its badge and 相关解读
    "/doc/www.ndrc.gov.cn/xxgk/jd/jd/201806/t20180606_962013.html",  # 解读的文件
])
def test_axe_finds_nothing_on_what_editors_set(browser, edited_gov, tmp_path, axe_source, path):
    def ready(tab):
        assert tab.locator(".validity, section.interprets").count() >= 1

    found = axe_at_each_size(browser, edited_gov, tmp_path, path, ready, axe_source)
    assert found == {size: [] for size in SIZES}

def lighthouse(url: str, mobile: bool, out: Path) -> dict:
    """One Lighthouse run on Debian's Chromium; its JSON report."""
    args = [str(_tool(LIGHTHOUSE)), url, f"--chrome-path={CHROMIUM}",
            "--chrome-flags=" + " ".join(CHROMIUM_ARGS), "--only-categories=" + ",".join(CATEGORIES),
            "--output=json", f"--output-path={out}", "--quiet", "--ignore-status-code"]
    if not mobile:
        args.append("--preset=desktop")
    done = subprocess.run(args, capture_output=True, text=True, timeout=240,
                          env={**os.environ, "CHROME_PATH": str(CHROMIUM)})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(out.read_text(encoding="utf-8"))


def scores(report: dict, leave_out: tuple[str, ...] = ()) -> dict[str, float]:
    """Each category's score, recomputed without the audits in ``leave_out``."""
    found = {}
    for name in CATEGORIES:
        refs = [ref for ref in report["categories"][name]["auditRefs"]
                if ref["weight"] and ref["id"] not in leave_out
                and report["audits"][ref["id"]]["score"] is not None]
        total = sum(ref["weight"] for ref in refs)
        earned = sum(ref["weight"] * report["audits"][ref["id"]]["score"] for ref in refs)
        found[name] = round(earned / total, 2)
    return found


def failing(report: dict) -> list[str]:
    return sorted(audit["id"] for audit in report["audits"].values()
                  if audit["score"] is not None and audit["score"] < 1
                  and audit["scoreDisplayMode"] in ("binary", "numeric"))


RUNS = [(name, "desktop") for name in PAGE_TYPES] + [("results", "mobile")]


@pytest.mark.parametrize("name, size", RUNS, ids=[f"{n}-{s}" for n, s in RUNS])
def test_lighthouse_scores(live_server, tmp_path, name, size):
    report = lighthouse(live_server["url"] + PAGE_TYPES[name], size == "mobile", tmp_path / "report.json")
    if name == "error":
        # a 404 must tell crawlers so: Lighthouse's status-code audit fails there by design
        assert report["audits"]["http-status-code"]["score"] == 0
        got = scores(report, leave_out=("http-status-code",))
    else:
        got = {category: report["categories"][category]["score"] for category in CATEGORIES}
    assert min(got.values()) >= THRESHOLD, (got, failing(report))


def test_lighthouse_scores_on_government_filters(gov_server, tmp_path):
    report = lighthouse(gov_server["url"] + "/?q=医疗保险&from=2021-01-01", False, tmp_path / "report.json")
    got = {category: report["categories"][category]["score"] for category in CATEGORIES}
    assert min(got.values()) >= THRESHOLD, (got, failing(report))


def test_lighthouse_scores_on_what_editors_set(edited_gov, tmp_path):
    with running_server(edited_gov, tmp_path / "log", env={"EGOV_QUERY_LOG": "0"}, workers=1) as server:
        report = lighthouse(server["url"] + "/?q=必须招标的工程项目规定", True, tmp_path / "report.json")
    got = {category: report["categories"][category]["score"] for category in CATEGORIES}
    assert min(got.values()) >= THRESHOLD, (got, failing(report))
