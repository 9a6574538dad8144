"""One generation of the Whoosh index as a search reads it (:class:`~.backend.IndexView`):
the generation's index and word lists, a thread's searcher on it and the planner."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from whoosh.index import Index

from ..analysis.synonyms import Synonyms
from ..index import sidecars, store
from ..index.schema import stored_document
from .context import SearchContext
from .plan import Planner

T = TypeVar("T")


@dataclass
class Generation:
    """One generation's index and the word lists its searches use."""

    path: Path
    index: Index
    synonyms: Synonyms
    words: sidecars.PinyinWords
    planner: Planner
    _memo: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)
    _memo_lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, run once for this generation and ``key`` (other threads asking
        meanwhile wait for it); it goes with the generation when a swap replaces it."""
        with self._memo_lock:
            if key not in self._memo:
                self._memo[key] = compute()
            return self._memo[key]

    @classmethod
    def open(cls, path: Path) -> Generation:
        """Open a generation (:class:`~indexer.index.store.IndexDamagedError` if unusable)."""
        index = store.open_generation(path)
        synonyms = sidecars.read_synonyms(path)
        planner = Planner(index.schema["title"].analyzer, synonyms, sidecars.read_abbreviations(path))
        return cls(path, index, synonyms, sidecars.PinyinWords(path), planner)


@dataclass
class View:
    """A generation, this thread's searcher on it and the planner: what one search reads."""

    generation: Generation
    searcher: object
    planner: Planner

    @property
    def words(self) -> sidecars.PinyinWords:
        """The correction's candidates, from the generation's ``pinyin-words.tsv``."""
        return self.generation.words

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, once for this generation and ``key``."""
        return self.generation.memo(key, compute)

    def context(self, limit: int, sort: str | None = None, whoosh: bool = False) -> SearchContext:
        """A new search's context: the arrays, or Whoosh's collectors if ``whoosh``."""
        return SearchContext(self, limit, sort, whoosh=whoosh)

    def doc_count(self) -> int:
        """Documents in the index."""
        return self.searcher.doc_count()

    def first_documents(self, fieldname: str, values: Iterable[str]) -> dict[str, dict]:
        """The first stored document with each of ``values`` in ``fieldname``."""
        found = {}
        for value in values:
            stored = self.searcher.document(**{fieldname: value})
            if stored:
                found[value] = stored_document(stored)
        return found

    def documents(self, fieldname: str, value: str, limit: int) -> list[dict]:
        """Up to ``limit`` stored documents with ``value`` in ``fieldname``, in index order."""
        return [stored_document(stored)
                for stored in itertools.islice(self.searcher.documents(**{fieldname: value}), limit)]

    def all_documents(self) -> list[dict]:
        """Every stored document."""
        return [stored_document(stored) for stored in self.searcher.reader().all_stored_fields()]

    def holds(self, fieldname: str, value: str) -> bool:
        """Whether the index has ``value`` in ``fieldname``."""
        return (fieldname, value) in self.searcher.reader()

    def field_values(self, fieldname: str) -> list[str]:
        """Every value of ``fieldname``, from its lexicon."""
        return [_text(term) for term in self.searcher.reader().lexicon(fieldname)]

    def prefixed(self, fieldname: str, prefix: str, limit: int) -> list[str]:
        """The first ``limit`` terms of ``fieldname`` starting with ``prefix``, from its lexicon."""
        return [_text(term) for term in
                itertools.islice(self.searcher.reader().expand_prefix(fieldname, prefix), limit)]

    def term_stats(self, fieldname: str, words: Iterable[str]) -> dict[str, tuple[int, int]]:
        """(documents, occurrences) of each of ``words`` in ``fieldname``, deleted documents'
        too, as Whoosh's statistics count them."""
        reader = self.searcher.reader()
        return {word: (reader.doc_frequency(fieldname, word), int(reader.frequency(fieldname, word)))
                for word in words if (fieldname, word) in reader}


def _text(term: str | bytes) -> str:
    """A term from Whoosh's lexicon as text."""
    return term.decode("utf-8") if isinstance(term, bytes) else term
