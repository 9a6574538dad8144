"""Build an index from a corpus into a new generation and swap it in atomically."""

from __future__ import annotations

import errno
import itertools
import pickle
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from .. import config
from ..analysis.segment import read_userdict
from ..analysis.synonyms import SynonymError, Synonyms
from ..readers import CorpusError, Document, Skipped, load_documents, parsed
from ..readers.skipped import describe
from ..whoosh_ext.codec import index_codec, term_count
from ..whoosh_ext.writer import index_writer
from . import links, sidecars, store
from .aliases import AliasError, Aliases
from .schema import index_fields, make_schema

ENTITY_KINDS = ("vendor",)  # titles of these kinds join the segmenter's dictionary
POOL_MB = 384  # Whoosh's posting pools, shared by the writing processes; beyond, runs spill to disk
BATCH_DOCS = 100  # documents added together, and per job file handed to an indexing sub-process
PROGRESS_EVERY = 1000

Progress = Callable[[int, int], None]  # called with (documents written, documents in total)


@dataclass
class BuildSummary:
    """What a build produced."""

    documents: dict[str, int]
    terms: int
    segments: int
    seconds: float
    size_bytes: int
    generation: Path
    skipped: dict[str, int] = field(default_factory=dict)  # files left out, by reason
    cut: dict[str, int] = field(default_factory=dict)  # files or documents kept in part, by reason

    @property
    def live(self) -> str:
        """What went live: the generation's name."""
        return self.generation.name

    def __str__(self) -> str:
        return (f"{counted(self.documents, self.skipped, self.cut)}; {self.terms} terms in "
                f"{self.segments} segment(s); "
                f"{self.seconds:.2f} s; {self.size_bytes / 1e6:.2f} MB at {self.generation}")


def counted(documents: dict[str, int], skipped: dict[str, int], cut: dict[str, int] | None = None) -> str:
    """What a build indexed, by kind, and what it left out or cut."""
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(documents.items()))
    left_out = f"; {describe(skipped, cut or {})}" if skipped or cut else ""
    return f"indexed {sum(documents.values())} documents ({kinds}){left_out}"


class BuildError(ValueError):
    """The corpus cannot be indexed as given; the live index is untouched."""


class StorageError(BuildError):
    """The index folder cannot be written (read-only, full, …): the operator's to fix, not
    the corpus's; the live index is untouched. ``full`` says whether space ran out."""

    def __init__(self, index_dir: Path, err: OSError):
        self.full = err.errno in (errno.ENOSPC, errno.EDQUOT)
        where = f" ({err.filename})" if err.filename else ""
        super().__init__(f"{index_dir}: cannot write the index: {err.strerror or err}{where}")


def read_limits() -> config.ReadLimits:
    """The limits on reading a file, from the environment; a bad setting is a :class:`BuildError`."""
    try:
        return config.ReadLimits.from_environ()
    except config.ConfigError as err:
        raise BuildError(str(err)) from None


@contextmanager
def storage_errors(index_dir: Path) -> Iterator[None]:
    """Turn a failed read or write of ``index_dir`` (``OSError``) into :class:`StorageError`."""
    try:
        yield
    except OSError as err:
        raise StorageError(index_dir, err) from None


def build_index(paths: Sequence[Path | str] = (), index_dir: Path | None = None,
                progress: Progress | None = None, procs: int = 1,
                base_url: str | None = None, reading: Progress | None = None) -> BuildSummary:
    """Index ``paths`` (default: the seed corpus) with ``procs`` processes and make it live;
    ``base_url`` is the address of a site folder, for pages that do not give their own.
    ``reading(done, total)`` follows the pages and attachments parsed, ``progress`` the
    documents indexed."""
    index_dir = config.index_dir(index_dir)
    started = time.perf_counter()
    userdict, synonyms, abbreviations = word_lists()
    aliases = alias_table(index_dir)
    with Corpus(list(paths) or [config.seed_path()], base_url, procs, read_limits(), reading) as corpus:
        ids, entity_words = scan_corpus(corpus)  # before the lock: add and delete need not wait for it
        with storage_errors(index_dir), store.build_lock(index_dir):
            generation = store.new_generation(index_dir)
            try:
                sidecars.copy_word_lists(generation, synonyms, abbreviations)
                counts = _write(generation, corpus, len(ids), read_userdict(userdict) + entity_words,
                                progress, procs, aliases)
            except BaseException:
                shutil.rmtree(generation, ignore_errors=True)
                raise
            with store.unmapped_reader(generation) as reader:
                terms, segments = term_count(reader), len(reader.leaf_readers())
            store.publish(index_dir, generation)
    return BuildSummary(dict(counts), terms, segments, time.perf_counter() - started,
                        store.folder_size(generation), generation, dict(corpus.skipped.counts()),
                        dict(corpus.skipped.cut_counts()))


def word_lists() -> tuple[Path, Path, Path]:
    """The user dictionary, the synonyms and the abbreviations a build uses, checked first: a
    missing word list or a bad synonym file stops the build before any work."""
    try:
        userdict, synonyms = config.userdict_path(), config.synonyms_path()
        abbreviations = config.abbreviations_path()
        Synonyms.load(synonyms)
        Synonyms.load(abbreviations, abbreviations=True)
    except (config.ConfigError, SynonymError) as err:
        raise BuildError(str(err)) from None
    return userdict, synonyms, abbreviations


def alias_table(index_dir: Path) -> Aliases:
    """The editors' office names for ``index_dir`` (``<index>.aliases.txt``), checked before any
    work: a bad line stops the build or update."""
    try:
        return Aliases.load(config.beside_index("aliases.txt", index_dir))
    except AliasError as err:
        raise BuildError(str(err)) from None


def write_links(generation: Path, found: list[links.Reference]) -> None:
    """Resolve the documents' references in the written ``generation`` and keep the links."""
    with store.unmapped_reader(generation) as reader:
        links.write(generation, links.resolve(Searcher(reader), found))


@dataclass
class Corpus:
    """What a build or an update reads: paths, a site's address, how pages and attachments are
    parsed (``procs`` child processes within ``limits``), and the files left out.

    The first pass parses each page and attachment once (:func:`~indexer.readers.load_documents`)
    and keeps its document in a spool file: later passes read the folders and parsed files from
    there, and JSON Lines, Markdown and the seed again from their files, which is as fast and
    keeps no copy. A context manager: the spool goes when it ends."""

    paths: list
    base_url: str | None = None
    procs: int = 1
    limits: config.ReadLimits = field(default_factory=config.ReadLimits.from_environ)
    reading: Progress | None = None
    skipped: Skipped = field(default_factory=lambda: Skipped(log=True))
    spool: object = None  # the temporary file of the parsed documents, after the first pass
    spooled: list = field(default_factory=list)  # where each parsed path's documents are: (offset, count)

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Remove the spool."""
        if self.spool is not None:
            self.spool.close()
            self.spool = None

    def documents(self, first_pass: bool = False) -> Iterator[Document]:
        """The documents; only the first pass parses pages and attachments and reports the
        files it skips."""
        if first_pass:
            self.close()
            self.spool, self.spooled = tempfile.TemporaryFile(prefix="egov-corpus-"), []
        spooled = iter(self.spooled)
        for path in self.paths:
            if not parsed(path):
                yield from load_documents([path], base_url=self.base_url, limits=self.limits,
                                          skipped=self.skipped if first_pass else lambda *_: None)
            elif first_pass:
                yield from self._spool(path)
            else:
                offset, count = next(spooled)
                self.spool.seek(offset)
                for _ in range(count):
                    yield pickle.load(self.spool)

    def _spool(self, path: Path | str) -> Iterator[Document]:
        """The documents of a folder or parsed file, each written to the spool as it goes by."""
        offset, count = self.spool.tell(), 0
        for doc in load_documents([path], base_url=self.base_url, skipped=self.skipped, limits=self.limits,
                                  procs=self.procs, progress=self.reading):
            pickle.dump(doc, self.spool, protocol=pickle.HIGHEST_PROTOCOL)
            count += 1
            yield doc
        self.spooled.append((offset, count))


def scan_corpus(corpus: Corpus) -> tuple[list[str], list[str]]:
    """First pass, before anything is written: validate ids; return the ids of the documents and
    the dictionary words the documents bring (titles of :data:`ENTITY_KINDS`).

    Knowing every word before the first document is segmented makes a build independent of
    document order and of how documents are spread over processes.
    """
    seen: dict[str, str] = {}  # id → "file:line" where it was first seen
    words: list[str] = []
    for doc in corpus.documents(first_pass=True):
        if doc.id in seen:
            raise CorpusError(*doc.origin, f"duplicate document id {doc.id!r} (first at {seen[doc.id]})")
        seen[doc.id] = "{}:{}".format(*doc.origin)
        if doc.kind in ENTITY_KINDS:
            words.append(doc.title)
    if not seen:
        raise BuildError(f"no documents in {', '.join(map(str, corpus.paths))}")
    return list(seen), words


def open_writer(index: Index, procs: int = 1, total: int = 0) -> IndexWriter:
    """A Whoosh writer; with ``procs`` > 1 sub-processes analyse and each writes a segment.

    Batches shrink for small collections so that every process gets a share of ``total``.
    """
    if procs > 1:
        batch = max(1, min(BATCH_DOCS, -(-total // procs)))
        return index_writer(index, procs=procs, batchsize=batch, multisegment=True,
                            limitmb=POOL_MB // procs, codec=index_codec())
    return index_writer(index, limitmb=POOL_MB, codec=index_codec())


def cancel_writer(writer: IndexWriter) -> None:
    """Abandon a writer, stopping its sub-processes (Whoosh's own cancel cannot reach them);
    one that failed in its commit is closed already."""
    for task in getattr(writer, "tasks", ()):
        task.terminate()
        task.join()
    if not writer.is_closed:
        writer.cancel()


def _write(generation: Path, corpus: Corpus, total: int, dictionary: list[str], progress: Progress | None,
           procs: int, aliases: Aliases) -> Counter:
    """Stream the ``total`` documents of a scanned corpus into a Whoosh index in ``generation``,
    segmented with ``dictionary``, and the links they make beside it; return counts by kind."""
    index = whoosh_index.create_in(str(generation), make_schema(dictionary))
    writer = open_writer(index, procs, total)
    counts: Counter = Counter()
    documents, done = corpus.documents(), 0
    found: list[links.Reference] = []
    if progress:
        progress(0, total)
    try:
        while batch := list(itertools.islice(documents, BATCH_DOCS)):
            values = [index_fields(doc, aliases) for doc in batch]
            found += [ref for doc, fields in zip(batch, values, strict=True)
                      for ref in links.references(doc, fields)]
            writer.add_documents(values)
            counts.update(doc.kind for doc in batch)
            done += len(batch)
            if progress and (done % PROGRESS_EVERY < len(batch) or done == total):
                progress(done, total)
        writer.commit()
    except BaseException:
        cancel_writer(writer)
        raise
    sidecars.write_dictionary(generation, dictionary)
    with store.unmapped_reader(generation) as reader:
        indexed = reader.doc_count()
        if indexed != sum(counts.values()):  # a crashed sub-process loses its documents silently
            raise BuildError(f"only {indexed} of {sum(counts.values())} documents were indexed")
        sidecars.write_pinyin_words(reader, generation, dictionary)
    write_links(generation, found)
    return counts
