"""Addresses: their one canonical form, what a crawl may fetch, and where a fetched file goes.

A URL is canonical as Scrapy's ``w3lib.url.canonicalize_url`` makes it (dot segments
resolved, query arguments sorted, percent-encoding normalised, no fragment), with the scheme's
default port and session ids dropped, so that one page has one address in the frontier.

>>> canonical("HTTP://Www.X.gov.cn:80/a/../b/c.html?b=2&a=1&jsessionid=9F#top")
'http://www.x.gov.cn/b/c.html?a=1&b=2'
>>> scope = Scope(["http://www.x.gov.cn/zwgk/index.html"], deny=[r"\\.jsp\\?print="])
>>> scope.allows("https://www.x.gov.cn/zwgk/a.html"), scope.allows("http://www.x.gov.cn/a.html")
(True, False)
>>> file_path("http://www.x.gov.cn/zwgk/", "html"), file_path("http://x.gov.cn:8080/%E6%96%87.pdf", "pdf")
('www.x.gov.cn/zwgk/index.html', 'x.gov.cn:8080/文.pdf')
>>> file_path("http://x.gov.cn/item.jsp?id=5", "html")
'x.gov.cn/item.jsp@id=5.html'
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections import Counter
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from ..readers import html
from .settings import Limits

SESSION_PARAMETERS = {"jsessionid", "phpsessid", "sessionid", "sid", "aspsessionid", "cfid", "cftoken"}
_SESSION = re.compile(r";(?:jsessionid|phpsessid)=[^/?#]*", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: Suffixes of what is neither a page nor a document: never requested.
MEDIA_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".svg", ".ico", ".css", ".js", ".mp3",
                  ".mp4", ".avi", ".wmv", ".flv", ".mov", ".swf", ".zip", ".rar", ".7z", ".gz", ".tar",
                  ".exe", ".apk", ".iso", ".woff", ".woff2", ".ttf", ".eot", ".xml.gz")
#: Documents no reader of ours reads: recorded as skipped, never requested.
UNREAD_SUFFIXES = (".doc", ".xls", ".xlsx", ".ppt", ".pptx", ".wps", ".et", ".ofd", ".rtf")
SUFFIXES = {"html": html.SUFFIXES, "pdf": (".pdf",), "docx": (".docx",)}
MAX_NAME_BYTES = 200  # a file name longer than this is cut and made unique with a hash


def canonical(url: str) -> str:
    """The one form of ``url`` that the frontier and the store know it by."""
    url = _SESSION.sub("", url.strip())
    parts = urlsplit(canonicalize_url(url))
    netloc = parts.hostname or ""
    if parts.port and parts.port != _DEFAULT_PORTS.get(parts.scheme):
        netloc = f"{netloc}:{parts.port}"
    query = "&".join(pair for pair in parts.query.split("&")
                     if pair and pair.split("=", 1)[0].lower() not in SESSION_PARAMETERS)
    return urlunsplit((parts.scheme, netloc, parts.path or "/", query, ""))


def join(base: str, href: str) -> str | None:
    """The canonical address of ``href`` on a page at ``base``, or ``None`` for what is not a
    web address (``javascript:``, ``mailto:``, a malformed URL)."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    try:
        url = urljoin(base, href)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
        return canonical(url)
    except ValueError:  # an invalid port or IPv6 literal
        return None


def host_of(url: str) -> str:
    """The host and port of a canonical URL (``www.x.gov.cn``, ``127.0.0.1:8080``)."""
    return urlsplit(url).netloc


class Scope:
    """The addresses a crawl may fetch: the entry points, and what is below one of the ``allow``
    prefixes (default: each entry point's folder, over http and https); none that matches one of
    the ``deny`` patterns."""

    def __init__(self, seeds: list[str], allow: list[str] | None = None, deny: list[str] | None = None):
        self.seeds = [canonical(seed) for seed in seeds]
        prefixes = [canonical(prefix) for prefix in allow or []] or [
            seed.rsplit("/", 1)[0] + "/" for seed in self.seeds]
        self.prefixes = sorted({_without_scheme(prefix) for prefix in prefixes})
        self.deny = [re.compile(pattern) for pattern in deny or []]
        self.hosts = sorted({host_of(url) for url in [*prefixes, *self.seeds]})

    def allows(self, url: str) -> bool:
        """Whether ``url`` (canonical) is in scope: an entry point always is, unless denied."""
        bare = _without_scheme(url)
        return (url in self.seeds or any(bare.startswith(prefix) for prefix in self.prefixes)) and \
            not any(pattern.search(url) for pattern in self.deny)


def _without_scheme(url: str) -> str:
    return url.split("://", 1)[-1]


class Traps:
    """The bounds on generated addresses: length, depth of path, repeated segments, and the
    number of query strings one path may have in one crawl (calendars, endless filters)."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.variants: Counter[str] = Counter()

    def reason(self, url: str) -> str | None:
        """Why ``url`` is a trap (``None`` if it is not); counts its query string."""
        limits, parts = self.limits, urlsplit(url)
        if len(url) > limits.max_url_length:
            return "URL too long"
        segments = [segment for segment in parts.path.split("/") if segment]
        if len(segments) > limits.max_path_segments:
            return "path too deep"
        if segments and max(Counter(segments).values()) > limits.max_segment_repeats:
            return "repeating path"
        if parts.query:
            key = f"{parts.netloc}{parts.path}"
            if self.variants[key] >= limits.max_query_variants:
                return "too many query variants"
            self.variants[key] += 1
        return None


def skipped_type(url: str) -> str | None:
    """``media`` or ``no reader`` for an address whose suffix says it is not worth a request."""
    path = urlsplit(url).path.lower()
    if path.endswith(MEDIA_SUFFIXES):
        return "media"
    if path.endswith(UNREAD_SUFFIXES):
        return "no reader"
    return None


def file_path(url: str, kind: str) -> str:
    """Where a fetched ``html``, ``pdf`` or ``docx`` file goes below the store's ``files/``: the
    host, then the path as ``wget --mirror`` saves it (percent-decoded, ``index.html`` for a
    folder, ``@`` before a query string, the suffix of its kind added if it lacks one)."""
    parts = urlsplit(url)
    raw = parts.path.split("/")[1:] or [""]
    segments = [_name(segment) for segment in raw[:-1]]
    segments.append(_name(raw[-1]) if raw[-1] else "index.html" if kind == "html" else f"index.{kind}")
    if parts.query:
        segments[-1] += "@" + _name(parts.query)
    if not segments[-1].lower().endswith(SUFFIXES[kind]):
        segments[-1] += SUFFIXES[kind][0]
    segments = [_short(segment) for segment in segments]
    return posixpath.join(parts.netloc, *segments)


def _name(segment: str) -> str:
    """A path segment as a file name: percent-decoded when it is UTF-8, never a hidden or
    empty name, never a slash or control character."""
    try:
        name = unquote(segment, errors="strict")
    except UnicodeDecodeError:
        name = segment
    name = re.sub(r"[\x00-\x1f\x7f/\\]", lambda m: f"%{ord(m.group()):02X}", name)
    return "_" + name if not name or name.startswith(".") else name


def _short(name: str) -> str:
    """``name`` cut to :data:`MAX_NAME_BYTES`, its suffix kept, made unique by a hash."""
    if len(name.encode()) <= MAX_NAME_BYTES:
        return name
    stem, suffix = posixpath.splitext(name)
    digest = hashlib.sha1(name.encode()).hexdigest()[:12]
    return stem.encode()[:MAX_NAME_BYTES - 40].decode(errors="ignore") + f"~{digest}{suffix[:12]}"


def fallback_path(url: str, kind: str) -> str:
    """A path for ``url`` that cannot collide with another's: its host, ``_``, a hash."""
    return f"{host_of(url)}/_/{hashlib.sha1(url.encode()).hexdigest()[:20]}{SUFFIXES[kind][0]}"
