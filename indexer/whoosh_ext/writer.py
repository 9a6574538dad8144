"""Whoosh's segment writer with every field's postings collected as typed arrays.

Whoosh turns every (document, term) pair into a five-field tuple in its posting pool: the
tokens come as one Token object each, the pool sizes every tuple in Python, sorts them all at
commit, and the field writer takes them one Python call after another. :class:`MapSegmentWriter`
instead collects each field's postings in a :class:`.runs.FieldPostings`, for many documents
at once (:meth:`MapSegmentWriter.add_documents`; Whoosh's indexing sub-processes add a job
file's documents together): for the fields of our Chinese tokenizers (anything whose analyzer
has ``index_batch``) with Whoosh's positions format, the batch's tokens come as arrays (term
codes and positions), are grouped per term and document with one sort and their gaps
appended to the field's stream (:class:`.runs.GapStream`); for the fields without
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
import pickle
import queue
import sys
from collections.abc import Iterator

import numpy as np
import whoosh.multiproc as whoosh_multiproc
from whoosh.formats import Positions
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.util.numeric import pack_ushort
from whoosh.writing import SegmentWriter

from .codec import TERM_BATCH
from .packed import KINDS, POSITIONS, Batch, gather, position_gaps, posting_value, stable_order
from .runs import FieldPostings, GapStream, release

POSTING_BYTES = 16  # memory of one collected posting beyond its position gaps
GAP_BYTES = 4  # of one position gap
TERM_BYTES = 120  # of a new term's word and vocabulary slot
MAP_SHARE = 0.75  # of the pool's memory limit for the collected postings; the rest: merges' postings


def mapped(field) -> bool:
    """Whether ``field``'s postings can be collected in the map, the same as Whoosh would."""
    return type(field.format) is Positions and hasattr(field.analyzer, "index_batch")


def term_bytes(terms: list) -> list[bytes]:
    """Collected terms as the term table keys them: our tokenizers' words in UTF-8, a Whoosh
    field's terms as it made them (a field's terms are all one or all the other)."""
    return terms if not terms or isinstance(terms[0], bytes) else list(map(str.encode, terms))


def group_postings(terms: np.ndarray, positions: np.ndarray, docs: np.ndarray) -> tuple[
        np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The postings of tokens of term numbers ``terms`` at ``positions`` in documents ``docs``
    (document after document): each posting's term, document and count, where its position
    gaps start in the last array, and every posting's gaps, posting after posting (the first
    gap of each is its first position), as ``Positions.encode`` writes them. Postings come term
    after term, each term's in document order."""
    first_doc = int(docs[0])
    key = terms * (int(docs[-1]) - first_doc + 1) + (docs - first_doc)
    order = stable_order(key)  # a posting's positions stay in token order
    key = key[order]
    starts = np.flatnonzero(np.diff(key, prepend=-1))
    first = order[starts]
    grouped = np.asarray(positions, dtype=np.int64)[order]
    return terms[first], docs[first], np.diff(starts, append=len(key)), starts, position_gaps(grouped, starts)


class FieldTerms:
    """The terms and frequencies Whoosh's format makes of one field without positions, over a
    batch of documents: a posting each."""

    __slots__ = ("terms", "freqs", "docs")

    def __init__(self):
        self.terms: list[bytes] = []
        self.freqs: list[int] = []
        self.docs: list[int] = []


class MapSegmentWriter(SegmentWriter):
    """A segment writer that collects text-field postings per term (see the module doc)."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        if any(field.vector or field.separate_spelling() for _, field in self.schema.items()):
            raise NotImplementedError("term vectors and separate spelling fields are not written")
        self._mapped = sorted(name for name, field in self.schema.items() if field.indexed and mapped(field))
        self._kinds = {name: KINDS[type(field.format)] for name, field in self.schema.items()
                       if field.indexed and type(field.format) in KINDS
                       and (name in self._mapped or type(field.format) is not Positions)}
        self._fields = {name: FieldPostings(self._tempstorage.folder) for name in self._kinds}
        self._map_bytes = 0
        self._map_limit = int(self.pool.limit * MAP_SHARE)
        self.pool.limit -= self._map_limit  # for merged segments' postings and boosted fields
        self._gaps = {name: GapStream(self._tempstorage.folder) for name in self._mapped}

    def add_document(self, **fields) -> None:
        """Whoosh's ``add_document``: a batch of one document."""
        self.add_documents([fields])

    def add_documents(self, documents: list[dict]) -> None:
        """Whoosh's ``add_document`` of each of ``documents`` (the keyword arguments of each),
        with each mapped field's texts analysed together and each field's postings collected
        for all of them at once."""
        self._check_state()
        boosts = [self._doc_boost(fields) for fields in documents]
        texts: dict[str, tuple[list[int], list[str]]] = {}  # a mapped field's documents and texts
        for number, (fields, docboost) in enumerate(zip(documents, boosts, strict=True)):
            for fieldname in self._mapped:  # in order: a field's words, then its characters
                if fieldname in fields and self._collected(fields, fieldname, docboost):
                    docs, values = texts.setdefault(fieldname, ([], []))
                    docs.append(self.docnum + number)
                    values.append(fields[fieldname])
        tokens = {name: self.schema[name].analyzer.index_batch(values) for name, (_, values) in texts.items()}
        lengths = {name: iter((batch.counts if self.schema[name].scorable else 0 * batch.counts).tolist())
                   for name, batch in tokens.items()}
        terms: dict[str, FieldTerms] = {}
        for fields, docboost in zip(documents, boosts, strict=True):
            self._add_fields(fields, docboost, lengths, terms)
        for fieldname, batch in tokens.items():
            self._collect_tokens(fieldname, batch, np.array(texts[fieldname][0], dtype=np.int64))
        for fieldname, batch in terms.items():
            self._collect_terms(fieldname, batch)
        if self._map_bytes > self._map_limit:
            self._write_run()

    def _collected(self, fields: dict, fieldname: str, docboost: float) -> bool:
        """Whether a document's postings of ``fieldname`` are collected here, not sent to
        Whoosh's pool: the field is collected, not boosted, and for a mapped field a text."""
        value = fields[fieldname]
        if value is None or fieldname not in self._fields:
            return False
        boost = self._field_boost(fields, fieldname, docboost)
        plain = boost == 1 == self.schema[fieldname].format.field_boost
        return plain and (fieldname not in self._mapped or isinstance(value, str))

    def _add_fields(self, fields: dict, docboost: float, lengths: dict[str, Iterator[int]],
                    terms: dict[str, FieldTerms]) -> None:
        """One document: its stored fields, lengths (a mapped field's from ``lengths``) and
        columns written, its terms of other collected fields added to ``terms``, any other
        postings to Whoosh's pool."""
        perdocwriter, schema, docnum = self.perdocwriter, self.schema, self.docnum
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
                if field.indexed and not self._collected(fields, fieldname, docboost):
                    length = self._pool_postings(fieldname, field, value, docnum,
                                                 self._field_boost(fields, fieldname, docboost))
                elif field.indexed and fieldname in self._mapped:
                    length = next(lengths[fieldname])
                elif field.indexed:
                    length = self._add_terms(field, value, docnum, terms.setdefault(fieldname, FieldTerms()))
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

    def _pool_postings(self, fieldname: str, field, value, docnum: int, boost: float) -> int:
        """Whoosh's way: every posting into the pool; return the field length."""
        length = 0
        for tbytes, freq, weight, vbytes in field.index(value):
            if field.scorable:
                length += freq
            self.pool.add((fieldname, tbytes, docnum, weight * boost, vbytes))
        return length

    @staticmethod
    def _add_terms(field, value, docnum: int, batch: FieldTerms) -> int:
        """Add the terms and frequencies Whoosh's format makes of a document's ``value`` to
        ``batch``; return the field length."""
        length = 0
        for tbytes, freq, _, _ in field.index(value):
            batch.terms.append(tbytes)
            batch.freqs.append(freq)
            batch.docs.append(docnum)
            length += freq
        return length if field.scorable else 0

    def _collect_tokens(self, fieldname: str, tokens, docs: np.ndarray) -> None:
        """Collect the postings of a mapped field's tokens (an analyser's ``index_batch`` of
        the texts of documents ``docs``), their gaps in the field's stream."""
        postings = self._fields[fieldname]
        keys, index, texts = tokens.keys()
        numbers, new = postings.numbers(keys, texts)
        terms, docs, freqs, starts, gaps = group_postings(numbers[index], tokens.positions,
                                                          np.repeat(docs, tokens.counts))
        starts += self._gaps[fieldname].extend(gaps)
        postings.add(terms, docs, freqs, starts)
        self._map_bytes += POSTING_BYTES * len(terms) + GAP_BYTES * len(gaps) + TERM_BYTES * new

    def _collect_terms(self, fieldname: str, batch: FieldTerms) -> None:
        """Collect the postings of a field without positions (a document's terms are distinct)."""
        postings = self._fields[fieldname]
        numbers, new = postings.numbers(batch.terms)
        postings.add(numbers, np.array(batch.docs, dtype=np.int64), np.array(batch.freqs, dtype=np.int64),
                     np.zeros(len(numbers), dtype=np.int64))
        self._map_bytes += POSTING_BYTES * len(numbers) + TERM_BYTES * new

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
                for tbytes, begin, end in zip(term_bytes(words), bounds[:-1].tolist(), bounds[1:].tolist(),
                                              strict=True):
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
            writer.add_lists(list(map(prefix.__add__, term_bytes(words))), batch)
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

    def _process_file(self, filename: str, doc_count: int) -> None:
        """Whoosh's: the documents of a job file, added together."""
        tempstorage = self.writer.temp_storage()
        documents = []
        with tempstorage.open_file(filename).raw_file() as stream:
            for _ in range(doc_count):
                code, fields = pickle.load(stream)
                assert code == 0  # Whoosh's only command: add a document
                documents.append(fields)
        self.writer.add_documents(documents)
        tempstorage.delete_file(filename)


class MapMpWriter(MpWriter):
    """Whoosh's multiprocessing writer whose sub-processes use :class:`MapSegmentWriter`;
    a sub-process's failed write is raised by :meth:`commit`."""

    def __init__(self, *args, **kwargs):
        self.failures = multiprocessing.Queue()
        super().__init__(*args, **kwargs)

    def add_documents(self, documents: list[dict]) -> None:
        """``add_document`` of each: the sub-processes add a job file's documents together."""
        for fields in documents:
            self.add_document(**fields)

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
