"""A field's collected postings as typed arrays, in memory and in sorted runs on disk.

A posting is four numbers: its term's number in the field's vocabulary, its document, its
frequency and where its position gaps start in the field's :class:`GapStream`. Documents
arrive in order, so the postings of one term are in document order wherever they are. When
the collected postings outgrow the writer's memory limit they are sorted by term number
(stably: documents stay in order) and written to disk as a *run*, and memory starts over.
At commit, the postings of a batch of terms are taken from every run and from memory with a
few array operations per run (:meth:`Postings.take`), never a Python call per posting.
"""

from __future__ import annotations

import tempfile
from array import array
from collections.abc import Iterator

import numpy as np

from .packed import slices

COLUMNS = ("terms", "docs", "freqs", "starts")


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


class Postings:
    """Postings sorted by term number (a run, or the sorted memory): ``take`` gives a batch
    of terms' postings."""

    def __init__(self, columns: dict[str, np.ndarray]):
        self.columns = columns

    def take(self, terms: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """(the index in ``terms`` of each posting, the postings' columns) of the terms."""
        numbers = self.columns["terms"]
        starts = np.searchsorted(numbers, terms, side="left")
        counts = np.searchsorted(numbers, terms, side="right") - starts
        index = slices(starts, counts)
        return np.repeat(np.arange(len(terms)), counts), {name: self.columns[name][index]
                                                          for name in COLUMNS[1:]}


class FieldPostings:
    """One field's collected postings: a vocabulary, the postings since the last run as
    typed arrays, and the runs on disk in ``folder``."""

    def __init__(self, folder: str):
        self._folder = folder
        self.vocabulary: dict[str, int] = {}
        self.words: list[str] = []
        self._memory = {name: array("I") for name in COLUMNS}
        self._runs: list[Postings] = []
        self._files: list = []

    def __bool__(self) -> bool:
        return bool(self._runs) or bool(self._memory["terms"])

    def add(self, words: list[str], docnum: int, freqs: np.ndarray, starts: np.ndarray) -> int:
        """Collect one document's postings of ``words`` (distinct); return how many words were new."""
        vocabulary = self.vocabulary
        new = set(words).difference(vocabulary)
        for word in new:
            vocabulary[word] = len(self.words)
            self.words.append(word)
        memory = self._memory
        memory["terms"].extend(map(vocabulary.__getitem__, words))
        memory["docs"].frombytes(np.full(len(words), docnum, dtype=np.uint32).tobytes())
        memory["freqs"].frombytes(freqs.astype(np.uint32).tobytes())
        memory["starts"].frombytes(starts.astype(np.uint32).tobytes())
        return len(new)

    def _sorted_memory(self) -> Postings:
        columns = {name: np.frombuffer(values, dtype=np.uint32) for name, values in self._memory.items()}
        order = np.argsort(columns["terms"], kind="stable")
        return Postings({name: values[order] for name, values in columns.items()})

    def write_run(self) -> None:
        """Sort the postings in memory by term and move them to a run on disk."""
        if not self._memory["terms"]:
            return
        run = self._sorted_memory()
        stream = tempfile.TemporaryFile(dir=self._folder, prefix="run-")
        for name in COLUMNS:
            stream.write(run.columns[name].tobytes())
        stream.flush()
        count = len(run.columns["terms"])
        mapped = np.memmap(stream, dtype=np.uint32, mode="r", shape=(len(COLUMNS), count))
        self._runs.append(Postings(dict(zip(COLUMNS, mapped, strict=True))))
        self._files.append(stream)
        self._memory = {name: array("I") for name in COLUMNS}

    def batches(self, size: int) -> Iterator[tuple[list[str], np.ndarray, dict[str, np.ndarray]]]:
        """Every collected term in order, ``size`` terms at a time: their words, where each
        one's postings start (and the last ends), and the postings' documents, frequencies and
        where their gaps start, grouped by term in document order."""
        sources = [*self._runs, self._sorted_memory()]
        order = sorted(range(len(self.words)), key=self.words.__getitem__)
        for begin in range(0, len(order), size):
            terms = np.array(order[begin:begin + size], dtype=np.uint32)
            owners, parts = zip(*(source.take(terms) for source in sources), strict=True)
            owner = np.concatenate(owners)
            grouped = np.argsort(owner, kind="stable")  # by term, then run after run: in document order
            columns = {name: np.concatenate([part[name] for part in parts])[grouped] for name in COLUMNS[1:]}
            bounds = np.concatenate(([0], np.cumsum(np.bincount(owner, minlength=len(terms)))))
            yield [self.words[term] for term in terms.tolist()], bounds, columns

    def close(self) -> None:
        """Remove the runs' files and forget every posting."""
        for stream in self._files:
            stream.close()
        self._files.clear()
        self._runs.clear()
        self.vocabulary, self.words = {}, []
        self._memory = {name: array("I") for name in COLUMNS}
