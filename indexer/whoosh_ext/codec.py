"""Whoosh's on-disk format, unchanged, written and read faster for many short Chinese terms.

- Short posting lists live in the term table. A CJK n-gram field has many terms that occur
  in a handful of documents; Whoosh's default writes each as its own pickled, compressed
  block, and inlining them skips that work at build time and a seek at query time. The
  format's reader already handles inlined terms, except one case, fixed here: Whoosh keeps
  only non-empty values, so an inlined list of a field without positions or values (ids,
  keywords, numbers) holds no values at all, and Whoosh's reader then answers ``""`` (text)
  for each posting's value. Merging segments copies postings with those values and fails on
  the text (``AssertionError: vbytes=''``), so the reader gives back the bytes that were
  written, ``b""``.
- Field lengths are read once per field into a list. Whoosh looks a document's field length
  up in the segment file for every posting it writes and every match it scores.
- Term lookups are remembered per reader. One search asks for the same terms several times
  (frequency, term info, postings, the existence check), and each ask hashes the key with
  MD5 and probes the on-disk hash table in Python. A segment never changes once written.
- The term table's writer keeps each term's hash and position in typed arrays until it
  writes the table, not in a tuple a term: a few hundred MB less per writer on millions of
  terms. Our posting writer hands it entries a batch at a time (:func:`add_entries`), packed
  without a term info object each (:func:`inline_term_info`).
"""

from __future__ import annotations

import functools
from array import array
from pickle import dumps

from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    W3Codec,
    W3PerDocReader,
    W3PostingsWriter,
    W3TermInfo,
    W3TermsReader,
    _lenfield,
)
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.filedb.filetables import _lengths as ENTRY_LENGTHS
from whoosh.matching import ListMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length, length_to_byte

INLINE_LIMIT = 16  # posting lists shorter than this are stored inline
TERM_CACHE = 50_000  # term lookups remembered per segment reader before the memory is cleared
TERM_INFO = W3TermInfo._struct  # a term table entry's statistics, before its postings or their extent
length_byte = functools.cache(length_to_byte)  # field lengths read back from a segment: 256 values


class InlineTermInfo(W3TermInfo):
    """Whoosh-Reloaded 2.7.5's posting writer calls ``set_inline``, a method its term info
    names ``set_inlined``; without it any inline limit above 1 fails at commit."""

    set_inline = W3TermInfo.set_inlined


class InliningPostingsWriter(W3PostingsWriter):
    """Whoosh's posting writer, given term infos that can be inlined, and able to take a
    whole posting list at once."""

    def start_postings(self, format_, terminfo) -> None:
        super().start_postings(format_, InlineTermInfo())

    def add_postings(self, ids: list[int], weights: list[float], values: list[bytes],
                     lengths: list[int]) -> None:
        """``add_posting`` for each posting of a new term, a block-sized slice at a time: the
        same blocks and statistics, without a Python call per posting."""
        limit = self._blocklimit
        for start in range(0, len(ids), limit):
            if start:
                self._write_block()
            end = start + limit
            self._fill_block(ids[start:end], weights[start:end], values[start:end], lengths[start:end])

    def _fill_block(self, ids: list[int], weights: list[float], values: list[bytes],
                    lengths: list[int]) -> None:
        """Make the buffered block these postings, with the statistics ``add_posting`` keeps."""
        self._ids = array("I", ids)
        self._weights = array("f", weights)
        self._values = [value for value in values if value]
        self._maxweight = max(0, *weights)
        known = [length for length in lengths if length]
        self._minlength = min(known) if known else None
        self._maxlength = max(known, default=0)


def inline_term_info(ids: list[int], weights: list[float], values: list[bytes], lengths: list[int]) -> bytes:
    """The term table entry of a posting list short enough to inline, as Whoosh's posting
    writer makes it from ``add_posting`` calls (``W3TermInfo.to_bytes``), without those calls
    or a term info object."""
    stored_weights = array("f", weights)
    known = [length for length in lengths if length]
    head = TERM_INFO.pack(True, sum(stored_weights), len(ids), length_byte(min(known)) if known else 0,
                          length_byte(max(known, default=0)), max(0, *weights), ids[0], ids[-1])
    return head + dumps((tuple(ids), tuple(stored_weights), tuple(value for value in values if value)), 2)


def add_entries(table: OrderedHashWriter, keys: list[bytes], values: list[bytes]) -> None:
    """``table.add(key, value)`` for each pair, keys in increasing order, in one write: the
    same file, hash buckets and key index."""
    if not keys:
        return
    if keys[0] <= table.lastkey:
        raise ValueError(f"Keys must increase: {table.lastkey!r}..{keys[0]!r}")
    dbfile, hashfn, buckets = table.dbfile, table.hashfn, table.buckets
    position = dbfile.tell()
    positions, chunks = [], []
    for key, value in zip(keys, values, strict=True):
        positions.append(position)
        hashed = hashfn(key)
        buckets[hashed & 255].append((hashed, position))
        chunks += (ENTRY_LENGTHS.pack(len(key), len(value)), key, value)
        position += ENTRY_LENGTHS.size + len(key) + len(value)
    table.index.extend(positions)
    dbfile.write(b"".join(chunks))
    table.lastkey = keys[-1]


class LengthCachingReader(W3PerDocReader):
    """Per-document data with each field's length column loaded into memory on first use."""

    def __init__(self, storage, segment):
        super().__init__(storage, segment)
        self._lengths: dict[str, list[int]] = {}
        self._lengths_or: dict[tuple[str, int], list[int]] = {}

    def _field_lengths(self, fieldname: str) -> list[int]:
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            column = self._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            lengths = [] if column is None else [
                byte_to_length(column[doc]) for doc in range(self._doccount)]
            self._lengths[fieldname] = lengths
        return lengths

    def lengths_or(self, fieldname: str, default: int) -> list[int]:
        """Every document's length of ``fieldname``, ``default`` where it is 0 or missing."""
        key = (fieldname, default)
        lengths = self._lengths_or.get(key)
        if lengths is None:
            known = self._field_lengths(fieldname)
            lengths = [length or default for length in known]
            lengths += [default] * (self._doccount + 1 - len(lengths))
            self._lengths_or[key] = lengths
        return lengths

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._field_lengths(fieldname)
        if docnum > self._doccount:
            raise IndexError(f"asked for document {docnum} of {self._doccount}")
        return (lengths[docnum] if docnum < len(lengths) else 0) or default


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
        found = next(iter(self._tindex.ranges_for_key(key)), None)
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

    def term_info(self, fieldname: str, tbytes: bytes) -> W3TermInfo:
        found = self._entry(self._keycoder(fieldname, tbytes))
        if found is None:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}")
        return W3TermInfo.from_bytes(self._dbfile.get(*found))


class PairArray:
    """A hash table bucket's (hash, position) pairs in two typed arrays: 12 bytes a term,
    where Whoosh's list of tuples takes about 120 until the term table is written."""

    __slots__ = ("hashes", "positions")

    def __init__(self):
        self.hashes = array("I")
        self.positions = array("q")

    def append(self, pair: tuple[int, int]) -> None:
        self.hashes.append(pair[0])
        self.positions.append(pair[1])

    def __len__(self) -> int:
        return len(self.hashes)

    def __iter__(self):
        return zip(self.hashes, self.positions, strict=True)


class IndexCodec(W3Codec):
    """Whoosh's current codec with inlined short posting lists and cached field lengths."""

    def __init__(self):
        super().__init__(inlinelimit=INLINE_LIMIT)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        """Whoosh's matcher for a term's postings; for an inlined list without values, one
        ``b""`` value a posting, as written, instead of none."""
        if not terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        ids, weights, values = terminfo.inlined_postings()
        return ListMatcher(ids, weights, values or (b"",) * len(ids), format_, scorer=scorer,
                           term=term, terminfo=terminfo)

    def per_document_reader(self, storage, segment) -> LengthCachingReader:
        return LengthCachingReader(storage, segment)

    def postings_writer(self, dbfile, byteids: bool = False) -> InliningPostingsWriter:
        return InliningPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                      compression=self._compression, inlinelimit=self._inlinelimit)

    def field_writer(self, storage, segment):
        writer = super().field_writer(storage, segment)
        writer._tindex.buckets = [PairArray() for _ in range(256)]
        return writer

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
