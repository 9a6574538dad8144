"""The arrays of several segments as one (:mod:`.arrays`), their documents numbered as the
index's reader numbers them (each segment's after the ones before it): an index of several
segments evaluated in one pass, instead of the whole query once per segment.

A term's postings are the segments' postings one after another, kept in a cache of the
joined ones (not in each segment's too), bounded as a segment's is; lengths,
live documents, columns and facets are joined once per reader.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from .arrays import Postings, SegmentArrays, once_per_reader, segment_arrays


@dataclass(slots=True)  # not frozen: a frozen one takes 2.5 times as long to make, a search makes dozens
class JoinedPostings:
    """A term's live postings in several segments: ``docs`` ascending (int32, numbered in the
    index), ``weights``; posting ``i`` is posting ``i - starts[n]`` of ``parts[n]``; ``df``:
    the postings of every segment, deleted ones too (Whoosh's document frequency)."""

    docs: np.ndarray
    weights: np.ndarray
    parts: list[Postings]
    starts: list[int]  # where each part's postings start, and the end of the last
    df: int

    def positions_at(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """As :meth:`.arrays.Postings.positions_at`: each part answers for its postings."""
        bounds = np.searchsorted(index, self.starts)
        counts, positions = [], []
        for number, part in enumerate(self.parts):
            mine = index[bounds[number]:bounds[number + 1]] - self.starts[number]
            if len(mine):
                these, where = part.positions_at(mine)
                counts.append(these)
                positions.append(where)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(counts), np.concatenate(positions)


class JoinedArrays(SegmentArrays):
    """The arrays of the segments ``segments`` (each a :class:`.arrays.SegmentArrays`) at
    ``offsets`` in the index, with :class:`.arrays.SegmentArrays`'s interface."""

    def __init__(self, segments: list[SegmentArrays], offsets: list[int]):
        self.segments = segments
        self.offsets = [np.int32(offset) for offset in offsets]  # added to int32 documents as they are
        self.doccount = sum(segment.doccount for segment in segments)
        self.fields = segments[0].fields
        self.live = np.concatenate([segment.live for segment in segments])
        self.has_deletions = any(segment.has_deletions for segment in segments)
        self._postings: dict[tuple[str, bytes], JoinedPostings | None] = {}
        self._cached = 0
        self._lengths: dict[str, np.ndarray] = {}
        self._norms: dict[tuple, np.ndarray] = {}
        self._columns: dict[str, np.ndarray] = {}
        self._facets: dict[str, tuple[np.ndarray, np.ndarray, list[str]]] = {}
        self._facet_values: dict[str, np.ndarray | None] = {}

    def _read(self, fieldname: str, tbytes: bytes) -> JoinedPostings | None:
        """The term's live postings in every segment that has it, or ``None`` if none has."""
        parts, docs, starts, df = [], [], [0], 0
        for segment, offset in zip(self.segments, self.offsets, strict=True):
            found = segment._read(fieldname, tbytes)  # kept here, joined: not in the segment's cache too
            if found is not None:
                df += found.df
                if count := len(found.docs):
                    parts.append(found)
                    docs.append(found.docs + offset if offset else found.docs)
                    starts.append(starts[-1] + count)
        if not parts:
            return None
        if len(parts) == 1:  # nothing to join
            return JoinedPostings(docs[0], parts[0].weights, parts, starts, df)
        return JoinedPostings(np.concatenate(docs), np.concatenate([part.weights for part in parts]),
                              parts, starts, df)

    def lengths(self, fieldname: str) -> np.ndarray:
        found = self._lengths.get(fieldname)
        if found is None:
            found = self._lengths[fieldname] = np.concatenate([s.lengths(fieldname) for s in self.segments])
        return found

    def column(self, fieldname: str) -> np.ndarray:
        found = self._columns.get(fieldname)
        if found is None:
            found = self._columns[fieldname] = np.concatenate([s.column(fieldname) for s in self.segments])
        return found

    def facet(self, fieldname: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
        found = self._facets.get(fieldname)
        if found is None:
            names: dict[str, int] = {}
            docs, numbers = [], []
            for segment, offset in zip(self.segments, self.offsets, strict=True):
                their_docs, their_numbers, their_names = segment.facet(fieldname)
                renumbered = np.array([names.setdefault(name, len(names)) for name in their_names],
                                      dtype=np.int32)
                docs.append(their_docs + offset)
                numbers.append(renumbered[their_numbers] if len(their_numbers) else their_numbers)
            found = self._facets[fieldname] = (np.concatenate(docs), np.concatenate(numbers), list(names))
        return found


_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def joined_arrays(reader) -> JoinedArrays:
    """The joined arrays of the segments of index reader ``reader``, made once per reader."""
    def make() -> JoinedArrays:
        leaves = reader.leaf_readers()
        return JoinedArrays([segment_arrays(leaf) for leaf, _ in leaves], [offset for _, offset in leaves])

    return once_per_reader(_cache, reader, make)
