"""Whoosh query classes of our own, for the logical tree's Whoosh form (the tests' reference,
:meth:`indexer.search.logical.Node.to_whoosh`):

- :class:`MinimumMatch`, a minimum-should-match OR, which Whoosh's ``Or(minmatch=…)`` leaves
  "not yet implemented": documents that match at least ``minimum`` of the subqueries, scored
  by the sum of those that match (as Whoosh's OR scores);
- :class:`BoundedPrefix`, a prefix that expands to at most ``limit`` terms;
- :class:`ScaledWhere`, a query's matches with the score of those another query matches
  too multiplied by a factor.

>>> from whoosh import fields, index, query
>>> from whoosh.filedb.filestore import RamStorage
>>> ix = RamStorage().create_index(fields.Schema(id=fields.ID(stored=True), t=fields.KEYWORD))
>>> with ix.writer() as w:
...     for i, text in enumerate(["a b c", "a b", "a", "c d"]):
...         w.add_document(id=str(i), t=text)
>>> with ix.searcher() as s:
...     hits = s.search(MinimumMatch([query.Term("t", x) for x in "abcd"], 2))
...     sorted(hit["id"] for hit in hits)
['0', '1', '3']
"""

from __future__ import annotations

import itertools

from whoosh import query as wq
from whoosh.matching import Matcher, NullMatcher, WrappingMatcher


class MinimumMatchMatcher(Matcher):
    """Documents on which at least ``minimum`` sub-matchers are."""

    def __init__(self, submatchers: list[Matcher], minimum: int, boost: float = 1.0):
        self._all = list(submatchers)  # for reset: _subs drops the exhausted ones
        self._subs = list(submatchers)
        self._minimum = max(1, minimum)
        self._boost = boost
        self._id: int | None = None
        self._here: list[Matcher] = []
        self._find()

    def _find(self) -> None:
        """Move to the first document at or after the sub-matchers' positions that enough match."""
        while True:
            active = [m for m in self._subs if m.is_active()]
            self._subs = active
            if len(active) < self._minimum:
                self._id, self._here = None, []
                return
            first = min(m.id() for m in active)
            here = [m for m in active if m.id() == first]
            if len(here) >= self._minimum:
                self._id, self._here = first, here
                return
            for matcher in here:
                matcher.next()

    def is_active(self) -> bool:
        return self._id is not None

    def id(self) -> int:
        return self._id

    def next(self) -> None:
        for matcher in self._here:
            matcher.next()
        self._find()

    def skip_to(self, id: int) -> None:
        for matcher in self._subs:
            if matcher.is_active() and matcher.id() < id:
                matcher.skip_to(id)
        self._find()

    def score(self) -> float:
        return sum(matcher.score() for matcher in self._here) * self._boost

    def children(self) -> list[Matcher]:
        return list(self._all)

    def copy(self) -> MinimumMatchMatcher:
        return MinimumMatchMatcher([m.copy() for m in self._all], self._minimum, self._boost)

    def reset(self) -> None:
        for matcher in self._all:
            matcher.reset()
        self._subs = list(self._all)
        self._find()

    def max_quality(self) -> float:
        """At most the sum of the sub-matchers' best (an AND-maybe above asks it)."""
        return sum(matcher.max_quality() for matcher in self._subs if matcher.is_active()) * self._boost

    def supports_block_quality(self) -> bool:
        return False

    def supports(self, astype: str) -> bool:
        return False


class MinimumMatch(wq.CompoundQuery):
    """Matches documents that match at least ``minimum`` of ``subqueries``."""

    JOINT = " MIN "

    def __init__(self, subqueries: list[wq.Query], minimum: int, boost: float = 1.0):
        super().__init__(subqueries, boost=boost)
        self.minimum = minimum

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and self.minimum == getattr(other, "minimum", None)

    __hash__ = wq.CompoundQuery.__hash__

    def normalize(self) -> wq.Query:
        subqueries = [q.normalize() for q in self.subqueries]
        subqueries = [q for q in subqueries if q is not wq.NullQuery]
        if len(subqueries) < self.minimum:
            return wq.NullQuery
        return self.__class__(subqueries, self.minimum, boost=self.boost)

    def _matcher(self, subs, searcher, context) -> Matcher:
        matchers = [sub.matcher(searcher, context) for sub in subs]
        if sum(m.is_active() for m in matchers) < self.minimum:
            return NullMatcher()
        return MinimumMatchMatcher(matchers, self.minimum, self.boost)


class BoundedPrefix(wq.Prefix):
    """A prefix query that expands to at most ``limit`` terms, so that a short key stays fast
    on an index of many titles."""

    def __init__(self, fieldname: str, text: str, limit: int, boost: float = 1.0):
        super().__init__(fieldname, text, boost=boost)
        self.limit = limit

    def _btexts(self, ixreader):
        return itertools.islice(ixreader.expand_prefix(self.fieldname, self.text), self.limit)


class ScaledMatcher(WrappingMatcher):
    """The child's matches, scoring ``factor`` times as much on the documents of ``where`` (a
    set of document numbers)."""

    def __init__(self, child: Matcher, where: frozenset[int], factor: float, boost: float = 1.0):
        super().__init__(child, boost)
        self._where, self._factor = where, factor

    def _replacement(self, newchild: Matcher) -> ScaledMatcher:
        return ScaledMatcher(newchild, self._where, self._factor, self.boost)

    def copy(self) -> ScaledMatcher:
        return ScaledMatcher(self.child.copy(), self._where, self._factor, self.boost)

    def supports_block_quality(self) -> bool:
        return False

    def score(self) -> float:
        score = self.child.score() * self.boost
        return score * self._factor if self.child.id() in self._where else score


class ScaledWhere(wq.WrappingQuery):
    """Matches the documents of ``child``; those ``where`` matches too score ``factor`` times
    as much."""

    def __init__(self, child: wq.Query, where: wq.Query, factor: float):
        super().__init__(child)
        self.where, self.factor = where, factor

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.child!r}, {self.where!r}, {self.factor})"

    def __eq__(self, other: object) -> bool:
        return (type(other) is type(self) and self.child == other.child and self.where == other.where
                and self.factor == other.factor)

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.child, self.where, self.factor))

    def _rewrap(self, child: wq.Query) -> ScaledWhere:
        return ScaledWhere(child, self.where, self.factor)

    def matcher(self, searcher, context=None) -> Matcher:
        found = self.child.matcher(searcher, context)
        if not found.is_active():
            return found
        where = frozenset(self.where.docs(searcher))
        return ScaledMatcher(found, where, self.factor) if where else found
