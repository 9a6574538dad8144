"""Answer searches: query string → Whoosh query → ranked, highlighted, faceted results."""

from __future__ import annotations

import itertools
import os
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from whoosh import query as wq
from whoosh import sorting

from . import matching as _matching  # noqa: F401  (installs the faster OR matcher)
from . import store
from .analysis import add_words, char_analyzer, dictionary_parts, exact_key, normalize_text, read_userdict
from .compose import (
    concept,
    filters,
    highlight_needles,
    match_all,
    match_any,
    named_titles,
    sequence,
    split_unmatched,
)
from .correct import PinyinWords, correct_query
from .highlight import highlight
from .pinyin import matched_text, pinyin_key, pinyin_query
from .query import ParsedQuery, parse, scrub
from .scoring import ListLengthBM25F
from .synonyms import Synonyms

SNIPPET_CHARS = 120
SUGGEST_SCAN = 200  # indexed words looked at for completions
MAX_QUERY_CHARS = 256


@dataclass
class Hit:
    """One result: ``snippet`` and ``title_html`` are escaped HTML with ``<mark>`` around matches."""

    id: str
    kind: str
    title: str
    rank: int | None
    score: float
    snippet: str
    title_html: str


@dataclass
class SearchResult:
    """A page of results with the total, facet counts by kind and how the query was run."""

    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    took_ms: float
    mode: str = "all"  # "all": every term matched; "any": fell back to ranked OR;
    # "corrected": the results of ``suggestion``, a homophone correction of the query
    notices: list[str] = field(default_factory=list)
    suggestion: str | None = None

    def to_dict(self) -> dict:
        """JSON-ready data."""
        return asdict(self)


class SearchEngine:
    """Searches the live generation of an index folder; follows rebuilds without a restart."""

    def __init__(self, index_dir: Path | str | None = None):
        self.index_dir = Path(index_dir or store.default_index_dir())
        self._lock = threading.Lock()
        self._local = threading.local()
        self._generation: Path | None = None
        self._index = None
        self._synonyms = Synonyms()
        self._words: PinyinWords | None = None
        self._searcher()  # fail now, with a clear message, if there is no usable index

    # -- the live generation ------------------------------------------------------------

    def _searcher(self):
        """This thread's searcher on the live generation, reopened after a swap."""
        generation = store.current_generation(self.index_dir)
        if generation != self._generation:
            with self._lock:
                if generation != self._generation:
                    index = store.open_generation(generation)
                    add_words(read_userdict(generation / store.DICTIONARY))
                    self._synonyms = Synonyms.load(generation / store.SYNONYMS)
                    self._words = PinyinWords(generation / store.PINYIN_WORDS)
                    self._index, self._generation = index, generation
        local = self._local
        if getattr(local, "generation", None) != self._generation:
            if getattr(local, "searcher", None) is not None:
                local.searcher.close()
            local.searcher = self._index.searcher(weighting=ListLengthBM25F())
            local.generation = self._generation
        return local.searcher

    def searcher(self):
        """This thread's Whoosh searcher on the live index, for engine-side modules."""
        return self._searcher()

    def doc_count(self) -> int:
        """Documents in the live index."""
        return self._searcher().doc_count()

    # -- documents ----------------------------------------------------------------------

    def document(self, doc_id: str) -> dict | None:
        """The stored document with this id, or ``None``."""
        stored = self._searcher().document(id=scrub(doc_id))
        return _document(stored) if stored else None

    def all_documents(self) -> list[dict]:
        """Every stored document (for evaluation and small tools, not for per-query work)."""
        return [_document(stored) for stored in self._searcher().reader().all_stored_fields()]

    # -- autocomplete -------------------------------------------------------------------

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Up to ``limit`` completions: titles starting with, then containing, ``prefix``; titles
        whose pinyin or initials contain it; then frequent indexed words starting with it."""
        prefix = scrub(prefix[:MAX_QUERY_CHARS])
        key = exact_key(prefix)
        if not key or limit < 1:
            return []
        searcher = self._searcher()
        reader = searcher.reader()
        found: list[str] = []

        def add(text: str) -> None:
            if text not in found and len(found) < limit:
                found.append(text)

        for title_key in _take(reader.expand_prefix("title_exact", key), limit):
            stored = searcher.document(title_exact=_text(title_key))
            if stored:
                add(stored["title"])
        chars = [t.text for t in char_analyzer()(key, mode="query")]
        contains = sequence("title_chars", chars, 1.0)
        if contains is not None:
            for hit in searcher.search(contains, limit=limit):
                add(hit["title"])
        spelled = pinyin_key(prefix)
        if spelled:
            for hit in searcher.search(pinyin_query(spelled), limit=limit):
                add(hit["title"])
        frequency: dict[str, int] = {}
        for fieldname in ("title", "body"):
            for word in _take(reader.expand_prefix(fieldname, key), SUGGEST_SCAN):
                word = _text(word)
                frequency[word] = frequency.get(word, 0) + reader.doc_frequency(fieldname, word)
        for word in sorted(frequency, key=lambda w: (-frequency[w], w)):
            add(word)
        return found

    # -- search -------------------------------------------------------------------------

    def search(self, q: str, kind: str | None = None, page: int = 1,
               per_page: int = 10) -> SearchResult:
        """Ranked results for query string ``q``; ``kind`` filters, ``page`` counts from 1."""
        started = time.perf_counter()
        q, kind, notices = scrub(q), kind and scrub(kind), []
        page, per_page = max(1, page), max(1, per_page)
        if len(q) > MAX_QUERY_CHARS:
            q = q[:MAX_QUERY_CHARS]
            notices.append(f"查询过长，只搜索了前 {MAX_QUERY_CHARS} 个字符 "
                           f"(query truncated to {MAX_QUERY_CHARS} characters)")
        parsed = parse(q)
        kind = kind or parsed.kind
        searcher = self._searcher()
        results, query, fallback = self._answer(searcher, parsed, kind, page * per_page)
        mode = "any" if fallback else "all"
        weak = results.is_empty() or fallback

        def found(term: str) -> bool:  # as written: else it may be a homophone typo
            if not weak and not dictionary_parts(exact_key(term)):
                return True  # it matched, and only a compound can match by its words apart
            return self._finds(searcher, term)

        suggestion = correct_query(q, parsed.concepts, found, searcher, self._words)
        if suggestion:
            corrected = parse(suggestion)
            better, better_query, better_fallback = self._answer(searcher, corrected, kind,
                                                                 page * per_page)
            if better.is_empty():
                suggestion = None
            else:  # every corrected term finds something, so this covers more of the query
                results, query, parsed, fallback = better, better_query, corrected, better_fallback
                mode = "corrected"
                notices.append(f"没有找到“{q}”的结果，以下是“{suggestion}”的结果 "
                               f"(no good match for {q!r}; showing results for {suggestion!r})")
        if fallback:
            notices.append("没有同时包含所有词的结果，以下结果至少包含其中一个词 "
                           "(no document matches every term; showing documents that match any)")
        if kind is not None:  # facets count every kind, so run once more without the filter
            results_by_kind = self._run(searcher, query, parsed, None, 1)
        else:
            results_by_kind = results
        facets = {"kind": {name: count for name, count
                           in sorted(results_by_kind.groups("kind").items())}}
        needles = highlight_needles(parsed, self._synonyms)
        key = pinyin_key(parsed.text)
        hits = [self._hit(hit.fields(), hit.score, needles, key)
                for hit in results[(page - 1) * per_page:page * per_page]]
        return SearchResult(q, len(results), page, per_page, hits, facets,
                            round((time.perf_counter() - started) * 1000, 2), mode, notices,
                            suggestion)

    def _answer(self, searcher, parsed: ParsedQuery, kind: str | None, limit: int):
        """(results, query, fell back): documents matching every concept, then those titled as
        one of them; if none match every concept, documents matching any (fell back), with a
        concept that matches nowhere counted by its dictionary words."""
        query = match_all(parsed, self._synonyms)
        results = None
        if len(parsed.concepts) > 1:
            if _matches_any(searcher, query, filters(parsed, kind)):
                named = named_titles(parsed, searcher.reader())
                if named is not None:  # one search of both, not one to check and one to rank
                    query = wq.Or([query, named])
                return self._run(searcher, query, parsed, kind, limit), query, False
        else:
            results = self._run(searcher, query, parsed, kind, limit)
            if not results.is_empty():
                return results, query, False
        units = split_unmatched(parsed, lambda text: self._finds(searcher, text, text in parsed.terms))
        if len(units) > 1:
            fallback = match_any(parsed, self._synonyms, units)
            results = self._run(searcher, fallback, parsed, kind, limit)
            if not results.is_empty():
                return results, fallback, True
        if results is None:
            results = self._run(searcher, query, parsed, kind, limit)
        return results, query, False

    def _finds(self, searcher, term: str, loose: bool = False) -> bool:
        """Whether ``term`` (or a synonym) matches any document as written (if ``loose``, also
        as its words apart)."""
        return _matches_any(searcher, concept(term, self._synonyms, loose))

    def _run(self, searcher, query: wq.Query, parsed: ParsedQuery, kind: str | None, limit: int):
        """Run ``query`` with the kind and rank filters, grouping matches by kind."""
        return searcher.search(query, limit=limit, filter=filters(parsed, kind),
                               groupedby=sorting.FieldFacet("kind", maptype=sorting.Count))

    def needles(self, q: str, title: str = "") -> list[str]:
        """What to mark for query ``q`` in a document titled ``title``: the terms, their synonyms
        and words, and the title's characters that a pinyin query spells."""
        parsed = parse(q[:MAX_QUERY_CHARS])
        self._searcher()  # the live generation's synonyms
        return _with_pinyin(highlight_needles(parsed, self._synonyms), title, pinyin_key(parsed.text))

    def _hit(self, stored: dict, score: float, needles: list[str], pinyin: str | None) -> Hit:
        doc = _document(stored)
        needles = _with_pinyin(needles, doc["title"], pinyin)
        return Hit(doc["id"], doc["kind"], doc["title"], doc["rank"], round(score, 4),
                   highlight(doc["body"], needles, SNIPPET_CHARS), highlight(doc["title"], needles))



def _with_pinyin(needles: list[str], title: str, pinyin: str | None) -> list[str]:
    """``needles`` and, for a pinyin query, the characters of ``title`` that it spells."""
    spelled = matched_text(title, pinyin) if pinyin else None
    return needles + [normalize_text(spelled)] if spelled else needles


def _matches_any(searcher, query: wq.Query, filters: wq.Query | None = None) -> bool:
    """Whether any live document matches ``query`` and ``filters``, found without ranking."""
    if filters is not None:
        query = wq.And([query, filters])
    return any(query.matcher(leaf).is_active() for leaf, _ in searcher.leaf_searchers())


def _text(term: str | bytes) -> str:
    """A term from Whoosh's lexicon as text."""
    return term.decode("utf-8") if isinstance(term, bytes) else term


def _take(iterable, count: int) -> list:
    """The first ``count`` items."""
    return list(itertools.islice(iterable, count))


def _document(stored: dict) -> dict:
    """A stored Whoosh document as the API's document dict."""
    return {"id": stored["id"], "kind": stored["kind"], "title": stored.get("title", ""),
            "rank": stored.get("rank"), "body": stored.get("body", ""),
            **(stored.get("fields") or {})}


def open_index(path: Path | str | None = None) -> SearchEngine:
    """Open the index folder (default ``$EGOV_INDEX`` or ``.egov-index``) for searching."""
    return SearchEngine(path or os.environ.get("EGOV_INDEX") or store.default_index_dir())
