"""A field's collected postings as typed arrays, in memory and in sorted runs on disk.

A posting is four numbers: its term's number in a vocabulary of the words collected since
the last run, its document, its frequency and where its position gaps start in the field's
:class:`GapStream`. Documents arrive in order, so the postings of one term are in document
order wherever they are. When the collected postings outgrow the writer's memory limit they
are sorted by the rank of their word (stably: documents stay in order) and written to disk
as a *run* with its words in order, and memory, vocabulary too, starts over. At commit the
runs' words are merged as they are read, and the postings of a batch of terms are taken
from every run and from memory with a few array operations per run (:meth:`Postings.take`),
never a Python call per posting.
"""

from __future__ import annotations

import bisect
import itertools
import mmap
import pickle
import tempfile
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from .packed import slices, stable_order

COLUMNS = ("terms", "docs", "freqs", "starts")
WORD_CHUNK = 1 << 16  # a run's words pickled together


def release(values: np.ndarray) -> None:
    """Let the pages of a file-mapped array go from this process's memory: they stay in the
    page cache and come back when read again. Nothing for an array in memory."""
    mapped = getattr(values, "_mmap", None)
    if mapped is not None:
        mapped.madvise(mmap.MADV_DONTNEED)


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
    """Postings sorted by term number: ``take`` gives some terms' postings."""

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


@dataclass
class Run:
    """Postings sorted by the rank of their word among the run's words, and those words in
    order (an iterable read once)."""

    postings: Postings
    words: Iterable[str]


def read_words(stream, offsets: list[int]) -> Iterator[str]:
    """A run's words, a pickled chunk at a time."""
    for offset in offsets:
        stream.seek(offset)
        yield from pickle.load(stream)


class FieldPostings:
    """One field's collected postings: those since the last run as typed arrays, numbered by
    a vocabulary of their words, and the runs on disk in ``folder``, each with its own words,
    so that memory holds only the words of one run."""

    def __init__(self, folder: str):
        self._folder = folder
        self._files: list = []
        self._runs: list[Run] = []
        self._clear()

    def _clear(self) -> None:
        self.vocabulary: dict = {}  # a term (or its key) → its number
        self.words: list = []  # each number's term
        self._memory = {name: array("I") for name in COLUMNS}

    def __bool__(self) -> bool:
        return bool(self._runs) or bool(self._memory["terms"])

    def numbers(self, keys: list, texts: list | None = None) -> tuple[np.ndarray, int]:
        """The vocabulary number of each of ``keys`` (a term, or a key whose term is the same
        item of ``texts``), a new key taking the next number; and how many were new. One
        lookup a key: only the new ones are handled one by one."""
        vocabulary, words = self.vocabulary, self.words
        numbers = np.fromiter(map(vocabulary.get, keys, itertools.repeat(-1)), np.int64, len(keys))
        missing = np.flatnonzero(numbers < 0).tolist()
        first: dict = {}  # each new key: where it first is (a long word or a term may come again)
        for at in missing:
            first.setdefault(keys[at], at)
        known = len(words)
        vocabulary.update(zip(first, range(known, known + len(first)), strict=True))
        words += list(first) if texts is None else [texts[at] for at in first.values()]
        numbers[missing] = [vocabulary[keys[at]] for at in missing]
        return numbers, len(first)

    def add(self, terms: np.ndarray, docs: np.ndarray, freqs: np.ndarray, starts: np.ndarray) -> None:
        """Collect postings: each one's term (its vocabulary number), document, frequency and
        where its gaps start; a term's postings in document order."""
        for name, values in zip(COLUMNS, (terms, docs, freqs, starts), strict=True):
            self._memory[name].frombytes(values.astype(np.uint32).tobytes())

    def _ranked(self) -> tuple[list[str], Postings]:
        """The words in memory in order, and the postings in memory sorted by their word's rank."""
        order = sorted(range(len(self.words)), key=self.words.__getitem__)
        rank = np.empty(len(order), dtype=np.uint32)
        rank[order] = np.arange(len(order), dtype=np.uint32)
        columns = {name: np.frombuffer(values, dtype=np.uint32) for name, values in self._memory.items()}
        columns["terms"] = rank[columns["terms"]]
        by_rank = stable_order(columns["terms"])
        return [self.words[number] for number in order], Postings({name: values[by_rank]
                                                                   for name, values in columns.items()})

    def write_run(self) -> None:
        """Move the postings in memory and their words to a run on disk, memory starting over."""
        if not self._memory["terms"]:
            return
        words, postings = self._ranked()
        stream = tempfile.TemporaryFile(dir=self._folder, prefix="run-")
        for name in COLUMNS:
            stream.write(postings.columns[name].tobytes())
        offsets = []
        for begin in range(0, len(words), WORD_CHUNK):
            offsets.append(stream.tell())
            pickle.dump(words[begin:begin + WORD_CHUNK], stream, pickle.HIGHEST_PROTOCOL)
        stream.flush()
        count = len(postings.columns["terms"])
        mapped = np.memmap(stream, dtype=np.uint32, mode="r", shape=(len(COLUMNS), count))
        self._runs.append(Run(Postings(dict(zip(COLUMNS, mapped, strict=True))), read_words(stream, offsets)))
        self._files.append(stream)
        self._clear()

    def batches(self, size: int) -> Iterator[tuple[list, np.ndarray, dict[str, np.ndarray]]]:
        """Every collected term in order, at least ``size`` terms at a time: their words, where
        each one's postings start (and the last ends), and the postings' documents, frequencies
        and where their gaps start, grouped by term in document order.

        The runs' words are merged as they are read, ``size`` at a time from each run: a batch
        holds every word read up to the smallest last word read from a run that has more."""
        latest_words, latest = self._ranked()
        runs = [*self._runs, Run(latest, latest_words)]
        sources: list[Iterator | None] = [iter(run.words) for run in runs]
        pending: list[list] = [[] for _ in runs]  # each run's words read, not yet in a batch
        ranks = [0] * len(runs)  # the rank of each run's first pending word
        while True:
            for number, source in enumerate(sources):
                if source is not None and len(pending[number]) < size:
                    read = list(itertools.islice(source, size))
                    pending[number] += read
                    sources[number] = source if len(read) == size else None
            ends = [words[-1] for words, source in zip(pending, sources, strict=True) if source is not None]
            last = min(ends, default=None)
            taken = [words if last is None else words[:bisect.bisect_right(words, last)] for words in pending]
            words = sorted(set().union(*taken))
            if not words:
                return
            number_of = dict(zip(words, range(len(words)), strict=True))
            picked = [(np.fromiter(map(number_of.__getitem__, found), dtype=np.int64, count=len(found)),
                       np.arange(rank, rank + len(found))) for found, rank in zip(taken, ranks, strict=True)]
            yield self._batch(runs, words, picked)
            for number, run_words in enumerate(taken):
                pending[number] = pending[number][len(run_words):]
                ranks[number] += len(run_words)
            for run in self._runs:  # read in order: what was read is not read again
                release(run.postings.columns["terms"])

    @staticmethod
    def _batch(runs: list[Run], words: list,
               picked: list[tuple[np.ndarray, np.ndarray]]) -> tuple[list, np.ndarray, dict[str, np.ndarray]]:
        """The batch of ``words``: each run's postings of the terms it has (each term's number in
        the batch and its rank in the run), run after run."""
        owners, parts = [], []
        for run, (numbers, ranks) in zip(runs, picked, strict=True):
            if len(ranks):
                owner, part = run.postings.take(ranks)
                owners.append(numbers[owner])
                parts.append(part)
        owner = np.concatenate(owners)
        grouped = stable_order(owner)  # by term, then run after run: in document order
        columns = {name: np.concatenate([part[name] for part in parts])[grouped] for name in COLUMNS[1:]}
        bounds = np.concatenate(([0], np.cumsum(np.bincount(owner, minlength=len(words)))))
        return words, bounds, columns

    def close(self) -> None:
        """Remove the runs' files and forget every posting."""
        for stream in self._files:
            stream.close()
        self._files.clear()
        self._runs.clear()
        self._clear()
