"""One search's evaluation of a segment: the leaves of a logical tree (terms, phrases,
prefixes, ranges) as matches from the segment's arrays, scored by BM25F, and the memo that
lets a search evaluate a subtree once however many of its attempts contain it.

BM25F is written here once, operation for operation as ``whoosh.scoring.bm25`` with the
searcher's own parameters, so that the arrays and Whoosh's matchers (the tests' reference)
score alike. An index of several segments is evaluated on their joined arrays
(:class:`JoinedSegment`); a prefix runs per segment there, as Whoosh scores it.
"""

from __future__ import annotations

import functools
import math
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import numpy as np

from ..whoosh_ext import access
from .arrays import Postings, SegmentArrays, once_per_reader, segment_arrays
from .joined import joined_arrays
from .matches import EMPTY, Matches, boosted, constant, distinct, locate, summed, union

if TYPE_CHECKING:
    from .logical import Node

SHIFT = 1 << 32  # a phrase's candidate × SHIFT + a start position: one key each
BIAS = 1 << 16  # keeps start positions (position - offset in the phrase) positive
TOO_MANY_CLAUSES = 1024  # Whoosh's Or.TOO_MANY_CLAUSES: past it a prefix's terms score 1 each
_averages: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # an index reader's average field lengths


class Expired(Exception):
    """The search's work budget ran out during a segment."""


def bm25(idf: float | np.ndarray, weights: np.ndarray, norms: np.ndarray, K1: float) -> np.ndarray:
    """BM25 of term ``weights`` in documents of length factors ``norms``
    (:meth:`~.arrays.SegmentArrays.length_norms`), with one ``idf`` or one a weight."""
    return idf * ((weights * (K1 + 1)) / (weights + norms))


class Segment:
    """Evaluates logical trees on one leaf searcher's segment (at ``offset`` in the index).
    Every evaluation takes ``within``: if given, only these documents (ascending) can match,
    so AND's later clauses, a bonus and an exclusion look at the candidates left, and phrases
    decode only their positions. ``time_left`` is asked between the children of a compound
    node, and :class:`Expired` raised when it says no. With ``needs_current`` (Whoosh's flag
    when results are sorted by a field), a constant score is its child's score, as in Whoosh."""

    def __init__(self, searcher, offset: int, time_left: Callable[[], bool], needs_current: bool = False,
                 arrays: SegmentArrays | None = None):
        self.searcher, self.offset = searcher, offset
        self.reader = searcher.reader()
        self.parent = searcher.get_parent()
        self.arrays: SegmentArrays = arrays or segment_arrays(self.reader)
        self.fields = self.arrays.fields
        self.doccount = self.arrays.doccount
        self.time_left = time_left
        self.needs_current = needs_current
        self.K1 = searcher.weighting.K1
        self.plain_idf = access.plain_idf(searcher.weighting)
        self._norms: dict[str, np.ndarray] = {}  # a field's BM25 length factors, by document
        # the index's average length of each field, kept as long as its reader (a sum over its
        # segments each time Whoosh is asked)
        self._averages: dict[str, float] = once_per_reader(_averages, self.parent.reader(), dict)
        self._memo: dict[Node, tuple[bool, Matches]] = {}  # node → (scored, matches)

    def run(self, node: Node, scored: bool = True, within: np.ndarray | None = None) -> Matches:
        """The matches of ``node`` (among ``within``); with ``scored=False`` the scores are
        meaningless. A node evaluated before in this search (a subtree of an earlier attempt,
        the query again for a facet without its filter) is not evaluated again."""
        if within is None:
            known = self._memo.get(node)
            if known is not None and known[0] >= scored:
                return known[1]
        found = node.evaluate(self, scored, within)
        if within is None:
            self._memo[node] = (scored, found)
        return found

    def each(self, nodes: Iterable[Node], scored: bool, within: np.ndarray | None) -> list[Matches]:
        """The matches of each of ``nodes``, the budget checked before each."""
        found = []
        for node in nodes:
            self.check_time()
            found.append(self.run(node, scored, within))
        return found

    def check_time(self) -> None:
        """Raise :class:`Expired` if the budget has run out."""
        if not self.time_left():
            raise Expired

    def postings(self, fieldname: str, text: str | bytes) -> tuple[bytes, Postings] | None:
        """(term bytes, live postings) of a term, or ``None`` where the segment has none."""
        field = self.fields.get(fieldname)
        try:
            tbytes = None if field is None else field.to_bytes(text)
        except ValueError:
            return None
        postings = None if tbytes is None else self.arrays.postings(fieldname, tbytes)
        return None if postings is None or not len(postings.docs) else (tbytes, postings)

    def has_term(self, fieldname: str, text: str | bytes) -> bool:
        """Whether a live document of the segment has the term."""
        return self.postings(fieldname, text) is not None

    def expand_prefix(self, fieldname: str, text: str, limit: int | None) -> list[bytes]:
        """The segment's terms of ``fieldname`` that start with ``text`` (at most ``limit``)."""
        return [word for word in access.prefix_terms(self.reader, fieldname, text, limit) if word]

    def _lengths_known(self, fieldname: str) -> bool:
        """Whether the field's terms score by BM25F (a field the segment lacks matches nothing)."""
        field = self.fields.get(fieldname)
        return field is None or field.scorable

    def length_norms(self, fieldname: str) -> np.ndarray:
        """BM25F's length factor of each document of the segment in ``fieldname``, with the
        parameters of the searcher's scorer."""
        norms = self._norms.get(fieldname)
        if norms is None:
            avgfl = self._averages.get(fieldname)
            if avgfl is None:
                avgfl = self._averages[fieldname] = self.parent.avg_field_length(fieldname) or 1
            B = access.field_B(self.searcher.weighting, fieldname)
            norms = self._norms[fieldname] = self.arrays.length_norms(fieldname, self.K1, B, avgfl)
        return norms

    def idf(self, fieldname: str, tbytes: bytes, df: int) -> float:
        """The term's idf as the searcher gives it, kept in the searcher's own idf cache;
        Whoosh's formula from ``df``, the term's postings in every segment, deleted ones too
        (Whoosh's document frequency), instead of a term-table lookup per segment again."""
        if not self.plain_idf:
            return self.parent.idf(fieldname, tbytes)
        cache, key = access.idf_cache(self.parent), (fieldname, tbytes)
        found = cache.get(key)
        if found is None:
            found = cache[key] = math.log(self.parent.doc_count_all() / (df + 1)) + 1
        return found

    def term_scores(self, fieldname: str, tbytes: bytes, df: int, docs: np.ndarray,
                    weights: np.ndarray) -> np.ndarray:
        """BM25F scores of a term's postings (documents ``docs``, weights ``weights``); a field
        without lengths scores its weights, as Whoosh's ``WeightScorer``."""
        if not self._lengths_known(fieldname):
            return weights.copy()
        return bm25(self.idf(fieldname, tbytes, df), weights, self.length_norms(fieldname)[docs], self.K1)

    def bm25_parts(self, fieldname: str, text: str, doc: int) -> str:
        """What BM25F made of the term in document ``doc``: idf, frequency, length."""
        found = self.postings(fieldname, text)
        if found is None:
            return f"{text}: —"
        tbytes, postings = found
        weight = postings.weights[locate(postings.docs, np.array([doc], dtype=np.int32))[1][0]]
        if not self._lengths_known(fieldname):
            return f"{text}: weight {weight:g}"
        average = self._averages.get(fieldname) or 1
        length = self.arrays.lengths(fieldname)[doc]
        idf = self.idf(fieldname, tbytes, postings.df)
        return f"{text}: idf {idf:.3f}, tf {weight:g}, length {length:g} (average {average:.1f})"

    def _term_postings(self, fieldname: str, text: str | bytes,
                       within: np.ndarray | None) -> tuple[bytes, int, np.ndarray, np.ndarray] | None:
        """(term bytes, document frequency, documents, weights) of a term's live postings
        among ``within``, or ``None`` where the segment has none."""
        found = self.postings(fieldname, text)
        if found is None:
            return None
        tbytes, postings = found
        docs, weights = postings.docs, postings.weights
        if within is not None:
            inside, index = locate(docs, within)
            docs, weights = docs[index[inside]], weights[index[inside]]
        return tbytes, postings.df, docs, weights

    def term(self, fieldname: str, text: str | bytes, boost: float, scored: bool,
             within: np.ndarray | None) -> Matches:
        """The documents that have the term, BM25F-scored times ``boost``."""
        found = self._term_postings(fieldname, text, within)
        if found is None:
            return EMPTY
        tbytes, df, docs, weights = found
        if not scored:
            return Matches(docs, weights)
        return boosted(Matches(docs, self.term_scores(fieldname, tbytes, df, docs, weights)), boost)

    def terms(self, terms: list[tuple[str, str, float]], within: np.ndarray | None) -> Matches:
        """Scored (field, text, boost) terms of fields with lengths ORed: the scores
        :meth:`term` and :func:`~.matches.union` give them one by one, each operation done
        once over all their postings."""
        docs, weights, norms, idfs, boosts = [], [], [], [], []
        for fieldname, text, boost in terms:
            self.check_time()
            found = self._term_postings(fieldname, text, within)
            if found is None or not len(found[2]):
                continue
            tbytes, df, these, their_weights = found
            docs.append(these)
            weights.append(their_weights)
            norms.append(self.length_norms(fieldname)[these])
            idfs.append(self.idf(fieldname, tbytes, df))
            boosts.append(boost)
        if not docs:
            return EMPTY
        counts = [len(these) for these in docs]
        scores = bm25(np.repeat(idfs, counts), np.concatenate(weights), np.concatenate(norms), self.K1)
        scores *= np.repeat(boosts, counts)
        if len(docs) == 1:
            return Matches(docs[0], scores)
        return summed(np.concatenate(docs), scores, self.doccount)

    def scores_by_bm25(self, fieldnames: Iterable[str]) -> bool:
        """Whether every one of ``fieldnames`` scores by BM25F (see :meth:`terms`)."""
        return all(self._lengths_known(fieldname) for fieldname in fieldnames)

    def phrase(self, fieldname: str, words: tuple[str, ...], boost: float, scored: bool,
               within: np.ndarray | None) -> Matches:
        """Documents with ``words`` at consecutive positions (Whoosh's ``SpanNear2``, slop 1),
        positions decoded for the candidates that have every word, rarest words first; scored
        as the sum of the words' BM25F."""
        docs, lists = within, []
        for word in words:  # each word's postings among the candidates left, while any are
            found = self.postings(fieldname, word)
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
        self.check_time()
        docs = docs[alive]
        if not scored or not len(docs):
            return Matches(docs, np.zeros(len(docs)))
        total = np.zeros(len(docs))
        for tbytes, postings in lists:
            index = locate(postings.docs, docs)[1]
            total += self.term_scores(fieldname, tbytes, postings.df, docs, postings.weights[index])
        return boosted(Matches(docs, total), boost)

    def prefix(self, fieldname: str, text: str, limit: int | None, boost: float, scored: bool,
               within: np.ndarray | None) -> Matches:
        """The terms that start with ``text`` ORed, scored as Whoosh's ``MultiTerm`` is: one
        term alone, without the boost; several with the boost where Whoosh picks its binary
        tree of unions (2 terms, a segment over 5,000 documents, scores read per match), else
        1 each (its preloading OR, which a constant-score ``MultiTerm`` runs unscored)."""
        words = self.expand_prefix(fieldname, text, limit)
        if len(words) == 1:
            return self.term(fieldname, words[0], 1.0, scored, within)
        weighed = scored and len(words) < TOO_MANY_CLAUSES and (
            self.needs_current or len(words) == 2 or self.doccount > 5000)
        found = union([self.term(fieldname, word, 1.0, weighed, within) for word in words], self.doccount)
        if weighed:
            return boosted(found, boost)
        return constant(found.docs, 1.0) if scored else found

    def in_range(self, fieldname: str, low: int, high: int, within: np.ndarray | None) -> Matches:
        """Unscored (a filter): the live documents whose value of number or date field
        ``fieldname`` lies in [low, high], from the field's column."""
        field = self.fields.get(fieldname)
        if field is None:
            return EMPTY
        column = self.arrays.column(fieldname)
        low, high = np.uint64(field.to_column_value(low)), np.uint64(field.to_column_value(high))
        if within is None:
            inside = (column >= low) & (column <= high) & self.arrays.live
            docs = inside.nonzero()[0].astype(np.int32)
        else:
            values = column[within]
            docs = within[(values >= low) & (values <= high) & self.arrays.live[within]]
        return Matches(docs, np.zeros(len(docs)))

    def live(self, within: np.ndarray | None) -> np.ndarray:
        """The live documents (among ``within``)."""
        live = self.arrays.live
        return np.flatnonzero(live).astype(np.int32) if within is None else within[live[within]]


class JoinedSegment(Segment):
    """Evaluates logical trees on all the segments of a searcher at once, over their joined
    arrays (:mod:`.joined`), so that a tree is walked once, not once a segment. Scores are
    BM25F with the index's statistics either way, so they are the same; a prefix's expansions
    and scoring, which Whoosh makes per segment, are made per segment."""

    def __init__(self, searcher, time_left: Callable[[], bool], needs_current: bool = False):
        super().__init__(searcher, 0, time_left, needs_current, joined_arrays(searcher.reader()))

    @functools.cached_property
    def leaves(self) -> list[Segment]:
        """A segment of each of the index's, for what runs per segment (made when first needed)."""
        return [Segment(leaf, offset, self.time_left, self.needs_current)
                for leaf, offset in self.searcher.leaf_searchers()]

    def has_prefix(self, fieldname: str, text: str) -> bool:
        """Whether any segment has a term of ``fieldname`` that starts with ``text``."""
        return any(leaf.expand_prefix(fieldname, text, 1) for leaf in self.leaves)

    def prefix(self, fieldname: str, text: str, limit: int | None, boost: float, scored: bool,
               within: np.ndarray | None) -> Matches:
        docs, scores = [], []
        for leaf in self.leaves:
            mine = None
            if within is not None:
                low, high = np.searchsorted(within, [leaf.offset, leaf.offset + leaf.doccount])
                mine = within[low:high] - np.int32(leaf.offset)
            found = leaf.prefix(fieldname, text, limit, boost, scored, mine)
            docs.append(found.docs + np.int32(leaf.offset))
            scores.append(found.scores)
        return Matches(np.concatenate(docs), np.concatenate(scores))


def segments(searcher, time_left: Callable[[], bool], needs_current: bool = False) -> list[Segment]:
    """What a search evaluates ``searcher``'s index on: its one segment, or its segments
    joined (:class:`JoinedSegment`)."""
    leaves = searcher.leaf_searchers()
    if len(leaves) == 1:
        (leaf, offset), = leaves
        return [Segment(leaf, offset, time_left, needs_current)]
    return [JoinedSegment(searcher, time_left, needs_current)]
