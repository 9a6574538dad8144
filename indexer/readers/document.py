"""What every reader produces: :class:`Document`, and :class:`CorpusError` for bad input.

:func:`check_document` holds the rules every document meets, whichever reader made it:

- every text (id, kind, title, body, other fields) is valid Unicode: no lone surrogates,
  which JSON's ``\\ud800`` escapes can produce and which cannot be stored or sent;
- the id is safe in a URL (``/doc/<id>``): no control characters (U+0000–U+001F,
  U+007F–U+009F; ``\\n`` and ``\\r`` match no route) and no ``/``-separated segment that is
  ``.`` or ``..`` (browsers resolve those away: ``/doc/a/../b`` goes to ``/doc/b``);
- numbers (``rank``) are integers that fit a signed 64-bit integer, as the index stores them.

:func:`cap_values` keeps the first values of a several-valued field, so that one document cannot
fill every page it appears on with its 主题分类 or 主题词.

>>> check_document(Document("a/./b", "document", "t", "b", origin=("x.jsonl", 3)))
Traceback (most recent call last):
...
indexer.readers.document.CorpusError: x.jsonl:3: id 'a/./b' has a '.' segment, which browsers drop from a URL
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..fields import FIELD_LIST
from .skipped import printable

LONE_SURROGATE = re.compile("[\ud800-\udfff]")
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
INT64 = (-(2**63), 2**63 - 1)
NUMBER_FIELDS = tuple(f.name for f in FIELD_LIST if f.type == "number")
MULTI_FIELDS = tuple(f.name for f in FIELD_LIST if f.multi)


class CorpusError(ValueError):
    """Input that does not have the expected shape; the message names file:line."""

    def __init__(self, path: Path | str, line: int, reason: str):
        super().__init__(f"{printable(str(path))}:{line}: {reason}")
        self.path, self.line, self.reason = str(path), line, reason


@dataclass
class Document:
    """One searchable unit: a vendor, an article section, a record, a Markdown section.

    ``fields`` holds everything else a reader knows (dates, publisher, source, …), by the
    names of :mod:`indexer.fields`; names the table does not know are kept as stored text.
    ``origin`` is the file and line it was read from (line 0: the whole file), for errors.
    """

    id: str
    kind: str
    title: str
    body: str
    rank: int | None = None
    fields: dict[str, str] = field(default_factory=dict)
    origin: tuple[str, int] = field(default=("", 0), compare=False, repr=False)

    def get(self, name: str):
        """The value of field ``name``, whether an attribute or one of ``fields``."""
        if name in ("id", "kind", "title", "body", "rank"):
            return getattr(self, name)
        return self.fields.get(name)

    def to_dict(self) -> dict:
        """The document as JSON-ready data, extra fields included."""
        return {"id": self.id, "kind": self.kind, "title": self.title, "rank": self.rank,
                "body": self.body, **self.fields}


def check_document(doc: Document) -> Document:
    """``doc`` if it meets the module's rules, else :class:`CorpusError` at its origin."""
    reason = _bad_text(doc) or _bad_id(doc.id) or _bad_number(doc)
    if reason:
        raise CorpusError(*doc.origin, reason)
    return doc


def _bad_text(doc: Document) -> str | None:
    """What is wrong with the first text that holds a lone surrogate, if one does."""
    texts = {"id": doc.id, "kind": doc.kind, "title": doc.title, "body": doc.body, **doc.fields}
    for name, value in texts.items():
        for text in value if isinstance(value, list | tuple) else [value]:
            found = LONE_SURROGATE.search(text) if isinstance(text, str) else None
            if found:
                return (f"{name!r} holds the lone surrogate {found.group()!r} at character "
                        f"{found.start()} (not valid Unicode)")
    return None


def _bad_id(doc_id: str) -> str | None:
    """Why ``doc_id`` is not safe in a URL path, if it is not."""
    control = CONTROL.search(doc_id)
    if control:
        return f"id {doc_id!r} holds the control character {control.group()!r}, which no URL can carry"
    dots = next((part for part in doc_id.split("/") if part in (".", "..")), None)
    if dots:
        return f"id {doc_id!r} has a {dots!r} segment, which browsers drop from a URL"
    return None


def _bad_number(doc: Document) -> str | None:
    """Why a number field of ``doc`` cannot be indexed, if one cannot."""
    low, high = INT64
    for name in NUMBER_FIELDS:
        value = doc.get(name)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            return f"{name!r} must be an integer from {low} to {high}"
    return None


def cap_values(doc: Document, limit: int) -> bool:
    """Keep the first ``limit`` values of each several-valued field of ``doc``; whether any went.

    >>> doc = Document("a", "page", "t", "b", fields={"topic": ["甲", "乙", "丙"], "keywords": ["丁"]})
    >>> cap_values(doc, 2), doc.fields
    (True, {'topic': ['甲', '乙'], 'keywords': ['丁']})
    """
    cut = False
    for name in MULTI_FIELDS:
        values = doc.fields.get(name)
        if isinstance(values, list | tuple) and len(values) > limit:
            doc.fields[name] = list(values[:limit])
            cut = True
    return cut
