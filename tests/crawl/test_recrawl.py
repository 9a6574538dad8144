"""A recrawl after the site changed: an edited page, a new page, a deleted page, a moved page with
a redirect. Only what changed is fetched (counted on the server), the index is updated in
place, and it then holds what a build of the changed folder holds."""

from __future__ import annotations

import shutil
import time
from collections import Counter
from urllib.parse import urlsplit

import pytest
from crawling import GOV_SITE, OVERLAY, crawl, documents, without_url

from bench.loopback_site import LoopbackSite
from indexer import open_index
from indexer.crawl.report import crawl_report
from indexer.crawl.store import Store

EDITED = "www.ndrc.gov.cn/xxgk/zcfb/tz/202107/t20210729_1292067.html"
NEW = "gjj.nanjing.gov.cn/tzgg/202312/t20231201_4100001.html"
DELETED = "www.ndrc.gov.cn/xxgk/zcfb/fzggwl/201803/t20180330_960918.html"  # linked from the home page
MOVED = "www.nanjing.gov.cn/zwgk/tzgg/202112/t20211210_3245102.html"
MOVED_TO = "www.nanjing.gov.cn/zwgk/tzgg/2021/t20211210_3245102.html"


def _change(site: LoopbackSite, root, overlay) -> None:
    """Edit, add, delete and move a page, as a CMS would, with the sitemaps it updates."""
    edited = root / EDITED
    paragraph = "<p>新增段落：蓄冷电价试点扩大到全部地市。</p>".encode()
    container = b'<div class="TRS_Editor">'
    edited.write_bytes(edited.read_bytes().replace(container, container + paragraph))
    source = (root / "gjj.nanjing.gov.cn/tzgg/202206/t20220624_3469012.html").read_bytes()
    (root / NEW).parent.mkdir(parents=True)
    paragraph = "<p>缴存基数上限同步调整。</p>".encode()
    (root / NEW).write_bytes(source.replace("2022年度".encode(), "2024年度".encode()).replace(
        b'<div class="article-content">', b'<div class="article-content">' + paragraph))
    sitemap = overlay / "sitemaps" / "gjj.nanjing.gov.cn.xml"
    entry = f"  <url><loc>{{origin}}/{NEW}</loc></url>\n</urlset>"
    sitemap.write_text(sitemap.read_text().replace("</urlset>", entry))
    index = overlay / "sitemap.xml"
    index.write_text(index.read_text().replace("gjj.nanjing.gov.cn.xml</loc><lastmod>2024-01-18",
                                               "gjj.nanjing.gov.cn.xml</loc><lastmod>2099-01-01"))
    (root / DELETED).unlink()
    (root / MOVED_TO).parent.mkdir(parents=True)
    (root / MOVED).rename(root / MOVED_TO)
    site.redirects[f"/{MOVED}"] = (301, f"{site.origin}/{MOVED_TO}")
    for path in (EDITED, NEW, MOVED_TO, "sitemaps/gjj.nanjing.gov.cn.xml", "sitemap.xml"):
        site.mtimes[f"/{path}"] = time.time()


@pytest.mark.slow  # over 2 s on its own: `make test`, not `make test-fast`
def test_recrawl_fetches_only_what_changed_and_the_index_then_matches_the_site(tmp_path):
    root, overlay = tmp_path / "site", tmp_path / "overlay"
    shutil.copytree(GOV_SITE, root)
    shutil.copytree(OVERLAY, overlay)
    with LoopbackSite([root], overlay=overlay) as site:
        first = crawl([site.origin + "/"], tmp_path)
        generation = first.index.generation
        _change(site, root, overlay)
        before = len(site.requests())
        second = crawl([], tmp_path)  # a recrawl: the scope comes from the store
        asked = site.requests(before)

    answered = Counter(request.status for request in asked)
    fetched = sorted(urlsplit(request.path).path for request in asked if request.status == 200)
    assert fetched == sorted(f"/{path}" for path in (EDITED, NEW, MOVED_TO, "sitemap.xml",
                                                      "sitemaps/gjj.nanjing.gov.cn.xml"))
    assert answered[301] == 1 and answered[404] == 3  # the moved page; the deleted one and two dead links
    assert answered[304] == 2 + 63 - 3  # robots.txt, the home page, every unchanged document
    unconditional = {request.path for request in asked if not request.conditional}  # never fetched before
    assert unconditional == {f"/{NEW}", f"/{MOVED_TO}", "/picture/0/s2112061638561234567.pdf",
                             "/picture/0/s2203181001237701234.docx"}

    assert second.index.how == "updated" and second.index.generation != generation
    assert (second.index.added, second.index.deleted) == (3, 2)
    crawled, mirrored = documents(tmp_path / "crawl" / "documents.jsonl.gz"), documents(root)
    assert without_url(crawled) == without_url(mirrored)
    engine = open_index(tmp_path / "index")
    assert engine.document(DELETED) is None and engine.document(MOVED) is None
    assert engine.document(MOVED_TO) is not None and engine.document(NEW) is not None
    hits = engine.search("蓄冷电价试点").hits
    assert hits and hits[0].id == EDITED
    assert engine.search("缴存基数上限同步调整").hits[0].id == NEW


def test_recrawl_reports_what_changed_and_the_new_dead_links(tmp_path):
    root, overlay = tmp_path / "site", tmp_path / "overlay"
    shutil.copytree(GOV_SITE, root)
    shutil.copytree(OVERLAY, overlay)
    with LoopbackSite([root], overlay=overlay) as site:
        crawl([site.origin + "/"], tmp_path)
        _change(site, root, overlay)
        crawl([], tmp_path)
        with Store(tmp_path / "crawl", lock=False) as store:
            report = crawl_report(store)
    by_outcome = {outcome: sorted(url.removeprefix(site.origin + "/") for found, url, _, _ in report.rows
                                  if found == outcome) for outcome in ("new", "changed", "gone")}
    assert by_outcome == {"new": [NEW, MOVED_TO], "changed": [EDITED], "gone": [DELETED]}
    assert report.counts["unchanged"] == 63 - 3
    dead = sorted((link.source.removeprefix(site.origin), link.target.removeprefix(site.origin))
                  for link in report.dead)
    assert dead == sorted([("/", f"/{DELETED}"), ("/sitemaps/www.ndrc.gov.cn.xml", f"/{DELETED}"),
                           ("/www.jiangsu.gov.cn/art/2021/12/6/art_46143_10213366.html",
                            "/picture/0/s2112061638561234567.pdf"),
                           ("/www.jiangsu.gov.cn/art/2022/3/18/art_64797_10380021.html",
                            "/picture/0/s2203181001237701234.docx")])
