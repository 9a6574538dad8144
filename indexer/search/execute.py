"""Running Whoosh queries for one search, within its work budget: the matches (with every
facet grouped), an existence check, facet counts, the sort order, and a deadline past which
the search stops and keeps what it has.

Searches run on arrays (:mod:`.executor`) by default; ``whoosh=True`` runs them through
Whoosh's searcher and collectors instead, the reference the executor is tested against."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh import sorting
from whoosh.collectors import FilterCollector

from ..fields import FIELDS, facets
from ..whoosh_ext.arrays import MISSING_KEY
from ..whoosh_ext.deadline import DeadlineCollector
from . import executor
from .plan import restrictions
from .tree import Filter, Query

BUDGET_SECONDS = 1.0  # CPU seconds one search may spend before it answers with what it has


@dataclass
class Execution:
    """One search's access to the index: a view (generation, searcher, planner), how many hits,
    the order (``None``: relevance) and the deadline, in this thread's CPU time
    (``time.thread_time()``: the work done, not the time spent waiting for other threads);
    ``whoosh``: search through Whoosh's collectors instead of the array executor."""

    view: object
    limit: int
    sort: str | None = None
    deadline: float = field(default_factory=lambda: time.thread_time() + BUDGET_SECONDS)
    expired: bool = False
    whoosh: bool = False
    _segments: list | None = field(default=None, repr=False)  # the array evaluators, made on first use

    def __post_init__(self):
        # A thread's CPU time runs no faster than the clock: until the budget left now has
        # passed on the clock, it cannot have run out, and its clock (a system call) is not read.
        self._surely_until = time.perf_counter() + (self.deadline - time.thread_time())

    @property
    def time_left(self) -> bool:
        """Whether the budget still allows more work."""
        if not self.expired and time.perf_counter() < self._surely_until:
            return True
        if time.thread_time() > self.deadline:
            self.expired = True
        return not self.expired

    @property
    def segments(self) -> list:
        """This search's evaluator of each segment, which remember what they evaluated."""
        if self._segments is None:
            self._segments = executor.evaluators(self.view.searcher, lambda: self.time_left,
                                                 needs_current=self.sort is not None)
        return self._segments

    def has_term(self, fieldname: str, text: str) -> bool:
        """Whether a live document has the term; its postings are read as the evaluation reads
        them, and kept for it."""
        return any(segment.has_term(fieldname, text) for segment in self.segments)

    def search(self, whoosh_query: wq.Query, query: Query, limit: int | None = None):
        """The matches of ``whoosh_query`` under the tree's restrictions, grouped by every facet:
        ``len()``, ``is_empty()``, ``groups(facet)`` and the top hits by slicing, each with
        ``fields()`` and its relevance ``score``. Sorted by a keyword field, it runs through
        Whoosh's collectors (the array executor sorts by numbers and dates)."""
        order = None
        if self.sort:
            sort_facet(self.sort)  # unknown or unsortable fields raise ValueError
            order = (self.sort.lstrip("-"), self.sort.startswith("-"))
        if self.whoosh or (order and FIELDS[order[0]].type not in ("number", "date")):
            return self.whoosh_search(whoosh_query, query, limit)
        parts = executor.evaluate(self.segments, whoosh_query, restrictions(query), lambda: self.time_left)
        return executor.Results(self.view.searcher, parts, limit or self.limit, order)

    def whoosh_search(self, whoosh_query: wq.Query, query: Query, limit: int | None = None):
        """:meth:`search` through Whoosh's searcher and collectors."""
        searcher = self.view.searcher
        groups = {f.name: sorting.FieldFacet(f.name, maptype=sorting.Count, allow_overlap=f.multi)
                  for f in facets()}
        sortedby = [sort_facet(self.sort), sorting.ScoreFacet()] if self.sort else None
        collector = searcher.collector(limit=limit or self.limit, sortedby=sortedby, groupedby=groups)
        timed = DeadlineCollector(collector, self.deadline)
        restricted = restrictions(query)
        outer = FilterCollector(timed, restricted) if restricted is not None else timed
        searcher.search_with_collector(whoosh_query, outer)
        self.expired = self.expired or timed.expired
        return outer.results()

    def matches(self, whoosh_query: wq.Query, restricted: wq.Query | None = None) -> bool:
        """Whether any live document matches ``whoosh_query`` (and ``restricted``), without ranking."""
        if self.whoosh:
            if restricted is not None:
                whoosh_query = wq.And([whoosh_query, restricted])
            leaves = self.view.searcher.leaf_searchers()
            return any(whoosh_query.matcher(leaf).is_active() for leaf, _ in leaves)
        parts = executor.evaluate(self.segments, whoosh_query, restricted, lambda: self.time_left)
        return any(len(part.matches) for part in parts)

    def facet_counts(self, whoosh_query: wq.Query, query: Query, results,
                     limit: int) -> dict[str, dict[str, int]]:
        """Each facet's counts under the query's restrictions on the other fields, most first:
        the first ``limit`` values, and any value filtered on after them (to be unticked)."""
        counted = {}
        restricted = {r.field for r in query.restrictions}
        chosen = {(r.field, r.value) for r in query.restrictions if isinstance(r, Filter)}
        for facet in facets():
            source = results
            if facet.name in restricted and self.time_left:  # as if this field were not filtered
                source = self.search(whoosh_query, query.without_field(facet.name), limit=1)
            groups = sorted(((str(name), count) for name, count in source.groups(facet.name).items()
                             if name is not None), key=lambda group: (-group[1], group[0]))
            counted[facet.name] = dict(groups[:limit] + [(name, count) for name, count in groups[limit:]
                                                         if (facet.name, name) in chosen])
        return counted


def sort_facet(sort: str) -> sorting.FacetType:
    """Order by field ``sort`` (``-name``: descending), documents without a value last either
    way; unknown or unsortable fields raise ``ValueError``."""
    name, descending = sort.lstrip("-"), sort.startswith("-")
    found = FIELDS.get(name)
    if found is None or not found.sortable:
        raise ValueError(f"cannot sort by {name!r}")
    facet = sorting.FieldFacet(name)
    if found.type not in ("number", "date"):
        return sorting.FieldFacet(name, reverse=descending)
    if descending:  # Whoosh stores a missing number as the largest: keep it largest, negate the rest
        return sorting.TranslateFacet(lambda key: key if key == MISSING_KEY else -key, facet)
    return facet


def relevance(hit) -> float:
    """A hit's relevance score; a Whoosh hit sorted by a field has the sort key instead, whose
    last part is :class:`whoosh.sorting.ScoreFacet`'s negated score."""
    if isinstance(hit.score, tuple):
        return -hit.score[-1]
    return hit.score or 0.0
