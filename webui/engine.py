"""One search engine per app, opened on first use and shared by every request and thread.

The engine keeps a searcher per thread and follows ``egov-search build`` swaps by itself,
so nothing here needs closing or reopening.
"""

from __future__ import annotations

import threading

from flask import Flask, current_app

from indexer import SearchEngine, open_index

EXTENSION = "egov_search"
_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """Reserve the app's engine slot; the index is opened on the first request that needs it."""
    app.extensions[EXTENSION] = None


def get_engine() -> SearchEngine:
    """The app's engine; :class:`indexer.IndexMissingError` if there is no usable index yet."""
    extensions = current_app.extensions
    if extensions[EXTENSION] is None:
        with _lock:
            if extensions[EXTENSION] is None:
                extensions[EXTENSION] = open_index(current_app.config["INDEX"])
    return extensions[EXTENSION]
