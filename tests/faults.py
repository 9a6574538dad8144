"""Writes that fail as on a read-only folder or a full disk, for tests that cannot make one
(they may not run as root): where to patch, and what the operating system would raise."""

from __future__ import annotations

import errno
import os

from whoosh.filedb.filestore import FileStorage

from indexer.index import store

# name: (object, attribute to replace, errno, the system's wording)
WRITE_FAILURES = {
    "read-only folder": (store, "new_generation", errno.EROFS, "Read-only file system"),
    "full disk": (FileStorage, "create_file", errno.ENOSPC, "No space left on device"),
}


def break_writes(monkeypatch, failure: str) -> str:
    """Make index writes fail as ``failure`` does; return the system's wording."""
    owner, name, code, reason = WRITE_FAILURES[failure]

    def fail(*args, **kwargs):
        raise OSError(code, reason)

    monkeypatch.setattr(owner, name, fail)
    return reason


def break_writes_in_subprocesses(failure: str) -> None:
    """Make index writes fail as ``failure`` does in the processes this one starts, not in it:
    a ``--procs N`` build's indexing sub-processes. Called from ``python -c`` before the CLI."""
    owner, name, code, reason = WRITE_FAILURES[failure]
    parent, original = os.getpid(), getattr(owner, name)

    def fail(*args, **kwargs):
        if os.getpid() != parent:
            raise OSError(code, reason)
        return original(*args, **kwargs)

    setattr(owner, name, fail)
