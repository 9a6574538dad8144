"""Add, replace and delete documents in the live OpenSearch index, through the bulk API.

As in the Whoosh backend (:mod:`indexer.index.update`): the corpus is checked first (ids,
then the vendor names it brings, which join the index's dictionary before any document is
analysed), an added document whose id is indexed replaces it (numbered after every document
there, as Whoosh appends it), and a delete of ids some of which are unknown deletes nothing.
An add counts its words into the build's word table (:mod:`.words`); a delete leaves the
table as it is, as Whoosh's term statistics keep a deleted document's words until a merge.
The change is refreshed before the command returns, so the next search sees it; a document
is acknowledged only once its primary and every copy in sync hold it, so a node lost during
the change loses nothing acknowledged.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from opensearchpy import OpenSearch

from ... import config
from ...index.build import BuildError, Corpus, Progress, read_limits, scan_corpus
from ...index.schema import make_schema
from ...index.update import UpdateSummary
from . import aliases, words
from .build import bulk, load
from .connection import cluster_errors, connect
from .tokens import SEQUENCE

ID_BATCH = 1000  # ids looked up in one request


def add_documents(paths: Sequence[Path | str], settings: config.OpenSearchSettings | None = None,
                  progress: Progress | None = None, procs: int = 1) -> UpdateSummary:
    """Add the documents of ``paths`` (pages and attachments parsed by ``procs`` processes, once)
    to the live index; one whose id is indexed is replaced."""
    started = time.perf_counter()
    settings = settings or config.opensearch_settings()
    with Corpus(list(paths), procs=procs, limits=read_limits()) as corpus:
        return _add(corpus, settings, progress, started)


def _add(corpus: Corpus, settings: config.OpenSearchSettings, progress: Progress | None,
         started: float) -> UpdateSummary:
    """:func:`add_documents` once the corpus is open."""
    ids, entity_words = scan_corpus(corpus)
    total = len(ids)
    client = connect(settings)
    with cluster_errors(settings):
        index = aliases.live_index(client, settings.alias)
        meta = client.indices.get_mapping(index=index)[index]["mappings"]["_meta"]
        known = meta["egov_search"]["dictionary"]
        have = set(known)
        dictionary = known + [word for word in dict.fromkeys(entity_words) if word not in have]
        existing = _indexed(client, index, ids)
        _, counted = load(client, index, make_schema(dictionary), corpus.documents(), total, progress,
                          first=_next_sequence(client, index))
        added = dictionary[len(known):]
        bulk(client, ({"_index": words.words_index(index), "_id": word, "_source": doc}
                      for word, doc in words.merged(client, index, counted, dictionary, added)))
        if added:  # kept with the index, so the next update analyses as this one did
            meta["egov_search"]["dictionary"] = dictionary
            client.indices.put_mapping(index=index, body={"_meta": meta})
        client.indices.refresh(index=f"{index},{words.words_index(index)}")
        count = client.count(index=index)["count"]
    return UpdateSummary(total - len(existing), len(existing), 0, count, time.perf_counter() - started, index)


def delete_documents(ids: Sequence[str], settings: config.OpenSearchSettings | None = None) -> UpdateSummary:
    """Delete the documents with these ids from the live index; if any id is unknown, none."""
    if not ids:
        raise BuildError("no document ids given")
    started = time.perf_counter()
    settings = settings or config.opensearch_settings()
    client = connect(settings)
    with cluster_errors(settings):
        index = aliases.live_index(client, settings.alias)
        unique = list(dict.fromkeys(ids))
        found = _indexed(client, index, unique)
        missing = [doc_id for doc_id in unique if doc_id not in found]
        if missing:
            raise BuildError(f"no document with id {', '.join(map(repr, missing))}")
        actions = ({"_op_type": "delete", "_index": index, "_id": doc_id} for doc_id in unique)
        bulk(client, actions)
        client.indices.refresh(index=index)
        count = client.count(index=index)["count"]
    return UpdateSummary(0, 0, len(unique), count, time.perf_counter() - started, index)


def _next_sequence(client: OpenSearch, index: str) -> int:
    """The sequence number of a document added to ``index`` now: after every one there."""
    body = {"size": 0, "aggs": {"last": {"max": {"field": SEQUENCE}}}}
    last = client.search(index=index, body=body)["aggregations"]["last"]["value"]
    return 0 if last is None else int(last) + 1


def _indexed(client: OpenSearch, index: str, ids: list[str]) -> set[str]:
    """Which of ``ids`` are in ``index``."""
    found: set[str] = set()
    for start in range(0, len(ids), ID_BATCH):
        answer = client.mget(index=index, body={"ids": ids[start:start + ID_BATCH]}, _source=False)
        found.update(doc["_id"] for doc in answer["docs"] if doc.get("found"))
    return found
