"""Numbered lines of a (possibly gzipped) UTF-8 file, with file:line errors for bad bytes."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

from .document import CorpusError


def read_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Numbered lines of a (possibly gzipped) UTF-8 file, with a clear error on bad bytes.

    A byte order mark at the start of the file (which Windows editors write) is dropped, so
    it cannot hide a first ``#`` heading or break a first JSON line."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as stream:
            for number, raw in enumerate(stream, 1):
                try:
                    yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n")
                except UnicodeDecodeError as err:
                    raise CorpusError(path, number, f"invalid UTF-8 at byte {err.start}") from None
    except (OSError, EOFError) as err:
        raise CorpusError(path, 0, f"cannot read: {err}") from None
