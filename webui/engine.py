"""One search engine per app, opened on first use and shared by every request and thread.

The engine keeps a searcher per thread and follows ``egov-search build`` swaps by itself,
so nothing here needs closing or reopening. A request is pinned to the generation that was
live when it first asked for the engine: its searches all read that one index, even if a
swap comes while it runs (a page's document, then its related documents).
"""

from __future__ import annotations

import threading

from flask import Flask, current_app

from indexer import Engine, backends

EXTENSION = "egov_search"
_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """Reserve the app's engine slot; the index is opened on the first request that needs it."""
    app.extensions[EXTENSION] = None
    app.teardown_request(_unpin)


def get_engine() -> Engine:
    """The app's engine, of the backend ``EGOV_BACKEND`` chooses; :class:`indexer.IndexMissingError`
    if there is no usable index yet, :class:`indexer.IndexUnavailableError` if it cannot be
    reached (both a 503)."""
    extensions = current_app.extensions
    if extensions[EXTENSION] is None:
        with _lock:
            if extensions[EXTENSION] is None:
                extensions[EXTENSION] = backends.open_engine(current_app.config["INDEX"])
    engine = extensions[EXTENSION]
    engine.pin()
    return engine


def _unpin(_error: BaseException | None) -> None:
    """At the end of a request, let its thread follow swaps again."""
    engine = current_app.extensions[EXTENSION]
    if engine is not None:
        engine.unpin()
