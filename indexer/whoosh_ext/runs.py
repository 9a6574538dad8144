"""Sorted runs of collected posting lists on disk, merged back term by term at commit, and
the position gaps those lists point into.

When the postings a writer collects outgrow its memory limit, each field's terms are written
in term order to a temporary file (a *run*) as pickled chunks of whole posting lists, and
memory starts over. At commit, a field's runs and what is still in memory are merged by
term: the runs were written in document order, so a term's posting lists, joined run after
run, are its postings in document order. Only one chunk of each run is in memory at a time.
"""

from __future__ import annotations

import heapq
import itertools
import operator
import pickle
import tempfile
from array import array
from collections.abc import Iterator

import numpy as np

CHUNK_ITEMS = 3 << 13  # posting list items (three a posting) pickled together: about 8,000 postings

Postings = list  # a term's postings, flat: document, frequency, where its position gaps start, …


class TermRuns:
    """The runs of a writer's collected posting lists, in one temporary file in ``folder``."""

    def __init__(self, folder: str):
        self._folder = folder
        self._file = None
        self._chunks: dict[str, list[list[int]]] = {}  # field → its runs → their chunks' offsets

    def __bool__(self) -> bool:
        return bool(self._chunks)

    def fieldnames(self) -> set[str]:
        """The fields with postings in a run."""
        return set(self._chunks)

    def write(self, fieldname: str, terms: dict[str, Postings]) -> None:
        """Add a run of ``terms`` (term → postings) of ``fieldname``, written in term order."""
        if self._file is None:
            self._file = tempfile.TemporaryFile(dir=self._folder, prefix="runs-")
        stream, offsets = self._file, []
        chunk: list[tuple[str, Postings]] = []
        items = 0
        for word in sorted(terms):
            postings = terms[word]
            chunk.append((word, postings))
            items += len(postings)
            if items >= CHUNK_ITEMS:
                offsets.append(stream.tell())
                pickle.dump(chunk, stream, pickle.HIGHEST_PROTOCOL)
                chunk, items = [], 0
        if chunk:
            offsets.append(stream.tell())
            pickle.dump(chunk, stream, pickle.HIGHEST_PROTOCOL)
        self._chunks.setdefault(fieldname, []).append(offsets)

    def _read(self, offsets: list[int]) -> Iterator[tuple[str, Postings]]:
        for offset in offsets:
            self._file.seek(offset)
            yield from pickle.load(self._file)

    def merged(self, fieldname: str, terms: dict[str, Postings]) -> Iterator[tuple[str, Postings]]:
        """Every term of ``fieldname`` in order, with its postings from the runs, then from
        ``terms`` (the postings collected since the last run), in document order."""
        runs = [self._read(offsets) for offsets in self._chunks.pop(fieldname, [])]
        latest = ((word, terms[word]) for word in sorted(terms))
        for word, parts in itertools.groupby(heapq.merge(*runs, latest, key=operator.itemgetter(0)),
                                             key=operator.itemgetter(0)):
            postings: Postings | None = None
            for _, part in parts:  # each list is the run's or the map's own: extend the first
                if postings is None:
                    postings = part
                else:
                    postings += part
            yield word, postings

    def close(self) -> None:
        """Remove the temporary file."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._chunks.clear()


class GapStream:
    """A field's position gaps, document after document, as one growing array: in memory
    until a run is written, then appended to a temporary file in ``folder``."""

    def __init__(self, folder: str):
        self._folder = folder
        self._memory = array("I")
        self._file = None
        self._written = 0

    def __len__(self) -> int:
        return self._written + len(self._memory)

    def extend(self, gaps: np.ndarray) -> int:
        """Append ``gaps``; return where they start in the stream."""
        start = len(self)
        self._memory.frombytes(gaps.astype(np.uint32).tobytes())
        return start

    def flush(self) -> None:
        """Move the gaps in memory to the file."""
        if self._file is None:
            self._file = tempfile.TemporaryFile(dir=self._folder, prefix="gaps-")
        self._file.write(self._memory.tobytes())
        self._written += len(self._memory)
        self._memory = array("I")

    def array(self) -> np.ndarray:
        """The whole stream: the file mapped into memory, or the memory itself."""
        if self._file is None or not len(self):
            return np.frombuffer(self._memory, dtype=np.uint32)
        self.flush()
        self._file.flush()
        return np.memmap(self._file, dtype=np.uint32, mode="r", shape=(self._written,))

    def close(self) -> None:
        """Remove the temporary file."""
        if self._file is not None:
            self._file.close()
            self._file = None
