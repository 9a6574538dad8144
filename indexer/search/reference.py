"""Whoosh's own way of answering a logical tree: its matchers and collectors over the tree's
Whoosh form (:meth:`.logical.Node.to_whoosh`). The arrays (:mod:`.segment`) are tested
against it, and a sort by a keyword field (which the arrays do not do) runs through it."""

from __future__ import annotations

from whoosh import query as wq
from whoosh import sorting
from whoosh.collectors import FilterCollector

from ..fields import FIELDS, facets
from ..whoosh_ext.deadline import DeadlineCollector
from .arrays import MISSING_KEY
from .logical import Node


def search(context, node: Node, restriction: Node | None, limit: int):
    """The matches of ``node`` within ``restriction`` through Whoosh's searcher and collectors,
    grouped by every facet, ranked by ``context.sort`` or relevance, within its deadline."""
    searcher = context.searcher
    groups = {f.name: sorting.FieldFacet(f.name, maptype=sorting.Count, allow_overlap=f.multi)
              for f in facets()}
    sortedby = [sort_facet(context.sort), sorting.ScoreFacet()] if context.sort else None
    collector = searcher.collector(limit=limit, sortedby=sortedby, groupedby=groups)
    timed = DeadlineCollector(collector, context.deadline)
    outer = FilterCollector(timed, restriction.to_whoosh()) if restriction is not None else timed
    searcher.search_with_collector(node.to_whoosh(), outer)
    context.expired = context.expired or timed.expired
    return outer.results()


def matches(searcher, node: Node, restriction: Node | None) -> bool:
    """Whether any live document matches ``node`` (and ``restriction``), by Whoosh's matchers."""
    query = node.to_whoosh()
    if restriction is not None:
        query = wq.And([query, restriction.to_whoosh()])
    return any(query.matcher(leaf).is_active() for leaf, _ in searcher.leaf_searchers())


def sort_facet(sort: str) -> sorting.FacetType:
    """Whoosh's facet ordering by field ``sort`` (``-name``: descending), documents without a
    value last either way."""
    name, descending = sort.lstrip("-"), sort.startswith("-")
    facet = sorting.FieldFacet(name)
    if FIELDS[name].type not in ("number", "date"):
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
