"""The index handle: the live generation of an index folder, one searcher per thread, stored
documents, and what the editors set beside the index (:mod:`indexer.editors`). It follows
rebuilds and the editors' changes without a restart; searching itself is :mod:`.pipeline`."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from whoosh.index import Index

from .. import config, whoosh_ext
from ..analysis.synonyms import Synonyms
from ..editors.state import NO_EDITIONS, Editions, EditorFiles
from ..index import links, sidecars, store
from ..index.schema import stored_document
from . import pipeline, suggest
from .explain import Explanation
from .parse import parse, scrub
from .plan import Planner
from .results import Pinned, SearchResult
from .validity import merged

T = TypeVar("T")


@dataclass
class Generation:
    """One generation's index, the word lists its searches use and the links found in it."""

    path: Path
    index: Index
    word_lines: tuple[tuple[str, ...], tuple[str, ...]]  # its synonyms' and abbreviations' lines
    words: sidecars.PinyinWords
    links: links.LinkTable
    _memo: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)
    _memo_lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
    _planned: tuple[Editions, Planner] | None = field(default=None, repr=False, compare=False)

    @property
    def planner(self) -> Planner:
        """The planner of the generation's own word lists and links, without the editors'."""
        return self.planner_for(NO_EDITIONS)

    def planner_for(self, editions: Editions) -> Planner:
        """The planner of the generation's word lists with the editors' groups added, and of
        the validity declared in its documents under the editors': a new one (its concepts
        planned anew) when those change."""
        made = self._planned
        if made is not None and (made[0] is editions or made[0].planning == editions.planning):
            self._planned = (editions, made[1])
            return made[1]
        planner = self.make_planner(editions)
        self._planned = (editions, planner)
        return planner

    def make_planner(self, editions: Editions) -> Planner:
        """A new planner for ``editions`` (see :meth:`planner_for`), kept by no one."""
        synonyms, abbreviations = self.word_lines
        return Planner(self.index.schema["title"].analyzer,
                       Synonyms.parse(synonyms + editions.synonym_lines, str(self.path)),
                       Synonyms.parse(abbreviations + editions.abbreviation_lines, str(self.path),
                                      abbreviations=True),
                       overrides=merged(self.links.validity, dict(editions.validity)))

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, run once for this generation and ``key`` (other threads asking
        meanwhile wait for it); it goes with the generation when a swap replaces it."""
        with self._memo_lock:
            if key not in self._memo:
                self._memo[key] = compute()
            return self._memo[key]

    @classmethod
    def open(cls, path: Path) -> Generation:
        """Open a generation (:class:`~indexer.index.store.IndexDamagedError` if unusable)."""
        index = store.open_generation(path)
        return cls(path, index, sidecars.read_word_lines(path), sidecars.PinyinWords(path), links.read(path))


@dataclass
class View:
    """A generation, this thread's searcher on it, the planner and the editors' additions of
    now: what one search reads."""

    generation: Generation
    searcher: object
    planner: Planner
    editions: Editions = NO_EDITIONS

    def annotated(self, doc: dict) -> dict:
        """A stored document with what is known of it beside the index: its validity now (a
        repeal found since, an editor's), and its links to 解读 and to the policy they interpret."""
        validity = self.planner.overrides.of(doc["id"])
        if validity:
            doc["validity"] = validity
        table = self.generation.links
        doc["interpretations"] = [{"id": i, "title": t} for i, t in table.interpretations(doc["id"])]
        doc["interprets"] = [{"id": i, "title": t} for i, t in table.interprets(doc["id"])]
        return doc


class SearchEngine:
    """Searches the live generation of an index folder; follows rebuilds without a restart."""

    def __init__(self, index_dir: Path | str | None = None):
        whoosh_ext.install()
        self.index_dir = config.index_dir(index_dir)
        self.facet_values = config.facet_values()
        self._lock = threading.Lock()
        self._local = threading.local()
        self._generation: Generation | None = None
        self.editors = EditorFiles(self.index_dir)
        self.view()  # fail now, with a clear message, if there is no usable index

    def view(self) -> View:
        """The live generation with this thread's searcher on it, reopened after a swap; while
        the thread is pinned, the view it had when :meth:`pin` was called."""
        return getattr(self._local, "pinned", None) or self._live_view()

    def pin(self) -> None:
        """Keep this thread on the live generation of now until :meth:`unpin`, so that the
        searches of one web request read one index even if a swap comes between them."""
        if getattr(self._local, "pinned", None) is None:
            self._local.pinned = self._live_view()

    def unpin(self) -> None:
        """Follow swaps again."""
        self._local.pinned = None

    def _live_view(self) -> View:
        """The live generation with this thread's searcher on it, reopened after a swap."""
        name = store.live_name(self.index_dir)
        generation = self._generation
        if generation is None or generation.path.name != name:
            with self._lock:
                if self._generation is None or self._generation.path.name != name:
                    self._generation = Generation.open(self.index_dir / name)
                generation = self._generation
        local = self._local
        if getattr(local, "generation", None) is not generation:
            # Dropped, not closed: results a search on it still holds keep it readable, and it
            # closes its files when the last of them is gone.
            local.searcher, local.generation = None, None
            try:
                local.searcher = generation.index.searcher(weighting=pipeline.scorer())
            except Exception as err:  # a file went missing under us: OSError, EmptyIndexError, …
                raise store.unreadable(generation.path, err) from None
            local.generation = generation
        editions = self.editors.current()
        return View(generation, local.searcher, generation.planner_for(editions), editions)

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """What ``compute()`` (which reads this engine) gives on the live generation, computed
        once per generation and ``key``: for what only a rebuild changes. The thread is pinned
        while it computes, so the value is of the generation it is kept with."""
        pinned = getattr(self._local, "pinned", None) is not None
        self.pin()
        try:
            return self.view().generation.memo(key, compute)
        finally:
            if not pinned:
                self.unpin()

    def generation(self) -> str:
        """What this thread's answers are made of: the name of the generation it reads (a new
        one with every build or update) and a tag of the editors' additions (pins, validity,
        word groups), which change answers without a new generation."""
        view = self.view()
        editions = hashlib.sha256(repr(view.editions).encode()).hexdigest()[:12]
        return f"{view.generation.path.name}:{editions}"

    def searcher(self):
        """This thread's Whoosh searcher on the live index, for engine-side modules."""
        return self.view().searcher

    def doc_count(self) -> int:
        """Documents in the live index."""
        return self.searcher().doc_count()

    def document(self, doc_id: str) -> dict | None:
        """The stored document with this id, or ``None``."""
        view = self.view()
        stored = view.searcher.document(id=scrub(doc_id))
        return view.annotated(stored_document(stored)) if stored else None

    def declared_validity(self) -> dict[str, str]:
        """Each document another of the index declares repealed, expired or amended: id → validity."""
        return dict(self.view().generation.links.validity)

    def all_documents(self) -> list[dict]:
        """Every stored document (for evaluation and small tools, not for per-query work)."""
        return [stored_document(stored) for stored in self.searcher().reader().all_stored_fields()]

    def search(self, q: str, kind: str | None = None, page: int = 1, per_page: int = 10,
               filters: dict[str, list[str]] | None = None, sort: str | None = None,
               scope: str = "all", correct: bool = True, answer: bool = True) -> SearchResult:
        """Ranked results for query string ``q``: ``kind`` and ``filters`` (field → values, ORed
        within a field) restrict, ``sort`` orders by a sortable field (``-`` first: descending)
        instead of relevance, ``scope`` ``title`` searches titles only, ``page`` counts from 1;
        ``correct=False`` searches the query as typed, never its homophone correction;
        ``answer=False`` looks for no 最佳答案 (a question's answering passage)."""
        filters = {**(filters or {}), **({"kind": [kind]} if kind else {})}
        view = self.view()
        if scope == "title":
            view = View(view.generation, view.searcher, view.planner.scoped(("title",)), view.editions)
        result = pipeline.run(view, q, page, per_page, filters, sort, correct, answer=answer,
                              facet_values=self.facet_values)
        if page == 1:
            result.pinned = self._pinned(view, result.query)
        return result

    def search_as_if(self, q: str, editions: Editions, per_page: int = 10) -> SearchResult:
        """Results for ``q`` as if the editors' additions were ``editions``: a change tried
        before it is made (``egov-search synonyms check``)."""
        view = self.view()
        view = View(view.generation, view.searcher, view.generation.make_planner(editions), editions)
        return pipeline.run(view, q, 1, per_page, {}, correct=False, answer=False)

    def _pinned(self, view: View, q: str) -> list[Pinned]:
        """The editors' pinned answers for ``q`` today; a pinned document no longer in the
        index is left out."""
        shown = []
        for pin in view.editions.pinned(q):
            if pin.doc_id is None:
                shown.append(Pinned(pin.id, pin.title, pin.description or "", pin.url))
                continue
            stored = view.searcher.document(id=pin.doc_id)
            if stored:
                doc = view.annotated(stored_document(stored))
                shown.append(Pinned.of_document(pin.id, pin.description, doc))
        return shown

    def explain(self, q: str, doc_id: str, filters: dict[str, list[str]] | None = None,
                scope: str = "all") -> Explanation | None:
        """How document ``doc_id``'s score for ``q`` was made: the answering tree's nodes that
        match it, their scores and signals (``None`` if the search does not find it)."""
        view = self.view()
        if scope == "title":
            view = View(view.generation, view.searcher, view.planner.scoped(("title",)), view.editions)
        return pipeline.explain(view, q, doc_id, filters)

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Up to ``limit`` completions for what is typed so far."""
        return suggest.completions(self.view(), prefix, limit)

    def marks(self, q: str, title: str = "") -> list[str]:
        """What to mark for query ``q`` in a document titled ``title``."""
        query = parse(scrub(q)[:pipeline.MAX_QUERY_CHARS])
        return pipeline.marks(self.view().planner, query, title)


def open_index(path: Path | str | None = None) -> SearchEngine:
    """Open the index folder (default ``$EGOV_INDEX`` or ``.egov-index``) for searching."""
    return SearchEngine(path)
