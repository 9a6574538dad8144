"""One search on arrays: the query and its restrictions evaluated per segment
(:mod:`.vector`), the exact total, the top hits by partial sort (relevance, or a number or
date field with documents without a value last either way), and facet counts by array
counts over the facet fields' values.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from whoosh import query as wq

from ..whoosh_ext.arrays import MISSING_KEY, segment_arrays
from ..whoosh_ext.joined import joined_arrays
from .vector import Expired, Matches, SegmentEvaluator


class Hit(NamedTuple):
    """One ranked document: its global number and relevance score."""

    searcher: object
    docnum: int
    score: float

    def fields(self) -> dict:
        """The document's stored fields."""
        return self.searcher.stored_fields(self.docnum)


@dataclass(frozen=True)
class Part:
    """One segment's share of a search: its evaluator and its matches."""

    evaluator: SegmentEvaluator
    matches: Matches

    @functools.cached_property
    def matched(self) -> np.ndarray:
        """Whether each of the segment's documents matched: one mask for every facet counted."""
        mask = np.zeros(self.evaluator.arrays.doccount, dtype=bool)
        mask[self.matches.docs] = True
        return mask


class Results:
    """What :meth:`~.execute.Execution.search` returns: ``len()`` (every match), the top
    ``limit`` as :class:`Hit` by slicing, and ``groups(facet)``."""

    def __init__(self, searcher, parts: list[Part], limit: int, sort: tuple[str, bool] | None = None):
        self.searcher, self.parts = searcher, parts
        self._total = sum(len(part.matches) for part in parts)
        self._top = top(parts, limit, sort)

    def __len__(self) -> int:
        return self._total

    def is_empty(self) -> bool:
        """Whether nothing matched."""
        return self._total == 0

    def __getitem__(self, index: slice) -> list[Hit]:
        return [Hit(self.searcher, int(doc), float(score)) for doc, score in self._top[index]]

    def groups(self, fieldname: str) -> dict[str, int]:
        """How many matches have each value of keyword field ``fieldname`` (a document with
        several values counts for each)."""
        counted: dict[str, int] = {}
        for part in self.parts:
            arrays = part.evaluator.arrays
            docs, numbers, names = arrays.facet(fieldname)
            if not len(part.matches) or not len(docs):
                continue
            values = arrays.facet_values(fieldname)
            if values is None:  # several values a document: each of its pairs counts
                counts = np.bincount(numbers[part.matched[docs]], minlength=len(names))
            else:
                values = values[part.matches.docs]
                counts = np.bincount(values[values >= 0], minlength=len(names))
            found = counts.nonzero()[0]
            for number, count in zip(found.tolist(), counts[found].tolist(), strict=True):
                counted[names[number]] = counted.get(names[number], 0) + count
        return counted


def top(parts: list[Part], limit: int, sort: tuple[str, bool] | None) -> list[tuple[int, float]]:
    """The first ``limit`` (global document, score): by score, highest first, or by field
    ``sort[0]`` (descending if ``sort[1]``), then score; equal ones in document order."""
    if not parts:
        return []
    docs = np.concatenate([part.matches.docs.astype(np.int64) + part.evaluator.offset for part in parts])
    scores = np.concatenate([part.matches.scores for part in parts])
    if sort is None:
        chosen = np.arange(len(docs))
        if len(docs) > limit:  # only the scores at or above the limit-th can be in the top
            kth = -np.partition(-scores, limit - 1)[limit - 1]
            chosen = (scores >= kth).nonzero()[0]
        order = chosen[np.lexsort((docs[chosen], -scores[chosen]))]
    else:
        name, descending = sort
        keys = np.concatenate([part.evaluator.arrays.column(name)[part.matches.docs] for part in parts])
        missing = keys == np.uint64(MISSING_KEY)
        order = np.lexsort((docs, -scores, ~keys if descending else keys, missing))
    order = order[:limit]
    return list(zip(docs[order].tolist(), scores[order].tolist(), strict=True))


def document_ids(searcher, docnums: list[int]) -> list[str]:
    """The ``id`` of each of ``searcher``'s documents ``docnums`` (global numbers), from each
    segment's id terms (:meth:`~..whoosh_ext.arrays.SegmentArrays.keys`): a ranked page's
    ids without a stored document read."""
    leaves = searcher.leaf_searchers()
    offsets = [offset for _, offset in leaves]
    keys: dict[int, list] = {}  # each segment's ids, by its number, looked up once
    ids = []
    for docnum in docnums:
        number = bisect.bisect_right(offsets, docnum) - 1
        if number not in keys:
            keys[number] = segment_arrays(leaves[number][0].reader()).keys("id")
        ids.append(keys[number][docnum - offsets[number]])
    return ids


def evaluators(searcher, time_left: Callable[[], bool],
               needs_current: bool = False) -> list[SegmentEvaluator]:
    """The evaluators of ``searcher``'s index (see :class:`.vector.SegmentEvaluator`): one of
    its segment, or one of its segments joined (:class:`JoinedEvaluator`)."""
    leaves = searcher.leaf_searchers()
    if len(leaves) == 1:
        (leaf, offset), = leaves
        return [SegmentEvaluator(leaf, offset, time_left, needs_current)]
    return [JoinedEvaluator(searcher, time_left, needs_current)]


class JoinedEvaluator(SegmentEvaluator):
    """Evaluates queries on all the segments of a searcher at once, over their joined arrays
    (:mod:`..whoosh_ext.joined`), so that a query's tree is walked once, not once a segment.
    Scores are BM25F with the index's statistics either way, so they are the same; what
    Whoosh does per segment (a prefix's expansions and its scoring, its own matchers for
    other queries) is done per segment."""

    def __init__(self, searcher, time_left: Callable[[], bool], needs_current: bool = False):
        super().__init__(searcher, 0, time_left, needs_current, joined_arrays(searcher.reader()))

    @functools.cached_property
    def leaves(self) -> list[SegmentEvaluator]:
        """An evaluator of each segment, for what runs per segment (made when first needed)."""
        return [SegmentEvaluator(leaf, offset, self.time_left, self.needs_current)
                for leaf, offset in self.searcher.leaf_searchers()]

    def _by_segment(self, handler: str, query: wq.Query, scored: bool, within: np.ndarray | None) -> Matches:
        """``handler``'s matches on each segment, numbered in the index."""
        docs, scores = [], []
        for leaf in self.leaves:
            mine = None
            if within is not None:
                low, high = np.searchsorted(within, [leaf.offset, leaf.offset + leaf.arrays.doccount])
                mine = within[low:high] - np.int32(leaf.offset)
            found = getattr(leaf, handler)(query, scored, mine)
            docs.append(found.docs + np.int32(leaf.offset))
            scores.append(found.scores)
        return Matches(np.concatenate(docs), np.concatenate(scores))

    def whoosh(self, query: wq.Query, scored: bool, within: np.ndarray | None) -> Matches:
        return self._by_segment("whoosh", query, scored, within)

    def prefix(self, query: wq.Prefix, scored: bool, within: np.ndarray | None) -> Matches:
        return self._by_segment("prefix", query, scored, within)

    def numeric_range(self, query: wq.NumericRange, scored: bool, within: np.ndarray | None) -> Matches:
        return self._by_segment("numeric_range", query, scored, within)


def evaluate(segments: list[SegmentEvaluator], whoosh_query: wq.Query, restricted: wq.Query | None,
             time_left: Callable[[], bool]) -> list[Part]:
    """Each segment's matches of ``whoosh_query`` within ``restricted``, segment by segment
    while ``time_left()``; a segment the budget ran out in is left out."""
    parts = []
    for evaluator in segments:
        if not time_left():
            break
        try:
            found = evaluator.run(whoosh_query)
            if restricted is not None and len(found):
                found = found.within(evaluator.run(restricted, scored=False).docs)
        except Expired:
            break
        parts.append(Part(evaluator, found))
    return parts


def search(searcher, whoosh_query: wq.Query, limit: int) -> list[Hit]:
    """The top ``limit`` hits of ``whoosh_query`` as ``searcher.search`` ranks them, outside a
    search's budget (the correction's title candidates)."""
    parts = evaluate(evaluators(searcher, lambda: True), whoosh_query, None, lambda: True)
    return Results(searcher, parts, limit)[:limit]
