"""Where the query log lives: one file per index, beside the index folder and named for it
(``sites/gov`` → ``sites/gov.queries.sqlite3``), unless ``EGOV_QUERY_LOG`` names one.

Until version 3 every index in a folder shared ``queries.sqlite3`` there, so one site showed
another's 热门搜索. :func:`adopt_shared_log` gives the file to an index that has no log of its
own yet when it is the only index in the folder (the log was then its own); beside other
indexes nobody can tell whose searches it holds, so the file is left as it is and only the
editor's decisions are copied.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path

from indexer import config, is_index_folder

from .querylog import LogFile

LOG = logging.getLogger("egov_search")
SHARED_NAME = "queries.sqlite3"  # the one log of every index in a folder, before version 3
SUFFIX = ".queries.sqlite3"


def default_log_path(index_dir: str | Path) -> Path:
    """The query log of the index in ``index_dir``: beside its folder, named for it."""
    return config.beside_index(SUFFIX.lstrip("."), index_dir)


def shared_log_path(index_dir: str | Path) -> Path:
    """The log that every index in the folder of ``index_dir`` shared before version 3."""
    return Path(index_dir).resolve().parent / SHARED_NAME


def adopt_shared_log(index_dir: str | Path) -> None:
    """Before the index's first own log: move the shared log to it if the index is alone in its
    folder; else copy the shared log's decisions into a new log (a pin as an approval, since
    which site it was for is unknown) and leave the shared file untouched. Says which in the
    server's log."""
    target, shared = default_log_path(index_dir), shared_log_path(index_dir)
    if target.exists() or not shared.is_file():
        return
    folder = Path(index_dir).resolve()
    others = sorted(path.name for path in folder.parent.iterdir()
                    if path != folder and path.is_dir() and is_index_folder(path))
    if not others:
        _settle(shared)
        try:
            os.link(shared, target)  # never over a log another process made meanwhile
        except FileExistsError:
            return
        shared.unlink()
        LOG.warning("query log: %s moved to %s (one log per index; this is the only index in the folder)",
                    shared, target)
        return
    decisions = _decisions(shared)
    log = LogFile(target)
    log.db()  # made now, even without decisions: the next start finds it
    for order, (key, state) in enumerate(decisions):  # their order, before any later decision
        log.decide(key, "approved" if state == "pinned" else state, float(order))
    log.close()
    LOG.warning("query log: %s is new (one log per index); %s, shared with %s, is left as it was "
                "(read it with `egov-search report --log %s`); %d editor's decisions copied, pins as "
                "approvals: pin again what this site should pin", target, shared, ", ".join(others),
                shared, len(decisions))


def _settle(path: Path) -> None:
    """Open and close the file, so that SQLite rolls back a transaction a crash left in its
    journal before the file is moved without it."""
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA user_version").fetchone()
    finally:
        db.close()


def _decisions(shared: Path) -> list[tuple[str, str]]:
    """The editor's decisions in the shared log (none in a log from before version 2)."""
    db = sqlite3.connect(shared.as_uri() + "?mode=ro", uri=True)
    try:
        return db.execute("SELECT key, state FROM decisions ORDER BY at, key").fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        db.close()
