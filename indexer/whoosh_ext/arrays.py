"""A segment's data as numpy arrays, read from Whoosh's own format: a term's postings
(document numbers, weights, and the raw position values for candidates), field lengths, the
live documents, column values and a facet field's (document, value) pairs.

A posting list is read a block at a time: a W3 block is a pickled tuple (delta-coded ids,
weights, values), so a block costs a few C calls, never a Python call per posting; short
lists come from the term table, where :mod:`.codec` inlines them. Everything is cached per
segment reader (a segment never changes once written); the postings cache is bounded.
"""

from __future__ import annotations

import bisect
import functools
import io
import itertools
import pickle
import struct
import threading
import weakref
import zlib
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.reading import TermNotFound

CACHED_POSTINGS = 100_000  # postings remembered per segment reader before the cache is cleared
MISSING_KEY = (1 << 64) - 1  # the column value of a 64-bit NUMERIC field without a value
_BLOCK_LENGTH = struct.Struct("!i")


@dataclass(frozen=True)
class Postings:
    """A term's postings in one segment, live documents only: ``docs`` ascending (int32),
    ``weights`` (float64, Whoosh's float32 values), and each posting's raw value (positions)
    at ``values[slots[i]]`` (``slots`` is ``None`` when no posting was dropped); ``part``:
    only some blocks were read."""

    docs: np.ndarray
    weights: np.ndarray
    values: list
    slots: np.ndarray | None = None
    part: bool = False

    def values_at(self, index: np.ndarray) -> list[bytes]:
        """The raw values of the postings at ``index``."""
        found = (index if self.slots is None else self.slots[index]).tolist()
        return list(map(self.values.__getitem__, found))


class SegmentArrays:
    """The arrays of one segment reader, each made on first use."""

    def __init__(self, reader):
        self.reader = reader
        self.doccount = reader.doc_count_all()
        self.live = np.ones(self.doccount, dtype=bool)
        if reader.has_deletions():
            self.live[np.fromiter(reader.deleted_docs_set, dtype=np.int64)] = False
        self.has_deletions = not self.live.all()
        self._postings: dict[tuple[str, bytes], Postings | None] = {}
        self._cached = 0
        self._lengths: dict[str, np.ndarray] = {}
        self._columns: dict[str, np.ndarray] = {}
        self._facets: dict[str, tuple[np.ndarray, np.ndarray, list[str]]] = {}

    def postings(self, fieldname: str, tbytes: bytes, wanted: np.ndarray | None = None) -> Postings | None:
        """The term's live postings, or ``None`` if the segment does not have the term; with
        ``wanted`` (ascending documents), those of the blocks that can hold them may be all
        that is read (such a part is not remembered)."""
        key = (fieldname, tbytes)
        try:
            return self._postings[key]
        except KeyError:
            pass
        found = self._read(fieldname, tbytes, wanted)
        if found is not None and found.part:
            return found
        if self._cached >= CACHED_POSTINGS:
            self._postings.clear()
            self._cached = 0
        self._postings[key] = found
        self._cached += 1 if found is None else len(found.docs) + 1
        return found

    def _read(self, fieldname: str, tbytes: bytes, wanted: np.ndarray | None) -> Postings | None:
        try:
            info = self.reader._terms.term_info(fieldname, tbytes)
        except (TermNotFound, KeyError):
            return None
        if info.is_inlined():
            ids, weights, values = info.inlined_postings()
            docs = np.array(ids, dtype=np.int32)
            found = np.array(weights, dtype=np.float64) if weights else np.ones(len(docs))
            return self._live_only(docs, found, list(values), False)
        offset, length = info.extent()
        if isinstance(length, tuple):  # Whoosh's term info reads the length as a 1-tuple
            (length,) = length
        return self._live_only(*read_blocks(self.reader._terms._postfile.get(offset, length), wanted))

    def _live_only(self, docs: np.ndarray, weights: np.ndarray, values: list, part: bool) -> Postings:
        if not self.has_deletions:
            return Postings(docs, weights, values, None, part)
        keep = np.flatnonzero(self.live[docs])
        return Postings(docs[keep], weights[keep], values, keep, part)

    def lengths(self, fieldname: str) -> np.ndarray:
        """Every document's length of ``fieldname`` as BM25F reads it (1 where 0 or unknown)."""
        found = self._lengths.get(fieldname)
        if found is None:
            found = np.array(self.reader._perdoc.lengths_or(fieldname, 1)[:self.doccount], dtype=np.float64)
            self._lengths[fieldname] = found
        return found

    def column(self, fieldname: str) -> np.ndarray:
        """A 64-bit NUMERIC column's raw values (uint64), :data:`MISSING_KEY` where none."""
        found = self._columns.get(fieldname)
        if found is None:
            found = np.full(self.doccount, MISSING_KEY, dtype=np.uint64)
            if self.reader.has_column(fieldname):
                column = self.reader.column_reader(fieldname, translate=False)
                found[:] = [column[doc] for doc in range(self.doccount)]
            self._columns[fieldname] = found
        return found

    def facet(self, fieldname: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """(documents, value numbers, value names): one pair per live document and value of
        a keyword field, several for a document with several values."""
        found = self._facets.get(fieldname)
        if found is None:
            field = self.reader.schema[fieldname]
            docs, numbers, names = [], [], []
            for tbytes in self.reader.lexicon(fieldname):
                postings = self._read(fieldname, tbytes, None)
                docs.append(postings.docs)
                numbers.append(np.full(len(postings.docs), len(names), dtype=np.int32))
                names.append(field.from_bytes(tbytes))
            empty = np.zeros(0, dtype=np.int32)
            found = (np.concatenate(docs) if docs else empty, np.concatenate(numbers) if numbers else empty,
                     names)
            self._facets[fieldname] = found
        return found


@functools.lru_cache(maxsize=1 << 16)
def positions(value: bytes) -> tuple[int, ...]:
    """The positions of a posting value of Whoosh's ``Positions`` format (a 4-byte count, then
    the pickled deltas), remembered: one-position postings share one encoding per position."""
    return tuple(itertools.accumulate(pickle.loads(value[4:] if value.endswith(b".") else value[4:] + b".")))


def read_blocks(data: bytes, wanted: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, list, bool]:
    """(ids, weights, values, whether blocks were skipped) of a W3 posting list: the header,
    then blocks of a length (negative for the last), a pickled info tuple (its count and last
    id) and the pickled, maybe compressed, data tuple. With ``wanted`` (ascending documents),
    only the blocks whose id range holds one of them are unpickled."""
    if data[:len(WHOOSH3_HEADER_MAGIC)] != WHOOSH3_HEADER_MAGIC:
        raise ValueError("not a W3 posting list")
    view = memoryview(data)
    targets = None if wanted is None else wanted.tolist()
    position, previous, skipped = len(WHOOSH3_HEADER_MAGIC), -1, False
    deltas: list[int] = []
    weights: list[float] = []
    values: list = []
    starts, lasts = [], []
    last = False
    while not last:
        (length,) = _BLOCK_LENGTH.unpack_from(view, position)
        last, length = length < 0, abs(length)
        block = view[position + _BLOCK_LENGTH.size:position + _BLOCK_LENGTH.size + length]
        position += _BLOCK_LENGTH.size + length
        stream = io.BytesIO(block)
        count, maxid, _, compression, _, _ = pickle.load(stream)
        first, previous = previous + 1, maxid
        if targets is not None:
            at = bisect.bisect_left(targets, first)
            if at == len(targets) or targets[at] > maxid:  # no wanted document in this block
                skipped = True
                continue
        raw = block[stream.tell():]
        ids, found, vs = pickle.loads(zlib.decompress(raw) if compression else raw)
        starts.append(len(deltas))
        lasts.append(maxid)
        deltas.extend(ids)
        weights.extend([1.0] * count if found is None else [found] * count if isinstance(found, float)
                       else found)
        if isinstance(vs, tuple):  # positions; fixed-size values are not read
            values.extend(vs)
    docs = np.array(deltas, dtype=np.int64)
    if len(starts) > 1:  # each block's first id is absolute: make it a delta from the block before
        docs[starts[1:]] -= np.array(lasts[:-1], dtype=np.int64)
    return np.cumsum(docs).astype(np.int32), np.array(weights, dtype=np.float64), values, skipped


_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def segment_arrays(reader) -> SegmentArrays:
    """The arrays of segment ``reader``, made once per reader."""
    found = _cache.get(reader)
    if found is None:
        with _lock:
            found = _cache.get(reader)
            if found is None:
                found = _cache[reader] = SegmentArrays(reader)
    return found
