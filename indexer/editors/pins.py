"""Pinned answers (服务直达): what an editor puts above the results of a query.

《政府网站发展指引》 asks for 搜索即服务: for a popular query, the service or the document
itself first (GOV.UK's best bets, Elastic's pinned query rules). A pin is a document of the
index or an outside service link (a title, a description and an address), for a query:
``exact`` (the query is the pin's, as search normalises it: Traditional, full-width, case
and the spaces between Chinese words aside) or ``contains`` (the query holds the pin's term;
a Latin term only as a whole word), from an optional start date to an optional expiry date,
both days included.

>>> pin = Pin(1, "公积金提取", "contains", None, "住房公积金提取", "网上办理", "https://example.gov.cn/tq")
>>> pin.matches(query_key("南京 公積金提取 条件")), pin.matches(query_key("公积金"))
(True, False)
>>> Pin(2, "AI", "contains", "doc-1").matches(query_key("paid")), pin.active(date(2024, 1, 1))
(False, True)
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date

from ..analysis.normalize import exact_key
from ..fields import WEB_ADDRESS

MATCHES = ("exact", "contains")
MAX_QUERY_CHARS = 256  # as a search's query
MAX_TITLE_CHARS = 100
MAX_DESCRIPTION_CHARS = 300
LATIN = re.compile(r"^[0-9a-z]+$")
WORDS = re.compile(r"[0-9a-z]+")


class PinError(ValueError):
    """A pin that cannot be kept: ``param`` names what is wrong, the message (Chinese) why."""

    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param = param


def query_key(text: str) -> str:
    """A query as pins compare it: normalised, without white space."""
    return exact_key(text)


@dataclass(frozen=True)
class Pin:
    """One pinned answer: a document of the index (``doc_id``) or an outside link (``title``,
    ``description``, ``url``), for ``query`` matched ``exact`` or ``contains``, shown from
    ``starts`` to ``expires`` (ISO dates, either open)."""

    id: int
    query: str
    match: str
    doc_id: str | None = None
    title: str | None = None
    description: str | None = None
    url: str | None = None
    starts: str | None = None
    expires: str | None = None

    def matches(self, key: str) -> bool:
        """Whether a query of normalised key ``key`` (:func:`query_key`) is one this pin answers."""
        own = query_key(self.query)
        if self.match == "exact":
            return key == own
        if LATIN.match(own):
            return own in WORDS.findall(key)
        return own in key

    def active(self, today: date) -> bool:
        """Whether the pin is shown on ``today``."""
        day = today.isoformat()
        return (self.starts is None or self.starts <= day) and (self.expires is None or day <= self.expires)

    def to_dict(self) -> dict:
        """JSON-ready data."""
        return asdict(self)


def checked(query: str, match: str, doc_id: str | None, title: str | None, description: str | None,
            url: str | None, starts: str | None, expires: str | None) -> dict:
    """The fields of a new pin, trimmed, or :class:`PinError` naming the first that is wrong."""
    query = " ".join((query or "").split())
    if not query_key(query) or len(query) > MAX_QUERY_CHARS:
        raise PinError("query", f"查询词不能为空，且不超过 {MAX_QUERY_CHARS} 个字")
    if match not in MATCHES:
        raise PinError("match", "匹配方式只能是 exact（整个查询）或 contains（包含该词）")
    doc_id, title, description, url = (" ".join(value.split()) if value else None
                                       for value in (doc_id, title, description, url))
    if doc_id and (title or url):
        raise PinError("doc_id", "置顶索引中的文档，或外部链接（标题和网址），二者选一")
    if not doc_id:
        if not title or len(title) > MAX_TITLE_CHARS:
            raise PinError("title", f"外部链接需要标题，且不超过 {MAX_TITLE_CHARS} 个字")
        if not url or not WEB_ADDRESS.match(url):
            raise PinError("url", "外部链接需要以 http:// 或 https:// 开头的网址")
    if description and len(description) > MAX_DESCRIPTION_CHARS:
        raise PinError("description", f"说明不超过 {MAX_DESCRIPTION_CHARS} 个字")
    starts, expires = _day("starts", starts), _day("expires", expires)
    if starts and expires and expires < starts:
        raise PinError("expires", f"截止日期 {expires} 早于开始日期 {starts}")
    return {"query": query, "match": match, "doc_id": doc_id, "title": title,
            "description": description, "url": url, "starts": starts, "expires": expires}


def _day(param: str, text: str | None) -> str | None:
    """An ISO date, or :class:`PinError`."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise PinError(param, f"日期 {text!r} 无效，应写作 2024-03-05") from None
