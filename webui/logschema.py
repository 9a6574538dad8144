"""The query log file's schema, versioned with SQLite's ``PRAGMA user_version``:
:data:`MIGRATIONS` brings a file of any earlier version up to date in place, in one
transaction, so a later change adds one step (what each table holds: :mod:`.querylog`)."""

from __future__ import annotations

import sqlite3

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
    # 3: refinements and clicks, tied to their search by its id. Ids from now on are made by
    # the request (new_search_id: time-ordered), so they are larger than any id before.
    """CREATE TABLE refinements (
        id INTEGER PRIMARY KEY,
        search_id INTEGER NOT NULL,   -- the search refined
        at REAL NOT NULL,
        filters TEXT NOT NULL,        -- as in searches: the filters after the refinement
        page INTEGER NOT NULL,        -- the results page shown
        exact INTEGER NOT NULL        -- 1: searched as typed (仍然搜索) instead of the correction
    );
    CREATE INDEX refinements_search ON refinements (search_id);
    CREATE TABLE clicks (
        id INTEGER PRIMARY KEY,
        search_id INTEGER NOT NULL,   -- the search whose result was opened
        at REAL NOT NULL,
        position INTEGER NOT NULL,    -- 1: the first result of the list
        doc_id TEXT NOT NULL
    );
    CREATE UNIQUE INDEX clicks_search ON clicks (search_id, doc_id);""",
)


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
