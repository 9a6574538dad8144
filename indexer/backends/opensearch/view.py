"""One build of an OpenSearch index as a search reads it (:class:`indexer.search.backend.IndexView`):
the build's index (the one its alias pointed to when the view was made), the planner made
from the dictionary and word lists the build kept in its ``_meta`` (so that a query is
analysed as the build analysed the documents) with the editors' additions, and its word table
(:mod:`.words`). The build has no links table (:mod:`indexer.index.links`): no 解读 links,
and no validity declared by other documents."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from opensearchpy import OpenSearch, exceptions

from ...analysis.tokenizers import JiebaTokenizer, word_analyzer
from ...editors.state import NO_EDITIONS, Editions
from ...index.links import LinkTable
from ...index.schema import stored_document
from ...index.sidecars import WORD_FIELDS
from ...index.store import IndexUnavailableError
from ...search.plan import Planner
from ...search.view import Planned, Viewed
from . import words
from .connection import search_errors
from .context import SEARCH_SECONDS, ClusterContext
from .tokens import SEQUENCE, STORED

PAGE = 1000  # documents or values read in one request when all are listed
DFS = "dfs_query_then_fetch"  # term statistics of the whole index, not of each shard
SHARDS_LOST = 500  # a node left between a search's phases: its shards failed; the next try
                   # finds their copies


@dataclass(eq=False)
class ClusterGeneration(Planned):
    """One build's index, its analyzer, word lists and word table, its shards, and what is
    computed once for it (:class:`~indexer.search.view.Planned`); its links table is empty."""

    index: str
    analyzer: JiebaTokenizer
    word_lines: tuple[tuple[str, ...], tuple[str, ...]]
    words: words.PinyinWords
    shards: int
    links: LinkTable = field(default_factory=LinkTable)

    @property
    def name(self) -> str:
        """The build's index."""
        return self.index

    @classmethod
    def open(cls, client: OpenSearch, index: str) -> ClusterGeneration:
        """The build of ``index``, with the dictionary and word lists of its ``_meta``."""
        meta = client.indices.get_mapping(index=index)[index]["mappings"]["_meta"]["egov_search"]
        settings = client.indices.get_settings(index=index)[index]["settings"]["index"]
        lines = (tuple(meta["synonyms"].splitlines()), tuple(meta["abbreviations"].splitlines()))
        return cls(index, word_analyzer(meta["dictionary"]), lines, words.PinyinWords(client, index),
                   int(settings["number_of_shards"]))


@dataclass
class ClusterView(Viewed):
    """A build, the client, the planner and the editors' additions: what one search reads;
    ``budget`` is a search's wall-clock seconds, ``where`` names the cluster and the index in
    errors."""

    generation: ClusterGeneration
    client: OpenSearch
    planner: Planner
    budget: float
    where: str
    editions: Editions = NO_EDITIONS

    @property
    def index(self) -> str:
        """The build's index."""
        return self.generation.index

    @property
    def name(self) -> str:
        """The build's index: a new one with every build (not with ``add`` or ``delete``)."""
        return self.generation.index

    def context(self, limit: int, sort: str | None = None, whoosh: bool = False) -> ClusterContext:
        """A new search's context on the cluster."""
        if whoosh:
            raise ValueError("Whoosh's collectors search a Whoosh index, not an OpenSearch one")
        return ClusterContext(self, limit, sort)

    def search(self, body: dict, ranked: bool = False) -> dict:
        """The cluster's answer to search ``body`` on this build; ``ranked``: scores matter,
        so several shards score with the whole index's statistics."""
        multiple = ranked and self.generation.shards > 1
        with search_errors(self.where):
            return _once_more(lambda: self.client.search(index=self.index, body=body,
                                                         search_type=DFS if multiple else None,
                                                         request_timeout=SEARCH_SECONDS))

    def msearch(self, bodies: list[dict], ranked: bool = False) -> list[dict]:
        """The cluster's answers to several search ``bodies`` on this build, in one request."""
        header = {"search_type": DFS} if ranked and self.generation.shards > 1 else {}
        lines = [line for body in bodies for line in (header, body)]
        with search_errors(self.where):
            answers = _once_more(lambda: self.client.msearch(index=self.index, body=lines,
                                                             request_timeout=SEARCH_SECONDS))
        for answer in answers["responses"]:
            if "error" in answer:
                raise IndexUnavailableError(f"{self.where}: {answer.get('status')} {answer['error']}")
        return answers["responses"]

    def stored_documents(self, ids: list[str]) -> dict[str, dict]:
        """The stored document of each of ``ids``; one deleted since it was found is shown
        as a document with its id only."""
        found = self._stored(ids)
        return {doc_id: found.get(doc_id) or stored_document({"id": doc_id}) for doc_id in ids}

    def _stored(self, ids: list[str]) -> dict[str, dict]:
        """The stored document of each of ``ids`` the index has."""
        if not ids:
            return {}
        with search_errors(self.where):
            answer = self.client.mget(index=self.index, body={"ids": ids}, _source=[STORED],
                                      request_timeout=SEARCH_SECONDS)
        return {doc["_id"]: doc["_source"][STORED] for doc in answer["docs"] if doc.get("found")}

    def doc_count(self) -> int:
        """Documents in the index."""
        with search_errors(self.where):
            return self.client.count(index=self.index, request_timeout=SEARCH_SECONDS)["count"]

    def first_documents(self, fieldname: str, values: Iterable[str]) -> dict[str, dict]:
        """The first document (in the order they were added) with each of ``values`` in
        ``fieldname``: by id, or one search that keeps the first document of each value."""
        values = list(dict.fromkeys(values))
        if not values:
            return {}
        if fieldname == "id":
            return self._stored(values)
        body = {"query": {"terms": {fieldname: values}}, "collapse": {"field": fieldname},
                "sort": [{SEQUENCE: "asc"}], "size": len(values), "_source": [STORED]}
        hits = self.search(body)["hits"]["hits"]
        return {hit["fields"][fieldname][0]: hit["_source"][STORED] for hit in hits}

    def documents(self, fieldname: str, value: str, limit: int) -> list[dict]:
        """Up to ``limit`` documents with ``value`` in ``fieldname``, in the order they were added."""
        return self._in_order({"term": {fieldname: value}}, limit)

    def all_documents(self) -> list[dict]:
        """Every stored document, in the order they were added."""
        return self._in_order({"match_all": {}})

    def _in_order(self, query: dict, limit: int | None = None) -> list[dict]:
        """The stored documents ``query`` matches (the first ``limit``), in the order they were
        added, a page of :data:`PAGE` at a time."""
        found: list[dict] = []
        after = None
        while limit is None or len(found) < limit:
            size = PAGE if limit is None else min(PAGE, limit - len(found))
            body = {"query": query, "sort": [{SEQUENCE: "asc"}], "size": size, "_source": [STORED],
                    **({"search_after": after} if after else {})}
            hits = self.search(body)["hits"]["hits"]
            found += [hit["_source"][STORED] for hit in hits]
            if len(hits) < size:
                break
            after = hits[-1]["sort"]
        return found

    def holds(self, fieldname: str, value: str) -> bool:
        """Whether a document has ``value`` in ``fieldname``."""
        body = {"size": 0, "query": {"term": {fieldname: value}}, "terminate_after": 1}
        return self.search(body)["hits"]["total"]["value"] > 0

    def field_values(self, fieldname: str) -> list[str]:
        """Every value of ``fieldname``, from its doc values, a page of :data:`PAGE` at a time."""
        found: list[str] = []
        after = None
        while True:
            composite = {"size": PAGE, "sources": [{"value": {"terms": {"field": fieldname}}}],
                         **({"after": after} if after else {})}
            answer = self.search({"size": 0, "aggs": {"values": {"composite": composite}}})["aggregations"]
            page = answer["values"]["buckets"]
            found += [str(bucket["key"]["value"]) for bucket in page]
            if len(page) < PAGE:
                return found
            after = answer["values"]["after_key"]

    def prefixed(self, fieldname: str, prefix: str, limit: int) -> list[str]:
        """The first ``limit`` terms of ``fieldname`` that start with ``prefix``, in term order:
        a title's or body's words from the word table, an exact value from its doc values."""
        if fieldname in WORD_FIELDS:
            with search_errors(self.where):
                return words.prefixed(self.client, self.index, fieldname, prefix, limit)
        body = {"size": 0, "query": {"prefix": {fieldname: prefix}},
                "aggs": {"keys": {"terms": {"field": fieldname, "size": limit, "order": {"_key": "asc"}}}}}
        return [bucket["key"] for bucket in self.search(body)["aggregations"]["keys"]["buckets"]]

    def frequent_words(self, fieldname: str, count: int) -> list[tuple[str, float]]:
        """The ``count`` words of ``fieldname`` (``title`` or ``body``) indexed most often,
        from the word table."""
        with search_errors(self.where):
            return words.frequent(self.client, self.index, fieldname, count)

    def term_stats(self, fieldname: str, words_: Iterable[str]) -> dict[str, tuple[int, int]]:
        """(documents, occurrences) of each of ``words_`` in ``fieldname`` (``title`` or
        ``body``), from the word table."""
        if fieldname not in WORD_FIELDS:
            raise ValueError(f"the word table counts the words of {WORD_FIELDS}, not {fieldname!r}")
        with search_errors(self.where):
            return words.term_stats(self.client, self.index, fieldname, words_)


def _once_more(search: Callable[[], dict]) -> dict:
    """``search()``, tried again once if every shard failed on a node that left while it ran
    (a search's later phase goes to the copy its first phase used, not to the replica)."""
    try:
        return search()
    except exceptions.TransportError as err:
        if err.status_code != SHARDS_LOST:
            raise
    return search()
