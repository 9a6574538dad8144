"""A site of 1,000 real government documents (and their column listings): a recrawl of it
unchanged sends only conditional requests and re-indexes nothing; one edited page is searchable
in its new form after the next recrawl, without a full rebuild."""

from __future__ import annotations

import time

import pytest
from crawling import crawl

from bench.crawl_site import gov_records, gov_site, kinds_of, page_path, render_page
from indexer import open_index
from indexer.index.store import live_name

EDIT = "新增段落：本通知自发布之日起施行，原办法同时废止。"


@pytest.mark.slow
def test_recrawl_of_an_unchanged_site_is_conditional_and_an_edit_is_indexed_alone(tmp_path):
    records = gov_records(1000)
    with gov_site(records) as site:
        first = crawl([site.origin + "/"], tmp_path, concurrency=8)
        assert first.tally.outcomes["new"] >= 1000 and first.index.how == "built"
        generation = live_name(tmp_path / "index")

        before = len(site.requests())
        unchanged = crawl([], tmp_path, concurrency=8)
        asked = site.requests(before)
        assert len(asked) == before  # everything again (robots.txt, sitemap, pages), conditionally
        assert all(request.conditional for request in asked)
        assert {request.status for request in asked} == {304}
        assert unchanged.index.how == "unchanged" and live_name(tmp_path / "index") == generation

        edited = records[500]
        site.files[page_path(edited)] = render_page(edited, kinds_of(records), EDIT)
        site.mtimes[page_path(edited)] = time.time()
        before = len(site.requests())
        again = crawl([], tmp_path, concurrency=8)
        assert [r.path for r in site.requests(before) if r.status == 200] == [page_path(edited)]
    assert (again.index.how, again.index.added, again.index.deleted) == ("updated", 1, 0)
    hits = open_index(tmp_path / "index").search("原办法同时废止").hits
    assert hits[0].id == page_path(edited).lstrip("/") and hits[0].title == edited["title"]
