"""The one table of a document's fields. Every stage reads it: the schema, the build, the
query language's filters, facets, sorting, stored documents, hits and the pages' labels.

Adding a field is one row here plus its reader's mapping (readers put values in
``Document.fields`` under the field's name).

- ``text``: searched (title and body only: words, characters and, for the title, pinyin and
  the exact title; see :mod:`indexer.index.schema`);
- ``id``: the unique document id;
- ``keyword``: one exact value (or a list, with ``multi``), for filters and facets;
- ``number``: an integer, for ranges and sorting;
- ``date``: an ISO date (``2021-03-05``; with ``clean=parse_date`` any written form), indexed
  as the number 20210305 for ranges and sorting;
- ``derived``: a keyword made by ``derive`` from the indexed value of field ``source`` (the
  year of ``published``, for the 年份 facet; with ``multi``, several: the names a title is
  known by);
- ``stored``: only kept, shown with the document.

A ``text`` field other than the title and body is made of the fields it ``gathers`` (``meta``:
the publisher, site, column, topics, keywords, 文号 and an attachment's link texts, searched
like the body).

A ``clean`` function turns what a reader found into the stored value (``doc_number``: the
canonical 文号, whatever way it was written); the readers clean with the same functions. A
field of a closed vocabulary lists its ``values`` (``validity``: 现行有效, 已修改, 已废止, 已失效),
and a filter value is cleaned and checked against them; ``guess`` gives a value from the title
where the reader found none (…办法（已废止）).

>>> published = Field("published", "date", "发布日期", filterable=True, sortable=True)
>>> published.to_index("2021-03-05"), published.from_index(20210305)
(20210305, '2021-03-05')
>>> [f.name for f in facets()]
['kind', 'year', 'publisher', 'topic', 'column', 'site', 'validity']
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .analysis import validity
from .analysis.citations import document_names
from .analysis.dates import parse_date
from .analysis.docnumber import cleaned, split_issuer

TYPES = ("text", "id", "keyword", "number", "date", "derived", "stored")
SEPARATOR = ","  # between the values of a multi-valued keyword field, as Whoosh's KEYWORD splits
WEB_ADDRESS = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Field:
    """One row of the table."""

    name: str
    type: str
    label: str  # Chinese, for pages
    stored: bool = True
    filterable: bool = False  # ``name:value`` (or ``name:a..b`` for numbers and dates)
    facet: bool = False  # counted in ``SearchResult.facets``
    sortable: bool = False
    multi: bool = False  # keyword fields: several values (a list)
    in_hits: bool = False  # carried by every hit (``None`` where unknown)
    clean: Callable[[str], str | None] | None = None  # the reader's text → the stored value
    source: str | None = None  # ``derived`` fields: the field it is made from
    derive: Callable[[object], str | list[str] | None] | None = None  # ``derived``: source value → keyword(s)
    gathers: tuple[str, ...] = ()  # ``text`` fields made of other fields
    values: tuple[str, ...] = ()  # a closed vocabulary: the only values it holds
    guess: Callable[[str], str | None] | None = None  # the value from the title, where the reader found none

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"field {self.name}: unknown type {self.type!r}")

    def to_index(self, value):
        """The value as the index holds it: dates as YYYYMMDD numbers, several keywords joined."""
        if value is None or value == "" or value == []:
            return None
        if self.clean is not None:
            value = self.clean(str(value))
            if value is None:
                return None
        if self.type == "date":
            found = ISO_DATE.match(str(value))
            return int("".join(found.groups())) if found else None
        if self.type == "number":
            return int(value)
        if self.type == "keyword" or self.type == "derived" and self.multi:
            values = value if isinstance(value, list | tuple) else [value]
            cleaned = [" ".join(str(v).replace(SEPARATOR, " ").split()) for v in values]
            cleaned = [v for v in cleaned if v]
            return (SEPARATOR.join(cleaned) if self.multi else cleaned[0]) if cleaned else None
        return value

    def from_index(self, value):
        """The stored value as documents and hits show it."""
        if value is None:
            return None
        if self.type == "date":
            text = f"{int(value):08d}"
            return f"{text[:4]}-{text[4:6]}-{text[6:]}"
        if self.type in ("keyword", "derived") and self.multi:
            return value.split(SEPARATOR)
        return value


def _web_address(text: str) -> str | None:
    """An http(s) address, or ``None``: a ``javascript:`` or other link is never shown."""
    text = text.strip()
    return text if WEB_ADDRESS.match(text) else None


def _year(value: object) -> str:
    """The year of a date as the index holds it (20210305 → ``2021``)."""
    return str(value)[:4]


def _number_key(value: object) -> str:
    """A 文号 without its issuer (``〔2021〕87号``, ``令第16号``)."""
    return split_issuer(str(value))[1]


FIELD_LIST = [
    Field("id", "id", "编号"),
    Field("kind", "keyword", "类型", filterable=True, facet=True, sortable=True, in_hits=True),
    Field("title", "text", "标题"),
    Field("rank", "number", "排名", filterable=True, sortable=True, in_hits=True),
    Field("body", "text", "正文"),
    Field("url", "stored", "网址", in_hits=True, clean=_web_address),
    Field("published", "date", "发布日期", filterable=True, sortable=True, in_hits=True,
          clean=parse_date),
    Field("written", "date", "成文日期", filterable=True, sortable=True, in_hits=True,
          clean=parse_date),
    Field("year", "derived", "年份", stored=False, filterable=True, facet=True, source="published",
          derive=_year),
    # several for a joint document (人力资源社会保障部 财政部), each as the editors' aliases name it
    Field("publisher", "keyword", "发布机构", filterable=True, facet=True, multi=True, in_hits=True),
    Field("doc_number", "keyword", "文号", filterable=True, in_hits=True, clean=cleaned),
    Field("doc_number_key", "derived", "文号（不含机关）", stored=False, source="doc_number",
          derive=_number_key),
    Field("cites", "keyword", "引用的文号", multi=True),  # the 文号 a document's text cites
    Field("index_number", "keyword", "索引号", filterable=True),
    Field("topic", "keyword", "主题分类", filterable=True, facet=True, multi=True, in_hits=True),
    Field("column", "keyword", "栏目", filterable=True, facet=True, in_hits=True),
    Field("site", "keyword", "网站", filterable=True, facet=True, in_hits=True),
    Field("keywords", "keyword", "主题词", multi=True),
    Field("validity", "keyword", "有效性", filterable=True, facet=True, in_hits=True,
          clean=validity.canonical, values=validity.VALUES, guess=validity.from_title),
    Field("names", "derived", "文件名称", stored=False, multi=True, source="title",
          derive=document_names),  # what a 解读 or a repeal finds its document by
    Field("link_text", "stored", "链接文字"),  # an attachment: the text of the links to it
    Field("meta", "text", "机构与主题", stored=False,
          gathers=("publisher", "site", "column", "topic", "keywords", "doc_number", "link_text")),
]
FIELDS = {field.name: field for field in FIELD_LIST}
CORE = ("id", "kind", "title", "body", "rank")  # attributes of every Document


def filterable() -> list[Field]:
    """Fields the query language and the API filter on."""
    return [field for field in FIELD_LIST if field.filterable]


def facets() -> list[Field]:
    """Fields counted as facets."""
    return [field for field in FIELD_LIST if field.facet]


def hit_fields() -> list[Field]:
    """Fields every hit carries."""
    return [field for field in FIELD_LIST if field.in_hits]
