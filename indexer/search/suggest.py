"""Autocomplete: titles starting with, then containing, what is typed; titles whose pinyin or
initials contain it; then frequent indexed words starting with it."""

from __future__ import annotations

import itertools

from ..analysis.normalize import exact_key
from ..analysis.pinyin import pinyin_key
from .context import SearchContext
from .parse import scrub
from .plan import pinyin_query

SUGGEST_SCAN = 200  # indexed words looked at for completions
MAX_PREFIX_CHARS = 256


def completions(view, prefix: str, limit: int = 8) -> list[str]:
    """Up to ``limit`` completions of ``prefix`` from the index of ``view``."""
    prefix = scrub(prefix[:MAX_PREFIX_CHARS])
    key = exact_key(prefix)
    if not key or limit < 1:
        return []
    searcher = view.searcher
    reader = searcher.reader()
    found: list[str] = []

    def add(text: str) -> None:
        if text not in found and len(found) < limit:
            found.append(text)

    for title_key in _take(reader.expand_prefix("title_exact", key), limit):
        stored = searcher.document(title_exact=_text(title_key))
        if stored:
            add(stored["title"])
    context = SearchContext(view, limit)
    contains = view.planner.char_sequence("title_chars", key)
    if contains is not None:
        for hit in context.top(contains, limit):
            add(hit.fields()["title"])
    spelled = pinyin_key(prefix)
    if spelled:
        for hit in context.top(pinyin_query(spelled), limit):
            add(hit.fields()["title"])
    frequency: dict[str, int] = {}
    for fieldname in ("title", "body"):
        for word in _take(reader.expand_prefix(fieldname, key), SUGGEST_SCAN):
            word = _text(word)
            frequency[word] = frequency.get(word, 0) + reader.doc_frequency(fieldname, word)
    for word in sorted(frequency, key=lambda w: (-frequency[w], w)):
        add(word)
    return found


def _text(term: str | bytes) -> str:
    """A term from Whoosh's lexicon as text."""
    return term.decode("utf-8") if isinstance(term, bytes) else term


def _take(iterable, count: int) -> list:
    """The first ``count`` items."""
    return list(itertools.islice(iterable, count))
