"""The search engine of an OpenSearch alias (:class:`indexer.search.engine.Engine`): the
build the alias points to, a view of it for each search (:mod:`.view`), following rebuilds
without a restart. The alias is looked up again after :data:`ALIAS_SECONDS`, so a swap is
seen within that time; a request's searches stay on the build it started on (``pin``), and
that build is kept by the next build, so it can still be read."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from ... import config
from ...index.store import IndexMissingError
from ...search.engine import Engine
from . import aliases
from .connection import connect, search_errors
from .view import ClusterGeneration, ClusterView

ALIAS_SECONDS = 1.0


class ClusterEngine(Engine):
    """Searches the build behind the alias of ``settings`` (default: ``$EGOV_OPENSEARCH_*``),
    with the editors' files beside the index folder ``index_dir`` (default ``$EGOV_INDEX``)."""

    def __init__(self, settings: config.OpenSearchSettings | None = None,
                 index_dir: Path | str | None = None):
        super().__init__(index_dir)
        self.settings = settings or config.opensearch_settings()
        self.client = connect(self.settings)
        self.where = f"OpenSearch at {', '.join(self.settings.hosts)}, index {self.settings.alias!r}"
        self._lock = threading.Lock()
        self._generation: ClusterGeneration | None = None
        self._resolved: tuple[str, float] | None = None  # the alias's index, and when it was looked up
        self.view()  # fail now, with a clear message, if there is no live index

    def _live_index(self) -> str:
        """The index behind the alias, looked up at most every :data:`ALIAS_SECONDS`."""
        resolved = self._resolved
        if resolved is None or time.monotonic() - resolved[1] > ALIAS_SECONDS:
            with search_errors(self.where):
                found = aliases.live_indexes(self.client, self.settings.alias)
            if len(found) != 1:
                raise IndexMissingError(f"no OpenSearch index is live as {self.settings.alias!r}: run "
                                        "`egov-search build` first" if not found else
                                        f"{self.settings.alias!r} points to {len(found)} indexes")
            resolved = self._resolved = (found[0], time.monotonic())
        return resolved[0]

    def _live_view(self) -> ClusterView:
        """A view of the live build, opened anew after a swap."""
        index = self._live_index()
        generation = self._generation
        if generation is None or generation.index != index:
            with self._lock:
                if self._generation is None or self._generation.index != index:
                    with search_errors(self.where):
                        self._generation = ClusterGeneration.open(self.client, index)
                generation = self._generation
        editions = self.editors.current()
        return ClusterView(generation, self.client, generation.planner_for(editions), self.settings.budget,
                           self.where, editions)
