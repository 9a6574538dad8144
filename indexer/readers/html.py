"""One web page of a government site: its main text, title, url, metadata and attachment links.

Main text: the content container of the government CMSs (:data:`CONTAINERS`, the first that is
present with at least :data:`MIN_CONTAINER_CHARS` characters; the longest element of that
selector), else ``trafilatura`` (precision first, tables kept, no comments), else the whole body.
A body with less text than trafilatura's own minimum (:data:`TRAFILATURA_MIN_CHARS`) is taken
whole: trafilatura would try its fallbacks on it, for milliseconds, and find no more. Scripts,
styles, ``nav``/``aside``/``footer`` and elements whose class or id names navigation,
breadcrumbs, share or print buttons are removed first. Paragraphs are lines (``\\n``).

The parse takes text nodes of any size and nesting up to libxml2's deepest (2,048 levels, with
``huge_tree``); a page nested deeper is skipped as ``nested too deeply``, since the parser
drops what lies below.

Title: ``<meta name="ArticleTitle">``, else the labelled 标题/名称, else ``og:title``, else the
first ``<h1>`` that is not the site's name, else ``<title>`` without a trailing `` - SiteName`` or
``_SiteName``, else the file name. URL: ``<link rel="canonical">``, else ``<meta name="Url">``,
else ``og:url``, else ``base_url`` joined with the page's relative path.
"""

from __future__ import annotations

import copy
import logging
import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml import html as lxml_html

from ..analysis.docnumber import find_numbers
from . import metadata
from .address import address
from .document import Document
from .encoding import decode_html
from .skipped import CORRUPT, EMPTY, TOO_DEEP, SkipFile

SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
ATTACHMENT_SUFFIXES = (".pdf", ".docx", ".doc", ".xls", ".xlsx")
#: Content containers of government CMSs (TRS WCM, 拓尔思, 开普云 UCAP, …), most specific first.
CONTAINERS = (".trs_editor", ".trs_editor_view", "#zoom", "#ucap-content", "#ivs_content",
              ".article-content", ".article_content", ".pages_content", ".xxgk_content",
              ".zwgk_content", "#content", ".content", "article")
MIN_CONTAINER_CHARS = 30
TRAFILATURA_MIN_CHARS = 250  # its MIN_EXTRACTED_SIZE: below it, it tries fallback extractors
#: Class or id words of what is not content; matched as whole words, or anywhere for the last ones.
NOT_CONTENT_WORDS = {"nav", "navbar", "menu", "footer", "sidebar", "toolbar", "position", "location",
                     "print", "fontsize", "pagination", "pager"}
NOT_CONTENT_PARTS = ("breadcrumb", "crumb", "share")
_DROPPED_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "select", "button")
_STRUCTURE_TAGS = ("nav", "aside", "footer")
_BLOCKS = {"p", "div", "br", "li", "tr", "table", "ul", "ol", "section", "article", "blockquote", "pre",
           "dd", "dt", "dl", "header", "main", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "center", "form",
           "tbody", "thead", "caption", "figure", "figcaption", "address"}
_TITLE_SEPARATORS = ("-", "_", "|", "—", "–", "——", "－", "｜")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
logging.getLogger("trafilatura").setLevel(logging.ERROR)  # its per-page notes are not warnings here


@dataclass
class Page:
    """A read page: the document (its body is set by :func:`finish`, without the site's
    boilerplate), its lines, its links, and whether its text was cut at the limit."""

    doc: Document
    lines: list[str]
    links: dict[str, list[str]] = field(default_factory=dict)
    cut: bool = False


def _words(element: lxml_html.HtmlElement) -> list[str]:
    """The lower-case words of an element's class and id."""
    names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return [word for word in re.split(r"[\s_-]+", names) if word]


def _not_content(element: lxml_html.HtmlElement) -> bool:
    if element.tag in _STRUCTURE_TAGS:
        return True
    words = _words(element)
    joined = " ".join(words)
    return any(word in NOT_CONTENT_WORDS for word in words) or any(p in joined for p in NOT_CONTENT_PARTS)


def _selects(element: lxml_html.HtmlElement, selector: str) -> bool:
    """Whether ``element`` matches ``.class``, ``#id`` or ``tag`` (case-insensitive)."""
    if selector.startswith("."):
        return selector[1:] in (element.get("class") or "").lower().split()
    if selector.startswith("#"):
        return (element.get("id") or "").lower() == selector[1:]
    return element.tag == selector


def block_lines(element: lxml_html.HtmlElement) -> list[str]:
    """The text of ``element`` as lines: one per paragraph or block, spaces collapsed.

    >>> block_lines(lxml_html.fromstring("<div><p>第一段<b>加粗</b></p><p>　　第二段<br>续行</p></div>"))
    ['第一段加粗', '第二段', '续行']
    """
    parts: list[str] = []
    stack: list[tuple[etree._Element, bool]] = [(element, False)]
    while stack:  # a loop, not recursion: pages may nest deeper than Python's stack
        node, closing = stack.pop()
        tag = node.tag if isinstance(node.tag, str) else None
        if closing:
            parts.append("\n" if tag in _BLOCKS else " " if tag in ("td", "th") else "")
            if node is not element and node.tail:
                parts.append(node.tail)
            continue
        if tag in _BLOCKS:
            parts.append("\n")
        if tag is not None and node.text:
            parts.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return [line for line in lines if line]


def _clean_tree(tree: lxml_html.HtmlElement) -> None:
    """Remove scripts, styles and what is not content, keeping the text around them."""
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        if element.tag in _DROPPED_TAGS or (element.tag not in ("body", "html") and _not_content(element)):
            element.drop_tree()


def _container(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The first CMS content container with enough text (the longest one of its selector)."""
    elements = [element for element in tree.iter() if isinstance(element.tag, str)]
    for selector in CONTAINERS:
        matches = [element for element in elements if _selects(element, selector)]
        sized = [(len("".join(element.text_content().split())), element) for element in matches]
        sized = [(size, element) for size, element in sized if size >= MIN_CONTAINER_CHARS]
        if sized:
            return max(sized, key=lambda item: item[0])[1]
    return None


def main_lines(tree: lxml_html.HtmlElement) -> list[str]:
    """The main text of a cleaned page, as lines."""
    container = _container(tree)
    if container is not None:
        return block_lines(container)
    body = tree.find("body")
    body = body if body is not None else tree
    if len("".join(body.text_content().split())) < TRAFILATURA_MIN_CHARS:
        return block_lines(body)
    import trafilatura  # here, not at the top: 0.1 s of every command's start, and only pages need it

    text = trafilatura.extract(copy.deepcopy(tree), include_comments=False, include_tables=True,
                               favor_precision=True, output_format="txt")
    if text and text.strip():
        return [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    return block_lines(body)


def _text(element: lxml_html.HtmlElement | None) -> str:
    return " ".join(element.text_content().split()) if element is not None else ""


def page_title(meta: dict[str, str], labelled: dict[str, str], tree: lxml_html.HtmlElement,
               site: str | None, fallback: str) -> str:
    """The title by the order of the module docstring."""
    for value in (meta.get("articletitle"), labelled.get("title"), meta.get("og:title")):
        if value and value.strip():
            return " ".join(value.split())
    for heading in tree.iter("h1"):
        text = _text(heading)
        if text and text != site and "logo" not in " ".join(_words(heading)):
            return text
    title = _text(tree.find(".//title"))
    if title and site:
        for separator in _TITLE_SEPARATORS:
            head, sep, tail = title.rpartition(separator)
            if sep and head.strip() and tail.strip() == site:
                title = head.strip()
                break
    return title or fallback


def resolve_link(href: str, page_id: str, base_url: str | None = None) -> str | None:
    """The folder-relative path an ``href`` on page ``page_id`` points to, or ``None`` if outside.

    In a ``wget --mirror`` tree the first folder is the host, so ``/a.pdf`` and
    ``http://host/a.pdf`` resolve inside it.

    >>> resolve_link("../files/a%20b.pdf?x=1#p", "www.x.gov.cn/zw/2021/page.html")
    'www.x.gov.cn/zw/files/a b.pdf'
    >>> resolve_link("/f/a.pdf", "www.x.gov.cn/zw/p.html")
    'www.x.gov.cn/f/a.pdf'
    >>> resolve_link("http://www.x.gov.cn/f/a.pdf", "p.html")
    'www.x.gov.cn/f/a.pdf'
    >>> resolve_link("https://s.gov.cn/f/a.pdf", "p.html", "https://s.gov.cn/")
    'f/a.pdf'
    >>> resolve_link("../a.pdf", "p.html") is None
    True
    """
    href = href.strip()
    if base_url and href.startswith(base_url):
        path = urlsplit(href[len(base_url):]).path.lstrip("/")
    else:
        parts = urlsplit(href)
        first = page_id.split("/", 1)[0] if "/" in page_id else ""
        mirrored = "." in first
        if parts.scheme in ("http", "https") or parts.netloc:
            path = f"{parts.netloc}/{parts.path.lstrip('/')}"
        elif parts.scheme:
            return None
        elif parts.path.startswith("/"):
            path = f"{first}{parts.path}" if mirrored else parts.path.lstrip("/")
        else:
            path = posixpath.join(posixpath.dirname(page_id), parts.path)
    path = posixpath.normpath(unquote(path))
    if path.startswith("../") or path in ("..", ".") or path.startswith("/"):
        return None
    return path


def attachment_links(tree: lxml_html.HtmlElement, page_id: str, base_url: str | None) -> dict[str, list[str]]:
    """``{attachment path: [anchor texts]}`` for the page's links to PDF, Word and Excel files."""
    links: dict[str, list[str]] = {}
    for anchor in tree.iter("a"):
        href = anchor.get("href")
        if not href:
            continue
        target = resolve_link(href, page_id, base_url)
        if target is None or not target.lower().endswith(ATTACHMENT_SUFFIXES):
            continue
        text = _text(anchor) or " ".join((anchor.get("title") or "").split())
        texts = links.setdefault(target, [])
        if text and text not in texts:
            texts.append(text)
    return links


LABEL_BLOCKS = ("li", "span", "p", "div", "dd", "dt", "td", "em", "b", "strong", "font", "label")


def page_url(tree: lxml_html.HtmlElement, meta: dict[str, str], page_id: str,
             base_url: str | None) -> str | None:
    """The page's URL by the order of the module docstring."""
    for link in tree.iter("link"):
        if (link.get("rel") or "").lower().split() == ["canonical"] and (link.get("href") or "").strip():
            return link.get("href").strip()
    for name in ("url", "og:url"):
        if meta.get(name):
            return meta[name]
    return address(page_id, base_url)


def labelled_blocks(tree: lxml_html.HtmlElement) -> list[str]:
    """The texts of the page's innermost blocks (list items, spans, paragraphs, …) that start
    with a known label: 政府信息公开 fields shown beside the text rather than in it."""
    found = []
    for element in tree.iter(*LABEL_BLOCKS):
        if any(child.tag in LABEL_BLOCKS for child in element):
            continue
        text = " ".join(element.text_content().split())
        if metadata.starts_with_label(text):
            found.append(text)
    return found


def parse_html(data: bytes, page_id: str, *, base_url: str | None = None) -> Page:
    """A page from its bytes; raises :class:`SkipFile` (undecodable, empty, corrupt)."""
    text, codec = decode_html(data)
    text = _XML_DECLARATION.sub("", text)
    if not text.strip():
        raise SkipFile(EMPTY)
    parser = lxml_html.HTMLParser(huge_tree=True)
    try:
        tree = lxml_html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        raise SkipFile(EMPTY if not text.strip("\ufeff \t\r\n") else CORRUPT) from None
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise SkipFile(TOO_DEEP)
    meta = metadata.meta_tags(tree)
    links = attachment_links(tree, page_id, base_url)
    url = page_url(tree, meta, page_id, base_url)
    labelled = metadata.take_labelled_rows(tree)
    _clean_tree(tree)
    from_lines, lines = metadata.take_labelled_lines(main_lines(tree))
    from_blocks, _ = metadata.take_labelled_lines(labelled_blocks(tree))
    for name, value in {**from_blocks, **from_lines}.items():
        labelled.setdefault(name, value)
    fields = metadata.page_fields(meta, labelled)
    title = page_title(meta, labelled, tree, str(fields.get("site") or "") or None,
                       posixpath.splitext(posixpath.basename(page_id))[0])
    while lines and lines[0] == title:
        lines.pop(0)
    if url:
        fields["url"] = url
    fields["format"] = "html"
    fields["encoding"] = codec
    doctype = metadata.guess_doctype(str(fields.get("column") or ""), title,
                                     str(fields.get("doc_number") or "") or None)
    if doctype:
        fields["doctype"] = doctype
    return Page(Document(page_id, "page", title, "", fields=fields), lines, links)


def finish(page: Page, lines: list[str]) -> Document | None:
    """The page's document with the body ``lines`` (boilerplate removed); ``None`` if empty."""
    body = "\n".join(lines).strip()
    if not body:
        return None
    doc = page.doc
    doc.body = body
    own = doc.fields.get("doc_number")
    cites = [number for number in dict.fromkeys(n for _, _, n in find_numbers(body)) if number != own]
    if cites:
        doc.fields["cites"] = cites
    return doc
