"""What a search returns: :class:`Hit` and :class:`SearchResult`, JSON-ready."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

from ..analysis.normalize import normalize_text
from ..analysis.pinyin import matched_text
from ..fields import hit_fields
from .answer import Answer
from .highlight import highlight
from .notices import Notice

SNIPPET_CHARS = 120
SHOWN = ("id", "kind", "title", "rank", "score", "snippet", "title_html")  # to_dict's first keys
LINKED = ("interpretations", "interprets")  # a policy's 解读, and what a 解读 interprets: [{id, title}]
DESCRIPTION_CHARS = 80  # of a pinned document's text, when the editor wrote no description


class once:
    """A property computed on first use and kept in the instance, as ``functools.cached_property``
    but without its lock, which every instance of the class shares: in a threaded server a hit
    would wait for other requests' hits (a result is used by the request that searched)."""

    def __init__(self, compute: Callable):
        self.compute, self.__doc__ = compute, compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner: type | None = None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)
        return value


class Hit:
    """One result: its ``id`` and relevance ``score`` are known when the search ranks it; the
    rest is read from its stored document on first use, as Whoosh's hits read stored fields,
    so that a caller that only ranks pays for no stored document and no highlighting.
    ``snippet`` and ``title_html`` are escaped HTML with ``<mark>`` around matches; ``fields``
    holds the table's hit fields beyond kind and rank (``None`` where unknown).

    ``load`` gives the stored document and ``marks`` what to mark in a document of a given
    title; each is called at most once. A hit belongs to the request that searched (its
    first use computes and keeps each part)."""

    def __init__(self, id: str, score: float, load: Callable[[], dict], marks: Callable[[str], list[str]]):
        self.id, self.score = id, round(score, 4)
        self._load, self._marks = load, marks

    @once
    def document(self) -> dict:
        """The stored document, as :meth:`~.engine.SearchEngine.document` gives it."""
        return self._load()

    @property
    def kind(self) -> str:
        return self.document["kind"]

    @property
    def title(self) -> str:
        return self.document["title"]

    @property
    def rank(self) -> int | None:
        return self.document["rank"]

    @once
    def fields(self) -> dict:
        """The hit fields beyond kind and rank."""
        return {f.name: self.document.get(f.name) for f in hit_fields() if f.name not in ("kind", "rank")}

    @property
    def interpretations(self) -> list[dict]:
        """The 解读 of this document (相关解读): ``{"id", "title"}`` each."""
        return self.document.get("interpretations") or []

    @property
    def interprets(self) -> list[dict]:
        """What this 解读 interprets (解读的文件): ``{"id", "title"}`` each."""
        return self.document.get("interprets") or []

    @once
    def marks(self) -> list[str]:
        """What is marked in this hit's title and snippet."""
        return self._marks(self.title)

    @once
    def snippet(self) -> str:
        """The body's best :data:`SNIPPET_CHARS`-character window, matches marked."""
        return highlight(self.document["body"], self.marks, SNIPPET_CHARS)

    @once
    def title_html(self) -> str:
        """The title, matches marked."""
        return highlight(self.title, self.marks)

    def to_dict(self) -> dict:
        """JSON-ready data, the extra fields at the top level."""
        return {**{name: getattr(self, name) for name in SHOWN}, **self.fields,
                **{name: getattr(self, name) for name in LINKED}}


@dataclass
class Pinned:
    """An editor's pinned answer (服务直达) for the query: an outside service link (``url``), or
    a document of the index (``doc_id``, with the address it was published at, if known)."""

    pin: int
    title: str
    description: str
    url: str | None
    doc_id: str | None = None
    validity: str | None = None

    @classmethod
    def of_document(cls, pin: int, description: str | None, doc: dict) -> Pinned:
        """A pinned document: its title, the editor's description or the start of its text."""
        body = " ".join(doc["body"].split())
        cut = body if len(body) <= DESCRIPTION_CHARS else body[:DESCRIPTION_CHARS - 1] + "…"
        shown = description or cut
        return cls(pin, doc["title"], shown, doc.get("url"), doc["id"], doc.get("validity"))

    def to_dict(self) -> dict:
        """JSON-ready data."""
        return asdict(self)


def with_pinyin(marks: list[str], title: str, key: str | None) -> list[str]:
    """``marks`` and, for a pinyin query, the characters of ``title`` that it spells."""
    spelled = matched_text(title, key) if key and title else None
    return marks + [normalize_text(spelled)] if spelled else marks


@dataclass
class SearchResult:
    """A page of results with the total, facet counts and how the query was run."""

    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    took_ms: float
    mode: str = "all"  # "all": every term matched; "any": fell back to ranked OR;
    # "corrected": the results of ``suggestion``, a homophone correction of the query
    notices: list[Notice] = field(default_factory=list)
    suggestion: str | None = None
    answer: Answer | None = None  # 最佳答案: for a question, the passage that answers it
    pinned: list[Pinned] = field(default_factory=list)  # 服务直达: the editors' answers, page 1 only

    def to_dict(self) -> dict:
        """JSON-ready data."""
        return {**asdict(replace(self, hits=[], notices=[], answer=None, pinned=[])),
                "hits": [hit.to_dict() for hit in self.hits],
                "notices": [notice.to_dict() for notice in self.notices],
                "answer": self.answer.to_dict() if self.answer else None,
                "pinned": [pinned.to_dict() for pinned in self.pinned]}
