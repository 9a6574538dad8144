"""One search on an OpenSearch index (:class:`indexer.search.backend.Context`): the match
policy's questions as requests to the cluster, each tree sent as query DSL (:mod:`.query`).

- ``may_match`` and ``frequency`` look up every term a tree needs in one ``_msearch`` of
  counts (a term in no document is known without ranking anything), remembered for the search;
- ``matches`` is a count that stops at the first document;
- ``search`` is one request: the tree with the filters, the exact total, the top hits (by
  score, or by a date with documents without one last, then score; ties in the order the
  documents were added, as Whoosh's document numbers), every facet as a ``terms``
  aggregation; the rest of the work budget is the request's ``timeout``, and on more than
  one shard the term statistics are the whole index's (``dfs_query_then_fetch``), as
  Whoosh's are;
- ``facet_counts`` counts a filtered field without its own filter in one more request;
- a page's stored documents are read in one ``mget`` when the first of them is shown.

The budget is wall-clock time here (the work is the cluster's, not this thread's CPU): a
request that runs out of it answers with what its shards found (``timed_out``), and a shard
without a working copy leaves its part out (``_shards.failed``): either is a notice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...fields import facets
from ...search.context import FREQUENCY_FIELDS, most_first, overridden_counts, sort_order
from ...search.explain import Explanation, written
from ...search.logical import Node
from ...search.notices import Notice
from ...search.validity import FIELD as VALIDITY
from .query import dsl, leaves, restricted
from .tokens import SEQUENCE, STORED

if TYPE_CHECKING:
    from .view import ClusterView

FACET_VALUES = 1000  # of each facet, the values counted (the most frequent): Whoosh counts all
SEARCH_SECONDS = 30  # a request the cluster does not answer in this long goes to the next node


class Hit:
    """A ranked document: its id and score; its stored document is read when first asked for,
    with the other hits of its page (``load``)."""

    __slots__ = ("id", "score", "_load")

    def __init__(self, doc_id: str, score: float, load: Callable[[str], dict]):
        self.id, self.score, self._load = doc_id, score, load

    def fields(self) -> dict:
        """The stored document, as the API shows it."""
        return self._load(self.id)


class Sources:
    """The stored documents of some hits, read in one request when the first is asked for."""

    def __init__(self, view: ClusterView, ids: list[str], found: dict[str, dict] | None = None):
        self.view, self.ids, self.found = view, ids, found

    def __call__(self, doc_id: str) -> dict:
        if self.found is None:
            self.found = self.view.stored_documents(self.ids)
        return self.found[doc_id]


class Results:
    """A search's answer: ``len()`` (every match), the ranked hits by slicing, ``groups(facet)``."""

    def __init__(self, view: ClusterView, total: int, ranked: list[tuple[str, float]],
                 groups: dict[str, dict[str, int]], found: dict[str, dict] | None = None):
        self.view, self.total, self.ranked, self._groups, self.found = view, total, ranked, groups, found

    def __len__(self) -> int:
        return self.total

    def is_empty(self) -> bool:
        """Whether nothing matched."""
        return self.total == 0

    def __getitem__(self, index: slice) -> list[Hit]:
        chosen = self.ranked[index]
        sources = Sources(self.view, [doc_id for doc_id, _ in chosen], self.found)
        return [Hit(doc_id, score, sources) for doc_id, score in chosen]

    def groups(self, fieldname: str) -> dict[str, int]:
        """How many matches have each value of facet ``fieldname``."""
        return self._groups.get(fieldname, {})


@dataclass
class ClusterContext:
    """One search's context on ``view``: how many hits, the order (``None``: relevance) and
    the deadline (on the wall clock)."""

    view: ClusterView
    limit: int
    sort: str | None = None
    deadline: float | None = None
    expired: bool = False
    partial: bool = False  # a shard had no copy to answer
    _counts: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)
    _prefixes: dict[tuple[str, str], bool] = field(default_factory=dict, repr=False)
    _possible: dict[Node, bool] = field(default_factory=dict, repr=False)
    _documents: int | None = field(default=None, repr=False)

    def __post_init__(self):
        if self.sort:
            sort_order(self.sort)  # unknown or unsortable fields raise ValueError now
        if self.deadline is None:
            self.deadline = time.perf_counter() + self.view.budget

    @property
    def time_left(self) -> bool:
        """Whether the budget still allows more work."""
        if not self.expired and time.perf_counter() >= self.deadline:
            self.expired = True
        return not self.expired

    def doc_count(self) -> int:
        """Documents in the index (counted once a search)."""
        if self._documents is None:
            self._documents = self.view.doc_count()
        return self._documents

    def _look_up(self, terms: set[tuple[str, str]], prefixes: set[tuple[str, str]]) -> None:
        """Count the documents of each (field, term) and whether any has a term of each (field,
        prefix) not known yet, in one ``_msearch``."""
        terms = {pair for pair in terms if pair not in self._counts}
        prefixes = {pair for pair in prefixes if pair not in self._prefixes}
        asked = [(pair, {"term": {pair[0]: pair[1]}}, True) for pair in sorted(terms)] + \
            [(pair, {"prefix": {pair[0]: pair[1]}}, False) for pair in sorted(prefixes)]
        if not asked:
            return
        bodies = [{"size": 0, "query": query, "track_total_hits": True} if counted else
                  {"size": 0, "query": query, "terminate_after": 1} for _, query, counted in asked]
        answers = self.view.msearch(bodies)
        for (pair, _, counted), answer in zip(asked, answers, strict=True):
            found = answer["hits"]["total"]["value"]
            if counted:
                self._counts[pair] = found
            else:
                self._prefixes[pair] = found > 0

    def may_match(self, node: Node) -> bool:
        """``False`` only if ``node`` matches no document, known from its terms' counts."""
        found = self._possible.get(node)
        if found is None:
            self._look_up(*leaves(node))
            found = self._possible[node] = node.may_match(
                lambda name, text: self._counts.get((name, text), 0) > 0,
                lambda name, text: self._prefixes.get((name, text), False))
        return found

    def matches(self, node: Node, restriction: Node | None = None) -> bool:
        """Whether any document matches ``node`` (and ``restriction``): a count that stops at
        the first one (a node known not to match asks nothing)."""
        if self._possible.get(node) is False:
            return False
        body = {"size": 0, "query": restricted(node, restriction), "terminate_after": 1}
        return self.view.search(body)["hits"]["total"]["value"] > 0

    def frequency(self, text: str) -> int:
        """How many documents have ``text`` as a word of their title or body (the larger)."""
        pairs = {(name, text) for name in FREQUENCY_FIELDS}
        self._look_up(pairs, set())
        return max(self._counts[pair] for pair in pairs)

    def _order(self) -> list:
        """The sort of a search: by score, or by the sort field (documents without a value
        last), then score; then the order documents were added in."""
        order: list = [{"_score": "desc"}, {SEQUENCE: "asc"}]
        if self.sort:
            name, descending = sort_order(self.sort)
            order.insert(0, {name: {"order": "desc" if descending else "asc", "missing": "_last"}})
        return order

    def search(self, node: Node, restriction: Node | None, limit: int | None = None) -> Results:
        """The matches of ``node`` within ``restriction``, the first ``limit`` ranked, with every
        facet's counts, in the time the budget has left."""
        left = max(0.001, self.deadline - time.perf_counter())
        body = {"query": restricted(node, restriction, self.sort is not None), "size": limit or self.limit,
                "track_total_hits": True, "sort": self._order(), "_source": False,
                "aggs": {facet.name: terms(facet.name) for facet in facets()},
                "timeout": f"{left * 1000:.0f}ms"}
        answer = self.view.search(body, ranked=True)
        self.expired = self.expired or answer.get("timed_out", False)
        self.partial = self.partial or answer["_shards"].get("failed", 0) > 0
        return Results(self.view, answer["hits"]["total"]["value"], ranked(answer),
                       {name: buckets(found) for name, found in answer.get("aggregations", {}).items()})

    def facet_counts(self, node: Node, plan, results: Results, limit: int) -> dict[str, dict[str, int]]:
        """Each facet's counts of ``results``; a field ``plan`` filters is counted over
        ``node``'s matches with every filter but its own, in one more request; validity,
        where some documents' is not the index's, as it is now; the first ``limit`` values of
        each, most first, and any filtered on after them."""
        recounted: dict[str, dict[str, int]] = {}
        filtered = [facet.name for facet in facets() if facet.name in plan.filters]
        if filtered and self.time_left:
            aggs = {}
            for name in filtered:
                others = plan.restriction(without=name)
                aggs[name] = {"filter": dsl(others) if others is not None else {"match_all": {}},
                              "aggs": {"values": terms(name)}}
            answer = self.view.search({"size": 0, "query": dsl(node), "aggs": aggs})
            recounted = {name: buckets(answer["aggregations"][name]["values"]) for name in filtered}
        counted = {}
        for facet in facets():
            if facet.name == VALIDITY and plan.planner.overrides.values:
                groups = overridden_counts(self, node, plan)
            else:
                groups = recounted[facet.name] if facet.name in recounted else results.groups(facet.name)
            counted[facet.name] = most_first(facet.name, groups, plan, limit)
        return counted

    def top(self, node: Node, limit: int) -> list[Hit]:
        """The top ``limit`` hits of ``node``, outside the budget, their stored documents read
        with them."""
        body = {"query": dsl(node), "size": limit, "sort": self._order(), "_source": [STORED]}
        answer = self.view.search(body, ranked=True)
        found = {hit["_id"]: hit["_source"][STORED] for hit in answer["hits"]["hits"]}
        return Results(self.view, answer["hits"]["total"]["value"], ranked(answer), {}, found)[:limit]

    def ids(self, hits: list[Hit]) -> list[str]:
        """The id of each of ``hits``."""
        return [hit.id for hit in hits]

    def stored(self, hit: Hit) -> dict:
        """A hit's stored document, as the API shows it."""
        return hit.fields()

    def explain(self, node: Node, doc_id: str, restriction: Node | None) -> Explanation | None:
        """How ``node`` scores ``doc_id``: each node of the tree asked on that document alone,
        in one ``_msearch`` (``None`` if it does not match, or not within ``restriction``)."""
        nodes = list(dict.fromkeys(subtree(node)))
        alone = {"ids": {"values": [doc_id]}}
        bodies = []
        for number, each in enumerate(nodes):
            within = [alone] if number or restriction is None else [alone, dsl(restriction)]
            query = {"bool": {"must": [dsl(each)], "filter": within}}
            bodies.append({"size": 1, "_source": False, "query": query})
        scores = {}
        for each, answer in zip(nodes, self.view.msearch(bodies, ranked=True), strict=True):
            if answer["hits"]["hits"]:
                scores[each] = answer["hits"]["hits"][0]["_score"]
        return explained(node, scores)

    def notices(self) -> list[Notice]:
        """``out_of_time`` if the budget ran out, ``partial_results`` if a shard did not answer."""
        return ([Notice("out_of_time")] if self.expired else []) + \
            ([Notice("partial_results")] if self.partial else [])


def terms(fieldname: str) -> dict:
    """The aggregation that counts the values of facet ``fieldname``."""
    return {"terms": {"field": fieldname, "size": FACET_VALUES}}


def buckets(aggregation: dict) -> dict[str, int]:
    """A ``terms`` aggregation's counts by value."""
    return {str(bucket["key"]): bucket["doc_count"] for bucket in aggregation["buckets"]}


def ranked(answer: dict) -> list[tuple[str, float]]:
    """(id, score) of a search's hits, in order."""
    return [(hit["_id"], float(hit["_score"] or 0.0)) for hit in answer["hits"]["hits"]]


def subtree(node: Node) -> list[Node]:
    """``node`` and every node under it."""
    found, stack = [], [node]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(current.children)
    return found


def explained(node: Node, scores: dict[Node, float]) -> Explanation | None:
    """The explanation of ``node`` from each node's ``scores`` on the document (``None`` where
    it does not match); BM25F's parts are the cluster's, not shown."""
    if node not in scores:
        return None
    children = [made for child in node.children if (made := explained(child, scores)) is not None]
    return Explanation(written(node), float(scores[node]), node.signal, "", children)
