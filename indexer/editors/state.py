"""What the editors have set for an index, as search reads it now: the synonym and
abbreviation groups they added, the validity they set and the pinned answers, each file
watched (:mod:`.watch`) so that a change takes effect in the next search, without a rebuild
or a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .. import config
from .pins import Pin, query_key
from .store import EditorsFile
from .watch import Watched
from .wordlists import ABBREVIATIONS, SYNONYMS, read_lines

EDITORS = "editors.sqlite3"


@dataclass(frozen=True)
class Editions:
    """The editors' additions of one moment: word list lines, validity set by hand (id, value)
    and pins."""

    synonym_lines: tuple[str, ...] = ()
    abbreviation_lines: tuple[str, ...] = ()
    validity: tuple[tuple[str, str], ...] = ()
    pins: tuple[Pin, ...] = ()

    @property
    def planning(self) -> tuple:
        """What planning depends on: a planner made for other values is out of date."""
        return self.synonym_lines, self.abbreviation_lines, self.validity

    def pinned(self, q: str, today: date | None = None) -> list[Pin]:
        """The pins that answer query ``q`` today, in the order they were added."""
        key, today = query_key(q), today or date.today()
        return [pin for pin in self.pins if pin.active(today) and pin.matches(key)] if key else []


NO_EDITIONS = Editions()


def _editors(path: Path) -> tuple[tuple[Pin, ...], tuple[tuple[str, str], ...]]:
    """The pins and the validity of the editors' file."""
    found = EditorsFile(path)
    return tuple(found.pins()), tuple(found.validity().items())


class EditorFiles:
    """The editors' files of index folder ``index_dir``, each read again when it changes."""

    def __init__(self, index_dir: Path):
        self.synonyms = Watched(config.beside_index(SYNONYMS, index_dir), read_lines, ())
        self.abbreviations = Watched(config.beside_index(ABBREVIATIONS, index_dir), read_lines, ())
        self.editors = Watched(config.beside_index(EDITORS, index_dir), _editors, ((), ()), counter=True)
        self._last: tuple[tuple, Editions] | None = None

    def current(self) -> Editions:
        """The editions of now (the same object while no file changed)."""
        (s, synonyms), (a, abbreviations), (e, (pins, validity)) = (
            watched.current() for watched in (self.synonyms, self.abbreviations, self.editors))
        last = self._last
        if last is None or last[0] != (s, a, e):
            last = self._last = ((s, a, e), Editions(synonyms, abbreviations, validity, pins))
        return last[1]
