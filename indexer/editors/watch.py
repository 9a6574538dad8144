"""A file an editor changes while the server runs, read again when it changes.

Whether it changed is its signature: inode, size and modification time, and for an SQLite
file the change counter in its header (bytes 24–27, which every commit in rollback-journal
mode moves: two commits within one tick of the file system's clock have the same time). A
look is a ``stat`` (and 100 bytes read of an SQLite file): the three files of an index take
0.05 to 0.1 ms on the 2-core test machine, against some 20 ms for a search. A search looks
every time, so a change shows in the next search of every process. A file that cannot be
read or parsed (an editor's typo) keeps the last good contents, and the reason is logged once.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

LOG = logging.getLogger("egov_search")
T = TypeVar("T")
SQLITE_COUNTER = slice(24, 28)


class Watched(Generic[T]):
    """What ``load(path)`` makes of a file (``missing`` while there is none), made again when
    the file's signature changes; ``counter``: the file is SQLite, read its change counter too."""

    def __init__(self, path: Path, load: Callable[[Path], T], missing: T, counter: bool = False):
        self.path, self._load, self._missing, self._counter = Path(path), load, missing, counter
        self._lock = threading.Lock()
        self._signature: object = None
        self._value: T = missing
        self.error: str | None = None  # why the file's current contents are not in use

    def signature(self) -> tuple | None:
        """The file's signature now (``None``: no file)."""
        try:
            stat = os.stat(self.path)
        except OSError:
            return None
        made = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        if self._counter and stat.st_size >= 100:
            try:
                with open(self.path, "rb") as stream:
                    made += (stream.read(100)[SQLITE_COUNTER],)
            except OSError:
                return made
        return made

    def current(self) -> tuple[object, T]:
        """(signature, contents) of the file now, read again only if it changed."""
        signature = self.signature()
        if signature == self._signature:
            return signature, self._value
        with self._lock:
            if signature != self._signature:
                self._reload(signature)
            return self._signature, self._value

    def _reload(self, signature: tuple | None) -> None:
        if signature is None:
            self._value, self.error = self._missing, None
        else:
            try:
                self._value, self.error = self._load(self.path), None
            except Exception as err:  # an editor's file: anything may be wrong with it
                self.error = str(err)
                LOG.warning("%s: kept the last good version: %s", self.path, err)
        self._signature = signature
