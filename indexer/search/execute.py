"""Running Whoosh queries for one search, within its work budget: the matches (with every
facet grouped), an existence check, facet counts, the sort order, and a deadline past which
the search stops and keeps what it has."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh import sorting
from whoosh.collectors import FilterCollector

from ..fields import FIELDS, facets
from ..whoosh_ext.deadline import DeadlineCollector
from .plan import restrictions
from .tree import Query

BUDGET_SECONDS = 1.0  # CPU seconds one search may spend before it answers with what it has
MISSING_KEY = (1 << 64) - 1  # the sort key of a 64-bit NUMERIC column without a value


@dataclass
class Execution:
    """One search's access to the index: a view (generation, searcher, planner), how many hits,
    the order (``None``: relevance) and the deadline, in this thread's CPU time
    (``time.thread_time()``: the work done, not the time spent waiting for other threads)."""

    view: object
    limit: int
    sort: str | None = None
    deadline: float = field(default_factory=lambda: time.thread_time() + BUDGET_SECONDS)
    expired: bool = False

    @property
    def time_left(self) -> bool:
        """Whether the budget still allows more work."""
        if time.thread_time() > self.deadline:
            self.expired = True
        return not self.expired

    def search(self, whoosh_query: wq.Query, query: Query, limit: int | None = None):
        """The matches of ``whoosh_query`` under the tree's restrictions, grouped by every facet."""
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
        if restricted is not None:
            whoosh_query = wq.And([whoosh_query, restricted])
        return any(whoosh_query.matcher(leaf).is_active() for leaf, _ in self.view.searcher.leaf_searchers())

    def facet_counts(self, whoosh_query: wq.Query, query: Query, results) -> dict[str, dict[str, int]]:
        """Each facet's counts under the query's restrictions on the other fields, most first."""
        counted = {}
        restricted = {r.field for r in query.restrictions}
        for facet in facets():
            source = results
            if facet.name in restricted and self.time_left:  # as if this field were not filtered
                source = self.search(whoosh_query, query.without_field(facet.name), limit=1)
            groups = [(str(name), count) for name, count in source.groups(facet.name).items()
                      if name is not None]
            counted[facet.name] = dict(sorted(groups, key=lambda group: (-group[1], group[0])))
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


def relevance(hit, sort: str | None) -> float:
    """A hit's relevance score; sorted by a field, Whoosh gives the sort key instead, whose
    last part is :class:`whoosh.sorting.ScoreFacet`'s negated score."""
    if sort:
        return -hit.score[-1]
    return hit.score or 0.0
