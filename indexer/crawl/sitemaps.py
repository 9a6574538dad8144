"""Sitemaps (sitemaps.org): a ``<urlset>`` of pages or a ``<sitemapindex>`` of sitemaps, each
entry with its ``<lastmod>``; gzipped or not; or plain text, one address a line.

Read with lxml's incremental parser, with entities, DTDs and the network off (no XXE, no entity
bomb), and at most ``limit`` entries a file. ``ultimate-sitemap-parser`` reads the same
formats but drops an index's ``lastmod`` when it parses bytes it did not fetch itself, and
would fetch the sub-sitemaps with its own client, outside the crawl's politeness and caps.

>>> data = b'''<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
... <sitemap><loc> http://x.gov.cn/s1.xml </loc><lastmod>2024-01-02</lastmod></sitemap></sitemapindex>'''
>>> parse_sitemap(data, 10)
Sitemap(index=True, entries=[('http://x.gov.cn/s1.xml', '2024-01-02')])
>>> parse_sitemap(b"http://x.gov.cn/a.html\\nnot a url\\n", 10).entries
[('http://x.gov.cn/a.html', None)]
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass, field

from lxml import etree


@dataclass
class Sitemap:
    """What one sitemap file lists: sitemaps (an index) or pages, as ``(address, lastmod)``."""

    index: bool = False
    entries: list[tuple[str, str | None]] = field(default_factory=list)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def parse_sitemap(data: bytes, limit: int) -> Sitemap:
    """The entries of a sitemap's bytes (gzip undone, at most ``limit``); malformed XML yields
    what was read before the fault."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.GzipFile(fileobj=io.BytesIO(data)).read(64 << 20)
        except (OSError, EOFError, zlib.error):
            return Sitemap()
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        lines = (line.strip() for line in data.decode("utf-8", "replace").splitlines())
        return Sitemap(False, [(line, None) for line in lines if line.startswith(("http://", "https://"))][:limit])
    found = Sitemap()
    entry: dict[str, str] = {}
    parser = etree.iterparse(io.BytesIO(data), events=("start", "end"), resolve_entities=False,
                             no_network=True, load_dtd=False, huge_tree=False, recover=True)
    try:
        for event, element in parser:
            name = _local(element.tag)
            if event == "start":
                if name == "sitemapindex":
                    found.index = True
                continue
            if name in ("loc", "lastmod"):
                entry[name] = (element.text or "").strip()
            elif name in ("url", "sitemap"):
                if entry.get("loc"):
                    found.entries.append((entry["loc"], entry.get("lastmod") or None))
                entry = {}
                if len(found.entries) >= limit:
                    break
            element.clear()
    except etree.XMLSyntaxError:
        pass
    return found
