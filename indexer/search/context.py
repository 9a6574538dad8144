"""One search's context: its work budget, the segments it evaluates on and everything it
learns along the way, so that the attempts of the match policy (:mod:`.policy`) and the
facet counts never evaluate the same subtree or look up the same term twice. Its caches
belong to the search and are keyed by value (logical nodes compare by value), never by an
object's identity.

Searches run on arrays (:mod:`.segment`) by default; ``whoosh=True`` runs the same logical
trees through Whoosh's searcher and collectors instead (:mod:`.reference`), the reference
the arrays are tested against.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..fields import FIELDS, facets
from ..index.schema import stored_document
from ..whoosh_ext import access
from . import collect, reference
from .collect import Part, Results
from .explain import Explanation
from .explain import explain as explain_node
from .logical import NOTHING, AllOf, Node
from .notices import Notice
from .segment import Expired, Segment, segments
from .tree import Filter
from .validity import FIELD as VALIDITY

BUDGET_SECONDS = 1.0  # CPU seconds one search may spend before it answers with what it has
FREQUENCY_FIELDS = ("title", "body")  # where a word's document frequency is counted


@dataclass
class SearchContext:
    """One search's access to the index: a view (generation, searcher, planner), how many hits,
    the order (``None``: relevance) and the deadline, in this thread's CPU time
    (``time.thread_time()``: the work done, not the time spent waiting for other threads);
    ``whoosh``: search through Whoosh's collectors instead of the arrays."""

    view: object
    limit: int
    sort: str | None = None
    whoosh: bool = False
    deadline: float = field(default_factory=lambda: time.thread_time() + BUDGET_SECONDS)
    expired: bool = False
    _segments: list[Segment] | None = field(default=None, repr=False)
    _terms: dict[tuple[str, str], bool] = field(default_factory=dict, repr=False)
    _possible: dict[Node, bool] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        if self.sort:
            sort_order(self.sort)  # unknown or unsortable fields raise ValueError now
        # A thread's CPU time runs no faster than the clock: until the budget left now has
        # passed on the clock, it cannot have run out, and its clock (a system call) is not read.
        self._surely_until = time.perf_counter() + (self.deadline - time.thread_time())

    @property
    def searcher(self):
        """The Whoosh searcher this search reads."""
        return self.view.searcher

    @property
    def time_left(self) -> bool:
        """Whether the budget still allows more work."""
        if not self.expired and time.perf_counter() < self._surely_until:
            return True
        if time.thread_time() > self.deadline:
            self.expired = True
        return not self.expired

    def _still(self) -> bool:
        return self.time_left

    @property
    def segments(self) -> list[Segment]:
        """This search's segments, which remember what they evaluated."""
        if self._segments is None:
            self._segments = segments(self.searcher, self._still, needs_current=self.sort is not None)
        return self._segments

    def doc_count(self) -> int:
        """Documents in the index."""
        return self.searcher.doc_count()

    def has_term(self, fieldname: str, text: str) -> bool:
        """Whether a live document has the term; its postings are read as the evaluation reads
        them, and kept for it."""
        key = (fieldname, text)
        found = self._terms.get(key)
        if found is None:
            found = self._terms[key] = any(segment.has_term(fieldname, text) for segment in self.segments)
        return found

    def frequency(self, text: str) -> int:
        """How many documents have ``text`` as a word of their title or body (the larger):
        what the index's statistics say a word is worth (the fewer, the more)."""
        found = 0
        for segment in self.segments:
            for fieldname in FREQUENCY_FIELDS:
                postings = segment.postings(fieldname, text)
                if postings is not None:
                    found = max(found, postings[1].df)
        return found

    def has_prefix(self, fieldname: str, text: str) -> bool:
        """Whether the index has a term of ``fieldname`` that starts with ``text``."""
        return next(iter(access.prefix_terms(self.searcher.reader(), fieldname, text, 1)), None) is not None

    def may_match(self, node: Node) -> bool:
        """``False`` only if ``node`` matches no document, known from the term table."""
        found = self._possible.get(node)
        if found is None:
            found = self._possible[node] = node.may_match(self.has_term, self.has_prefix)
        return found

    def matches(self, node: Node, restriction: Node | None = None) -> bool:
        """Whether any live document matches ``node`` (and ``restriction``), without ranking:
        the term table first, an evaluation only for a node that may match."""
        if not self.may_match(node):
            return False
        if self.whoosh:
            return reference.matches(self.searcher, node, restriction)
        return any(len(part.matches) for part in self.evaluate(node, restriction))

    def evaluate(self, node: Node, restriction: Node | None) -> list[Part]:
        """Each segment's matches of ``node`` within ``restriction``, while the budget lasts; a
        segment the budget ran out in is left out."""
        parts = []
        for segment in self.segments:
            if not self.time_left:
                break
            try:
                found = segment.run(node)
                if restriction is not None and len(found):
                    found = found.within(segment.run(restriction, scored=False).docs)
            except Expired:
                break
            parts.append(Part(segment, found))
        return parts

    def search(self, node: Node, restriction: Node | None, limit: int | None = None):
        """The matches of ``node`` within ``restriction``: ``len()``, ``is_empty()``,
        ``groups(facet)`` and the top hits by slicing, each with ``fields()`` and its
        ``score``. Sorted by a keyword field, it runs through Whoosh's collectors (the arrays
        sort by numbers and dates)."""
        limit = limit or self.limit
        order = sort_order(self.sort) if self.sort else None
        if not self.may_match(node):  # a term in no document: nothing to evaluate
            node = NOTHING
        if self.whoosh or (order and FIELDS[order[0]].type not in ("number", "date")):
            return reference.search(self, node, restriction, limit)
        return Results(self.searcher, self.evaluate(node, restriction), limit, order)

    def facet_counts(self, node: Node, plan, results, limit: int) -> dict[str, dict[str, int]]:
        """Each facet's counts of ``results`` (the matches of ``node``), or, for a field
        ``plan`` filters, of ``node``'s matches as if that field were not filtered; most first:
        the first ``limit`` values, and any value filtered on after them (to be unticked).
        Validity, where some documents' is not the index's, is counted as it is now."""
        counted = {}
        for facet in facets():
            if facet.name == VALIDITY and plan.planner.overrides.values:
                groups = overridden_counts(self, node, plan)
            else:
                source = results
                if facet.name in plan.filters and self.time_left:
                    source = self.search(node, plan.restriction(without=facet.name), limit=1)
                groups = {str(name): count for name, count in source.groups(facet.name).items()
                          if name is not None}
            counted[facet.name] = most_first(facet.name, groups, plan, limit)
        return counted

    def top(self, node: Node, limit: int) -> list:
        """The top ``limit`` hits of ``node`` outside this search's budget (the correction's
        title candidates)."""
        parts = [Part(segment, segment.run(node)) for segment in segments(self.searcher, lambda: True)]
        return Results(self.searcher, parts, limit)[:limit]


    def ids(self, hits: list) -> list[str]:
        """The id of each of ``hits``, from the id terms, not their stored documents."""
        return collect.document_ids(self.searcher, [hit.docnum for hit in hits])

    def stored(self, hit) -> dict:
        """A hit's stored document, as the API shows it."""
        return stored_document(hit.fields())

    def explain(self, node: Node, doc_id: str, restriction: Node | None) -> Explanation | None:
        """How ``node`` scores ``doc_id`` on the arrays (``None`` if it does not match there)."""
        docnum = self.searcher.document_number(id=doc_id)
        if docnum is None:
            return None
        segment, = self.segments
        within = np.array([docnum], dtype=np.int32)
        if restriction is not None and not len(segment.run(restriction, False, within)):
            return None
        return explain_node(segment, node, docnum)

    def notices(self) -> list[Notice]:
        """``out_of_time`` if the budget ran out."""
        return [Notice("out_of_time")] if self.expired else []


def sort_order(sort: str) -> tuple[str, bool]:
    """(field, descending) of ``sort`` (``-name``: descending); unknown or unsortable fields
    raise ``ValueError``."""
    name = sort.lstrip("-")
    found = FIELDS.get(name)
    if found is None or not found.sortable:
        raise ValueError(f"cannot sort by {name!r}")
    return name, sort.startswith("-")


def overridden_counts(context, node: Node, plan) -> dict[str, int]:
    """Each validity → the matches of ``node`` that have it now (under the overrides of
    ``plan``'s planner), the plan's other filters applied; on either backend's ``context``."""
    restriction = plan.restriction(without=VALIDITY)
    having = plan.planner.overrides.having
    found = {}
    for value in FIELDS[VALIDITY].values:
        if not context.time_left:
            break
        count = len(context.search(AllOf((node, having((value,)))), restriction, limit=1))
        if count:
            found[value] = count
    return found


def most_first(fieldname: str, groups: dict[str, int], plan, limit: int) -> dict[str, int]:
    """Facet ``fieldname``'s counts ``groups``, most first: the first ``limit`` values, and any
    value ``plan`` filters on after them (to be unticked)."""
    chosen = {r.value for r in plan.query.restrictions if isinstance(r, Filter) and r.field == fieldname}
    ordered = sorted(groups.items(), key=lambda group: (-group[1], group[0]))
    return dict(ordered[:limit] + [(name, count) for name, count in ordered[limit:] if name in chosen])
