"""Extensions of Whoosh, through its codec, matcher, storage and scoring interfaces.

Importing this package changes nothing in Whoosh. The codec (:mod:`.codec`), the segment
writer (:mod:`.writer`, created by ``indexer.index.build.open_writer``) and the scorer
(:mod:`.scoring`) are subclasses that the index and the engine pass to Whoosh explicitly. Two
speed-ups must replace a class that Whoosh looks up by module name; :func:`install` does that,
once, when an engine opens an index (:func:`uninstall` undoes it, for tests):

- ``whoosh.matching.ArrayUnionMatcher``: an OR over small segments without per-slot loops
  (:mod:`.matching`);
- ``whoosh.filedb.compound.BufferFile``: compound segment files read in place through their
  memory map instead of copied per searcher (:mod:`.mapping`).

Each is checked against stock Whoosh (same documents, same scores) by ``tests/index``. They
use private names of Whoosh-Reloaded 2.7.5, which ``pyproject.toml`` pins.
"""

from __future__ import annotations

import threading

import whoosh.filedb.compound as whoosh_compound
import whoosh.matching as whoosh_matching

from .mapping import ViewFile
from .matching import ClearingArrayUnionMatcher

# (module, attribute, our class, Whoosh's class)
REPLACEMENTS = [
    (whoosh_matching, "ArrayUnionMatcher", ClearingArrayUnionMatcher, whoosh_matching.ArrayUnionMatcher),
    (whoosh_compound, "BufferFile", ViewFile, whoosh_compound.BufferFile),
]
_lock = threading.Lock()


def install() -> None:
    """Put our classes in Whoosh's place (idempotent)."""
    with _lock:
        for module, name, ours, _ in REPLACEMENTS:
            setattr(module, name, ours)


def uninstall() -> None:
    """Restore Whoosh's own classes."""
    with _lock:
        for module, name, _, theirs in REPLACEMENTS:
            setattr(module, name, theirs)


def installed() -> bool:
    """Whether :func:`install` is in effect."""
    return all(getattr(module, name) is ours for module, name, ours, _ in REPLACEMENTS)
