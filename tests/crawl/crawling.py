"""Helpers of the crawler tests: the test site's files, loopback limits, crawls and documents."""

from __future__ import annotations

from pathlib import Path

from indexer import load_documents
from indexer.crawl import crawl_site
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
