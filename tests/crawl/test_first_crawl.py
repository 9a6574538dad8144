"""The first crawl of the government collection over HTTP: exactly its documents, read like a
mirror; robots.txt, nofollow and noindex obeyed; the dead links reported."""

from __future__ import annotations

from urllib.parse import urlsplit

from crawling import (
    AGENT,
    GOV_SITE,
    crawled_gov,  # noqa: F401 (the fixture gov_crawl)
    documents,
    without_url,
)

from indexer import open_index
from indexer.crawl.report import crawl_report, report_csv, report_text
from indexer.crawl.store import Store


def test_finds_exactly_the_documents_of_the_folder_with_their_metadata(gov_crawl):
    site, folder, summary = gov_crawl
    crawled, mirrored = documents(folder / "crawl" / "documents.jsonl.gz"), documents(GOV_SITE)
    assert len(mirrored) == 63 and sorted(crawled) == sorted(mirrored)
    assert without_url(crawled) == without_url(mirrored)  # titles, bodies, 文号, dates, attachments …
    assert summary.index.how == "built" and summary.index.documents == 63
    engine = open_index(folder / "index")
    assert engine.search("被征地农民社会保障").total > 0
    assert all(engine.document(doc_id) is not None for doc_id in mirrored)


def test_a_page_without_an_address_of_its_own_gets_the_one_it_was_fetched_from(gov_crawl):
    site, folder, _ = gov_crawl
    crawled, mirrored = documents(folder / "crawl" / "documents.jsonl.gz"), documents(GOV_SITE)
    fetched = {doc_id for doc_id in crawled if crawled[doc_id]["url"] == f"{site.origin}/{doc_id}"}
    declared = {doc_id for doc_id in crawled if crawled[doc_id]["url"] == mirrored[doc_id]["url"]}
    assert fetched | declared == set(crawled) and len(fetched) >= 7  # the attachments, at least
    assert "www.ndrc.gov.cn/xxgk/zcfb/fzggwl/202312/P020231229517445937652.pdf" in fetched


def test_robots_txt_nofollow_and_the_user_agent_are_obeyed(gov_crawl):
    site, folder, _ = gov_crawl
    paths = [urlsplit(request.path).path for request in site.requests()]
    assert paths[0] == "/robots.txt"
    assert not [path for path in paths if path.startswith(("/private/", "/hidden/"))]
    assert {request.user_agent for request in site.requests()} == {AGENT}
    assert len(paths) == len(set(paths))  # nothing asked twice
    with Store(folder / "crawl", lock=False) as store:
        assert store.record(f"{site.origin}/private/secret.html")["reason"] == "disallowed by robots.txt"
        assert store.record(f"{site.origin}/")["reason"] == "noindex"  # fetched for its links, not kept
        assert store.record(f"{site.origin}/hidden/nofollow.html") is None


def test_dead_link_report_lists_exactly_the_dead_links(gov_crawl):
    site, folder, _ = gov_crawl
    with Store(folder / "crawl", lock=False) as store:
        report = crawl_report(store)
    # The Jiangsu pages link /picture/0/… from their host's root: on this one-root server, 404.
    assert sorted((link.source, link.target, link.status) for link in report.dead) == [
        (f"{site.origin}/www.jiangsu.gov.cn/art/2021/12/6/art_46143_10213366.html",
         f"{site.origin}/picture/0/s2112061638561234567.pdf", 404),
        (f"{site.origin}/www.jiangsu.gov.cn/art/2022/3/18/art_64797_10380021.html",
         f"{site.origin}/picture/0/s2203181001237701234.docx", 404)]
    assert report.counts["new"] == 63 and report.counts["skipped"] == 2 and report.found == 67
    text = report_text(report)
    assert "死链 2 个" in text and "新增 63" in text and "robots.txt 禁止抓取" in text
    rows = report_csv(report).lstrip("\ufeff").splitlines()
    assert rows[0] == "类别,网址,状态码,原因,所在页面,链接文字"
    assert rows[1].startswith(f"死链,{site.origin}/picture/0/s2112061638561234567.pdf,404,服务器返回 404,")
