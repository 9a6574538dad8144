"""A segment's data as numpy arrays: a term's postings (document numbers, weights, and the
positions of candidates), field lengths, the live documents, column values and a facet
field's (document, value) pairs.

A posting list is one packed record (:mod:`..whoosh_ext.packed`), read with a few ``np.frombuffer``
calls, never a Python call per posting. Everything is cached per segment reader (a segment
never changes once written); the postings cache is bounded.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..whoosh_ext import access
from ..whoosh_ext.packed import PostingList

CACHED_POSTINGS = 100_000  # postings remembered per segment reader before the cache is cleared
MISSING_KEY = (1 << 64) - 1  # the column value of a 64-bit NUMERIC field without a value


@dataclass(slots=True)  # not frozen: a frozen one takes 2.5 times as long to make, a search makes dozens
class Postings:
    """A term's postings in one segment, live documents only: ``docs`` ascending (int32),
    ``weights`` (float64), read from ``source``, whose posting ``slots[i]`` is posting ``i``
    here (``slots`` is ``None`` when no posting was dropped)."""

    docs: np.ndarray
    weights: np.ndarray
    source: PostingList
    slots: np.ndarray | None = None

    @property
    def df(self) -> int:
        """The term's document frequency as Whoosh counts it: its postings, deleted ones too."""
        return len(self.source.docs)

    def positions_at(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(how many positions each posting at ``index`` has, all their positions, posting
        after posting)."""
        return self.source.positions_at(index if self.slots is None else self.slots[index])


class SegmentArrays:
    """The arrays of one segment reader, each made on first use."""

    def __init__(self, reader):
        self.reader = reader
        self.doccount = reader.doc_count_all()
        self.fields = dict(reader.schema.items())  # the schema's fields by name, looked up without a call
        self.live = np.ones(self.doccount, dtype=bool)
        if reader.has_deletions():
            self.live[np.fromiter(reader.deleted_docs_set, dtype=np.int64)] = False
        self.has_deletions = not self.live.all()
        self._postings: dict[tuple[str, bytes], Postings | None] = {}
        self._cached = 0
        self._lengths: dict[str, np.ndarray] = {}
        self._norms: dict[tuple, np.ndarray] = {}
        self._columns: dict[str, np.ndarray] = {}
        self._facets: dict[str, tuple[np.ndarray, np.ndarray, list[str]]] = {}
        self._keys: dict[str, list] = {}
        self._facet_values: dict[str, np.ndarray | None] = {}

    def postings(self, fieldname: str, tbytes: bytes) -> Postings | None:
        """The term's live postings, or ``None`` if the segment does not have the term."""
        key = (fieldname, tbytes)
        try:
            return self._postings[key]
        except KeyError:
            pass
        found = self._read(fieldname, tbytes)
        if self._cached >= CACHED_POSTINGS:
            self._postings.clear()
            self._cached = 0
        self._postings[key] = found
        self._cached += 1 if found is None else len(found.docs) + 1
        return found

    def _read(self, fieldname: str, tbytes: bytes) -> Postings | None:
        source = access.posting_list(self.reader, fieldname, tbytes)
        if source is None:
            return None
        if not self.has_deletions:
            return Postings(source.docs, source.weights, source)
        keep = np.flatnonzero(self.live[source.docs])
        return Postings(source.docs[keep], source.weights[keep], source, keep)

    def lengths(self, fieldname: str) -> np.ndarray:
        """Every document's length of ``fieldname`` as BM25F reads it (1 where 0 or unknown)."""
        found = self._lengths.get(fieldname)
        if found is None:
            found = access.length_array(self.reader, fieldname, 1).astype(np.float64)
            self._lengths[fieldname] = found
        return found

    def length_norms(self, fieldname: str, K1: float, B: float, avgfl: float) -> np.ndarray:
        """Every document's BM25 length factor ``K1 * ((1 - B) + B * length / avgfl)`` of
        ``fieldname``, operation for operation as ``whoosh.scoring.bm25``: computed once
        for the segment, not for each term's documents."""
        key = (fieldname, K1, B, avgfl)
        found = self._norms.get(key)
        if found is None:
            found = self._norms[key] = K1 * ((1 - B) + B * self.lengths(fieldname) / avgfl)
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

    def facet_values(self, fieldname: str) -> np.ndarray | None:
        """Each document's value number (:meth:`facet`) of a keyword field (-1: none), or
        ``None`` if a document has several values: a facet counted over the matches alone."""
        if fieldname not in self._facet_values:
            docs, numbers, _ = self.facet(fieldname)
            found = None
            if len(np.unique(docs)) == len(docs):
                found = np.full(self.doccount, -1, dtype=np.int32)
                found[docs] = numbers
            self._facet_values[fieldname] = found
        return self._facet_values[fieldname]

    def keys(self, fieldname: str) -> list:
        """Each document's value of unique field ``fieldname`` (``None`` for a document
        without one), read from the field's term table entries, not from stored fields: a
        term in one document has that document in its entry, so only a term whose document
        was replaced within this segment has postings to read."""
        found = self._keys.get(fieldname)
        if found is None:
            field, terms = self.reader.schema[fieldname], access.term_table(self.reader)
            found = [None] * self.doccount
            entries, infos = terms.field_entries(fieldname)
            for tbytes, count, first in zip(entries, infos["count"].tolist(), infos["first"].tolist(),
                                            strict=True):
                value = field.from_bytes(tbytes)
                docs = [first] if count == 1 else terms.posting_list(fieldname, tbytes).docs.tolist()
                for doc in docs:
                    found[doc] = value
            self._keys[fieldname] = found
        return found

    def facet(self, fieldname: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """(documents, value numbers, value names): one pair per live document and value of
        a keyword field, several for a document with several values."""
        found = self._facets.get(fieldname)
        if found is None:
            field = self.reader.schema[fieldname]
            docs, numbers, names = [], [], []
            for tbytes in self.reader.lexicon(fieldname):
                postings = self._read(fieldname, tbytes)
                docs.append(postings.docs)
                numbers.append(np.full(len(postings.docs), len(names), dtype=np.int32))
                names.append(field.from_bytes(tbytes))
            empty = np.zeros(0, dtype=np.int32)
            found = (np.concatenate(docs) if docs else empty, np.concatenate(numbers) if numbers else empty,
                     names)
            self._facets[fieldname] = found
        return found


_cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.RLock()  # re-entrant: the joined arrays are made from the segments' under it


def once_per_reader(cache: weakref.WeakKeyDictionary, reader, make: Callable[[], object]):
    """``cache``'s value for ``reader``, made by ``make()`` the first time (once, under a lock,
    however many threads ask) and kept as long as the reader lives."""
    found = cache.get(reader)
    if found is None:
        with _lock:
            found = cache.get(reader)
            if found is None:
                found = cache[reader] = make()
    return found


def segment_arrays(reader) -> SegmentArrays:
    """The arrays of segment ``reader``, made once per reader."""
    return once_per_reader(_cache, reader, lambda: SegmentArrays(reader))
