"""Helpers of the crawler tests: the test site's files, loopback limits, crawls and documents,
and the government collection crawled once per module (the fixture ``gov_crawl``, imported as
``crawled_gov`` by the tests that use it: a ``conftest.py`` here would shadow
``tests/conftest.py``, which other folders import helpers from)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.loopback_site import LoopbackSite
from indexer import load_documents
from indexer.crawl.run import crawl_site
from indexer.crawl.settings import Limits

TESTS = Path(__file__).parent.parent
GOV_SITE = TESTS / "relevance" / "gov" / "site"
OVERLAY = Path(__file__).parent / "gov"  # robots.txt, sitemaps, a noindex home page, a disallowed page
AGENT = "egov-search-test/1.0 (crawler tests)"
#: Loopback limits: no delay, short timeouts (what a test waits for when a server stalls).
FAST = {"delay": 0.0, "concurrency": 4, "timeout": 1.0, "fetch_seconds": 3.0, "retries": 1}


def crawl(urls: list[str], folder: Path, **limits):
    """``crawl_site`` into ``folder``/crawl and ``folder``/index with the loopback limits."""
    return crawl_site(urls, store_dir=folder / "crawl", index_dir=folder / "index", user_agent=AGENT,
                      limits=Limits.from_environ({}, **{**FAST, **limits}))


def documents(path: Path) -> dict:
    """``{id: document as a dict}`` read from a folder or JSON Lines by the corpus readers."""
    return {doc.id: doc.to_dict() for doc in load_documents([path])}


def without_url(docs: dict) -> dict:
    """The documents with their ``url`` left out (a crawl knows where it fetched them from)."""
    return {doc_id: {k: v for k, v in doc.items() if k != "url"} for doc_id, doc in docs.items()}


@pytest.fixture(scope="module", name="gov_crawl")
def crawled_gov(tmp_path_factory):
    """The government collection crawled once: the site (still serving), the folder, the summary."""
    folder = tmp_path_factory.mktemp("gov-crawl")
    with LoopbackSite([GOV_SITE], overlay=OVERLAY) as site:
        summary = crawl([site.origin + "/"], folder)
        yield site, folder, summary
