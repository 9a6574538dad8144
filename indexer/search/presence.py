"""Whether a planned query can match at all, from its terms alone: a miss (a term in no
segment, 䙘㫠 or 云计蒜) is known from a few lookups, without evaluating the query. A term is
looked up where the evaluation reads it (:meth:`.execute.Execution.has_term`), so a term that
is there is read once."""

from __future__ import annotations

from collections.abc import Callable

from whoosh import query as wq

from ..whoosh_ext.minmatch import MinimumMatch


class Presence:
    """One search's checks on ``reader``, whose live documents have a term if ``has_term``
    says so: each term and each query object (the planner gives the stages of a search the
    same objects) is looked at once."""

    def __init__(self, reader, has_term: Callable[[str, str], bool]):
        self.reader = reader
        self._has_term = has_term
        self._terms: dict[tuple[str, str], bool] = {}
        self._queries: dict[int, tuple[wq.Query, bool]] = {}  # id → (query, may match)

    def may_match(self, query: wq.Query) -> bool:
        """``False`` only if ``query`` matches no document: a term or a phrase's word it needs is
        in no live document (so ``True`` means "evaluate it"); queries of other kinds may
        always match."""
        known = self._queries.get(id(query))
        if known is None or known[0] is not query:
            known = self._queries[id(query)] = (query, self._may_match(query))
        return known[1]

    def _may_match(self, query: wq.Query) -> bool:
        kind = type(query)
        if kind is wq.Term:
            return self.has_term(query.fieldname, query.text)
        if kind is wq.Phrase:
            return all(self.has_term(query.fieldname, word) for word in query.words)
        if kind is wq.And:
            return all(self.may_match(sub) for sub in query.subqueries)
        if kind is wq.Or:
            return any(self.may_match(sub) for sub in query.subqueries)
        if kind is MinimumMatch:
            return sum(self.may_match(sub) for sub in query.subqueries) >= max(1, query.minimum)
        if kind in (wq.AndMaybe, wq.AndNot):
            return self.may_match(query.a)
        if kind is wq.ConstantScoreQuery:
            return self.may_match(query.child)
        if isinstance(query, wq.Prefix):
            return next(iter(self.reader.expand_prefix(query.fieldname, query.text)), None) is not None
        return query is not wq.NullQuery

    def has_term(self, fieldname: str, text: str) -> bool:
        """Whether a live document has the term."""
        key = (fieldname, text)
        known = self._terms.get(key)
        if known is None:
            known = self._terms[key] = self._has_term(fieldname, text)
        return known
