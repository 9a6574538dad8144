"""Collecting a search's matches (one :class:`Part` a segment) into what a page shows: the
exact total, the top hits by partial sort (relevance, or a number or date field with
documents without a value last either way), facet counts by array counts over the facet
fields' values, and the ids of a page's hits. Counting is not ranking: a total or a facet
never sorts."""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .arrays import MISSING_KEY, segment_arrays
from .matches import Matches
from .segment import Segment


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
    """One segment's share of a search: the segment and its matches."""

    segment: Segment
    matches: Matches

    @functools.cached_property
    def matched(self) -> np.ndarray:
        """Whether each of the segment's documents matched: one mask for every facet counted."""
        mask = np.zeros(self.segment.doccount, dtype=bool)
        mask[self.matches.docs] = True
        return mask


class Results:
    """A search's matches: ``len()`` (every match), the top ``limit`` as :class:`Hit` by
    slicing, and ``groups(facet)``."""

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
            arrays = part.segment.arrays
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
    docs = np.concatenate([part.matches.docs.astype(np.int64) + part.segment.offset for part in parts])
    scores = np.concatenate([part.matches.scores for part in parts])
    if sort is None:
        chosen = np.arange(len(docs))
        if len(docs) > limit:  # only the scores at or above the limit-th can be in the top
            kth = -np.partition(-scores, limit - 1)[limit - 1]
            chosen = (scores >= kth).nonzero()[0]
        order = chosen[np.lexsort((docs[chosen], -scores[chosen]))]
    else:
        name, descending = sort
        keys = np.concatenate([part.segment.arrays.column(name)[part.matches.docs] for part in parts])
        missing = keys == np.uint64(MISSING_KEY)
        order = np.lexsort((docs, -scores, ~keys if descending else keys, missing))
    order = order[:limit]
    return list(zip(docs[order].tolist(), scores[order].tolist(), strict=True))


def document_ids(searcher, docnums: list[int]) -> list[str]:
    """The ``id`` of each of ``searcher``'s documents ``docnums`` (global numbers), from each
    segment's id terms (:meth:`~.arrays.SegmentArrays.keys`): a ranked page's ids without a
    stored document read."""
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
