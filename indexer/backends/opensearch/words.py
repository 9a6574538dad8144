"""The word table of an OpenSearch build: every word of the titles and bodies with how many
documents have it and how many times it occurs, and the homophone correction's candidates
with their pinyin. It is what Whoosh reads from its term table and ``pinyin-words.tsv``
(:mod:`indexer.index.sidecars`), and what OpenSearch cannot list for a text field (no
lexicon API, and no doc values for text): suggest's words, the correction's candidates and
the statistics of related documents' key terms.

It is counted while the build analyses the documents (:func:`batch_counts`, in the
analysing processes), kept in a small index beside the build's, ``<index>-words``, one
document a word (its id), which goes and comes with the build's index, and brought up to
date by ``add``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping

import numpy as np
from opensearchpy import OpenSearch

from ...analysis.batches import TokenBatch
from ...analysis.normalize import exact_key
from ...index.sidecars import WORD_FIELDS, is_candidate, pinyin_entries

SUFFIX = "-words"
PACK = 1 << 40  # a word's count in one int: documents × PACK + occurrences (fewer than 2**40)
MAX_ID_BYTES = 512  # OpenSearch's longest id: a longer "word" (a run of Latin letters) is left out
CANDIDATES = 1000  # of one pinyin, the most frequent candidates the correction looks at
LOOKUPS = 10_000  # pinyin lookups a generation remembers before it forgets them all
Counts = dict[str, int]  # word → documents × PACK + occurrences

MAPPING = {"dynamic": "strict", "properties": {
    "word": {"type": "keyword"},
    **{f"{field}_{what}": {"type": "long"} for field in WORD_FIELDS for what in ("docs", "total")},
    "pinyin": {"type": "keyword", "doc_values": False}, "fuzzy": {"type": "keyword", "doc_values": False},
    "count": {"type": "long"},
}}


def words_index(index: str) -> str:
    """The word table of build index ``index``."""
    return f"{index}{SUFFIX}"


def index_body() -> dict:
    """The body that creates a word table: one shard (it is small), loaded as a build's index is."""
    return {"settings": {"index": {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "-1"}},
            "mappings": MAPPING}


def batch_counts(batch: TokenBatch) -> Counts:
    """Each word of a batch of texts' tokens, with the texts that have it and its occurrences.

    >>> from indexer.analysis.batches import ngram_tokens
    >>> counts = batch_counts(ngram_tokens(["城市城", "市"]))
    >>> {word: divmod(value, PACK) for word, value in counts.items()}
    {'城': (1, 2), '城市': (1, 1), '市': (2, 2), '市城': (1, 1)}
    """
    _, index, texts = batch.keys()
    if not texts:
        return {}
    words, number = np.unique(np.array(texts, dtype=object), return_inverse=True)
    ids = number[index]  # each token's word (a long word's repeats are one word)
    texts_of = np.repeat(np.arange(len(batch.counts)), batch.counts)
    totals = np.bincount(ids, minlength=len(words))
    docs = np.bincount(np.unique(texts_of * len(words) + ids) % len(words), minlength=len(words))
    return {word: int(d) * PACK + int(t) for word, d, t in zip(words.tolist(), docs, totals, strict=True)}


def add_counts(into: dict[str, Counts], counts: Mapping[str, Counts]) -> None:
    """Add each field's ``counts`` to those of ``into``."""
    for field, found in counts.items():
        mine = into.setdefault(field, {})
        for word, value in found.items():
            mine[word] = mine.get(word, 0) + value


def documents(counts: Mapping[str, Counts], dictionary: Iterable[str]) -> Iterator[tuple[str, dict]]:
    """(word, its document of the word table) for every counted word and the correction's
    candidates (:func:`~indexer.index.sidecars.pinyin_entries`, with the ``dictionary``)."""
    weights = {field: {word: value % PACK for word, value in counts.get(field, {}).items()
                       if is_candidate(word)} for field in WORD_FIELDS}
    spelled = {word: (key, fuzzy, count) for key, fuzzy, word, count in pinyin_entries(weights, dictionary)}
    for word in dict.fromkeys([*counts.get("title", {}), *counts.get("body", {}), *spelled]):
        if len(word.encode("utf-8")) > MAX_ID_BYTES:
            continue
        doc = {"word": word}
        for field in WORD_FIELDS:
            doc[f"{field}_docs"], doc[f"{field}_total"] = divmod(counts.get(field, {}).get(word, 0), PACK)
        if word in spelled:
            doc["pinyin"], doc["fuzzy"], doc["count"] = spelled[word]
        yield word, doc


def merged(client: OpenSearch, index: str, counts: Mapping[str, Counts], dictionary: list[str],
           added: Iterable[str]) -> Iterator[tuple[str, dict]]:
    """The word table's documents of the words of ``counts`` (an update's documents) and of
    the dictionary words ``added`` with them, their counts added to the table's of ``index``;
    ``dictionary`` is the whole dictionary, ``added`` included."""
    touched = set().union(*(found.keys() for found in counts.values()), map(exact_key, added))
    total: dict[str, Counts] = {field: {} for field in WORD_FIELDS}
    for word, source in _sources(client, index, touched).items():
        for field in WORD_FIELDS:
            total[field][word] = source.get(f"{field}_docs", 0) * PACK + source.get(f"{field}_total", 0)
    add_counts(total, counts)
    yield from documents(total, [word for word in dictionary if exact_key(word) in touched])


def _sources(client: OpenSearch, index: str, words: Iterable[str]) -> dict[str, dict]:
    """The word table's document of each of ``words`` it has."""
    ids = [word for word in words if len(word.encode("utf-8")) <= MAX_ID_BYTES]
    found: dict[str, dict] = {}
    for start in range(0, len(ids), 1000):
        answer = client.mget(index=words_index(index), body={"ids": ids[start:start + 1000]})
        found.update((doc["_id"], doc["_source"]) for doc in answer["docs"] if doc.get("found"))
    return found


def prefixed(client: OpenSearch, index: str, field: str, prefix: str, limit: int) -> list[str]:
    """The first ``limit`` words of ``field`` that start with ``prefix``, in term order."""
    body = {"query": {"bool": {"filter": [{"prefix": {"word": prefix}},
                                          {"range": {f"{field}_docs": {"gte": 1}}}]}},
            "sort": [{"word": "asc"}], "size": limit, "_source": False}
    return [hit["_id"] for hit in client.search(index=words_index(index), body=body)["hits"]["hits"]]


def frequent(client: OpenSearch, index: str, field: str, count: int) -> list[tuple[str, int]]:
    """The ``count`` words of ``field`` that occur most often there, with their occurrences,
    most first, then the last in word order (as Whoosh's ``most_frequent_terms``)."""
    body = {"query": {"range": {f"{field}_total": {"gte": 1}}}, "size": count, "_source": [f"{field}_total"],
            "sort": [{f"{field}_total": "desc"}, {"word": "desc"}]}
    hits = client.search(index=words_index(index), body=body)["hits"]["hits"]
    return [(hit["_id"], hit["_source"][f"{field}_total"]) for hit in hits]


def term_stats(client: OpenSearch, index: str, field: str,
               words: Iterable[str]) -> dict[str, tuple[int, int]]:
    """(documents, occurrences) in ``field`` of each of ``words`` that some document has there."""
    found = _sources(client, index, words)
    return {word: (source[f"{field}_docs"], source[f"{field}_total"])
            for word, source in found.items() if source.get(f"{field}_docs")}


class Candidates(Mapping):
    """The correction's candidates of one pinyin (:attr:`field` ``pinyin`` or ``fuzzy``),
    looked up in the word table when first asked for: pinyin → [(word, count)], most frequent
    first, then in word order (as ``pinyin-words.tsv`` sorts them)."""

    def __init__(self, client: OpenSearch, index: str, field: str):
        self.client, self.index, self.field = client, index, field
        self._found: dict[str, list[tuple[str, int]]] = {}
        self._lock = threading.Lock()

    def __getitem__(self, key: str) -> list[tuple[str, int]]:
        found = self._found.get(key)
        if found is None:
            body = {"query": {"term": {self.field: key}}, "sort": [{"count": "desc"}, {"word": "asc"}],
                    "size": CANDIDATES, "_source": ["word", "count"]}
            hits = self.client.search(index=words_index(self.index), body=body)["hits"]["hits"]
            found = [(hit["_source"]["word"], hit["_source"]["count"]) for hit in hits]
            with self._lock:
                if len(self._found) >= LOOKUPS:
                    self._found.clear()
                self._found[key] = found
        if not found:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        raise TypeError("the candidates are looked up by pinyin, not listed")

    def __len__(self) -> int:
        raise TypeError("the candidates are looked up by pinyin, not counted")


class PinyinWords:
    """The homophone correction's candidates of build index ``index`` (see
    :class:`indexer.index.sidecars.PinyinWords`), looked up by (fuzzy) pinyin."""

    def __init__(self, client: OpenSearch, index: str):
        self.exact = Candidates(client, index, "pinyin")
        self.fuzzy = Candidates(client, index, "fuzzy")
