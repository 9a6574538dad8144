"""What a request does with the query log: the app's settings, and one search, refinement or
click taken down.

A results page that logs a new search carries its id in every link that refines it (``s``):
such a page is logged as a refinement of that search, not as a new one, while the id is at
most :data:`REFINE_SECONDS` old. Its result links carry the id too, for the click.

Settings come from the app's config (``QUERY_LOG``, ``POPULAR``, …, as a test passes them),
else from the environment (``EGOV_QUERY_LOG``, ``EGOV_POPULAR``, …): see the README.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path

from flask import Flask, current_app, request

from indexer import ConfigError, config

from . import params
from .logpath import adopt_shared_log, default_log_path
from .popular import QueryLog, Settings, query_key
from .querylog import DAY, RETENTION_DAYS, Click, Refinement, Search, new_search_id, search_time
from .visitors import client_address, trusted_proxies, typed_click, typed_search

EXTENSION = "querylog"
MAX_LOGGED_CHARS = 256
NUMBERS = {"min_clients": "POPULAR_CLIENTS", "refresh_seconds": "POPULAR_REFRESH",
           "max_queries": "QUERY_LOG_QUERIES", "rate_per_minute": "QUERY_LOG_RATE"}
OFF = ("0", "off", "false")
REFINE_SECONDS = 3600  # a results page carrying an older search id is a search of its own
CLOCK_SKEW = 60  # seconds an id may seem to come from the future (the workers' clocks are one)
MAX_DOC_ID_CHARS = 1000
LOG = logging.getLogger("egov_search")


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
    if configured:
        path = Path(configured)
    else:
        path = default_log_path(app.config["INDEX"])
        try:
            adopt_shared_log(app.config["INDEX"])  # here, before the server forks its workers
        except (OSError, sqlite3.Error) as err:
            LOG.warning("query log: the shared log beside %s not taken over: %s", app.config["INDEX"], err)
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


def search_id_arg(args: Mapping[str, str]) -> int | None:
    """The search id a results page or a click carries (``s``), or a 400 when it is not one."""
    return params.value(params.SEARCH_ID, args)


def record_search(page: dict, state: dict, took: bool = False) -> int | None:
    """Take down a results page that a person asked for: page 1 of a new non-empty query as a
    search, a page carrying a recent search id as a refinement of that search. The id that
    the page's links carry (``None``: not logged, its links are plain)."""
    refined = search_id_arg(request.args)
    log = query_log()
    query = " ".join(page["query"].split())[:MAX_LOGGED_CHARS]
    if log is None or not query:
        return None
    now = time.time()
    filters = {name: value for name, value in state.items()
               if name not in ("q", "page", "limit", "exact", "s") and value}
    if refined is not None and -CLOCK_SKEW <= now - search_time(refined) <= REFINE_SECONDS:
        if typed_search(request):
            log.add(Refinement(now, refined, filters, page["page"], bool(state.get("exact"))), _client())
        return refined
    if page["page"] != 1 or not typed_search(request):
        return None
    search = Search(now, query, query_key(query), filters, page["total"],
                    page["suggestion"] if page.get("mode") == "corrected" else None,
                    kept_typed=bool(state.get("exact")), from_autocomplete=took, id=new_search_id(now))
    return search.id if log.add(search, _client()) else None


def record_click(search_id: int, position: int, doc_id: str) -> None:
    """Take down a result opened from the logged search ``search_id`` (no older than the log
    keeps searches), by a person (:func:`.visitors.typed_click`)."""
    log = query_log()
    now = time.time()
    if log is None or not typed_click(request):
        return
    if -CLOCK_SKEW <= now - search_time(search_id) <= RETENTION_DAYS * DAY:
        log.add(Click(now, search_id, position, doc_id[:MAX_DOC_ID_CHARS]), _client())


def _client() -> str:
    return client_address(request, current_app.config["TRUSTED_PROXY_NETWORKS"])


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
