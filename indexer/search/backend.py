"""The seam between search and an index backend: what a search reads (:class:`IndexView`, one
generation of the index with its planner and word lists) and the context one search runs on
(:class:`Context`). The parser, the planner, the match policy, the pipeline, suggest, related,
the pages and the API are written against these two and nothing else, so they run unchanged
on either backend:

- Whoosh, embedded (the default and the reference): :class:`.view.View` and
  :class:`.context.SearchContext`, which evaluate logical trees on the segments' arrays;
- OpenSearch (``EGOV_BACKEND=opensearch``): :class:`indexer.backends.opensearch.view.ClusterView`
  and :class:`indexer.backends.opensearch.context.ClusterContext`, which send each tree to the
  cluster as query DSL.

Which one an engine opens is decided in one place, :func:`indexer.backends.open_engine`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from ..editors.state import Editions
    from ..index.links import LinkTable
    from .explain import Explanation
    from .logical import Node
    from .notices import Notice
    from .plan import Planner

T = TypeVar("T")


class Hit(Protocol):
    """One ranked document of a search."""

    score: Any  # its relevance (see :func:`.reference.relevance`)

    def fields(self) -> dict:
        """Its stored fields (``title`` as written)."""


class Results(Protocol):
    """The matches of one tree: every one counted, the top ones ranked."""

    def __len__(self) -> int: ...

    def is_empty(self) -> bool:
        """Whether nothing matched."""

    def __getitem__(self, index: slice) -> list[Hit]: ...


class PinyinWords(Protocol):
    """The homophone correction's candidates: (fuzzy) pinyin → [(word, times indexed)], most
    frequent first."""

    exact: Mapping[str, list[tuple[str, int]]]
    fuzzy: Mapping[str, list[tuple[str, int]]]


class Context(Protocol):
    """One search on one view: its work budget (``time_left``, ``expired`` once it ran out) and
    everything the match policy asks of the index."""

    limit: int
    sort: str | None
    expired: bool

    @property
    def time_left(self) -> bool:
        """Whether the budget still allows more work."""

    def doc_count(self) -> int:
        """Documents in the index."""

    def may_match(self, node: Node) -> bool:
        """``False`` only if ``node`` matches no document, known from its terms alone."""

    def matches(self, node: Node, restriction: Node | None = None) -> bool:
        """Whether any document matches ``node`` (and ``restriction``), without ranking."""

    def frequency(self, text: str) -> int:
        """How many documents have ``text`` as a word of their title or body (the larger)."""

    def search(self, node: Node, restriction: Node | None, limit: int | None = None) -> Results:
        """The matches of ``node`` within ``restriction``, the first ``limit`` ranked."""

    def facet_counts(self, node: Node, plan, results: Results, limit: int) -> dict[str, dict[str, int]]:
        """Each facet's ``limit`` most frequent values in ``results`` (and those filtered on); a
        field ``plan`` filters counted without its filter."""

    def top(self, node: Node, limit: int) -> list[Hit]:
        """The top ``limit`` hits of ``node``, outside the budget."""

    def ids(self, hits: list[Hit]) -> list[str]:
        """The id of each of ``hits``."""

    def stored(self, hit: Hit) -> dict:
        """A hit's stored document, as the API shows it."""

    def explain(self, node: Node, doc_id: str, restriction: Node | None) -> Explanation | None:
        """How ``node`` scores document ``doc_id`` (``None`` if it does not match, or not
        within ``restriction``)."""

    def notices(self) -> list[Notice]:
        """What the reader should know about how the index answered (out of time, partial)."""


class IndexView(Protocol):
    """One generation of the index as the searches of one request read it, with the editors'
    additions of now (``editions``, :mod:`indexer.editors`) planned in."""

    planner: Planner
    editions: Editions

    @property
    def name(self) -> str:
        """The generation's name (a Whoosh generation's folder, an OpenSearch build's index)."""

    @property
    def words(self) -> PinyinWords:
        """The correction's candidates."""

    @property
    def links(self) -> LinkTable:
        """The 解读 links and the validity declared in the generation's documents."""

    def planner_for(self, editions: Editions, kept: bool = True) -> Planner:
        """The generation's planner for ``editions`` (a new one kept by no one unless ``kept``)."""

    def annotated(self, doc: dict) -> dict:
        """Stored document ``doc`` with its validity now and its 解读 links."""

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, once for this generation and ``key``."""

    def context(self, limit: int, sort: str | None = None, whoosh: bool = False) -> Context:
        """A new search's context on this view (``whoosh``: the Whoosh reference path)."""

    def doc_count(self) -> int:
        """Documents in the index."""

    def first_documents(self, fieldname: str, values: Iterable[str]) -> dict[str, dict]:
        """The first stored document (in the order documents were added) that has each of
        ``values`` in exact-value field ``fieldname``; a value no document has is left out."""

    def documents(self, fieldname: str, value: str, limit: int) -> list[dict]:
        """Up to ``limit`` stored documents with ``value`` in ``fieldname``, in the order they
        were added."""

    def all_documents(self) -> list[dict]:
        """Every stored document."""

    def holds(self, fieldname: str, value: str) -> bool:
        """Whether a document has ``value`` in exact-value field ``fieldname``."""

    def field_values(self, fieldname: str) -> list[str]:
        """Every value of exact-value field ``fieldname``."""

    def prefixed(self, fieldname: str, prefix: str, limit: int) -> list[str]:
        """The first ``limit`` indexed terms of ``fieldname`` that start with ``prefix``, in
        term order."""

    def frequent_words(self, fieldname: str, count: int) -> list[tuple[str, float]]:
        """The ``count`` words of text field ``fieldname`` (``title`` or ``body``) indexed most
        often, with how many times, most first (then the last in term order)."""

    def term_stats(self, fieldname: str, words: Iterable[str]) -> dict[str, tuple[int, int]]:
        """(documents, occurrences) of each of ``words`` the index has in text field
        ``fieldname`` (``title`` or ``body``)."""
