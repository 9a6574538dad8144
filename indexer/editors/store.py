"""The editors' file of an index: one SQLite file beside it (``<index>.editors.sqlite3``, as
its query log is), which a build never touches.

Two tables: ``pins``, the pinned answers (:mod:`.pins`), and ``validity``, the validity an
editor set for a document by hand, which search applies over the index's own. Each change is
one short transaction on a connection of its own, so the command line and the admin API of
several server processes may change it at once; a server reads the file again when its
change counter moves (:mod:`.watch`), which a rollback journal keeps in the file's header.

The schema is versioned with ``PRAGMA user_version`` (:data:`MIGRATIONS`), as the query log's.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from ..analysis.validity import VALUES
from .pins import Pin, checked

MIGRATIONS = (
    """CREATE TABLE pins (
        id INTEGER PRIMARY KEY,
        query TEXT NOT NULL,              -- as the editor typed it
        match TEXT NOT NULL CHECK (match IN ('exact', 'contains')),
        doc_id TEXT,                      -- a document of the index, or NULL for an outside link
        title TEXT, description TEXT, url TEXT,
        starts TEXT, expires TEXT,        -- ISO dates, both days included, NULL: open
        at REAL NOT NULL);                -- Unix time it was added
    CREATE TABLE validity (
        doc_id TEXT PRIMARY KEY,
        value TEXT NOT NULL,              -- 现行有效, 已修改, 已废止 or 已失效
        at REAL NOT NULL);""",
)
PIN_COLUMNS = "id, query, match, doc_id, title, description, url, starts, expires"


class EditorsFile:
    """The editors' SQLite file at ``path`` (made, with its folder, on the first change)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    @contextlib.contextmanager
    def _db(self, write: bool = False) -> Iterator[sqlite3.Connection | None]:
        """A connection for one transaction; ``None`` to read a file that does not exist yet."""
        if not write and not self.path.exists():
            yield None
            return
        if write:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=DELETE")  # a commit changes the file's header counter
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            _migrate(db)
            yield db
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    def pins(self) -> list[Pin]:
        """Every pin, in the order they were added."""
        with self._db() as db:
            rows = db.execute(f"SELECT {PIN_COLUMNS} FROM pins ORDER BY id").fetchall() if db else []
        return [Pin(*row) for row in rows]

    def add_pin(self, query: str, match: str = "exact", doc_id: str | None = None, title: str | None = None,
                description: str | None = None, url: str | None = None, starts: str | None = None,
                expires: str | None = None) -> Pin:
        """Keep a new pin (:func:`.pins.checked` first: :class:`.pins.PinError` if it is wrong)."""
        fields = checked(query, match, doc_id, title, description, url, starts, expires)
        with self._db(write=True) as db:
            cursor = db.execute(f"INSERT INTO pins ({PIN_COLUMNS.partition(', ')[2]}, at) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (*fields.values(), time.time()))
        return Pin(cursor.lastrowid, **fields)

    def remove_pin(self, pin_id: int) -> Pin | None:
        """Remove pin ``pin_id``; the pin it was, or ``None`` if there is none."""
        with self._db(write=True) as db:
            row = db.execute(f"SELECT {PIN_COLUMNS} FROM pins WHERE id = ?", (pin_id,)).fetchone()
            db.execute("DELETE FROM pins WHERE id = ?", (pin_id,))
        return Pin(*row) if row else None

    def validity(self) -> dict[str, str]:
        """The validity editors set: document id → value."""
        with self._db() as db:
            rows = db.execute("SELECT doc_id, value FROM validity ORDER BY doc_id").fetchall() if db else []
        return dict(rows)

    def set_validity(self, doc_id: str, value: str | None) -> bool:
        """Set a document's validity (one of :data:`~indexer.analysis.validity.VALUES`), or with
        ``None`` go back to the index's own; whether anything changed."""
        if value is not None and value not in VALUES:
            raise ValueError(f"validity must be one of {', '.join(VALUES)}, not {value!r}")
        with self._db(write=True) as db:
            before = db.execute("SELECT value FROM validity WHERE doc_id = ?", (doc_id,)).fetchone()
            if value is None:
                db.execute("DELETE FROM validity WHERE doc_id = ?", (doc_id,))
            else:
                db.execute("INSERT INTO validity (doc_id, value, at) VALUES (?, ?, ?) ON CONFLICT (doc_id) "
                           "DO UPDATE SET value = excluded.value, at = excluded.at",
                           (doc_id, value, time.time()))
        return (before[0] if before else None) != value


def _migrate(db: sqlite3.Connection) -> None:
    """Bring the file's schema up to :data:`MIGRATIONS` (inside the caller's transaction)."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    for number, script in enumerate(MIGRATIONS[version:], version + 1):
        for statement in script.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {number}")
