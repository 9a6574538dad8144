"""The packed posting format reads back what it was given, at every width it chooses, and
Whoosh's matcher over it gives the values Whoosh's own formats encode; the term table is
Whoosh's file."""

from __future__ import annotations

import numpy as np
import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import HashWriter, OrderedHashReader, OrderedHashWriter
from whoosh.filedb.structfile import BufferFile
from whoosh.formats import Existence, Frequency, Positions
from whoosh.util.numeric import length_to_byte, pack_uint
from whoosh.util.numlists import GrowableArray

from indexer.whoosh_ext.codec import PackedMatcher, TermTable, probe
from indexer.whoosh_ext.packed import (
    EXISTENCE,
    FREQUENCY,
    POSITIONS,
    STATS,
    Batch,
    PostingList,
    length_bytes,
    pack,
    stable_order,
)

# Posting lists, each [(document, positions)], chosen to need 1-, 2- and 4-byte widths
LISTS = [
    [(0, [0])],
    [(5, [3, 9]), (6, [1]), (300, [2, 4, 6])],
    [(7, [70_000]), (70_007, [1, 65_600]), (70_008, [5])],
    [(doc, list(range(0, 3 * (doc % 7 + 1), 3))) for doc in range(1000, 1300)],
    [(2_000_000_000, [2 ** 31])],
    [(9, [0] + list(range(1, 300)))],
]


def _batch(kind: int, weights: np.ndarray | None = None) -> Batch:
    docs = np.array([doc for postings in LISTS for doc, _ in postings], dtype=np.int64)
    freqs = np.array([len(found) for postings in LISTS for _, found in postings], dtype=np.int64)
    gaps = np.concatenate([np.diff(found, prepend=0) for postings in LISTS for _, found in postings])
    bounds = np.cumsum([0] + [len(postings) for postings in LISTS])
    lengths = freqs * 3
    return Batch(kind, bounds, docs, freqs, lengths, gaps if kind == POSITIONS else None, weights)


def _read(packed, number: int) -> PostingList:
    return PostingList(packed.record(number), int(packed.stats["count"][number]),
                       int(packed.stats["first"][number]))


def test_positions_read_back_at_every_width():
    packed = pack(_batch(POSITIONS))
    for number, postings in enumerate(LISTS):
        found = _read(packed, number)
        assert found.docs.tolist() == [doc for doc, _ in postings]
        assert found.weights.tolist() == [float(len(p)) for _, p in postings]
        assert [found.positions_of(i) for i in range(len(postings))] == [p for _, p in postings]
    widths = {packed.record(number)[0] for number in range(len(LISTS))}
    assert len(widths) >= 4  # the lists were written at different widths


@pytest.mark.parametrize("decoded_first", [False, True])
def test_positions_of_some_postings_are_theirs_in_the_whole_list(decoded_first):
    # decoded alone (only their gaps read) or taken from the whole list's positions
    packed = pack(_batch(POSITIONS))
    rng = np.random.default_rng(3)
    for number, postings in enumerate(LISTS):
        found = _read(packed, number)
        if decoded_first:
            found.positions()
        for index in [np.arange(len(postings)), np.zeros(0, dtype=np.int64),
                      np.sort(rng.choice(len(postings), (len(postings) + 1) // 2, replace=False))]:
            counts, positions = found.positions_at(index)
            expected = [postings[i][1] for i in index.tolist()]
            assert counts.tolist() == [len(p) for p in expected]
            assert positions.tolist() == [position for p in expected for position in p]


def test_statistics_are_what_whoosh_term_info_keeps():
    packed = pack(_batch(POSITIONS))
    columns = zip(*(packed.stats[name].tolist() for name in STATS), strict=True)
    for stats, postings in zip(columns, LISTS, strict=True):
        freqs = [len(found) for _, found in postings]
        assert stats == (float(sum(freqs)), len(postings), length_to_byte(3 * min(freqs)),
                         length_to_byte(3 * max(freqs)), float(max(freqs)), postings[0][0], postings[-1][0])


def test_weights_of_their_own_are_kept_as_float32():
    count = sum(map(len, LISTS))
    weights = np.linspace(0.5, 7.25, count)
    packed = pack(_batch(FREQUENCY, weights))
    read = np.concatenate([_read(packed, number).weights for number in range(len(LISTS))])
    assert read.tolist() == weights.astype(np.float32).astype(np.float64).tolist()


@pytest.mark.parametrize("format_", [Existence(), Frequency(), Positions()])
def test_whoosh_matcher_gives_the_values_whoosh_formats_encode(format_):
    kind = {Existence: EXISTENCE, Frequency: FREQUENCY, Positions: POSITIONS}[type(format_)]
    packed = pack(_batch(kind))
    for number, postings in enumerate(LISTS):
        matcher = PackedMatcher(_read(packed, number), format_)
        for doc, found in postings:
            expected = {EXISTENCE: b"", FREQUENCY: pack_uint(len(found))}[kind] if kind != POSITIONS \
                else format_.encode(found)
            assert (matcher.id(), matcher.value()) == (doc, expected)
            matcher.next()
        assert not matcher.is_active()


def test_length_bytes_are_whoosh_length_to_byte():
    lengths = np.array([0, 1, 2, 7, 100, 1000, 50_000, 106_373, 106_374, 10 ** 7])
    assert length_bytes(lengths).tolist() == [length_to_byte(int(n)) for n in lengths]


class CrcOrderedHashWriter(OrderedHashWriter):
    """Whoosh's ordered hash writer with its hash type 1, CRC-32, which its constructor does not
    take (its base class's does)."""

    def __init__(self, dbfile):
        HashWriter.__init__(self, dbfile, hashtype=1)
        self.index, self.lastkey = GrowableArray("H"), b""


def test_term_table_writes_the_bytes_of_whoosh_ordered_hash_file(tmp_path):
    keys = sorted({f"{number * 7919 % 100_003:06d}词".encode() for number in range(3000)})
    values = [bytes(range(number % 40)) * (number % 3) for number in range(len(keys))]
    storage = FileStorage(str(tmp_path))
    theirs = CrcOrderedHashWriter(storage.create_file("theirs"))
    for key, value in zip(keys, values, strict=True):
        theirs.add(key, value)
    ours = TermTable(storage.create_file("ours"))
    for start in range(0, len(keys), 1000):  # a batch at a time
        chunk = values[start:start + 1000]
        bounds = np.cumsum([0] + [len(value) for value in chunk])
        ours.add_entries(keys[start:start + 1000], np.frombuffer(b"".join(chunk), dtype=np.uint8), bounds)
    theirs.close()
    ours.close()
    assert (tmp_path / "ours").read_bytes() == (tmp_path / "theirs").read_bytes()
    # Whoosh's reader finds every key by the hash type the file gives; our probe of the file in
    # memory (as a segment's compound file maps it) finds the same places, and nothing else
    assert_probe_is_whooshs((tmp_path / "ours").read_bytes(), keys, 1)


def test_the_probe_reads_whoosh_md5_tables_too(tmp_path):
    storage = FileStorage(str(tmp_path))
    theirs = OrderedHashWriter(storage.create_file("md5"))  # Whoosh's default: MD5
    keys = [f"{number:05d}".encode() for number in range(2000)]
    for key in keys:
        theirs.add(key, key[::-1])
    theirs.close()
    assert_probe_is_whooshs((tmp_path / "md5").read_bytes(), keys, 0)


def assert_probe_is_whooshs(data: bytes, keys: list[bytes], hashtype: int) -> None:
    table = OrderedHashReader(BufferFile(memoryview(data)), len(data))
    assert table.hashtype == hashtype
    absent = [b"999999\xe8\xaf\x8d", b"", b"zz", keys[0][:-1]]
    assert not set(absent) & set(keys)
    for key in keys + absent:
        assert probe(table, key) == next(iter(table.ranges_for_key(key)), None)
    assert all(probe(table, key) is not None for key in keys)
    assert all(probe(table, key) is None for key in absent)


@pytest.mark.parametrize("high", [5, 1 << 20, 1 << 62])  # the last: too large to make unique
def test_stable_order_is_a_stable_argsort(high):
    keys = np.random.default_rng(7).integers(0, high, 50_000)
    assert (stable_order(keys) == np.argsort(keys, kind="stable")).all()
