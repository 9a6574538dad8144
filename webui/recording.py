"""What a request does with the query log: the app's settings, and one search taken down.

Settings come from the app's config (``QUERY_LOG``, ``POPULAR``, …, as a test passes them),
else from the environment (``EGOV_QUERY_LOG``, ``EGOV_POPULAR``, …): see the README.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from flask import Flask, current_app, request

from indexer import ConfigError, config

from .popular import QueryLog, Settings, query_key
from .querylog import Search
from .visitors import client_address, trusted_proxies, typed_search

EXTENSION = "querylog"
MAX_LOGGED_CHARS = 256
NUMBERS = {"min_clients": "POPULAR_CLIENTS", "refresh_seconds": "POPULAR_REFRESH",
           "max_queries": "QUERY_LOG_QUERIES", "rate_per_minute": "QUERY_LOG_RATE"}
OFF = ("0", "off", "false")


def init_app(app: Flask) -> None:
    """Read the settings; the log itself opens on first use, in each worker process."""
    configured = _setting(app, "QUERY_LOG")
    try:
        app.config["TRUSTED_PROXY_NETWORKS"] = trusted_proxies(_setting(app, "TRUSTED_PROXIES"))
    except ValueError as err:
        raise ConfigError(f"EGOV_TRUSTED_PROXIES: {err}") from None
    if configured is not None and configured.lower() in OFF:
        app.extensions[EXTENSION] = None
        return
    path = Path(configured) if configured else Path(app.config["INDEX"]).resolve().parent / "queries.sqlite3"
    blocklist = _setting(app, "BLOCKLIST")
    mode = (_setting(app, "POPULAR") or "1").lower()
    if mode not in (*OFF, "1", "on", "true", "approved"):
        raise ConfigError(f"EGOV_POPULAR must be 1, 0 or approved, not {mode!r}")
    environ = {f"EGOV_{name}": value for name in NUMBERS.values()
               if (value := _setting(app, name)) is not None}
    numbers = {field: config.whole_number(f"EGOV_{name}", getattr(Settings, field), environ)
               for field, name in NUMBERS.items()}
    app.extensions[EXTENSION] = QueryLog(Settings(
        path, "0" if mode in OFF else "approved" if mode == "approved" else "1",
        Path(blocklist) if blocklist else path.parent / "blocklist.txt", **numbers))


def query_log() -> QueryLog | None:
    """This app's query log, or ``None`` when logging is off."""
    return current_app.extensions.get(EXTENSION)


def record_search(page: dict, state: dict, took: bool = False) -> None:
    """Take down a results page (page 1 of a non-empty query) that a person asked for."""
    log = query_log()
    query = " ".join(page["query"].split())[:MAX_LOGGED_CHARS]
    if log is None or not query or page["page"] != 1 or not typed_search(request):
        return
    filters = {name: value for name, value in state.items()
               if name not in ("q", "page", "limit", "exact") and value}
    search = Search(time.time(), query, query_key(query), filters, page["total"],
                    page["suggestion"] if page.get("mode") == "corrected" else None,
                    kept_typed=bool(state.get("exact")), from_autocomplete=took)
    log.add(search, client_address(request, current_app.config["TRUSTED_PROXY_NETWORKS"]))


def popular() -> list[str]:
    """热门搜索 for the home page (empty when logging or the lists are off)."""
    log = query_log()
    return log.popular() if log is not None else []


def related(query: str) -> list[str]:
    """相关搜索 for a results page."""
    log = query_log()
    return log.related(query) if log is not None else []


def _setting(app: Flask, key: str) -> str | None:
    if app.config.get(key) is not None:
        return str(app.config[key])
    return os.environ.get(f"EGOV_{key}")
