"""Files a folder walk leaves out, and why: a warning, never a traceback.

A reader raises :class:`SkipFile` with one of the reasons below; the walk catches it and calls
the ``skipped(path, reason)`` callback, by default :func:`log_skipped`. :class:`Skipped` is a
ready callback that keeps the list and the counts for the build's report.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable

LOG = logging.getLogger("egov_search.readers")

UNDECODABLE = "undecodable"
SCANNED = "no text layer (scanned?)"
ENCRYPTED = "encrypted"
CORRUPT = "corrupt"
EMPTY = "empty"
UNREADABLE = "unreadable"
SYMLINK_OUTSIDE = "symlink outside the folder"
REASONS = (UNDECODABLE, SCANNED, ENCRYPTED, CORRUPT, EMPTY, UNREADABLE, SYMLINK_OUTSIDE)

SkipCallback = Callable[[str, str], None]


class SkipFile(Exception):
    """Raised by a reader for a file to leave out; ``reason`` is one of :data:`REASONS`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def log_skipped(path: str, reason: str) -> None:
    """The default callback: a warning on the ``egov_search.readers`` logger."""
    LOG.warning("%s: skipped: %s", path, reason)


class Skipped:
    """A ``skipped`` callback that records every skipped file (and logs it too if ``log``).

    >>> skipped = Skipped(log=False)
    >>> skipped("a.pdf", ENCRYPTED); skipped("b.html", UNDECODABLE); skipped("c.pdf", ENCRYPTED)
    >>> skipped.files[0], len(skipped), skipped.summary()
    (('a.pdf', 'encrypted'), 3, '3 files skipped: 2 encrypted, 1 undecodable')
    """

    def __init__(self, log: bool = True):
        self.files: list[tuple[str, str]] = []
        self.log = log

    def __call__(self, path: str, reason: str) -> None:
        self.files.append((path, reason))
        if self.log:
            log_skipped(path, reason)

    def __len__(self) -> int:
        return len(self.files)

    def counts(self) -> Counter[str]:
        """How many files were skipped for each reason."""
        return Counter(reason for _, reason in self.files)

    def summary(self) -> str:
        """One line for the build's report: ``3 files skipped: 2 encrypted, 1 undecodable``."""
        return describe(self.counts())


def describe(counts: Counter[str] | dict[str, int]) -> str:
    """``3 files skipped: 2 encrypted, 1 undecodable`` for counts by reason."""
    total = sum(counts.values())
    if not total:
        return "no file skipped"
    parts = ", ".join(f"{count} {reason}" for reason, count in Counter(counts).most_common())
    return f"{total} file{'s' if total > 1 else ''} skipped: {parts}"
