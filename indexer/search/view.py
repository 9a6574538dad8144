"""One generation of the Whoosh index as a search reads it (:class:`~.backend.IndexView`):
the generation's index, word lists and links, a thread's searcher on it, the planner and the
editors' additions of now. :class:`Planned` is what every backend's generation shares: what is
computed once for it, and its planner for the editors' additions."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from whoosh.index import Index

from ..analysis.synonyms import Synonyms
from ..analysis.tokenizers import JiebaTokenizer
from ..editors.state import NO_EDITIONS, Editions
from ..index import sidecars, store
from ..index.links import LinkTable
from ..index.links import read as read_links
from ..index.schema import stored_document
from .context import SearchContext
from .plan import Planner
from .validity import merged

T = TypeVar("T")


class Planned:
    """What a generation of either backend shares: what is computed once for it (:meth:`memo`)
    and its planners, made from its analyzer, its word lists' lines (``word_lines``), the
    validity its links declare (``links``) and the editors' additions."""

    analyzer: JiebaTokenizer
    word_lines: tuple[tuple[str, ...], tuple[str, ...]]  # its synonyms' and abbreviations' lines
    links: LinkTable
    name: str  # names it in messages: a folder, an index

    def __post_init__(self) -> None:
        self._memo: dict[Hashable, Any] = {}
        self._memo_lock = threading.RLock()
        self._planned: tuple[Editions, Planner] | None = None

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, run once for this generation and ``key`` (other threads asking
        meanwhile wait for it); it goes with the generation when a swap replaces it."""
        with self._memo_lock:
            if key not in self._memo:
                self._memo[key] = compute()
            return self._memo[key]

    @property
    def planner(self) -> Planner:
        """The planner of the generation's own word lists and links, without the editors'."""
        return self.planner_for(NO_EDITIONS)

    def planner_for(self, editions: Editions) -> Planner:
        """The planner of the generation's word lists with the editors' groups added, and of
        the validity declared in its documents under the editors': a new one (its concepts
        planned anew) when those change."""
        made = self._planned
        if made is not None and (made[0] is editions or made[0].planning == editions.planning):
            self._planned = (editions, made[1])
            return made[1]
        planner = self.make_planner(editions)
        self._planned = (editions, planner)
        return planner

    def make_planner(self, editions: Editions) -> Planner:
        """A new planner for ``editions`` (see :meth:`planner_for`), kept by no one."""
        synonyms, abbreviations = self.word_lines
        return Planner(self.analyzer,
                       Synonyms.parse(synonyms + editions.synonym_lines, self.name),
                       Synonyms.parse(abbreviations + editions.abbreviation_lines, self.name,
                                      abbreviations=True),
                       overrides=merged(self.links.validity, dict(editions.validity)))


@dataclass(eq=False)
class Generation(Planned):
    """One generation's index, the word lists its searches use and the links found in it."""

    path: Path
    index: Index
    word_lines: tuple[tuple[str, ...], tuple[str, ...]]
    words: sidecars.PinyinWords
    links: LinkTable

    @property
    def analyzer(self) -> JiebaTokenizer:
        """The title's analyzer, as the build kept it in the schema."""
        return self.index.schema["title"].analyzer

    @property
    def name(self) -> str:
        """The generation's folder."""
        return str(self.path)

    @classmethod
    def open(cls, path: Path) -> Generation:
        """Open a generation (:class:`~indexer.index.store.IndexDamagedError` if unusable)."""
        index = store.open_generation(path)
        return cls(path, index, sidecars.read_word_lines(path), sidecars.PinyinWords(path), read_links(path))


class Viewed:
    """What a view of either backend reads of its generation (``generation``), beside its
    planner (``planner``) and the editors' additions it searches with (``editions``)."""

    generation: Planned
    planner: Planner
    editions: Editions

    @property
    def links(self) -> LinkTable:
        """The 解读 links and the validity declared in the generation's documents."""
        return self.generation.links

    @property
    def words(self):
        """The correction's candidates (:class:`~.backend.PinyinWords`)."""
        return self.generation.words

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, once for this generation and ``key``."""
        return self.generation.memo(key, compute)

    def planner_for(self, editions: Editions, kept: bool = True) -> Planner:
        """The generation's planner for ``editions`` (a new one kept by no one unless ``kept``)."""
        return self.generation.planner_for(editions) if kept else self.generation.make_planner(editions)

    def annotated(self, doc: dict) -> dict:
        """Stored document ``doc`` with what is known of it beside the index: its validity now
        (a repeal found since, an editor's), and its links to 解读 and to the policy they
        interpret."""
        validity = self.planner.overrides.of(doc["id"])
        if validity:
            doc["validity"] = validity
        table = self.links
        doc["interpretations"] = [{"id": i, "title": t} for i, t in table.interpretations(doc["id"])]
        doc["interprets"] = [{"id": i, "title": t} for i, t in table.interprets(doc["id"])]
        return doc


@dataclass
class View(Viewed):
    """A generation, this thread's searcher on it, the planner and the editors' additions of
    now: what one search reads."""

    generation: Generation
    searcher: object
    planner: Planner
    editions: Editions = NO_EDITIONS

    @property
    def name(self) -> str:
        """The generation's name: a new one with every build or update."""
        return self.generation.path.name

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

    def frequent_words(self, fieldname: str, count: int) -> list[tuple[str, float]]:
        """The ``count`` terms of ``fieldname`` indexed most often, with how many times, most
        first (then the last in term order), from its term table."""
        frequent = self.searcher.reader().most_frequent_terms(fieldname, count)
        return [(_text(term), times) for times, term in frequent]

    def term_stats(self, fieldname: str, words: Iterable[str]) -> dict[str, tuple[int, int]]:
        """(documents, occurrences) of each of ``words`` in ``fieldname``, deleted documents'
        too, as Whoosh's statistics count them."""
        reader = self.searcher.reader()
        return {word: (reader.doc_frequency(fieldname, word), int(reader.frequency(fieldname, word)))
                for word in words if (fieldname, word) in reader}


def _text(term: str | bytes) -> str:
    """A term from Whoosh's lexicon as text."""
    return term.decode("utf-8") if isinstance(term, bytes) else term
