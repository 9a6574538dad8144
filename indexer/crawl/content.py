"""What fetched bytes are, whatever the server says, and what a page links to.

The kind comes from the bytes first (a server may call a PDF ``text/html`` or a page
``application/octet-stream``): ``%PDF-`` is a PDF, a zip holding ``word/document.xml`` a DOCX,
markup that opens like HTML a page; the declared type only decides for markup that opens
otherwise. Anything else is not read. The text of a page is decoded as the site readers decode
it (:func:`indexer.readers.encoding.decode_html`: the bytes, not the HTTP charset, decide).

>>> sniff(b"%PDF-1.7 ...", "text/html"), sniff(b"\\xef\\xbb\\xbf<!DOCTYPE html><html>", "application/x-zip")
('pdf', 'html')
>>> sniff(b"\\x89PNG\\r\\n", "text/html"), sniff(b"plain words", "text/plain")
(None, None)
>>> found = page_links(b'<base href="/zw/"><meta name="robots" content="noindex">'
...     b'<a href="a.html">A</a><a rel="nofollow" href="/b.html">B</a><a href="javascript:x()">C</a>',
...     "http://x.gov.cn/index.html", 10)
>>> found.links, found.noindex, found.nofollow
([('http://x.gov.cn/zw/a.html', 'A')], True, False)
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from ..readers.encoding import decode_html
from ..readers.skipped import SkipFile
from .urls import join

_MARKUP = re.compile(rb"^\s*<(?:!doctype\s+html|html|head|body|meta|title|!--|\?xml|table|div|p\b|frameset"
                     rb"|script)",
                     re.IGNORECASE)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
LINK_TAGS = {"a": "href", "area": "href", "frame": "src", "iframe": "src"}


def sniff(data: bytes, content_type: str) -> str | None:
    """``html``, ``pdf``, ``docx`` or ``None`` (not something the readers read)."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if _is_docx(data) else None
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
            if bom != b"\xef\xbb\xbf":
                head = head.decode("utf-16-le" if bom == b"\xff\xfe" else "utf-16-be", "ignore").encode()
            break
    if b"\x00" in head:
        return None
    declared = content_type.split(";")[0].strip().lower()
    if _MARKUP.match(head) or (declared in ("text/html", "application/xhtml+xml") and b"<" in head):
        return "html"
    return None


def _is_docx(data: bytes) -> bool:
    """Whether a zip's bytes are a Word document (not a workbook or any other zip)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


@dataclass
class PageLinks:
    """What a page says about crawling it: its links (``(address, anchor text)``, at most the
    limit, ``rel=nofollow`` ones left out), its canonical address and its robots meta."""

    links: list[tuple[str, str]] = field(default_factory=list)
    canonical: str | None = None
    noindex: bool = False
    nofollow: bool = False


def robots_directives(value: str) -> tuple[bool, bool]:
    """``(noindex, nofollow)`` of a robots meta or ``X-Robots-Tag`` value.

    >>> robots_directives("NOINDEX, follow"), robots_directives("none")
    ((True, False), (True, True))
    """
    words = {word.strip().lower() for word in re.split(r"[,\s]+", value)}
    return bool(words & {"noindex", "none"}), bool(words & {"nofollow", "none"})


def page_links(data: bytes, url: str, limit: int, robots_header: str = "") -> PageLinks:
    """The links, canonical address and robots directives of the page ``data`` fetched at ``url``."""
    found = PageLinks()
    found.noindex, found.nofollow = robots_directives(robots_header)
    try:
        text, _ = decode_html(data)
        tree = lxml_html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", text))
    except (SkipFile, etree.ParserError, ValueError):
        try:
            tree = lxml_html.document_fromstring(data)
        except (etree.ParserError, ValueError):
            return found
    base = url
    for element in tree.iter("base", "meta", "link"):
        if element.tag == "base" and element.get("href") and base == url:
            base = join(url, element.get("href")) or url
        elif element.tag == "meta" and (element.get("name") or "").strip().lower() == "robots":
            noindex, nofollow = robots_directives(element.get("content") or "")
            found.noindex, found.nofollow = found.noindex or noindex, found.nofollow or nofollow
        elif element.tag == "link" and (element.get("rel") or "").lower().split() == ["canonical"]:
            found.canonical = found.canonical or join(url, element.get("href") or "")
    if found.nofollow:
        return found
    seen = set()
    for element in tree.iter(*LINK_TAGS):
        target = join(base, element.get(LINK_TAGS[element.tag]) or "")
        if target is None or target in seen or "nofollow" in (element.get("rel") or "").lower().split():
            continue
        seen.add(target)
        found.links.append((target, " ".join(element.text_content().split())[:200]))
        if len(found.links) >= limit:
            break
    return found
