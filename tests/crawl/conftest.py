"""A crawl of the government collection served over real HTTP on 127.0.0.1, done once per module."""

from __future__ import annotations

import pytest
from crawling import GOV_SITE, OVERLAY, crawl

from bench.loopback_site import LoopbackSite


@pytest.fixture(scope="module")
def gov_crawl(tmp_path_factory):
    """The government collection crawled once: the site (still serving), the folder, the summary."""
    folder = tmp_path_factory.mktemp("gov-crawl")
    with LoopbackSite([GOV_SITE], overlay=OVERLAY) as site:
        summary = crawl([site.origin + "/"], folder)
        yield site, folder, summary
