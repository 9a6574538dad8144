"""Incremental updates: add, replace or delete documents without a rebuild.

An update never writes into the live generation. It links the live generation's files into
a new generation (Whoosh never rewrites a file, it only adds and removes whole files, so the
two can share them), applies the change there with Whoosh's writer, and publishes the new
generation with the same atomic swap a build uses. A reader never sees a half-applied
update, and a killed update leaves the live index as it was.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import IndexWriter

from .. import config
from . import links, sidecars, store
from .build import (
    BuildError,
    Corpus,
    alias_table,
    open_writer,
    read_limits,
    scan_corpus,
    storage_errors,
    write_links,
)
from .schema import index_fields, make_schema


@dataclass
class UpdateSummary:
    """What an update changed."""

    added: int
    replaced: int
    deleted: int
    total: int
    seconds: float
    generation: Path | str  # the Whoosh generation, or the OpenSearch backend's index

    def __str__(self) -> str:
        return (f"added {self.added}, replaced {self.replaced}, deleted {self.deleted} documents; "
                f"{self.total} in the index; {self.seconds:.2f} s; live at {self.generation}")


def add_documents(paths: Sequence[Path | str], index_dir: Path | None = None,
                  procs: int = 1) -> UpdateSummary:
    """Add the documents of ``paths`` (pages and attachments parsed by ``procs`` processes, once);
    a document whose id is already indexed is replaced."""
    aliases = alias_table(config.index_dir(index_dir))
    with Corpus(list(paths), procs=procs, limits=read_limits()) as corpus:
        ids, entity_words = scan_corpus(corpus)
        with _next_generation(index_dir) as (generation, index, started):
            dictionary = sidecars.read_dictionary(generation)
            new_words = [w for w in entity_words if w not in set(dictionary)]
            with index.searcher() as searcher:
                existing = [doc_id for doc_id in ids if searcher.document_number(id=doc_id) is not None]
            if new_words:  # the schema carries the dictionary into every process that opens it
                index = _with_schema(generation, make_schema(dictionary + new_words))
            writer = open_writer(index)
            found: list[links.Reference] = []

            def change() -> None:
                for doc in corpus.documents():
                    values = index_fields(doc, aliases)
                    found.extend(links.references(doc, values))
                    writer.update_document(**values)

            _apply(writer, change)
            sidecars.write_dictionary(generation, dictionary + new_words)
            _refresh_words(generation, dictionary + new_words)
            _relink(generation, set(ids), found)
            summary = UpdateSummary(len(ids) - len(existing), len(existing), 0, 0, 0.0, generation)
    return _finished(summary, started)


def delete_documents(ids: Sequence[str], index_dir: Path | None = None) -> UpdateSummary:
    """Delete the documents with these ids; if any id is unknown, delete nothing."""
    if not ids:
        raise BuildError("no document ids given")
    with _next_generation(index_dir) as (generation, index, started):
        with index.searcher() as searcher:
            missing = [i for i in ids if searcher.document_number(id=i) is None]
        if missing:
            raise BuildError(f"no document with id {', '.join(map(repr, missing))}")
        writer = open_writer(index)
        _apply(writer, lambda: [writer.delete_by_term("id", doc_id) for doc_id in ids])
        _refresh_words(generation, sidecars.read_dictionary(generation))
        _relink(generation, set(ids), [])
        summary = UpdateSummary(0, 0, len(set(ids)), 0, 0.0, generation)
    return _finished(summary, started)


@contextmanager
def _next_generation(index_dir: Path | None) -> Iterator[tuple[Path, whoosh_index.Index, float]]:
    """Under the build lock: a copy of the live generation to change, published on success."""
    index_dir = config.index_dir(index_dir)
    started = time.perf_counter()
    with storage_errors(index_dir), store.build_lock(index_dir):
        live = store.current_generation(index_dir)
        store.open_generation(live)  # a clear error for a damaged live index
        generation = store.new_generation(index_dir)
        try:
            _link_files(live, generation)
            yield generation, whoosh_index.open_dir(str(generation)), started
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        store.publish(index_dir, generation)


def _with_schema(generation: Path, schema) -> whoosh_index.Index:
    """The generation's index with ``schema`` (new dictionary words) for what is written next."""
    return whoosh_index.open_dir(str(generation), schema=schema)


def _refresh_words(generation: Path, dictionary: list[str]) -> None:
    """Rewrite the correction's word table from the changed index (a new file, not the link)."""
    with store.unmapped_reader(generation) as reader:
        sidecars.write_pinyin_words(reader, generation, dictionary)


def _relink(generation: Path, changed: set[str], found: list[links.Reference]) -> None:
    """Resolve again the references of the documents left alone and ``found`` (those of the
    documents added), dropping those of ``changed`` documents (replaced or deleted)."""
    kept = [ref for ref in links.read(generation).references if ref.source not in changed]
    write_links(generation, kept + found)


def _link_files(source: Path, target: Path) -> None:
    """Hard-link (or, across file systems, copy) every file of ``source`` into ``target``."""
    for path in source.iterdir():
        if path.is_file() and "LOCK" not in path.name.upper():
            try:
                os.link(path, target / path.name)
            except OSError:
                shutil.copy2(path, target / path.name)


def _apply(writer: IndexWriter, change) -> None:
    """Run ``change`` with ``writer`` and commit, or cancel on any error."""
    try:
        change()
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def _finished(summary: UpdateSummary, started: float) -> UpdateSummary:
    """Fill in the new document count and the time taken."""
    summary.total = store.open_generation(summary.generation).doc_count()
    summary.seconds = time.perf_counter() - started
    return summary
