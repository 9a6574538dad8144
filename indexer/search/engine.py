"""The index handle: the live generation of an index, a view of it per thread, stored
documents, and what the editors set beside the index (:mod:`indexer.editors`).
:class:`Engine` is what the app, the CLI and the tools search through, whatever the backend;
:class:`SearchEngine` is the Whoosh one, on an index folder. Both follow rebuilds and the
editors' changes without a restart; searching itself is :mod:`.pipeline`."""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

from .. import config, whoosh_ext
from ..analysis.normalize import exact_key
from ..editors.state import Editions, EditorFiles
from ..index import store
from . import pipeline, suggest
from .backend import IndexView
from .explain import Explanation
from .parse import parse, scrub
from .results import Pinned, SearchResult
from .view import Generation, View

T = TypeVar("T")
__all__ = ["Engine", "Generation", "SearchEngine", "View", "open_index"]


class Engine:
    """Searches the live generation of an index, through one view per thread
    (:class:`~.backend.IndexView`), with the editors' files beside the index folder
    ``index_dir`` (default ``$EGOV_INDEX``); a backend gives :meth:`_live_view`."""

    def __init__(self, index_dir: Path | str | None = None):
        self.index_dir = config.index_dir(index_dir)
        self.facet_values = config.facet_values()
        self._local = threading.local()
        self.editors = EditorFiles(self.index_dir)

    def _live_view(self) -> IndexView:
        """The live generation's view for this thread."""
        raise NotImplementedError

    def view(self) -> IndexView:
        """The live generation's view for this thread; while the thread is pinned, the view
        it had when :meth:`pin` was called."""
        return getattr(self._local, "pinned", None) or self._live_view()

    def pin(self) -> None:
        """Keep this thread on the live generation of now until :meth:`unpin`, so that the
        searches of one web request read one index even if a swap comes between them."""
        if getattr(self._local, "pinned", None) is None:
            self._local.pinned = self._live_view()

    def unpin(self) -> None:
        """Follow swaps again."""
        self._local.pinned = None

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """What ``compute()`` (which reads this engine) gives on the live generation, computed
        once per generation and ``key``: for what only a rebuild changes. The thread is pinned
        while it computes, so the value is of the generation it is kept with."""
        pinned = getattr(self._local, "pinned", None) is not None
        self.pin()
        try:
            return self.view().memo(key, compute)
        finally:
            if not pinned:
                self.unpin()

    def generation(self) -> str:
        """What this thread's answers are made of: the name of the generation it reads (a new
        one with every build or update) and a tag of the editors' additions (pins, validity,
        word groups), which change answers without a new generation."""
        view = self.view()
        editions = hashlib.sha256(repr(view.editions).encode()).hexdigest()[:12]
        return f"{view.name}:{editions}"

    def doc_count(self) -> int:
        """Documents in the live index."""
        return self.view().doc_count()

    def document(self, doc_id: str) -> dict | None:
        """The stored document with this id, or ``None``."""
        view = self.view()
        doc = _by_id(view, scrub(doc_id))
        return view.annotated(doc) if doc else None

    def declared_validity(self) -> dict[str, str]:
        """Each document another of the index declares repealed, expired or amended: id → validity."""
        return dict(self.view().links.validity)

    def titled(self, titles: list[str]) -> dict[str, dict]:
        """The first stored document titled as each of ``titles`` (as normalised, see
        :func:`~indexer.analysis.normalize.exact_key`); titles no document has are left out."""
        keys = {title: exact_key(title) for title in titles}
        found = self.view().first_documents("title_exact", [key for key in keys.values() if key])
        return {title: found[key] for title, key in keys.items() if key in found}

    def all_documents(self) -> list[dict]:
        """Every stored document (for evaluation and small tools, not for per-query work)."""
        return self.view().all_documents()

    def _scoped(self, scope: str) -> IndexView:
        """This thread's view, searching titles only if ``scope`` is ``title``."""
        view = self.view()
        if scope == "title":
            view = dataclasses.replace(view, planner=view.planner.scoped(("title",)))
        return view

    def search(self, q: str, kind: str | None = None, page: int = 1, per_page: int = 10,
               filters: dict[str, list[str]] | None = None, sort: str | None = None,
               scope: str = "all", correct: bool = True, answer: bool = True) -> SearchResult:
        """Ranked results for query string ``q``: ``kind`` and ``filters`` (field → values, ORed
        within a field) restrict, ``sort`` orders by a sortable field (``-`` first: descending)
        instead of relevance, ``scope`` ``title`` searches titles only, ``page`` counts from 1;
        ``correct=False`` searches the query as typed, never its homophone correction;
        ``answer=False`` looks for no 最佳答案 (a question's answering passage)."""
        filters = {**(filters or {}), **({"kind": [kind]} if kind else {})}
        view = self._scoped(scope)
        result = pipeline.run(view, q, page, per_page, filters, sort, correct, answer=answer,
                              facet_values=self.facet_values)
        if page == 1:
            result.pinned = _pinned(view, result.query)
        return result

    def search_as_if(self, q: str, editions: Editions, per_page: int = 10) -> SearchResult:
        """Results for ``q`` as if the editors' additions were ``editions``: a change tried
        before it is made (``egov-search synonyms check``)."""
        view = self.view()
        view = dataclasses.replace(view, planner=view.planner_for(editions, kept=False), editions=editions)
        return pipeline.run(view, q, 1, per_page, {}, correct=False, answer=False)

    def explain(self, q: str, doc_id: str, filters: dict[str, list[str]] | None = None,
                scope: str = "all") -> Explanation | None:
        """How document ``doc_id``'s score for ``q`` was made: the answering tree's nodes that
        match it, their scores and signals (``None`` if the search does not find it)."""
        return pipeline.explain(self._scoped(scope), q, doc_id, filters)

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Up to ``limit`` completions for what is typed so far."""
        return suggest.completions(self.view(), prefix, limit)

    def marks(self, q: str, title: str = "") -> list[str]:
        """What to mark for query ``q`` in a document titled ``title``."""
        query = parse(scrub(q)[:pipeline.MAX_QUERY_CHARS])
        return pipeline.marks(self.view().planner, query, title)


class SearchEngine(Engine):
    """Searches the live generation of a Whoosh index folder; follows rebuilds without a restart."""

    def __init__(self, index_dir: Path | str | None = None):
        super().__init__(index_dir)
        whoosh_ext.install()
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        self.view()  # fail now, with a clear message, if there is no usable index

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

    def searcher(self):
        """This thread's Whoosh searcher on the live index, for Whoosh-only tools and tests."""
        return self.view().searcher


def _by_id(view: IndexView, doc_id: str) -> dict | None:
    """The stored document of ``view`` with this id, or ``None``."""
    return view.first_documents("id", [doc_id]).get(doc_id)


def _pinned(view: IndexView, q: str) -> list[Pinned]:
    """The editors' pinned answers for ``q`` today; a pinned document no longer in the index
    is left out."""
    shown = []
    for pin in view.editions.pinned(q):
        if pin.doc_id is None:
            shown.append(Pinned(pin.id, pin.title, pin.description or "", pin.url))
            continue
        doc = _by_id(view, pin.doc_id)
        if doc:
            shown.append(Pinned.of_document(pin.id, pin.description, view.annotated(doc)))
    return shown


def open_index(path: Path | str | None = None) -> SearchEngine:
    """Open the Whoosh index folder (default ``$EGOV_INDEX`` or ``.egov-index``) for searching."""
    return SearchEngine(path)
