"""The planner's Whoosh queries evaluated on one segment's arrays (:mod:`..whoosh_ext.arrays`):
each query becomes its matching live documents and their scores, as Whoosh's matchers would
score them — BM25F with the searcher's own scorer parameters, sums for OR, AND and
minimum-should-match, boosts as factors, constants for :class:`~whoosh.query.ConstantScoreQuery`.
A query type it does not know is run through Whoosh's matcher, one match at a time.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.formats import Positions
from whoosh.query.qcore import _NullQuery
from whoosh.scoring import BM25F, WeightingModel

from ..whoosh_ext.arrays import Postings, SegmentArrays, once_per_reader, segment_arrays
from ..whoosh_ext.minmatch import MinimumMatch
from .plan import BoundedPrefix

SHIFT = 1 << 32  # a phrase's candidate × SHIFT + a start position: one key each
BIAS = 1 << 16  # keeps start positions (position - offset in the phrase) positive
COUNT_SHARE = 8  # summed counts per document from a 1/8 of the segment's documents on, else sorts
_averages: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # an index reader's average field lengths


@dataclass(slots=True)  # not frozen: a frozen one takes 2.5 times as long to make, a search makes dozens
class Matches:
    """Ascending live document numbers of one segment (int32) and their scores (float64)."""

    docs: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.docs)

    def within(self, docs: np.ndarray) -> Matches:
        """The matches whose documents are in ``docs`` (ascending)."""
        found, _ = locate(docs, self.docs)
        return Matches(self.docs[found], self.scores[found])


EMPTY = Matches(np.zeros(0, dtype=np.int32), np.zeros(0))


class Expired(Exception):
    """The search's work budget ran out during a segment."""


def locate(haystack: np.ndarray, needles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(whether each of ``needles`` is in ascending ``haystack``, its index there where it is)."""
    if not len(haystack):
        return np.zeros(len(needles), dtype=bool), np.zeros(len(needles), dtype=np.intp)
    index = np.minimum(haystack.searchsorted(needles), len(haystack) - 1)  # the method, not its wrapper
    return haystack[index] == needles, index


def union(parts: list[Matches], size: int, minimum: int = 1) -> Matches:
    """Documents in at least ``minimum`` of ``parts`` (of a segment of ``size`` documents),
    with the sum of their scores there."""
    parts = [part for part in parts if len(part)]
    if len(parts) == 1 and minimum <= 1:
        return parts[0]
    if not parts:
        return EMPTY
    return summed(np.concatenate([p.docs for p in parts]), np.concatenate([p.scores for p in parts]), size,
                  minimum)


def summed(docs: np.ndarray, scores: np.ndarray, size: int, minimum: int = 1) -> Matches:
    """The documents that occur at least ``minimum`` times in ``docs`` (of a segment of ``size``
    documents), each with the sum of its ``scores``, added in their order either way: by
    sorting the documents, or, when they are at least an eighth as many as the segment's, by
    counting into one slot per document of the segment, which costs no sort (on 7,789
    documents the two cost the same at about 1,000, and the count half as much at 4,000)."""
    if COUNT_SHARE * len(docs) >= size:
        counts = np.bincount(docs, minlength=size)
        found = counts.nonzero()[0]
        sums, counts = np.bincount(docs, weights=scores, minlength=size)[found], counts[found]
        found = found.astype(np.int32)
    else:
        found, inverse, counts = np.unique(docs, return_inverse=True, return_counts=True)
        sums = np.bincount(inverse, weights=scores, minlength=len(found))
    if minimum > 1:
        keep = counts >= minimum
        return Matches(found[keep], sums[keep])
    return Matches(found, sums)


def bm25(idf: float | np.ndarray, weights: np.ndarray, norms: np.ndarray, K1: float) -> np.ndarray:
    """BM25 of term ``weights`` in documents of length factors ``norms``
    (:meth:`~..whoosh_ext.arrays.SegmentArrays.length_norms`), with one ``idf`` or one a
    weight, operation for operation as ``whoosh.scoring.bm25``."""
    return idf * ((weights * (K1 + 1)) / (weights + norms))


def distinct(ascending: np.ndarray) -> np.ndarray:
    """The distinct values of an ascending array, as ``np.unique`` gives them, without its sort.

    >>> distinct(np.array([1, 1, 2, 5, 5]))
    array([1, 2, 5])
    """
    keep = np.ones(len(ascending), dtype=bool)
    keep[1:] = ascending[1:] != ascending[:-1]
    return ascending[keep]


def boosted(matches: Matches, boost: float) -> Matches:
    """``matches`` with every score times ``boost``."""
    return matches if boost == 1.0 else Matches(matches.docs, matches.scores * boost)


class SegmentEvaluator:
    """Evaluates queries on one leaf searcher's segment (at ``offset`` in the index). Every
    handler takes ``within``: if given, only these documents (ascending) can match, so AND's
    later clauses, AND-maybe's bonus and AND-not's exclusion look at the candidates left, and
    phrases decode only their positions. ``time_left`` is asked between the clauses of a compound query, and
    :class:`Expired` raised when it says no. With ``needs_current`` (Whoosh's flag when
    results are sorted by a field and read scores per match), a constant-score query scores
    as its child does, as in Whoosh."""

    def __init__(self, searcher, offset: int, time_left: Callable[[], bool], needs_current: bool = False,
                 arrays: SegmentArrays | None = None):
        self.searcher, self.offset = searcher, offset
        self.reader = searcher.reader()
        self.parent = searcher.get_parent()
        self.arrays: SegmentArrays = arrays or segment_arrays(self.reader)
        self.fields = self.arrays.fields
        self.time_left = time_left
        self.needs_current = needs_current
        self.bm25 = isinstance(searcher.weighting, BM25F)  # else every query goes through Whoosh
        self.plain_idf = type(searcher.weighting).idf is WeightingModel.idf  # Whoosh's own formula
        self._norms: dict[str, np.ndarray] = {}  # a field's BM25 length factors, by document
        # the index's average length of each field, kept as long as its reader (a sum over its
        # segments each time Whoosh is asked)
        self._averages: dict[str, float] = once_per_reader(_averages, self.parent.reader(), dict)
        self._memo: dict[int, tuple[wq.Query, bool, Matches]] = {}  # id → (query, scored, matches)

    def run(self, query: wq.Query, scored: bool = True, within: np.ndarray | None = None) -> Matches:
        """The matches of ``query`` (among ``within``); with ``scored=False`` the scores are
        meaningless. A query object evaluated before by this evaluator (a search's query
        inside the next one, its facet counts without a filter) is not evaluated again."""
        known = self._memo.get(id(query)) if within is None else None
        if known is not None and known[0] is query and known[1] >= scored:
            return known[2]
        handler = HANDLERS.get(type(query)) if self.bm25 else None
        if handler is None:
            found = self.whoosh(query, scored, within)
        else:
            found = getattr(self, handler)(query, scored, within)
        if within is None:
            self._memo[id(query)] = (query, scored, found)
        return found

    def _children(self, queries: list[wq.Query], scored: bool, within: np.ndarray | None) -> list[Matches]:
        found = []
        for query in queries:
            if not self.time_left():
                raise Expired
            found.append(self.run(query, scored, within))
        return found

    def whoosh(self, query: wq.Query, scored: bool, within: np.ndarray | None) -> Matches:
        """Whoosh's own matcher for ``query``, its ids and scores collected."""
        matcher = query.matcher(self.searcher, self.searcher.context(needs_current=self.needs_current))
        docs, scores = [], []
        while matcher.is_active():
            docs.append(matcher.id())
            scores.append(matcher.score() if scored else 0.0)
            matcher.next()
        found = Matches(np.array(docs, dtype=np.int32), np.array(scores, dtype=np.float64))
        return found if within is None else found.within(within)

    def _postings(self, fieldname: str, text) -> tuple[bytes, Postings] | None:
        """(term bytes, live postings) of a term, or ``None`` where the segment has none."""
        field = self.fields.get(fieldname)
        try:
            tbytes = None if field is None else field.to_bytes(text)
        except ValueError:
            return None
        postings = None if tbytes is None else self.arrays.postings(fieldname, tbytes)
        return None if postings is None or not len(postings.docs) else (tbytes, postings)

    def has_term(self, fieldname: str, text) -> bool:
        """Whether a live document of the segment has the term."""
        return self._postings(fieldname, text) is not None

    def _lengths_known(self, fieldname: str) -> bool:
        """Whether the field's terms score by BM25F (a field the segment lacks matches nothing)."""
        field = self.fields.get(fieldname)
        return field is None or field.scorable

    def length_norms(self, fieldname: str) -> np.ndarray:
        """BM25F's length factor of each document of the segment in ``fieldname``, with the
        parameters of the searcher's scorer."""
        norms = self._norms.get(fieldname)
        if norms is None:
            weighting = self.searcher.weighting
            avgfl = self._averages.get(fieldname)
            if avgfl is None:
                avgfl = self._averages[fieldname] = self.parent.avg_field_length(fieldname) or 1
            B = weighting._field_B.get(fieldname, weighting.B)
            norms = self._norms[fieldname] = self.arrays.length_norms(fieldname, weighting.K1, B, avgfl)
        return norms

    def idf(self, fieldname: str, tbytes: bytes, df: int) -> float:
        """The term's idf as the searcher gives it, kept in the searcher's own idf cache;
        Whoosh's formula from ``df``, the term's postings in every segment, deleted ones too
        (Whoosh's document frequency), instead of a term-table lookup per segment again."""
        if not self.plain_idf:
            return self.parent.idf(fieldname, tbytes)
        cache, key = self.parent._idf_cache, (fieldname, tbytes)
        found = cache.get(key)
        if found is None:
            found = cache[key] = math.log(self.parent.doc_count_all() / (df + 1)) + 1
        return found

    def term_scores(self, fieldname: str, tbytes: bytes, df: int, docs: np.ndarray,
                    weights: np.ndarray) -> np.ndarray:
        """BM25F scores of a term's postings (documents ``docs``, weights ``weights``) with
        the parameters Whoosh's scorer takes (:func:`bm25`); a field without lengths scores
        its weights, as Whoosh's ``WeightScorer``."""
        if not self._lengths_known(fieldname):
            return weights.copy()
        return bm25(self.idf(fieldname, tbytes, df), weights, self.length_norms(fieldname)[docs],
                    self.searcher.weighting.K1)

    def _term_postings(self, query: wq.Term,
                       within: np.ndarray | None) -> tuple[bytes, int, np.ndarray, np.ndarray] | None:
        """(term bytes, document frequency, documents, weights) of a term's live postings
        among ``within``, or ``None`` where the segment has none."""
        found = self._postings(query.fieldname, query.text)
        if found is None:
            return None
        tbytes, postings = found
        docs, weights = postings.docs, postings.weights
        if within is not None:
            inside, index = locate(docs, within)
            docs, weights = docs[index[inside]], weights[index[inside]]
        return tbytes, postings.df, docs, weights

    def term(self, query: wq.Term, scored: bool, within: np.ndarray | None) -> Matches:
        found = self._term_postings(query, within)
        if found is None:
            return EMPTY
        tbytes, df, docs, weights = found
        if not scored:
            return Matches(docs, weights)
        scores = self.term_scores(query.fieldname, tbytes, df, docs, weights)
        return boosted(Matches(docs, scores), query.boost)

    def terms(self, queries: list[wq.Term], within: np.ndarray | None) -> Matches:
        """Scored terms of fields with lengths ORed: the scores :meth:`term` and :func:`union`
        give them one by one, each operation done once over all their postings."""
        K1 = self.searcher.weighting.K1
        docs, weights, norms, idfs, boosts = [], [], [], [], []
        for query in queries:
            if not self.time_left():
                raise Expired
            found = self._term_postings(query, within)
            if found is None or not len(found[2]):
                continue
            tbytes, df, these, their_weights = found
            docs.append(these)
            weights.append(their_weights)
            norms.append(self.length_norms(query.fieldname)[these])
            idfs.append(self.idf(query.fieldname, tbytes, df))
            boosts.append(query.boost)
        if not docs:
            return EMPTY
        counts = [len(these) for these in docs]
        scores = bm25(np.repeat(idfs, counts), np.concatenate(weights), np.concatenate(norms), K1)
        scores *= np.repeat(boosts, counts)
        if len(docs) == 1:
            return Matches(docs[0], scores)
        return summed(np.concatenate(docs), scores, self.arrays.doccount)

    def phrase(self, query: wq.Phrase, scored: bool, within: np.ndarray | None) -> Matches:
        """Documents with the words at consecutive positions (Whoosh's ``SpanNear2``, slop 1),
        positions decoded for the candidates that have every word, rarest words first."""
        field = self.fields.get(query.fieldname)
        if query.slop != 1 or field is None or not isinstance(field.format, Positions):
            return self.whoosh(query, scored, within)
        docs, lists = within, []
        for word in query.words:  # each word's postings among the candidates left, while any are
            found = self._postings(query.fieldname, word)
            if found is None:
                return EMPTY
            lists.append(found)
            docs = found[1].docs if docs is None else docs[locate(found[1].docs, docs)[0]]
            if not len(docs):
                return EMPTY
        alive, keys = np.arange(len(docs), dtype=np.int64), None
        for offset in sorted(range(len(lists)), key=lambda n: len(lists[n][1].docs)):
            if not len(alive) or not self.time_left():  # keys: candidate × SHIFT + start position
                break
            postings = lists[offset][1]
            counts, starts = postings.positions_at(locate(postings.docs, docs[alive])[1])
            # ascending: candidates ascend, and a posting's positions ascend, each once
            these = np.repeat(alive, counts) * SHIFT + (starts - offset + BIAS)
            keys = these if keys is None else these[locate(keys, these)[0]]
            alive = distinct(keys // SHIFT)
        if not self.time_left():
            raise Expired
        docs = docs[alive]
        if not scored or not len(docs):
            return Matches(docs, np.zeros(len(docs)))
        total = np.zeros(len(docs))
        for tbytes, postings in lists:
            index = locate(postings.docs, docs)[1]
            total += self.term_scores(query.fieldname, tbytes, postings.df, docs, postings.weights[index])
        return boosted(Matches(docs, total), query.boost)

    def any_of(self, query: wq.Or, scored: bool, within: np.ndarray | None) -> Matches:
        if query.scale or query.minmatch:
            return self.whoosh(query, scored, within)
        subqueries = query.subqueries
        if len(subqueries) == 1:
            return self.run(subqueries[0], scored, within)
        if scored and all(type(sub) is wq.Term and self._lengths_known(sub.fieldname) for sub in subqueries):
            return boosted(self.terms(subqueries, within), query.boost)
        return boosted(union(self._children(subqueries, scored, within), self.arrays.doccount), query.boost)

    def all_of(self, query: wq.And, scored: bool, within: np.ndarray | None) -> Matches:
        if len(query.subqueries) == 1:
            return self.run(query.subqueries[0], scored, within)
        found = None
        for subquery in query.subqueries:
            if not self.time_left():
                raise Expired
            part = self.run(subquery, scored, within if found is None else found.docs)
            if found is not None:  # part.docs are among found.docs
                part = Matches(part.docs, found.scores[locate(found.docs, part.docs)[1]] + part.scores)
            found = part
            if not len(found):
                return EMPTY
        return EMPTY if found is None else boosted(found, query.boost)

    def and_maybe(self, query: wq.AndMaybe, scored: bool, within: np.ndarray | None) -> Matches:
        required = self.run(query.a, scored, within)
        if not len(required) or not scored:
            return required
        if not self.time_left():
            raise Expired
        optional = self.run(query.b, scored, required.docs)
        scores = required.scores.copy()
        scores[locate(required.docs, optional.docs)[1]] += optional.scores
        return Matches(required.docs, scores)

    def and_not(self, query: wq.AndNot, scored: bool, within: np.ndarray | None) -> Matches:
        kept = self.run(query.a, scored, within)
        if not len(kept):
            return kept
        if not self.time_left():
            raise Expired
        excluded = np.zeros(len(kept), dtype=bool)
        excluded[locate(kept.docs, self.run(query.b, False, kept.docs).docs)[1]] = True
        return Matches(kept.docs[~excluded], kept.scores[~excluded])

    def minimum_match(self, query: MinimumMatch, scored: bool, within: np.ndarray | None) -> Matches:
        if len(query.subqueries) == 1:
            return self.run(query.subqueries[0], scored, within)
        found = union(self._children(query.subqueries, scored, within), self.arrays.doccount,
                      max(1, query.minimum))
        return boosted(found, query.boost)

    def constant(self, query: wq.ConstantScoreQuery, scored: bool, within: np.ndarray | None) -> Matches:
        if self.needs_current and scored:
            return self.run(query.child, scored, within)
        docs = self.run(query.child, False, within).docs
        return Matches(docs, np.full(len(docs), float(query.score or 1.0)))

    def every(self, query: wq.Every, scored: bool, within: np.ndarray | None) -> Matches:
        if query.fieldname not in (None, "", "*"):
            return self.whoosh(query, scored, within)
        live = self.arrays.live
        docs = np.flatnonzero(live).astype(np.int32) if within is None else within[live[within]]
        return Matches(docs, np.full(len(docs), float(query.boost or 1.0)))

    def nothing(self, query: wq.Query, scored: bool, within: np.ndarray | None) -> Matches:
        return EMPTY

    def prefix(self, query: wq.Prefix, scored: bool, within: np.ndarray | None) -> Matches:
        """Its terms ORed, scored as Whoosh's ``MultiTerm`` is: one term alone, without the
        boost; several with the boost where Whoosh picks its binary tree of unions (2 terms,
        a segment over 5,000 documents, scores read per match), else 1 each (its preloading
        OR, which a constant-score ``MultiTerm`` runs unscored)."""
        words = [word for word in query._btexts(self.reader) if word]
        if len(words) == 1:
            return self.term(wq.Term(query.fieldname, words[0]), scored, within)
        weighed = scored and len(words) < wq.Or.TOO_MANY_CLAUSES and (
            self.needs_current or len(words) == 2 or self.arrays.doccount > 5000)
        found = union([self.term(wq.Term(query.fieldname, word), weighed, within) for word in words],
                      self.arrays.doccount)
        if weighed:
            return boosted(found, query.boost)
        return Matches(found.docs, np.ones(len(found.docs))) if scored else found

    def numeric_range(self, query: wq.NumericRange, scored: bool, within: np.ndarray | None) -> Matches:
        """Unscored (a filter): the documents of the range's terms."""
        if scored:
            return self.whoosh(query, scored, within)
        return self.run(query._compile_query(self.reader), False, within)


HANDLERS: dict[type, str] = {  # the evaluator's method for each query type
    wq.Term: "term",
    wq.Phrase: "phrase",
    wq.Or: "any_of",
    wq.And: "all_of",
    wq.AndMaybe: "and_maybe",
    wq.AndNot: "and_not",
    MinimumMatch: "minimum_match",
    wq.ConstantScoreQuery: "constant",
    wq.Every: "every",
    _NullQuery: "nothing",
    wq.Prefix: "prefix",
    BoundedPrefix: "prefix",
    wq.NumericRange: "numeric_range",
}
