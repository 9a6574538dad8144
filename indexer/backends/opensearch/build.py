"""Build an OpenSearch index from a corpus and make it live behind the alias in one step.

The build is the Whoosh build's (:mod:`indexer.index.build`) up to the index: the same word
lists checked first, the same two passes over the corpus (ids and dictionary words, then the
documents), the same fields and the same analysis. The documents then go to a new index
through the bulk API, analysed ``procs`` processes at a time, and the alias moves to it
(:mod:`.aliases`) only when every document is in and searchable. Anything that fails before
that deletes the new index and leaves the alias where it was.
"""

from __future__ import annotations

import functools
import itertools
import json
import multiprocessing
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from opensearchpy import OpenSearch, TransportError
from opensearchpy.helpers import BulkIndexError, streaming_bulk

from ... import config
from ...analysis.segment import read_userdict
from ...index.build import (
    BATCH_DOCS,
    PROGRESS_EVERY,
    BuildError,
    Corpus,
    Progress,
    counted,
    read_limits,
    scan_corpus,
    word_lists,
)
from ...index.schema import index_fields, make_schema
from . import aliases, words
from .connection import cluster_errors, connect
from .mapping import index_body, serving_settings
from .tokens import sources

BULK_DOCS = 500  # documents a bulk request carries at most
BULK_BYTES = 16 * 1024 * 1024  # and bytes


@dataclass
class ClusterBuildSummary:
    """What a build put in the cluster."""

    documents: dict[str, int]
    seconds: float
    size_bytes: int  # of the primary shards: one copy of the data
    index: str
    alias: str
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def live(self) -> str:
        """What went live: the index's name."""
        return self.index

    def __str__(self) -> str:
        return (f"{counted(self.documents, self.skipped)}; {self.seconds:.2f} s; "
                f"{self.size_bytes / 1e6:.2f} MB in OpenSearch index {self.index}, live as {self.alias}")


def build_index(paths: Sequence[Path | str] = (), settings: config.OpenSearchSettings | None = None,
                progress: Progress | None = None, procs: int = 1,
                base_url: str | None = None, reading: Progress | None = None) -> ClusterBuildSummary:
    """Index ``paths`` (default: the seed corpus) into a new index of the cluster of
    ``settings`` (default: ``$EGOV_OPENSEARCH_*``) and make it live behind the alias;
    ``reading`` and ``progress`` follow the files parsed and the documents indexed."""
    started = time.perf_counter()
    settings = settings or config.opensearch_settings()
    userdict, synonyms, abbreviations = word_lists()
    client = connect(settings)
    with cluster_errors(settings):  # a cluster that does not answer is told before the corpus is read
        client.info()
    with Corpus(list(paths) or [config.seed_path()], base_url, procs, read_limits(), reading) as corpus:
        return _build(client, settings, corpus, userdict, synonyms, abbreviations, progress, procs, started)


def _build(client: OpenSearch, settings: config.OpenSearchSettings, corpus: Corpus, userdict: Path,
           synonyms: Path, abbreviations: Path, progress: Progress | None, procs: int,
           started: float) -> ClusterBuildSummary:
    """:func:`build_index` once the cluster answers and the corpus is open."""
    ids, entity_words = scan_corpus(corpus)
    total = len(ids)
    dictionary = read_userdict(userdict) + entity_words
    schema = make_schema(dictionary)
    meta = {"egov_search": {"dictionary": dictionary, "synonyms": synonyms.read_text(encoding="utf-8"),
                            "abbreviations": abbreviations.read_text(encoding="utf-8")}}
    with cluster_errors(settings):
        index = aliases.new_index_name(settings.alias)
        made = [index, words.words_index(index)]
        client.indices.create(index=index, body=index_body(schema, meta, settings.shards))
        try:
            client.indices.create(index=made[1], body=words.index_body())
            counts, counted = load(client, index, schema, corpus.documents(), total, progress, procs)
            bulk(client, ({"_index": made[1], "_id": word, "_source": doc}
                          for word, doc in words.documents(counted, dictionary)))
            for name in made:
                client.indices.refresh(index=name)
                client.indices.flush(index=name)  # a commit: replicas copy its files, not replay the load
                client.indices.put_settings(index=name, body=serving_settings(settings.replicas))
                aliases.wait_ready(client, name, settings.replicas)
            indexed = client.count(index=index)["count"]
            if indexed != total:
                raise BuildError(f"only {indexed} of {total} documents were indexed")
            previous = aliases.swap(client, settings.alias, index)
        except BaseException:
            with suppress(TransportError):  # a cluster that is gone keeps it: the next build drops it
                client.indices.delete(index=",".join(made), ignore_unavailable=True)
            raise
        aliases.drop_old(client, settings.alias, keep={index, *previous})
        size = aliases.primary_bytes(client, index)
    return ClusterBuildSummary(dict(counts), time.perf_counter() - started, size, index, settings.alias,
                               dict(corpus.skipped.counts()))


def load(client: OpenSearch, index: str, schema, documents, total: int, progress: Progress | None = None,
         procs: int = 1, first: int = 0) -> tuple[Counter, dict[str, words.Counts]]:
    """Send ``documents`` to ``index`` with the bulk API (a document with an id already there
    is replaced), numbered from ``first`` on; return their counts by kind and their words'
    counts (:mod:`.words`). Any document the cluster refuses stops it."""
    counts: Counter = Counter()
    counted: dict[str, words.Counts] = {}
    done = 0
    if progress:
        progress(0, total)  # the rate's clock starts with the load, not with its first batch

    def actions() -> Iterator[dict]:
        nonlocal done
        for batch, made, found in analysed(schema, documents, procs, first):
            counts.update(doc.kind for doc in batch)
            words.add_counts(counted, found)
            for doc, source in zip(batch, made, strict=True):
                yield {"_index": index, "_id": doc.id, "_source": source}
            done += len(batch)
            if progress and (done % PROGRESS_EVERY < len(batch) or done == total):
                progress(done, total)

    bulk(client, actions())
    return counts, counted


def bulk(client: OpenSearch, actions: Iterator[dict]) -> None:
    """Send ``actions`` through the bulk API, a request of :data:`BULK_DOCS` at a time; one
    the cluster refuses stops it with an error naming the document."""
    try:
        for _ in streaming_bulk(client, actions, chunk_size=BULK_DOCS, max_chunk_bytes=BULK_BYTES,
                                max_retries=3, yield_ok=False):
            pass
    except BulkIndexError as err:
        item = next(iter(err.errors[0].values()))
        reason = item.get("error") or {"type": item.get("result"), "reason": f"status {item.get('status')}"}
        raise BuildError(f"the cluster refused {len(err.errors)} document(s), the first {item.get('_id')!r}: "
                         f"{reason.get('type')}: {reason.get('reason')}") from None


def analysed(schema, documents, procs: int, first: int = 0) -> Iterator[tuple[list, list[str], dict]]:
    """Batches of :data:`BATCH_DOCS` documents, each with the JSON of what OpenSearch indexes
    of them (numbered from ``first`` on) and their words' counts, analysed in ``procs``
    processes (in order)."""
    batches = iter(lambda: list(itertools.islice(documents, BATCH_DOCS)), [])
    numbered = zip(itertools.count(first, BATCH_DOCS), batches)
    analyse = functools.partial(_analyse, schema)
    if procs == 1:
        yield from map(analyse, numbered)
        return
    with multiprocessing.Pool(procs) as pool:
        yield from pool.imap(analyse, numbered)


def _analyse(schema, job: tuple[int, list]) -> tuple[list, list[str], dict]:
    """One batch (its first sequence number, its documents), analysed (in a pool process,
    the JSON made there too)."""
    start, batch = job
    counts: dict[str, words.Counts] = {}
    made = sources(schema, [index_fields(doc) for doc in batch], start, counts)
    return batch, [json.dumps(source, ensure_ascii=False, separators=(",", ":")) for source in made], counts
