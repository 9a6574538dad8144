"""Files a folder walk leaves out, and why: a warning, never a traceback.

A reader raises :class:`SkipFile` with one of the reasons below; the walk catches it and calls
the ``skipped(path, reason)`` callback, by default :func:`log_skipped`. A file or document kept
with part of it left out (its text past the limit, values of a field past the limit) is reported
through the same callback with a :class:`Cut` reason. :class:`Skipped` is a ready callback that
keeps the list and the counts for the build's report.
"""

from __future__ import annotations

import logging
import re
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
TOO_SLOW = "too slow"
TOO_LARGE = "too large"
TOO_DEEP = "nested too deeply"
CRASHED = "crashed its reader"
NAME_TAKEN = "name encodes to another file's id"
REASONS = (UNDECODABLE, SCANNED, ENCRYPTED, CORRUPT, EMPTY, UNREADABLE, SYMLINK_OUTSIDE, TOO_SLOW,
           TOO_LARGE, TOO_DEEP, CRASHED, NAME_TAKEN)
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

SkipCallback = Callable[[str, str], None]


class Cut(str):
    """The reason for a file or document kept in part: not a skip, counted apart."""


def text_cut(chars: int) -> Cut:
    """The reason for a file whose text was cut at ``chars`` characters."""
    return Cut(f"text cut at {chars:,} characters")


def values_cut(values: int) -> Cut:
    """The reason for a document that had more than ``values`` values in a field."""
    return Cut(f"values past {values} a field dropped")


def printable(text: str) -> str:
    r"""``text`` for a message or log line: control characters and lone surrogates escaped, so
    that a file name can neither break a line nor garble a terminal.

    >>> print(printable("a\tb\n\udcb9.html 通知"))
    a\tb\n\udcb9.html 通知
    """
    return _UNPRINTABLE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


class SkipFile(Exception):
    """Raised by a reader for a file to leave out; ``reason`` is one of :data:`REASONS`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def log_skipped(path: str, reason: str) -> None:
    """The default callback: a warning on the ``egov_search.readers`` logger."""
    LOG.warning("%s: %s%s", printable(path), "" if isinstance(reason, Cut) else "skipped: ", reason)


class Skipped:
    """A ``skipped`` callback that records every skipped file (and logs it too if ``log``).

    >>> skipped = Skipped(log=False)
    >>> skipped("a.pdf", ENCRYPTED); skipped("b.html", UNDECODABLE); skipped("c.pdf", ENCRYPTED)
    >>> skipped("d.html", text_cut(1000))
    >>> skipped.files[0], len(skipped)
    (('a.pdf', 'encrypted'), 3)
    >>> skipped.summary()
    '3 files skipped: 2 encrypted, 1 undecodable; 1 cut: 1 text cut at 1,000 characters'
    """

    def __init__(self, log: bool = True):
        self.files: list[tuple[str, str]] = []
        self.cut: list[tuple[str, str]] = []
        self.log = log

    def __call__(self, path: str, reason: str) -> None:
        (self.cut if isinstance(reason, Cut) else self.files).append((path, reason))
        if self.log:
            log_skipped(path, reason)

    def __len__(self) -> int:
        return len(self.files)

    def counts(self) -> Counter[str]:
        """How many files were skipped for each reason."""
        return Counter(reason for _, reason in self.files)

    def cut_counts(self) -> Counter[str]:
        """How many files or documents were kept in part, for each reason."""
        return Counter(str(reason) for _, reason in self.cut)

    def summary(self) -> str:
        """One line for the build's report: ``3 files skipped: 2 encrypted, 1 undecodable``,
        then what was cut, if anything."""
        return describe(self.counts(), self.cut_counts())


def describe(counts: Counter[str] | dict[str, int], cut: Counter[str] | dict[str, int] | None = None) -> str:
    """``3 files skipped: 2 encrypted, 1 undecodable`` for counts by reason, and ``; 1 cut: …``
    for the counts of what was kept in part."""
    total = sum(counts.values())
    parts = ", ".join(f"{count} {reason}" for reason, count in Counter(counts).most_common())
    text = f"{total} file{'s' if total > 1 else ''} skipped: {parts}" if total else "no file skipped"
    if cut:
        listed = ", ".join(f"{count} {reason}" for reason, count in Counter(cut).most_common())
        text += f"; {sum(cut.values())} cut: {listed}"
    return text
