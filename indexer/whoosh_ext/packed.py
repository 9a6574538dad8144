"""Our posting format: a term's whole posting list as a few typed arrays in one record.

Whoosh's W3 format pickles every posting's positions and then the block they are in, and
reading a list back costs a ``pickle.loads`` per block and a Python object per posting. A
packed record is read with one ``np.frombuffer`` per array:

- byte 0, the layout: the width of the document gaps (bits 0–1), of the frequencies (2–3)
  and of the position gaps (4–5), each 1, 2 or 4 bytes (codes 0–2), or 3: left out
  (frequencies all 1); bit 6: the weights follow as float32, else they equal the
  frequencies;
- byte 1, what a posting holds: :data:`EXISTENCE` (nothing), :data:`FREQUENCY` or
  :data:`POSITIONS`, from the field's Whoosh format;
- the gaps between the documents (the first document is the term info's minimum id);
- the frequencies, then each posting's position gaps (its first from position 0);
- the weights, if they are not the frequencies.

A record is written for many lists at once (:func:`pack`), each list's widths the smallest
that hold its numbers, and read one list at a time (:func:`unpack`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pickle import dumps

import numpy as np
from whoosh.formats import Existence, Frequency, Positions
from whoosh.util.numeric import _length_byte_cache, pack_uint

EXISTENCE, FREQUENCY, POSITIONS = 0, 1, 2
KINDS = {Existence: EXISTENCE, Frequency: FREQUENCY, Positions: POSITIONS}
WIDTHS = (np.dtype("<u1"), np.dtype("<u2"), np.dtype("<u4"))
LEFT_OUT = 3  # the width code of an array not written
OWN_WEIGHTS = 1 << 6
LENGTH_BYTES = np.frombuffer(_length_byte_cache, dtype=np.int32)  # Whoosh's length of each byte


def kind_of(format_) -> int:
    """The record kind of a Whoosh field format."""
    try:
        return KINDS[type(format_)]
    except KeyError:
        raise NotImplementedError(f"no packed postings for the {type(format_).__name__} format") from None


def posting_value(kind: int, freq: int, gaps: list[int]) -> bytes:
    """A posting's value as Whoosh's format of ``kind`` encodes it: nothing, the frequency, or
    the positions (``Positions.encode``: the count, then the pickled gaps, the first from 0)."""
    if kind == POSITIONS:
        return pack_uint(len(gaps)) + dumps(gaps, 2)
    return pack_uint(freq) if kind == FREQUENCY else b""


def length_bytes(lengths: np.ndarray) -> np.ndarray:
    """Whoosh's ``length_to_byte`` of each length: the byte whose length is the first at least
    as long, 255 from the longest on."""
    return np.minimum(np.searchsorted(LENGTH_BYTES, lengths), 255)


def width_codes(maxima: np.ndarray) -> np.ndarray:
    """Each number's width code: 0 below 2⁸, 1 below 2¹⁶, else 2."""
    return (maxima >= 1 << 8).astype(np.int64) + (maxima >= 1 << 16)


def slices(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The indexes ``start, …, start + count - 1`` of each slice, one slice after another."""
    starts, counts = starts.astype(np.int64), counts.astype(np.int64)
    runs = np.add.accumulate(counts) - counts  # where each slice goes (np.cumsum: 1 µs more a call)
    return np.repeat(starts - runs, counts) + np.arange(int(counts.sum()))


def stable_order(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")`` of non-negative integers, about three times faster:
    each key made unique by its index and sorted with quicksort, when that fits in 64 bits.

    >>> stable_order(np.array([2, 0, 2, 1, 0])).tolist()
    [1, 4, 3, 0, 2]
    """
    count = len(keys)
    if not count or int(keys.max()) >= np.iinfo(np.int64).max // count - 1:
        return np.argsort(keys, kind="stable")
    return np.argsort(keys.astype(np.int64) * count + np.arange(count))


def gather(values: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The slices ``values[start:start + count]``, one after another."""
    return values[slices(starts, counts)]


def summed_gaps(gaps: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The positions of postings whose gaps (int64, each posting's first from 0) are
    ``gaps``, ``counts`` of them a posting, one after another: :func:`position_gaps` undone.
    ``np.add.accumulate``, not ``np.cumsum``: its Python wrapper costs a microsecond a call."""
    running = np.add.accumulate(gaps)
    firsts = np.add.accumulate(counts) - counts  # where each posting's gaps start
    before = running[firsts] - gaps[firsts] if len(gaps) else firsts  # the sum before each posting
    return running - np.repeat(before, counts)


def position_gaps(positions: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Each position's gap from the one before it in its posting (``positions`` posting after
    posting, each posting's first at ``starts``): a posting's first gap is its first position."""
    gaps = np.diff(positions, prepend=0)
    gaps[starts] = positions[starts]
    return gaps


@dataclass
class Batch:
    """Posting lists one after another: list ``t`` is postings ``bounds[t]:bounds[t + 1]``.

    ``gaps``: for positions, each posting's gaps (its first from 0), posting after posting;
    ``weights``: ``None`` where they are the frequencies; ``lengths``: each posting's field
    length (0 where unknown).
    """

    kind: int
    bounds: np.ndarray
    docs: np.ndarray
    freqs: np.ndarray
    lengths: np.ndarray
    gaps: np.ndarray | None = None
    weights: np.ndarray | None = None


@dataclass
class Packed:
    """Every list's record, one after another in ``data`` (record ``t`` is
    ``data[bounds[t]:bounds[t + 1]]``), and each list's statistics as Whoosh's term info keeps
    them (:data:`STATS`)."""

    data: np.ndarray
    bounds: np.ndarray
    stats: dict[str, np.ndarray]

    def record(self, number: int) -> bytes:
        """The record of list ``number``."""
        return self.data[self.bounds[number]:self.bounds[number + 1]].tobytes()


STATS = ("weight", "count", "shortest", "longest", "highest", "first", "last")  # lengths as bytes
CODE_BYTES = np.array([1, 2, 4, 0, 4])  # of a number with each width code (4: a float32 weight)


def pack(batch: Batch) -> Packed:
    """The records and statistics of every list of ``batch``, a few array operations for all
    of them."""
    starts, ends = batch.bounds[:-1], batch.bounds[1:]
    docs = batch.docs.astype(np.int64)
    doc_gaps = np.diff(docs, prepend=0)
    doc_gaps[starts] = 0
    freqs = batch.freqs.astype(np.int64)
    weights = freqs.astype(np.float64) if batch.weights is None else batch.weights.astype(np.float32)
    own = np.zeros(len(starts), dtype=bool)
    if batch.weights is not None:  # a list keeps its weights unless every one is its frequency
        own = np.logical_or.reduceat(weights != freqs, starts)
    layout = width_codes(np.maximum.reduceat(doc_gaps, starts))
    most = np.maximum.reduceat(freqs, starts)
    freq_codes = np.where(most == 1, LEFT_OUT, width_codes(most))
    layout |= freq_codes << 2
    arrays = [(doc_gaps, starts + 1, ends, layout & 3), (freqs, starts, ends, freq_codes)]
    if batch.kind == POSITIONS:
        spans = np.concatenate(([0], np.cumsum(freqs)))
        gap_starts, gap_ends = spans[starts], spans[ends]
        gap_codes = width_codes(np.maximum.reduceat(batch.gaps.astype(np.int64), gap_starts))
        layout |= gap_codes << 4
        arrays.append((batch.gaps, gap_starts, gap_ends, gap_codes))
    layout |= own * OWN_WEIGHTS
    arrays.append((weights.astype(np.float32), starts, ends, np.where(own, 4, LEFT_OUT)))
    sizes = [(hi - lo) * CODE_BYTES[codes] for _, lo, hi, codes in arrays]
    lengths = 2 + np.sum(sizes, axis=0)
    bounds = np.concatenate(([0], np.cumsum(lengths)))
    data = np.empty(int(bounds[-1]), dtype=np.uint8)
    data[bounds[:-1]], data[bounds[:-1] + 1] = layout, batch.kind
    at = bounds[:-1] + 2
    for (values, lo, hi, codes), size in zip(arrays, sizes, strict=True):
        for code in np.unique(codes[size > 0]).tolist():
            chosen = (codes == code) & (size > 0)
            typed = values[slices(lo[chosen], hi[chosen] - lo[chosen])]
            typed = typed if code == 4 else typed.astype(WIDTHS[code])
            data[slices(at[chosen], size[chosen])] = typed.view(np.uint8)
        at = at + size
    return Packed(data, bounds, _stats(batch, docs, freqs, weights, starts, ends))


def _stats(batch: Batch, docs: np.ndarray, freqs: np.ndarray, weights: np.ndarray, starts: np.ndarray,
           ends: np.ndarray) -> dict[str, np.ndarray]:
    known = batch.lengths > 0
    shortest = np.minimum.reduceat(np.where(known, batch.lengths, np.iinfo(np.int64).max), starts)
    shortest = np.where(np.logical_or.reduceat(known, starts), length_bytes(shortest), 0)
    longest = length_bytes(np.maximum.reduceat(batch.lengths, starts))
    total = np.add.reduceat(weights.astype(np.float64), starts)
    highest = np.maximum(np.maximum.reduceat(weights, starts), 0)
    return dict(zip(STATS, (total, ends - starts, shortest, longest, highest, docs[starts], docs[ends - 1]),
                    strict=True))


class PostingList:
    """One term's postings read from its record: ``docs`` (int32) and ``weights`` (float64) as
    arrays; ``freqs`` (int64) and the positions decoded on first use."""

    __slots__ = ("docs", "weights", "kind", "_record", "_raw_freqs", "_freqs", "_gaps_at", "_gap_width",
                 "_positions", "_starts")

    def __init__(self, record: bytes, count: int, first: int):
        layout, self.kind = record[0], record[1]
        at = 2
        if count > 1:  # the first document, then the gaps, summed in place (half the time of a cumsum)
            docs = np.empty(count, dtype=np.int32)
            docs[0] = first
            gaps = np.frombuffer(record, WIDTHS[layout & 3], count - 1, at)
            docs[1:] = gaps
            np.add.accumulate(docs, out=docs)
            at += gaps.nbytes
        else:
            docs = np.array([first] * count, dtype=np.int32)  # one, or none: np.full is a Python function
        self.docs = docs
        self._freqs = None
        if (layout >> 2) & 3 == LEFT_OUT:
            self._raw_freqs = None
        else:
            self._raw_freqs = np.frombuffer(record, WIDTHS[(layout >> 2) & 3], count, at)
            at += self._raw_freqs.nbytes
        self._gaps_at, self._gap_width = at, WIDTHS[(layout >> 4) & 3]
        self._positions = self._starts = None
        if layout & OWN_WEIGHTS:
            if self.kind == POSITIONS:  # the weights follow the position gaps
                positions = count if self._raw_freqs is None else int(self._raw_freqs.sum())
                at += positions * self._gap_width.itemsize
            self.weights = np.frombuffer(record, np.float32, count, at).astype(np.float64)
        elif self._raw_freqs is None:
            self.weights = np.ones(count)
        else:
            self.weights = self._raw_freqs.astype(np.float64)
        self._record = record

    @property
    def freqs(self) -> np.ndarray:
        """Each posting's frequency (int64)."""
        if self._freqs is None:
            raw = self._raw_freqs
            self._freqs = np.ones(len(self.docs), dtype=np.int64) if raw is None else raw.astype(np.int64)
        return self._freqs

    def __len__(self) -> int:
        return len(self.docs)

    def positions(self) -> tuple[np.ndarray, np.ndarray]:
        """(every posting's positions, posting after posting; where each posting's start)."""
        if self._positions is None:
            self._positions = summed_gaps(self._gaps().astype(np.int64), self.freqs)
        return self._positions, self._gap_starts()

    def positions_at(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(how many positions each posting at ``index`` has, their positions, posting after
        posting): only these postings' gaps decoded, or the whole list's positions taken
        where :meth:`positions` decoded them already."""
        counts = self.freqs[index]
        if self._positions is not None:
            return counts, gather(self._positions, self._starts[index], counts)
        gaps = gather(self._gaps(), self._gap_starts()[index], counts).astype(np.int64)
        return counts, summed_gaps(gaps, counts)

    def _gaps(self) -> np.ndarray:
        """Every posting's position gaps as stored, posting after posting."""
        return np.frombuffer(self._record, self._gap_width, int(self.freqs.sum()), self._gaps_at)

    def _gap_starts(self) -> np.ndarray:
        """Where each posting's gaps start among :meth:`_gaps`."""
        if self._starts is None:
            self._starts = np.add.accumulate(self.freqs) - self.freqs
        return self._starts

    def positions_of(self, index: int) -> list[int]:
        """The positions of posting ``index``."""
        found, starts = self.positions()
        return found[starts[index]:starts[index] + self.freqs[index]].tolist()

    def gaps_of(self, index: int) -> list[int]:
        """The position gaps of posting ``index``, the first from 0."""
        return np.diff(self.positions_of(index), prepend=0).tolist()
