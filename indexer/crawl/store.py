"""The crawl store: a folder with ``crawl.sqlite3`` (what was fetched, when, and what it said)
and ``files/``, the kept pages and attachments laid out as ``wget --mirror`` saves a site, so
that the site readers read it like any mirror and a rebuild needs no refetch.

Records (table ``urls``, one row an address): its kind (``page`` or ``sitemap``), the crawl
that last found it (``seen_run``) and settled it (``done_run``), the status, the target of a
redirect, content type, ETag, Last-Modified, content hash and size, the kept file, when fetched
and when its content last changed, and the outcome of its last fetch with the reason. ``links``
holds each page's and sitemap's links (for dead-link reports, and to follow an unchanged
page's links without reading it again); ``runs`` each crawl; ``documents`` the hash of each
document the index holds from this store. One process uses a store at a time (a lock file).
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import tempfile
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, started REAL NOT NULL, finished REAL,
    state TEXT NOT NULL, note TEXT, counts TEXT);
CREATE TABLE IF NOT EXISTS urls (url TEXT PRIMARY KEY, kind TEXT NOT NULL DEFAULT 'page', depth INTEGER,
    seen_run INTEGER, done_run INTEGER, missed INTEGER NOT NULL DEFAULT 0, status INTEGER, target TEXT,
    content_type TEXT, etag TEXT, last_modified TEXT, hash TEXT, size INTEGER, file TEXT UNIQUE,
    fetched REAL, changed REAL, outcome TEXT, reason TEXT);
CREATE INDEX IF NOT EXISTS urls_queue ON urls (seen_run, done_run);
CREATE INDEX IF NOT EXISTS urls_hash ON urls (hash);
CREATE TABLE IF NOT EXISTS links (source TEXT NOT NULL, target TEXT NOT NULL, kind TEXT NOT NULL,
    text TEXT, lastmod TEXT, PRIMARY KEY (source, target)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS links_target ON links (target);
CREATE TABLE IF NOT EXISTS robots (host TEXT PRIMARY KEY, text TEXT, etag TEXT, last_modified TEXT);
CREATE TABLE IF NOT EXISTS documents (id TEXT PRIMARY KEY, hash TEXT NOT NULL);
"""
COLUMNS = ("kind", "depth", "seen_run", "done_run", "missed", "status", "target", "content_type", "etag",
           "last_modified", "hash", "size", "file", "fetched", "changed", "outcome", "reason")


class StoreBusy(RuntimeError):
    """Another process is crawling into this store."""


class Store:
    """One crawl store folder, open for one crawl, or (``lock=False``) to read an existing one
    while a crawl may be writing it."""

    def __init__(self, folder: Path | str, lock: bool = True):
        self.folder = Path(folder)
        self.files = self.folder / "files"
        self._lock = None
        if not lock and not (self.folder / "crawl.sqlite3").is_file():
            raise FileNotFoundError(f"{self.folder}: no crawl store here")
        if lock:
            self.files.mkdir(parents=True, exist_ok=True)
            self._lock = open(self.folder / "crawl.lock", "w")
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self._lock.close()
                raise StoreBusy(f"{self.folder}: another crawl is using this store") from None
        self.db = sqlite3.connect(self.folder / "crawl.sqlite3", timeout=30)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        if lock:
            self.db.executescript(SCHEMA)

    def close(self) -> None:
        """Commit and close; release the lock."""
        self.db.commit()
        self.db.close()
        if self._lock is not None:
            self._lock.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def commit(self) -> None:
        """Make what was recorded so far durable (a killed crawl resumes from here)."""
        self.db.commit()

    # settings and state
    def get(self, key: str, default=None):
        """A stored setting (JSON), or ``default``."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def put(self, key: str, value) -> None:
        """Store a setting (as JSON)."""
        text = json.dumps(value, ensure_ascii=False)
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, text))

    # crawls
    def unfinished_run(self) -> int | None:
        """The crawl that was stopped before it finished (Ctrl-C, a kill), to resume."""
        row = self.db.execute("SELECT id FROM runs WHERE state IN ('running', 'interrupted') "
                              "ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else None

    def start_run(self, started: float) -> int:
        """A new crawl's number."""
        cursor = self.db.execute("INSERT INTO runs (started, state) VALUES (?, 'running')", (started,))
        return cursor.lastrowid

    def end_run(self, run: int, state: str, finished: float, note: str, counts: dict) -> None:
        """Record how a crawl ended: ``finished`` or ``interrupted``."""
        self.db.execute("UPDATE runs SET state = ?, finished = ?, note = ?, counts = ? WHERE id = ?",
                        (state, finished, note, json.dumps(counts), run))
        self.db.commit()

    def run(self, run: int | None = None) -> sqlite3.Row | None:
        """A crawl's row (default: the last one)."""
        if run is None:
            return self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        return self.db.execute("SELECT * FROM runs WHERE id = ?", (run,)).fetchone()

    # addresses
    def record(self, url: str) -> sqlite3.Row | None:
        """What the store knows of ``url``."""
        return self.db.execute("SELECT * FROM urls WHERE url = ?", (url,)).fetchone()

    def discover(self, url: str, run: int, depth: int, kind: str) -> None:
        """``url`` was found in crawl ``run`` at ``depth``: queue it."""
        self.db.execute("INSERT INTO urls (url, kind, depth, seen_run) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (url) DO UPDATE SET seen_run = excluded.seen_run, "
                        "depth = excluded.depth, kind = excluded.kind", (url, kind, depth, run))

    def settle(self, url: str, run: int, **values) -> None:
        """Record the outcome of ``url`` in crawl ``run`` (any of :data:`COLUMNS`)."""
        unknown = set(values) - set(COLUMNS)
        if unknown:
            raise ValueError(f"unknown columns {sorted(unknown)}")
        values["done_run"] = run
        assignments = ", ".join(f"{name} = ?" for name in values)
        self.db.execute(f"UPDATE urls SET {assignments} WHERE url = ?", (*values.values(), url))

    def queued(self, run: int) -> list[sqlite3.Row]:
        """What crawl ``run`` found and has not settled yet."""
        return self.db.execute("SELECT url, kind, depth FROM urls WHERE seen_run = ? "
                               "AND (done_run IS NULL OR done_run < ?) ORDER BY depth, rowid",
                               (run, run)).fetchall()

    def seen(self, run: int) -> list[str]:
        """Every address crawl ``run`` found so far."""
        return [row[0] for row in self.db.execute("SELECT url FROM urls WHERE seen_run = ?", (run,))]

    def owner_of_hash(self, digest: str, url: str) -> str | None:
        """Another address whose kept file has these bytes."""
        row = self.db.execute("SELECT url FROM urls WHERE hash = ? AND file IS NOT NULL AND url != ? LIMIT 1",
                              (digest, url)).fetchone()
        return row[0] if row else None

    def file_owner(self, path: str) -> str | None:
        """The address whose file is ``path``."""
        row = self.db.execute("SELECT url FROM urls WHERE file = ?", (path,)).fetchone()
        return row[0] if row else None

    def addresses(self) -> dict[str, str]:
        """``{file: address}`` of every kept file."""
        return dict(self.db.execute("SELECT file, url FROM urls WHERE file IS NOT NULL"))

    # links
    def set_links(self, source: str, links: list[tuple[str, str, str, str | None]]) -> None:
        """Replace the links of ``source`` with ``(target, kind, text, lastmod)``."""
        self.db.execute("DELETE FROM links WHERE source = ?", (source,))
        self.db.executemany("INSERT OR IGNORE INTO links VALUES (?, ?, ?, ?, ?)",
                            [(source, *link) for link in links])

    def links_of(self, source: str) -> list[sqlite3.Row]:
        """The links ``source`` had when it was last read."""
        return self.db.execute("SELECT target, kind, text, lastmod FROM links WHERE source = ?",
                               (source,)).fetchall()

    # robots.txt
    def robots(self, host: str) -> sqlite3.Row | None:
        """The robots.txt last read from ``host``."""
        return self.db.execute("SELECT * FROM robots WHERE host = ?", (host,)).fetchone()

    def put_robots(self, host: str, text: str, etag: str, last_modified: str) -> None:
        """Keep ``host``'s robots.txt, for a conditional request next time."""
        self.db.execute("INSERT OR REPLACE INTO robots VALUES (?, ?, ?, ?)",
                        (host, text, etag, last_modified))

    # files
    def write_file(self, path: str, data: bytes) -> None:
        """Write a kept file atomically (a killed crawl never leaves half a file to index);
        ``OSError`` if the path cannot hold a file (a folder of that name, a name too long)."""
        target = self.files / path
        target.parent.mkdir(parents=True, exist_ok=True)
        spool = self.files / ".partial"
        spool.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=spool)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            if target.is_dir():
                raise IsADirectoryError(str(target))
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def remove_file(self, path: str) -> None:
        """Remove a kept file, and the folders it leaves empty."""
        target = self.files / path
        target.unlink(missing_ok=True)
        for folder in target.parents:
            if folder == self.files:
                break
            try:
                folder.rmdir()
            except OSError:
                break

    # documents in the index
    def indexed(self) -> dict[str, str]:
        """``{id: hash}`` of the documents the index holds from this store."""
        return dict(self.db.execute("SELECT id, hash FROM documents"))

    def set_indexed(self, hashes: dict[str, str]) -> None:
        """Record what the index now holds."""
        self.db.execute("DELETE FROM documents")
        self.db.executemany("INSERT INTO documents VALUES (?, ?)", hashes.items())
        self.db.commit()
