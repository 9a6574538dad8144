"""Our codec: Whoosh's W3 term table and per-document files, with postings in our packed
format (:mod:`.packed`), written and read fast for many short Chinese terms.

- A term's postings are one packed record: in the term table when the list is short (a CJK
  n-gram field has many terms that occur in a handful of documents), else in the postings
  file. The term table entry starts with W3's statistics (``W3TermInfo``), so Whoosh's term
  reader answers frequencies and document counts from it as before.
- Whoosh's ``Searcher`` reads the index through :class:`PackedMatcher`, a ``ListMatcher``
  over the decoded arrays; the array executor reads the same records (:mod:`.arrays`).
- Field lengths are read once per field into a list. Whoosh looks a document's field length
  up in the segment file for every posting it writes and every match it scores.
- Term lookups are remembered per reader. One search asks for the same terms several times
  (frequency, term info, postings, the existence check). A lookup probes the on-disk hash
  table with one ``unpack_from`` a slot (:func:`probe`), not Whoosh's four calls a read, and
  the table hashes with CRC-32, one of Whoosh's own hash types: MD5, its default, takes ten
  times as long. A segment never changes once written.
- The term table's writer keeps each term's hash and position in typed arrays until it
  writes the table, not in a tuple a term: a few hundred MB less per writer on millions of
  terms. Posting lists are packed, their term infos made and their entries added a batch of
  terms at a time, as arrays (:func:`write_lists`, :meth:`TermTable.add_entries`), and the
  hash tables are written a bucket at a time: the same file as Whoosh's writer with CRC-32.
"""

from __future__ import annotations

import bisect
import itertools
import struct
from array import array
from hashlib import md5
from zlib import crc32

import numpy as np
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    W3Codec,
    W3FieldCursor,
    W3FieldWriter,
    W3PerDocReader,
    W3TermInfo,
    W3TermsReader,
    _lenfield,
)
from whoosh.filedb.filetables import HashWriter, OrderedHashWriter
from whoosh.matching import ListMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length, pack_ushort
from whoosh.util.numlists import GrowableArray

from .packed import (
    FREQUENCY,
    LENGTH_BYTES,
    POSITIONS,
    STATS,
    Batch,
    PostingList,
    kind_of,
    pack,
    position_gaps,
    posting_value,
    slices,
)

INLINE_LIMIT = 16  # posting lists shorter than this are stored in the term table
TERM_CACHE = 50_000  # term lookups remembered per segment reader before the memory is cleared
TERM_BATCH = 4096  # terms packed together
TERM_INFO = W3TermInfo._struct  # a term table entry's statistics, before its postings or their extent
TERM_INFO_TYPE = np.dtype([("inline", "u1"), ("weight", ">f4"), ("count", ">u4"), ("shortest", "u1"),
                           ("longest", "u1"), ("highest", ">f4"), ("first", ">u4"), ("last", ">u4")])
EXTENT_TYPE = np.dtype([("offset", ">i8"), ("length", ">i4")])  # Whoosh's pack_long, pack_int
EXTENT = struct.Struct(">qi")  # the same, one at a time
ENTRY_TYPE = np.dtype([("key", ">i4"), ("value", ">i4")])  # an entry's head: filetables' _lengths
POINTER_TYPE = np.dtype([("hash", ">u4"), ("position", ">i8")])  # a hash table slot: filetables' _pointer
NO_ID = 0xFFFFFFFF
POINTER, LENGTHS = struct.Struct(">Iq"), struct.Struct(">ii")  # filetables' _pointer and _lengths
FIELD_NUMBER = struct.Struct(">H")  # a term table key's head: its field's number (pack_ushort)
MD5, CRC32 = 0, 1  # Whoosh's hash types; our term table hashes with CRC-32, 10× faster than MD5


class PackedTermInfo(W3TermInfo):
    """W3's term info whose postings are a packed record, inline or at an extent of the
    postings file."""

    def __init__(self):
        super().__init__()
        self._record: bytes | None = None

    def is_inlined(self) -> bool:
        return self._record is not None

    def postings(self, postfile) -> PostingList:
        """The decoded postings, read from ``postfile`` unless inline."""
        record = self._record if self._record is not None else postfile.get(self._offset, self._length)
        return PostingList(record, self._df, self._minid)

    @classmethod
    def from_bytes(cls, data: bytes) -> PackedTermInfo:
        head = TERM_INFO.size
        inline, weight, df, shortest, longest, highest, first, last = TERM_INFO.unpack(data[:head])
        info = cls()
        info._weight, info._df, info._maxweight = weight, df, highest
        info._minlength, info._maxlength = byte_to_length(shortest), byte_to_length(longest)
        info._minid = None if first == NO_ID else first
        info._maxid = None if last == NO_ID else last
        if inline:
            info._record = data[head:]
        else:
            info._offset, info._length = EXTENT.unpack_from(data, head)
        return info


def write_lists(batch: Batch, postfile) -> tuple[np.ndarray, np.ndarray]:
    """Pack the lists of ``batch``; write the long ones to ``postfile``, one write; return each
    list's term table entry, one after another, and where each one starts (and the last ends)."""
    packed = pack(batch)
    count = len(packed.bounds) - 1
    inline = packed.stats["count"] < INLINE_LIMIT
    infos = np.zeros(count, dtype=TERM_INFO_TYPE)
    infos["inline"] = inline
    for name in STATS:
        infos[name] = packed.stats[name]
    lengths = np.diff(packed.bounds)
    outside = ~inline
    extents = np.zeros(int(outside.sum()), dtype=EXTENT_TYPE)
    extents["length"] = lengths[outside]
    extents["offset"] = postfile.tell() + np.cumsum(lengths[outside]) - lengths[outside]
    if len(extents):
        postfile.write(packed.data[slices(packed.bounds[:-1][outside], lengths[outside])].tobytes())
    tails = np.where(inline, lengths, EXTENT_TYPE.itemsize)  # an inline record, or its extent
    bounds = np.concatenate(([0], np.cumsum(TERM_INFO.size + tails)))
    entries = np.empty(int(bounds[-1]), dtype=np.uint8)
    starts = bounds[:-1]
    entries[slices(starts, np.full(count, TERM_INFO.size))] = infos.view(np.uint8)
    entries[slices(starts[inline] + TERM_INFO.size, lengths[inline])] = packed.data[
        slices(packed.bounds[:-1][inline], lengths[inline])]
    entries[slices(starts[outside] + TERM_INFO.size, tails[outside])] = extents.view(np.uint8)
    return entries, bounds


class PackedFieldWriter(W3FieldWriter):
    """Whoosh's field writer, its terms' postings packed a batch of terms at a time: the
    pool's fields and merges add them a posting at a time, our map writer a batch at a time
    (:meth:`add_lists`)."""

    def __init__(self, codec, storage, segment):  # W3FieldWriter's, with our term table
        self._codec, self._storage, self._segment = codec, storage, segment
        self._fieldname = self._fieldid = self._btext = self._fieldobj = self._format = None
        self._tindex = TermTable(self._create_file(W3Codec.TERMS_EXT))
        self._fieldmap = self._tindex.extras["fieldmap"] = {}
        self._postfile = self._create_file(W3Codec.POSTS_EXT)
        self._postwriter = None
        self._infield = False
        self.is_closed = False

    def start_field(self, fieldname: str, fieldobj) -> None:
        self._fieldid = self._fieldmap.setdefault(fieldname, len(self._fieldmap))
        self._fieldname, self._fieldobj, self._format = fieldname, fieldobj, fieldobj.format
        self._kind = kind_of(fieldobj.format)
        self._infield = True
        self._clear()

    def _clear(self) -> None:
        self._keys: list[bytes] = []
        self._bounds = [0]
        self._ids: list[int] = []
        self._weights: list[float] = []
        self._values: list[bytes] = []
        self._lengths: list[int] = []

    def start_term(self, btext: bytes) -> None:
        self._keys.append(pack_ushort(self._fieldid) + btext)

    def add(self, docnum: int, weight: float, vbytes: bytes, length: int | None) -> None:
        self._ids.append(docnum)
        self._weights.append(weight)
        self._values.append(vbytes)
        self._lengths.append(length or 0)

    def finish_term(self) -> None:
        self._bounds.append(len(self._ids))
        if len(self._keys) >= TERM_BATCH:
            self._flush()

    def finish_field(self) -> None:
        self._flush()
        self._infield = False

    def _flush(self) -> None:
        """Pack the terms added one posting at a time."""
        if not self._keys:
            return
        gaps, values = None, self._values
        if self._kind == POSITIONS:
            positions = list(map(self._format.decode_positions, values))
            freqs = np.fromiter(map(len, positions), dtype=np.int64, count=len(positions))
            flat = np.fromiter(itertools.chain.from_iterable(positions), dtype=np.int64,
                               count=int(freqs.sum()))
            gaps = position_gaps(flat, np.cumsum(freqs) - freqs)
        elif self._kind == FREQUENCY:
            freqs = np.array(list(map(self._format.decode_frequency, values)), dtype=np.int64)
        else:
            freqs = np.ones(len(values), dtype=np.int64)
        ids, lengths = np.array(self._ids, dtype=np.int64), np.array(self._lengths, dtype=np.int64)
        batch = Batch(self._kind, np.array(self._bounds), ids, freqs, lengths, gaps,
                      np.array(self._weights, dtype=np.float64))
        keys = self._keys
        self._clear()
        self.add_lists(keys, batch)

    def add_lists(self, keys: list[bytes], batch: Batch) -> None:
        """Write the lists of ``batch``, the terms of ``keys`` (in increasing order), to the
        current field."""
        self._tindex.add_entries(keys, *write_lists(batch, self._postfile))


class PackedMatcher(ListMatcher):
    """Whoosh's matcher over a decoded packed list: posting values are made on request."""

    def __init__(self, postings: PostingList, format_, scorer=None, term=None, terminfo=None, position=0):
        super().__init__(postings.docs.tolist(), postings.weights.tolist(), None, format_, scorer=scorer,
                         position=position, term=term, terminfo=terminfo)
        self._postings = postings

    def copy(self) -> PackedMatcher:
        return PackedMatcher(self._postings, self._format, self._scorer, self._term, self._terminfo, self._i)

    def value(self) -> bytes:
        postings, at = self._postings, self._i
        gaps = postings.gaps_of(at) if postings.kind == POSITIONS else []
        return posting_value(postings.kind, int(postings.freqs[at]), gaps)

    def value_as(self, astype: str):
        if astype == "positions" and self._postings.kind == POSITIONS:
            return self._postings.positions_of(self._i)
        if astype == "frequency":
            return int(self._postings.freqs[self._i])
        return super().value_as(astype)

    def all_items(self):
        while self.is_active():
            yield self.id(), self.value()
            self.next()


class LengthCachingReader(W3PerDocReader):
    """Per-document data with each field's length column loaded into memory on first use."""

    def __init__(self, storage, segment):
        super().__init__(storage, segment)
        self._arrays: dict[str, np.ndarray] = {}
        self._lengths: dict[str, list[int]] = {}
        self._lengths_or: dict[tuple[str, int], list[int]] = {}

    def length_array(self, fieldname: str, default: int = 0) -> np.ndarray:
        """Every document's length of ``fieldname``, ``default`` where it is 0 or missing; the
        column's bytes (one a document, Whoosh's ``length_to_byte``) are read once."""
        lengths = self._arrays.get(fieldname)
        if lengths is None:
            lengths = self._arrays[fieldname] = np.zeros(self._doccount, dtype=np.int64)
            column = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            if column is not None:
                count = min(column._count, self._doccount)
                lengths[:count] = LENGTH_BYTES[np.frombuffer(column._dbfile.get(column._basepos, count),
                                                             np.uint8)]
        return np.where(lengths == 0, default, lengths) if default else lengths

    def _field_lengths(self, fieldname: str) -> list[int]:
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            lengths = self._lengths[fieldname] = self.length_array(fieldname).tolist()
        return lengths

    def lengths_or(self, fieldname: str, default: int) -> list[int]:
        """:meth:`length_array` as a list, and ``default`` for one document past the last."""
        key = (fieldname, default)
        lengths = self._lengths_or.get(key)
        if lengths is None:
            lengths = self._lengths_or[key] = [*self.length_array(fieldname, default).tolist(), default]
        return lengths

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._field_lengths(fieldname)
        if docnum > self._doccount:
            raise IndexError(f"asked for document {docnum} of {self._doccount}")
        return (lengths[docnum] if docnum < len(lengths) else 0) or default


def probe(table, key: bytes) -> tuple[int, int] | None:
    """(position, length) of ``key``'s value in Whoosh hash file ``table``, or ``None``:
    ``table.ranges_for_key(key)``'s first answer, its probe written out over the mapped file
    (one ``unpack_from`` a slot, the key compared in place). Whoosh's own where the file is
    not mapped or hashes with neither MD5 nor CRC-32."""
    buffer = getattr(table.dbfile, "_buf", None)
    if buffer is None or table.hashtype not in (MD5, CRC32):
        return next(iter(table.ranges_for_key(key)), None)
    if table.hashtype == CRC32:
        keyhash = crc32(key)
    else:
        keyhash = int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")
    start, slots = table.tables[keyhash & 255]
    slot = (keyhash >> 8) % slots if slots else 0
    for _ in range(slots):
        found, position = POINTER.unpack_from(buffer, start + slot * POINTER.size)
        if not position:
            return None
        if found == keyhash:
            key_length, value_length = LENGTHS.unpack_from(buffer, position)
            at = position + LENGTHS.size
            if key_length == len(key) and buffer[at:at + key_length] == key:
                return at + key_length, value_length
        slot = slot + 1 if slot + 1 < slots else 0
    return None


class TermCachingReader(W3TermsReader):
    """Whoosh's term table reader that remembers where each looked-up term's entry is."""

    def __init__(self, codec, dbfile, length, postfile):
        super().__init__(codec, dbfile, length, postfile)
        self._ranges: dict[bytes, tuple[int, int] | None] = {}

    def _entry(self, key: bytes) -> tuple[int, int] | None:
        """(position, length) of the term table entry for ``key``, or ``None``."""
        try:
            return self._ranges[key]
        except KeyError:
            pass
        found = probe(self._tindex, key)
        if len(self._ranges) >= TERM_CACHE:
            self._ranges.clear()
        self._ranges[key] = found
        return found

    def __contains__(self, term) -> bool:
        return self._entry(self._keycoder(*term)) is not None

    def _range_for_key(self, fieldname: str, tbytes: bytes) -> tuple[int, int]:
        key = self._keycoder(fieldname, tbytes)
        found = self._entry(key)
        if found is None:
            raise KeyError(key)
        return found

    def term_info(self, fieldname: str, tbytes: bytes) -> PackedTermInfo:
        found = self._entry(self._keycoder(fieldname, tbytes))
        if found is None:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}")
        return PackedTermInfo.from_bytes(self._dbfile.get(*found))

    def posting_list(self, fieldname: str, tbytes: bytes) -> PostingList | None:
        """The term's decoded postings, or ``None`` if the segment lacks it (a field it has no
        terms of included): ``term_info(…).postings(…)`` with only what the postings need
        unpacked from the entry, no term info made."""
        found = probe(self._tindex, self._keycoder(fieldname, tbytes))  # read once: not remembered
        if found is None:
            return None
        entry = self._dbfile.get(*found)
        inline, _, df, _, _, _, first, _ = TERM_INFO.unpack_from(entry)
        if inline:
            return PostingList(entry[TERM_INFO.size:], df, first)
        return PostingList(self._postfile.get(*EXTENT.unpack_from(entry, TERM_INFO.size)), df, first)

    def field_entries(self, fieldname: str, start: bytes = b"") -> tuple[list[bytes], np.ndarray]:
        """The terms of ``fieldname`` from ``start`` on, in order, and their term infos as
        :data:`TERM_INFO_TYPE` records. The field's entries are found by bisecting the term
        table's key index and read in one piece, their statistics gathered as arrays: only each
        term's bytes are sliced one by one (a unique field of 100,000 documents in tens of ms,
        against 0.4 s of term infos made one by one)."""
        table, file = self._tindex, self._dbfile
        number = self._fieldmap.get(fieldname)
        if number is None:
            return [], np.zeros(0, dtype=TERM_INFO_TYPE)

        def position(entry: int) -> int:
            return table._get_pos(table.indexbase + entry * table.indexsize)

        def first_from(prefix: bytes) -> int:  # the first entry whose key is at least ``prefix``
            return bisect.bisect_left(range(table.indexlen), prefix,
                                      key=lambda entry: table.key_at(position(entry)))

        low, high = first_from(pack_ushort(number) + start), first_from(pack_ushort(number + 1))
        if low == high:
            return [], np.zeros(0, dtype=TERM_INFO_TYPE)
        index = file.get(table.indexbase + low * table.indexsize, (high - low) * table.indexsize)
        positions = np.frombuffer(index, ">" + table.extras["indextype"]).astype(np.int64)
        begin = int(positions[0])
        chunk = file.get(begin, (position(high) if high < table.indexlen else table.endofdata) - begin)
        data, at = np.frombuffer(chunk, dtype=np.uint8), positions - begin
        key_lengths = data[at[:, None] + np.arange(4)].view(">u4").ravel().astype(np.int64)
        values = at + LENGTHS.size + key_lengths
        infos = data[values[:, None] + np.arange(TERM_INFO.size)].view(TERM_INFO_TYPE).ravel()
        keys_at = (at + LENGTHS.size + FIELD_NUMBER.size).tolist()
        return [chunk[first:last] for first, last in zip(keys_at, values.tolist(), strict=True)], infos

    def items(self):
        decode = self._keydecoder
        return ((decode(key), PackedTermInfo.from_bytes(value)) for key, value in self._tindex.items())

    def items_from(self, fieldname: str, prefix: bytes):
        decode = self._keydecoder
        return ((decode(key), PackedTermInfo.from_bytes(value))
                for key, value in self._tindex.items_from(self._keycoder(fieldname, prefix)))

    def cursor(self, fieldname: str, fieldobj) -> PackedFieldCursor:
        return PackedFieldCursor(self._tindex, fieldname, self._keycoder, self._keydecoder, fieldobj)


class PackedFieldCursor(W3FieldCursor):
    """Whoosh's cursor over a field's terms, their term infos ours."""

    def term_info(self) -> PackedTermInfo | None:
        if self._pos is None:
            return None
        return PackedTermInfo.from_bytes(self._tindex.dbfile.get(self._datapos, self._datalen))


class PairArray:
    """A hash table bucket's (hash, position) pairs in two typed arrays: 12 bytes a term,
    where Whoosh's list of tuples takes about 120 until the term table is written."""

    __slots__ = ("hashes", "positions")

    def __init__(self):
        self.hashes = array("I")
        self.positions = array("q")

    def extend(self, hashes: np.ndarray, positions: np.ndarray) -> None:
        self.hashes.frombytes(hashes.astype(np.uint32).tobytes())
        self.positions.frombytes(positions.astype(np.int64).tobytes())

    def __len__(self) -> int:
        return len(self.hashes)


def crc_hashes(keys: list[bytes]) -> np.ndarray:
    """Whoosh's ``crc_hash`` of each key (hash type 1): its CRC-32."""
    return np.fromiter(map(crc32, keys), dtype=np.int64, count=len(keys))


class TermTable(OrderedHashWriter):
    """Whoosh's ordered hash file of the term table, written the same but hashed with CRC-32,
    its entries added a batch at a time and its hash tables made as arrays."""

    def __init__(self, dbfile):
        HashWriter.__init__(self, dbfile, hashtype=CRC32)  # as crc_hashes computes it
        self.index, self.lastkey = GrowableArray("H"), b""  # the rest of OrderedHashWriter's
        self.buckets = [PairArray() for _ in range(256)]

    def add_entries(self, keys: list[bytes], values: np.ndarray, bounds: np.ndarray) -> None:
        """``add(key, value)`` for each key, in increasing order, value ``t`` being
        ``values[bounds[t]:bounds[t + 1]]``, in one write: the same file, hash buckets and key
        index."""
        if not keys:
            return
        if keys[0] <= self.lastkey:
            raise ValueError(f"Keys must increase: {self.lastkey!r}..{keys[0]!r}")
        key_lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
        value_lengths = np.diff(bounds)
        heads = np.zeros(len(keys), dtype=ENTRY_TYPE)
        heads["key"], heads["value"] = key_lengths, value_lengths
        sizes = ENTRY_TYPE.itemsize + key_lengths + value_lengths
        starts = np.cumsum(sizes) - sizes
        data = np.empty(int(sizes.sum()), dtype=np.uint8)
        keys_at = starts + ENTRY_TYPE.itemsize
        data[slices(starts, np.full(len(keys), ENTRY_TYPE.itemsize))] = heads.view(np.uint8)
        data[slices(keys_at, key_lengths)] = np.frombuffer(b"".join(keys), dtype=np.uint8)
        data[slices(keys_at + key_lengths, value_lengths)] = values
        positions = self.dbfile.tell() + starts
        hashes = crc_hashes(keys)
        order = np.argsort(hashes & 255, kind="stable")  # a bucket's keys stay in order
        counts = np.bincount(hashes & 255, minlength=256)
        for bucket, end, count in zip(range(256), np.cumsum(counts).tolist(), counts.tolist(), strict=True):
            if count:
                chosen = order[end - count:end]
                self.buckets[bucket].extend(hashes[chosen], positions[chosen])
        try:  # the key index's type: the smallest that holds the last position, as Whoosh widens it
            array(self.index.typecode, [int(positions[-1])])
        except OverflowError:
            self.index._retype(int(positions[-1]))
        self.index.array.extend(positions.tolist())
        self.dbfile.write(data.tobytes())
        self.lastkey = keys[-1]

    def _write_hashes(self) -> None:
        """Whoosh's hash tables: each bucket's pairs at their slots, linear probing in the
        order they were added, a table of twice as many slots as pairs."""
        for bucket in self.buckets:
            slots = 2 * len(bucket)
            self.directory.append((self.dbfile.tell(), slots))
            table = np.zeros(slots, dtype=POINTER_TYPE)
            if slots:
                hashes = np.frombuffer(bucket.hashes, dtype=np.uint32)
                taken = bytearray(slots)
                placed = []
                for slot in ((hashes >> 8) % slots).tolist():
                    while taken[slot]:
                        slot = slot + 1 if slot + 1 < slots else 0
                    taken[slot] = 1
                    placed.append(slot)
                table["hash"][placed] = hashes
                table["position"][placed] = np.frombuffer(bucket.positions, dtype=np.int64)
            self.dbfile.write(table.tobytes())


class IndexCodec(W3Codec):
    """Whoosh's W3 codec with packed postings and cached field lengths and term lookups."""

    def postings_reader(self, dbfile, terminfo: PackedTermInfo, format_, term=None,
                        scorer=None) -> PackedMatcher:
        return PackedMatcher(terminfo.postings(dbfile), format_, scorer=scorer, term=term, terminfo=terminfo)

    def per_document_reader(self, storage, segment) -> LengthCachingReader:
        return LengthCachingReader(storage, segment)

    def postings_writer(self, dbfile, byteids: bool = False):
        raise NotImplementedError("postings are written by PackedFieldWriter; term vectors are not written")

    def field_writer(self, storage, segment) -> PackedFieldWriter:
        return PackedFieldWriter(self, storage, segment)

    def terms_reader(self, storage, segment) -> TermCachingReader:
        name = segment.make_filename(self.TERMS_EXT)
        return TermCachingReader(self, storage.open_file(name), storage.file_length(name),
                                 segment.open_file(storage, self.POSTS_EXT))


def index_codec() -> IndexCodec:
    """The codec every writer of our indexes uses."""
    return IndexCodec()


def term_count(reader) -> int:
    """Terms in an index, summed over its segments, read from the term tables' directories.

    Each segment's term table is 256 hash tables of twice as many slots as keys (Whoosh's
    ``HashWriter``), so the count costs 256 numbers per segment instead of a walk over every
    term, which on a large index maps the whole term file into memory.
    """
    return sum(sum(slots for _, slots in leaf._terms._tindex.tables) // 2
               for leaf, _ in reader.leaf_readers())
