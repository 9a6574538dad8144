"""The query log file: what one SQLite file keeps for 热门搜索, 相关搜索 and ``egov-search report``.

``searches`` is the raw log for the report (the time, the query, its filters, the results
found, the correction shown, 仍然搜索, the autocomplete), each with an id that the results
page carries; ``refinements`` (a facet, a sort, a page, the time filter, 仍然搜索 on that
page) and ``clicks`` (a result opened: its position and document) refer to a search by that
id. ``queries`` holds one row per normalised query, ``query_days`` its searches and distinct
clients per day, and ``visitors`` the clients already counted today, as keyed hashes of
address and query that mean nothing without the key (:mod:`.visitors`), deleted once their
day is over. ``decisions`` holds what an editor decided (approved, hidden, pinned). No
address, no cookie. Every statement here is indexed; the file is only ever used by one
background thread per process (:mod:`.popular`) and by the CLI, never in a request.

The schema and its migrations: :mod:`.logschema`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .logschema import migrate, transaction

LOG = logging.getLogger("egov_search")
DAY = 86400.0
RETENTION_DAYS = 90  # raw searches older than this are deleted
MAX_ROWS = 1_000_000  # raw searches (and clicks, and refinements) kept at most, the oldest deleted first
ID_RANDOM_BITS = 10  # below the microsecond of a search id: two workers' searches in one microsecond differ
STATES = ("approved", "hidden", "pinned")


@dataclass(frozen=True)
class Search:
    """One logged search, as the request saw it; ``visitor`` is the keyed hash of the client
    and the query (``None``: not counted among the distinct clients); ``id`` is
    :func:`new_search_id` (``None``: the file numbers it)."""

    at: float
    query: str
    key: str
    filters: dict
    total: int
    suggestion: str | None = None
    kept_typed: bool = False
    from_autocomplete: bool = False
    visitor: bytes | None = None
    id: int | None = None


@dataclass(frozen=True)
class Refinement:
    """A results page of a logged search with other filters, sort, page or 仍然搜索."""

    at: float
    search_id: int
    filters: dict
    page: int
    exact: bool


@dataclass(frozen=True)
class Click:
    """A result opened from a logged search: its position in the list (from 1) and document."""

    at: float
    search_id: int
    position: int
    doc_id: str


Event = Search | Refinement | Click


def new_search_id(now: float) -> int:
    """A search's id: the microsecond it was made, then random bits, so ids sort by time and
    two processes practically never make the same one (a positive 63-bit integer until the
    year 2255)."""
    return first_search_id(now) | secrets.randbits(ID_RANDOM_BITS)


def first_search_id(at: float) -> int:
    """The smallest id a search made at ``at`` (Unix time) can have."""
    return int(at * 1_000_000) << ID_RANDOM_BITS


def search_time(search_id: int) -> float:
    """When the search of an id from :func:`new_search_id` was made (Unix time).

    >>> search_time(new_search_id(1_700_000_000.25))
    1700000000.25
    """
    return (search_id >> ID_RANDOM_BITS) / 1_000_000


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

    def write(self, batch: list[Event]) -> None:
        """Add ``batch`` (searches, refinements, clicks) in one transaction."""
        db = self.db()
        with transaction(db):
            for event in batch:
                WRITERS[type(event)](db, event)

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
        """Delete what is past its time: raw searches, their refinements and clicks past
        :data:`RETENTION_DAYS` (and beyond :data:`MAX_ROWS` each), days past ``keep_days``,
        visitors of earlier days; then the least searched queries beyond ``max_queries``. Each
        step is an indexed range (the searches' row bound walks their id index once a refresh)."""
        db, cutoff = self.db(), now - RETENTION_DAYS * DAY
        with transaction(db):
            db.execute("DELETE FROM searches WHERE at < ?", (cutoff,))
            db.execute("DELETE FROM searches WHERE id < (SELECT id FROM searches ORDER BY id DESC "
                       "LIMIT 1 OFFSET ?)", (MAX_ROWS - 1,))
            for table in ("refinements", "clicks"):  # their searches' ids are time-ordered: a range
                db.execute(f"DELETE FROM {table} WHERE search_id < ?", (first_search_id(cutoff),))
                db.execute(f"DELETE FROM {table} WHERE id <= (SELECT MAX(id) FROM {table}) - ?", (MAX_ROWS,))
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


def _write_search(db: sqlite3.Connection, search: Search) -> None:
    """One search: its raw row, its query's totals, and its day's searches and distinct clients."""
    db.execute("INSERT INTO searches (id, at, query, filters, total, suggestion, kept_typed, "
               "from_autocomplete) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
               (search.id, search.at, search.query, _json(search.filters), search.total, search.suggestion,
                int(search.kept_typed), int(search.from_autocomplete)))
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


def _write_refinement(db: sqlite3.Connection, refinement: Refinement) -> None:
    db.execute("INSERT INTO refinements (search_id, at, filters, page, exact) VALUES (?, ?, ?, ?, ?)",
               (refinement.search_id, refinement.at, _json(refinement.filters), refinement.page,
                int(refinement.exact)))


def _write_click(db: sqlite3.Connection, click: Click) -> None:
    """A click; the same document opened again from the same search counts once."""
    db.execute("INSERT OR IGNORE INTO clicks (search_id, at, position, doc_id) VALUES (?, ?, ?, ?)",
               (click.search_id, click.at, click.position, click.doc_id))


WRITERS = {Search: _write_search, Refinement: _write_refinement, Click: _write_click}


def _json(filters: dict) -> str:
    return json.dumps(filters, ensure_ascii=False, sort_keys=True)


def _identity(path: Path) -> tuple[int, int] | None:
    """The file's device and inode, or ``None`` if there is none."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino
