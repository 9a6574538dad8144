"""Whoosh's segment writer with every field's postings collected as typed arrays.

Whoosh turns every (document, term) pair into a five-field tuple in its posting pool: the
tokens come as one Token object each, the pool sizes every tuple in Python, sorts them all at
commit, and the field writer takes them one Python call after another. :class:`MapSegmentWriter`
instead collects each field's postings in a :class:`.runs.FieldPostings`: for the fields of
our Chinese tokenizers (anything whose analyzer has ``index_tokens``) with Whoosh's positions
format, a document's tokens come as two lists, the positions are grouped per term and their
gaps appended to the field's stream (:class:`.runs.GapStream`); for the fields without
positions (ids, keywords, pinyin, numbers), the terms and frequencies Whoosh's format makes.
Documents arrive in order, so a term's postings are already sorted: the commit takes the
terms of each field in order and packs their lists a batch of terms at a time
(:meth:`.codec.PackedFieldWriter.add_lists`).

The segment written is the same as Whoosh's writer writes with our codec: the same records,
statistics, field lengths (read back from the segment, as Whoosh does) and term order. Memory
stays bounded: past the pool's limit the collected postings are written to disk as sorted
runs (:mod:`.runs`) and merged back term by term at commit. Only a merge of older segments,
or a boosted field, sends postings through Whoosh's own pool: a field with postings there is
written the ordinary way.
"""

from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.queues
import operator
import queue
import sys

import numpy as np
import whoosh.multiproc as whoosh_multiproc
from whoosh.formats import Positions
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.util.numeric import pack_ushort
from whoosh.writing import SegmentWriter

from .codec import TERM_BATCH
from .packed import KINDS, POSITIONS, Batch, gather, position_gaps, posting_value
from .runs import FieldPostings, GapStream, release

POSTING_BYTES = 16  # memory of one collected posting beyond its position gaps
GAP_BYTES = 4  # of one position gap
TERM_BYTES = 120  # of a new term's word and vocabulary slot
MAP_SHARE = 0.75  # of the pool's memory limit for the collected postings; the rest: merges' postings


def mapped(field) -> bool:
    """Whether ``field``'s postings can be collected in the map, the same as Whoosh would."""
    return type(field.format) is Positions and hasattr(field.analyzer, "index_tokens")


def term_bytes(term: str | bytes) -> bytes:
    """A collected term as the term table keys it: a word of our tokenizers in UTF-8, a
    Whoosh field's term as it made it."""
    return term if isinstance(term, bytes) else term.encode("utf-8")


def group_positions(words: list[str], positions: list[int]) -> tuple[list[str], np.ndarray, np.ndarray,
                                                                    np.ndarray]:
    """Each distinct word of ``words`` (in order of first appearance), its count, and where its
    positions start in the last array: every word's position gaps, word after word (the first
    gap of each is its first position), as ``Positions.encode`` writes them."""
    distinct = list(dict.fromkeys(words))
    number = dict(zip(distinct, range(len(distinct)), strict=True))
    ids = np.fromiter(map(number.__getitem__, words), dtype=np.intp, count=len(words))
    counts = np.bincount(ids, minlength=len(distinct))
    grouped = np.asarray(positions, dtype=np.int64)[np.argsort(ids, kind="stable")]
    starts = np.cumsum(counts) - counts
    return distinct, counts, starts, position_gaps(grouped, starts)


class MapSegmentWriter(SegmentWriter):
    """A segment writer that collects text-field postings per term (see the module doc)."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        if any(field.vector or field.separate_spelling() for _, field in self.schema.items()):
            raise NotImplementedError("term vectors and separate spelling fields are not written")
        self._mapped = {name for name, field in self.schema.items() if field.indexed and mapped(field)}
        self._kinds = {name: KINDS[type(field.format)] for name, field in self.schema.items()
                       if field.indexed and type(field.format) in KINDS
                       and (name in self._mapped or type(field.format) is not Positions)}
        self._fields = {name: FieldPostings(self._tempstorage.folder) for name in self._kinds}
        self._map_bytes = 0
        self._map_limit = int(self.pool.limit * MAP_SHARE)
        self.pool.limit -= self._map_limit  # for merged segments' postings and boosted fields
        self._gaps = {name: GapStream(self._tempstorage.folder) for name in self._mapped}

    def add_document(self, **fields) -> None:
        """Whoosh's ``add_document``, with mapped fields collected by :meth:`_collect`."""
        self._check_state()
        perdocwriter, schema, docnum = self.perdocwriter, self.schema, self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    boost = self._field_boost(fields, fieldname, docboost)
                    plain = boost == 1 == field.format.field_boost and fieldname in self._fields
                    if plain and fieldname in self._mapped and isinstance(value, str):
                        length = self._collect(fieldname, field, value, docnum)
                    elif plain and fieldname not in self._mapped:
                        length = self._collect_terms(fieldname, field, value, docnum)
                    else:
                        length = self._pool_postings(fieldname, field, value, docnum, boost)
                stored = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, stored if field.stored else None, length)
                if field.column_type and stored is not None:
                    perdocwriter.add_column_value(fieldname, field.column_type, field.to_column_value(stored))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1
        if self._map_bytes > self._map_limit:
            self._write_run()

    def _pool_postings(self, fieldname: str, field, value, docnum: int, boost: float) -> int:
        """Whoosh's way: every posting into the pool; return the field length."""
        length = 0
        for tbytes, freq, weight, vbytes in field.index(value):
            if field.scorable:
                length += freq
            self.pool.add((fieldname, tbytes, docnum, weight * boost, vbytes))
        return length

    def _collect(self, fieldname: str, field, value: str, docnum: int) -> int:
        """Collect this document's postings of ``fieldname``, their gaps in the field's stream;
        return the field length (the token count, as the positions format reports it)."""
        words, positions = field.analyzer.index_tokens(value)
        if not words:
            return 0
        distinct, counts, starts, gaps = group_positions(words, positions)
        base = self._gaps[fieldname].extend(gaps)
        new = self._fields[fieldname].add(distinct, docnum, counts, starts + base)
        self._map_bytes += POSTING_BYTES * len(distinct) + GAP_BYTES * len(gaps) + TERM_BYTES * new
        return len(words) if field.scorable else 0

    def _collect_terms(self, fieldname: str, field, value, docnum: int) -> int:
        """Collect this document's postings of a field without positions (ids, keywords,
        numbers) as Whoosh's format makes them; return the field length."""
        terms, freqs, length = [], [], 0
        for tbytes, freq, _, _ in field.index(value):
            terms.append(tbytes)
            freqs.append(freq)
            length += freq
        if terms:
            new = self._fields[fieldname].add(terms, docnum, np.array(freqs), np.zeros(len(terms), np.int64))
            self._map_bytes += POSTING_BYTES * len(terms) + TERM_BYTES * new
        return length if field.scorable else 0

    def _write_run(self) -> None:
        """Move the collected postings and their gaps to disk, memory starting over."""
        for postings in self._fields.values():
            postings.write_run()
        for stream in self._gaps.values():
            stream.flush()
        self._map_bytes = 0

    def _spill(self, fieldnames: list[str]) -> None:
        """Move the collected postings of ``fieldnames`` into Whoosh's pool."""
        add = self.pool.add
        for fieldname in fieldnames:
            kind = self._kinds[fieldname]
            stream = self._gaps[fieldname].array() if kind == POSITIONS else None
            for words, bounds, columns in self._fields[fieldname].batches(TERM_BATCH):
                docs, freqs, starts = (columns[name].tolist() for name in ("docs", "freqs", "starts"))
                for word, begin, end in zip(words, bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
                    tbytes = term_bytes(word)
                    for at in range(begin, end):
                        gaps = stream[starts[at]:starts[at] + freqs[at]].tolist() if kind == POSITIONS else []
                        value = posting_value(kind, freqs[at], gaps)
                        add((fieldname, tbytes, docs[at], float(freqs[at]), value))
            self._fields[fieldname].close()
        self._map_bytes = 0

    def add_reader(self, reader) -> None:
        """Merge a segment: its postings go through the pool, so ours of the same fields must too."""
        self._spill(list(self._fields))
        super().add_reader(reader)

    def add_postings_to_pool(self, reader, startdoc: int, docmap) -> None:
        """Whoosh's, except that a merged posting without a value (an ``ID`` field's) enters the
        pool as ``b""``: Whoosh's reader gives it back as ``""``, which its own pool rejects, so
        stock Whoosh fails on the first merge of such segments."""
        add = self.pool.add
        for fieldname, tbytes, docnum, weight, value in self._process_posts(reader.iter_postings(),
                                                                             startdoc, docmap):
            add((fieldname, tbytes, docnum, weight, value or b""))

    def _flush_segment(self) -> None:
        """Write the pool's fields and the collected ones in field order, as Whoosh would."""
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        self._spill([name for name in self._fields if name in self.pool.fieldnames])
        collected = sorted(name for name, postings in self._fields.items() if postings)
        for fieldname, group in itertools.groupby(self.pool.iter_postings(), key=operator.itemgetter(0)):
            while collected and collected[0] < fieldname:
                self._write_collected(collected.pop(0), lengths)
            self.fieldwriter.add_postings(self.schema, lengths, group)
        for fieldname in collected:
            self._write_collected(fieldname, lengths)
        self._close_temporary()
        self.fieldwriter.close()
        if lengths:
            lengths.close()

    def _write_collected(self, fieldname: str, lengths) -> None:
        """One collected field: terms in order, packed a batch of terms at a time."""
        writer = self.fieldwriter
        writer.start_field(fieldname, self.schema[fieldname])
        field_lengths = lengths.length_array(fieldname) if lengths else np.zeros(self.docnum, np.int64)
        kind = self._kinds[fieldname]
        stream = self._gaps[fieldname].array() if kind == POSITIONS else None
        prefix = pack_ushort(writer._fieldid)
        for words, bounds, columns in self._fields[fieldname].batches(TERM_BATCH):
            docs, freqs = columns["docs"], columns["freqs"]
            gaps = gather(stream, columns["starts"], freqs) if kind == POSITIONS else None
            batch = Batch(kind, bounds, docs, freqs, field_lengths[docs], gaps)
            writer.add_lists([prefix + term_bytes(word) for word in words], batch)
            release(stream)  # a field's gaps are read all over: the pages go back after each batch
        writer.finish_field()

    def cancel(self) -> None:
        """Whoosh's cancel, and the runs and gaps removed."""
        self._close_temporary()
        super().cancel()

    def _close_temporary(self) -> None:
        """Remove the runs' and gap streams' temporary files."""
        for postings in self._fields.values():
            postings.close()
        for stream in self._gaps.values():
            stream.close()


class MapSubWriterTask(SubWriterTask):
    """Whoosh's indexing sub-process, writing its segment with :class:`MapSegmentWriter`.

    A write that fails (a full disk, a read-only folder) ends the process quietly with exit
    code 1 and the ``OSError`` on ``failures``, for the parent to raise as its own."""

    def __init__(self, *args, failures: multiprocessing.queues.Queue):
        super().__init__(*args)
        self.failures = failures

    def run(self) -> None:
        whoosh_multiproc.SegmentWriter = MapSegmentWriter  # in this sub-process only
        try:
            super().run()
        except OSError as err:
            self.failures.put(err)
            sys.exit(1)


class MapMpWriter(MpWriter):
    """Whoosh's multiprocessing writer whose sub-processes use :class:`MapSegmentWriter`;
    a sub-process's failed write is raised by :meth:`commit`."""

    def __init__(self, *args, **kwargs):
        self.failures = multiprocessing.Queue()
        super().__init__(*args, **kwargs)

    def _new_task(self) -> SubWriterTask:
        task = MapSubWriterTask(self.storage, self.indexname, self.jobqueue, self.resultqueue,
                                self.subargs, self.multisegment, failures=self.failures)
        self.tasks.append(task)
        task.start()
        return task

    def _commit(self, mergetype, optimize, merge) -> None:
        super()._commit(mergetype, optimize, merge)
        if any(task.exitcode == 1 for task in self.tasks):
            self.jobqueue.cancel_join_thread()  # jobs nobody will take must not hold up our exit
            try:
                failure = self.failures.get(timeout=5)
            except queue.Empty:
                return  # it died otherwise: the build's count of documents reports it
            raise failure


def index_writer(index, procs: int = 1, **kwargs) -> SegmentWriter:
    """``index.writer(procs=…, …)`` with the map writer in every writing process."""
    if procs > 1:
        return MapMpWriter(index, procs=procs, **kwargs)
    return MapSegmentWriter(index, **kwargs)
