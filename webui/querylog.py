"""The query log behind 热门搜索 and 相关搜索, kept with privacy in mind.

Each results page (page 1 of a non-empty query) adds one row to a SQLite file: the time,
the query, its filters, how many results it found, the correction shown (if any), whether
the searcher kept the typed query (仍然搜索) and whether the query was picked from the
autocomplete. No address, no cookie, nothing that tells searchers apart. Rows older than
``RETENTION_DAYS`` are deleted on every write.

Where: ``$EGOV_QUERY_LOG`` (``0`` turns logging off), else ``queries.sqlite3`` beside the
index folder. ``$EGOV_POPULAR=0`` hides both lists. A query is shown to others only once it
was searched ``MIN_SEARCHES`` times, found something, and holds no term of the block list
(``$EGOV_BLOCKLIST``, else ``blocklist.txt`` beside the log; one term a line, ``#`` comments).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import threading
import time
from pathlib import Path

from flask import current_app, has_app_context

LOG = logging.getLogger("egov_search")
RETENTION_DAYS = 90
POPULAR_DAYS = 30
MIN_SEARCHES = 3  # a query someone typed once or twice is never shown to others
POPULAR_SHOWN, RELATED_SHOWN = 10, 8
CACHE_SECONDS = 60.0
DAY = 86400.0
SCHEMA = """
CREATE TABLE IF NOT EXISTS searches (
    at REAL NOT NULL,          -- Unix time
    query TEXT NOT NULL,       -- as searched, trimmed
    filters TEXT NOT NULL,     -- JSON: {"kind": [...], "from": "2021-01-01", ...}, only those set
    total INTEGER NOT NULL,    -- results found
    suggestion TEXT,           -- the correction shown instead, or NULL
    kept_typed INTEGER NOT NULL DEFAULT 0,      -- 1: searched as typed (仍然搜索)
    from_autocomplete INTEGER NOT NULL DEFAULT 0 -- 1: picked from the autocomplete list
);
CREATE INDEX IF NOT EXISTS searches_at ON searches (at);
"""
WORD = re.compile(r"[\u3400-\u9fff]{2,}|[a-z0-9]{2,}")
_cache: dict[tuple, tuple[float, list]] = {}
_cache_lock = threading.Lock()
_warned: set[str] = set()
_local = threading.local()


def log_path() -> Path | None:
    """The log file, or ``None`` when logging is off."""
    configured = _setting("QUERY_LOG", "EGOV_QUERY_LOG")
    if configured in ("0", "off", "false"):
        return None
    if configured:
        return Path(configured)
    return Path(current_app.config["INDEX"]).resolve().parent / "queries.sqlite3"


def lists_enabled() -> bool:
    """Whether 热门搜索 and 相关搜索 are shown (``$EGOV_POPULAR=0`` hides them)."""
    return str(_setting("POPULAR", "EGOV_POPULAR") or "1").lower() not in ("0", "off", "false")


def _setting(key: str, env: str) -> str | None:
    if has_app_context() and current_app.config.get(key) is not None:
        return str(current_app.config[key])
    return os.environ.get(env)


def connect(path: Path) -> sqlite3.Connection:
    """This thread's connection to the log database, created on first use. It stays open:
    closing the last connection to a WAL database checkpoints it with a disk flush."""
    key = str(path)
    connections = _local.__dict__.setdefault("connections", {})
    db = connections.get(key)
    if db is not None and path.exists():
        return db
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=5)
    db.execute("PRAGMA journal_mode=WAL")  # workers write while others read the lists
    db.execute("PRAGMA synchronous=NORMAL")  # with WAL: a search never waits for a disk flush
    db.executescript(SCHEMA)
    connections[key] = db
    return db


def record(path: Path, query: str, filters: dict, total: int, suggestion: str | None = None,
           kept_typed: bool = False, from_autocomplete: bool = False, now: float | None = None) -> None:
    """Add one search and delete what is past the retention limit."""
    now = time.time() if now is None else now
    db = connect(path)
    with db:
        db.execute("INSERT INTO searches VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (now, query, json.dumps(filters, ensure_ascii=False, sort_keys=True), total,
                    suggestion, int(kept_typed), int(from_autocomplete)))
        db.execute("DELETE FROM searches WHERE at < ?", (now - RETENTION_DAYS * DAY,))


def record_search(page: dict, state: dict, took: bool = False) -> None:
    """Log a results page (page 1 of a non-empty query); a failing log never fails the page."""
    query = " ".join(page["query"].split())
    path = log_path()
    if not query or page["page"] != 1 or path is None:
        return
    filters = {name: value for name, value in state.items()
               if name not in ("q", "page", "limit", "exact") and value}
    try:
        record(path, query[:256], filters, page["total"],
               page["suggestion"] if page.get("mode") == "corrected" else None,
               kept_typed=bool(state.get("exact")), from_autocomplete=took)
    except (sqlite3.Error, OSError) as err:
        _warn(path, err)


def blocked_terms(path: Path) -> list[str]:
    """The block list beside the log (or ``$EGOV_BLOCKLIST``), lower-cased."""
    configured = _setting("BLOCKLIST", "EGOV_BLOCKLIST")
    source = Path(configured) if configured else path.parent / "blocklist.txt"
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return [line.strip().lower() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def shown_queries(path: Path, days: int = POPULAR_DAYS, now: float | None = None) -> list[tuple[str, int]]:
    """Queries others may see, most searched first: searched at least ``MIN_SEARCHES`` times
    in ``days``, last found something, and free of blocked terms."""
    now = time.time() if now is None else now
    if not path.exists():
        return []
    rows = connect(path).execute(
        "SELECT query, COUNT(*) AS n, MAX(at) FROM searches WHERE at >= ? GROUP BY query "
        "HAVING n >= ? AND (SELECT total FROM searches s WHERE s.query = searches.query "
        "ORDER BY at DESC LIMIT 1) > 0 ORDER BY n DESC, MAX(at) DESC, query",
        (now - days * DAY, MIN_SEARCHES)).fetchall()
    blocked = blocked_terms(path)
    return [(query, count) for query, count, _ in rows
            if not any(term in query.lower() for term in blocked)]


def popular() -> list[str]:
    """热门搜索 for the home page (empty when switched off or nothing qualifies)."""
    return [query for query, _ in _cached_shown()][:POPULAR_SHOWN]


def related(query: str) -> list[str]:
    """相关搜索: shown queries that share a word (two characters or more) with ``query``,
    those sharing most first."""
    words = set(WORD.findall(query.lower()))
    bigrams = {word[i:i + 2] for word in words for i in range(len(word) - 1)}
    if not bigrams:
        return []
    scored = []
    for order, (other, _) in enumerate(_cached_shown()):
        if other == query.strip():
            continue
        theirs = {w[i:i + 2] for w in WORD.findall(other.lower()) for i in range(len(w) - 1)}
        common = len(bigrams & theirs)
        if common:
            scored.append((-common, order, other))
    return [other for _, _, other in sorted(scored)][:RELATED_SHOWN]


def _cached_shown() -> list[tuple[str, int]]:
    """:func:`shown_queries`, remembered for ``CACHE_SECONDS`` (``QUERY_LOG_CACHE`` in tests)."""
    path = log_path()
    if path is None or not lists_enabled():
        return []
    ttl = float(current_app.config.get("QUERY_LOG_CACHE", CACHE_SECONDS))
    key = (str(path), _setting("BLOCKLIST", "EGOV_BLOCKLIST"))
    with _cache_lock:
        cached = _cache.get(key)
        if cached and time.monotonic() - cached[0] < ttl:
            return cached[1]
    try:
        shown = shown_queries(path)
    except (sqlite3.Error, OSError) as err:
        _warn(path, err)
        shown = []
    with _cache_lock:
        _cache[key] = (time.monotonic(), shown)
    return shown


def report(path: Path, days: int = 30, top: int = 20, now: float | None = None) -> dict[str, list]:
    """For ``egov-search report``: the most searched queries, those that found nothing,
    the corrections shown (and how often the typed query was kept), and the queries picked
    from the autocomplete."""
    now = time.time() if now is None else now
    since = now - days * DAY
    db = connect(path)

    def rows(sql: str) -> list[tuple]:
        return db.execute(sql, (since, top)).fetchall()

    return {
        "searches": db.execute("SELECT COUNT(*) FROM searches WHERE at >= ?", (since,)).fetchone()[0],
        "top": rows("SELECT query, COUNT(*) n FROM searches WHERE at >= ? GROUP BY query "
                    "ORDER BY n DESC, query LIMIT ?"),
        "nothing": rows("SELECT query, COUNT(*) n FROM searches WHERE at >= ? AND total = 0 "
                        "GROUP BY query ORDER BY n DESC, query LIMIT ?"),
        "corrections": rows("SELECT query, suggestion, COUNT(*) n, SUM(kept_typed) FROM searches "
                            "WHERE at >= ? AND (suggestion IS NOT NULL OR kept_typed = 1) "
                            "GROUP BY query, suggestion ORDER BY n DESC, query LIMIT ?"),
        "autocomplete": rows("SELECT query, COUNT(*) n FROM searches WHERE at >= ? AND "
                             "from_autocomplete = 1 GROUP BY query ORDER BY n DESC, query LIMIT ?"),
    }


def _warn(path: Path, err: Exception) -> None:
    """Say once per file that the log cannot be used."""
    if str(path) not in _warned:
        _warned.add(str(path))
        LOG.warning("query log %s unusable (searches go on unlogged): %s", path, err)
