"""The query log file: what one SQLite file keeps for 热门搜索, 相关搜索 and ``egov-search report``.

Four tables. ``searches`` is the raw log for the report (the time, the query, its filters,
the results found, the correction shown, 仍然搜索, the autocomplete); ``queries`` holds one
row per normalised query, ``query_days`` its searches and distinct clients per day, and
``visitors`` the clients already counted today, as keyed hashes of address and query that
mean nothing without the key (:mod:`.visitors`), deleted once their day is over.
``decisions`` holds what an editor decided (approved, hidden, pinned). No address, no
cookie. Every statement here is indexed; the file is only ever used by one background thread
per process (:mod:`.popular`) and by the CLI, never in a request.

The schema is versioned with ``PRAGMA user_version``: :data:`MIGRATIONS` brings a file of any
earlier version up to date in place, so a later change (clicks, per-index logs) adds one step.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

LOG = logging.getLogger("egov_search")
DAY = 86400.0
RETENTION_DAYS = 90  # raw searches older than this are deleted
MAX_ROWS = 1_000_000  # raw searches kept at most, the oldest deleted first
MIGRATIONS = (
    # 1: the log before version 2 (a file from then has user_version 0 and this table).
    """CREATE TABLE IF NOT EXISTS searches (
        at REAL NOT NULL, query TEXT NOT NULL, filters TEXT NOT NULL, total INTEGER NOT NULL,
        suggestion TEXT, kept_typed INTEGER NOT NULL DEFAULT 0,
        from_autocomplete INTEGER NOT NULL DEFAULT 0);""",
    # 2: an id per search (for clicks to refer to), the aggregates and the editor's decisions.
    """CREATE TABLE searches_2 (
        id INTEGER PRIMARY KEY,
        at REAL NOT NULL,             -- Unix time
        query TEXT NOT NULL,          -- as searched, trimmed
        filters TEXT NOT NULL,        -- JSON: {"kind": [...], "from": "2021-01-01", ...}, only those set
        total INTEGER NOT NULL,       -- results found
        suggestion TEXT,              -- the correction shown instead, or NULL
        kept_typed INTEGER NOT NULL DEFAULT 0,        -- 1: searched as typed (仍然搜索)
        from_autocomplete INTEGER NOT NULL DEFAULT 0  -- 1: picked from the autocomplete list
    );
    INSERT INTO searches_2 (at, query, filters, total, suggestion, kept_typed, from_autocomplete)
        SELECT at, query, filters, total, suggestion, kept_typed, from_autocomplete FROM searches;
    DROP TABLE searches;
    ALTER TABLE searches_2 RENAME TO searches;
    CREATE INDEX searches_at ON searches (at);
    CREATE TABLE queries (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,     -- normalised as search normalises (what is shown)
        searches INTEGER NOT NULL,    -- since it was first kept
        last_at REAL NOT NULL,
        last_total INTEGER NOT NULL   -- results its last search found
    );
    CREATE INDEX queries_weight ON queries (searches, last_at);
    CREATE TABLE query_days (
        query_id INTEGER NOT NULL, day INTEGER NOT NULL,  -- days since 1970 (UTC)
        searches INTEGER NOT NULL, clients INTEGER NOT NULL,
        PRIMARY KEY (query_id, day)) WITHOUT ROWID;
    CREATE INDEX query_days_day ON query_days (day);
    CREATE TABLE visitors (
        day INTEGER NOT NULL, query_id INTEGER NOT NULL,
        client BLOB NOT NULL,         -- keyed hash of address and query, the key kept in memory only
        PRIMARY KEY (day, query_id, client)) WITHOUT ROWID;
    CREATE TABLE decisions (
        key TEXT PRIMARY KEY,         -- a query as normalised
        state TEXT NOT NULL CHECK (state IN ('approved', 'hidden', 'pinned')),
        at REAL NOT NULL);""",
)
STATES = ("approved", "hidden", "pinned")


@dataclass(frozen=True)
class Search:
    """One logged search, as the request saw it; ``visitor`` is the keyed hash of the client
    and the query (``None``: not counted among the distinct clients)."""

    at: float
    query: str
    key: str
    filters: dict
    total: int
    suggestion: str | None = None
    kept_typed: bool = False
    from_autocomplete: bool = False
    visitor: bytes | None = None


@dataclass(frozen=True)
class Candidate:
    """A query that may be shown: its distinct clients and searches in the window."""

    key: str
    clients: int
    searches: int
    found: bool


class LogFile:
    """One connection to the log file, opened on first use, reopened (with a log line) when the
    file was deleted or replaced; not thread-safe: one thread or a lock uses it."""

    def __init__(self, path: Path):
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None

    def db(self) -> sqlite3.Connection:
        """The connection, after checking that the file at ``path`` is still the one it has open."""
        if self._db is not None and self._identity != _identity(self.path):
            LOG.warning("query log %s was deleted or replaced: reopened", self.path)
            self.close()
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            try:
                # A rollback journal, not WAL: closing a connection to a replaced file then deletes
                # nothing by name that a new file's connections use. Writes come in batches, once a
                # second per process, so its disk flushes cost little.
                with contextlib.suppress(sqlite3.OperationalError):  # a connection of an older server
                    db.execute("PRAGMA journal_mode=DELETE")
                db.execute("PRAGMA synchronous=NORMAL")
                migrate(db)
            except BaseException:
                db.close()
                raise
            self._db, self._identity = db, _identity(self.path)
        return self._db

    def close(self) -> None:
        """Close the connection (the next use opens the file again)."""
        if self._db is not None:
            self._db.close()
        self._db, self._identity = None, None

    def write(self, batch: list[Search]) -> None:
        """Add ``batch`` in one transaction."""
        db = self.db()
        with transaction(db):
            for search in batch:
                _write(db, search)

    def candidates(self, since_day: int, min_clients: int, limit: int) -> list[Candidate]:
        """Queries searched by at least ``min_clients`` distinct clients (a client counted once a
        day) since ``since_day``, most clients first, at most ``limit``."""
        rows = self.db().execute(
            "SELECT q.key, SUM(d.clients) AS c, SUM(d.searches) AS n, q.last_total > 0 FROM query_days d "
            "JOIN queries q ON q.id = d.query_id WHERE d.day >= ? GROUP BY d.query_id HAVING c >= ? "
            "ORDER BY c DESC, n DESC, q.last_at DESC LIMIT ?", (since_day, min_clients, limit)).fetchall()
        return [Candidate(key, clients, searches, bool(found)) for key, clients, searches, found in rows]

    def decisions(self) -> dict[str, str]:
        """The editor's decisions, query → state, oldest first."""
        return dict(self.db().execute("SELECT key, state FROM decisions ORDER BY at, key"))

    def decide(self, key: str, state: str | None, now: float) -> None:
        """Record an editor's decision on ``key`` (``None``: forget it)."""
        db = self.db()
        with transaction(db):
            if state is None:
                db.execute("DELETE FROM decisions WHERE key = ?", (key,))
            else:
                db.execute("INSERT INTO decisions VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE "
                           "SET state = excluded.state, at = excluded.at", (key, state, now))

    def counts(self, keys: list[str], since_day: int) -> dict[str, tuple[int, int]]:
        """Distinct clients and searches since ``since_day`` of each of ``keys`` that has any."""
        db, found = self.db(), {}
        for key in keys:
            row = db.execute("SELECT SUM(d.clients), SUM(d.searches) FROM queries q JOIN query_days d ON "
                             "d.query_id = q.id WHERE q.key = ? AND d.day >= ?", (key, since_day)).fetchone()
            if row[0] is not None:
                found[key] = (row[0], row[1])
        return found

    def maintain(self, now: float, today: int, keep_days: int, max_queries: int) -> None:
        """Delete what is past its time: raw searches past :data:`RETENTION_DAYS` (and beyond
        :data:`MAX_ROWS`), days past ``keep_days``, visitors of earlier days; then the least
        searched queries beyond ``max_queries``. Each step is an indexed range."""
        db = self.db()
        with transaction(db):
            db.execute("DELETE FROM searches WHERE at < ?", (now - RETENTION_DAYS * DAY,))
            db.execute("DELETE FROM searches WHERE id <= (SELECT MAX(id) FROM searches) - ?", (MAX_ROWS,))
            db.execute("DELETE FROM query_days WHERE day < ?", (today - keep_days,))
            db.execute("DELETE FROM visitors WHERE day < ?", (today,))
            excess = db.execute("SELECT COUNT(*) FROM queries").fetchone()[0] - max_queries
            if excess > 0:
                db.execute("CREATE TEMP TABLE IF NOT EXISTS dropped (id INTEGER PRIMARY KEY)")
                db.execute("INSERT INTO temp.dropped SELECT id FROM queries ORDER BY searches, last_at "
                           "LIMIT ?", (excess,))
                db.execute("DELETE FROM query_days WHERE query_id IN temp.dropped")
                db.execute("DELETE FROM visitors WHERE day >= ? AND query_id IN temp.dropped", (today,))
                db.execute("DELETE FROM queries WHERE id IN temp.dropped")
                db.execute("DELETE FROM temp.dropped")

    def report(self, since: float, top: int) -> dict[str, list]:
        """For ``egov-search report``: the most searched queries, those that found nothing, the
        corrections shown (and how often the typed query was kept), and the queries picked
        from the autocomplete, since Unix time ``since``."""
        db = self.db()

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


def migrate(db: sqlite3.Connection) -> None:
    """Bring the file's schema up to the last of :data:`MIGRATIONS`, in one transaction (several
    processes opening one file at once: the first migrates, the others find it done)."""
    with transaction(db):
        version = db.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in filter(str.strip, script.split(";")):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {number}")


class transaction:  # noqa: N801 - used like a function: ``with transaction(db):``
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on error) on an autocommit connection."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind, *_rest) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def _write(db: sqlite3.Connection, search: Search) -> None:
    """One search: its raw row, its query's totals, and its day's searches and distinct clients."""
    db.execute("INSERT INTO searches (at, query, filters, total, suggestion, kept_typed, from_autocomplete) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)",
               (search.at, search.query, json.dumps(search.filters, ensure_ascii=False, sort_keys=True),
                search.total, search.suggestion, int(search.kept_typed), int(search.from_autocomplete)))
    (query_id,) = db.execute(
        "INSERT INTO queries (key, searches, last_at, last_total) VALUES (?, 1, ?, ?) ON CONFLICT (key) "
        "DO UPDATE SET searches = searches + 1, last_at = excluded.last_at, last_total = excluded.last_total "
        "RETURNING id", (search.key, search.at, search.total)).fetchone()
    day = int(search.at // DAY)
    new_client = 0
    if search.visitor is not None:
        new_client = db.execute("INSERT OR IGNORE INTO visitors VALUES (?, ?, ?)",
                                (day, query_id, search.visitor)).rowcount
    db.execute("INSERT INTO query_days VALUES (?, ?, 1, ?) ON CONFLICT (query_id, day) DO UPDATE SET "
               "searches = searches + 1, clients = clients + excluded.clients", (query_id, day, new_client))


def _identity(path: Path) -> tuple[int, int] | None:
    """The file's device and inode, or ``None`` if there is none."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino
