"""Autocomplete: titles starting with, then containing, what is typed; titles whose pinyin or
initials contain it; then frequent indexed words starting with it."""

from __future__ import annotations

from ..analysis.normalize import exact_key
from ..analysis.pinyin import pinyin_key
from .backend import IndexView
from .parse import scrub
from .plan import pinyin_query

SUGGEST_SCAN = 200  # indexed words looked at for completions
MAX_PREFIX_CHARS = 256
WORD_FIELDS = ("title", "body")


def completions(view: IndexView, prefix: str, limit: int = 8) -> list[str]:
    """Up to ``limit`` completions of ``prefix`` from the index of ``view``."""
    prefix = scrub(prefix[:MAX_PREFIX_CHARS])
    key = exact_key(prefix)
    if not key or limit < 1:
        return []
    found: list[str] = []

    def add(text: str) -> None:
        if text not in found and len(found) < limit:
            found.append(text)

    keys = view.prefixed("title_exact", key, limit)
    titled = view.first_documents("title_exact", keys)
    for title_key in keys:
        if title_key in titled:
            add(titled[title_key]["title"])
    context = view.context(limit)
    contains = view.planner.char_sequence("title_chars", key)
    if contains is not None:
        for hit in context.top(contains, limit):
            add(hit.fields()["title"])
    spelled = pinyin_key(prefix)
    if spelled:
        for hit in context.top(pinyin_query(spelled), limit):
            add(hit.fields()["title"])
    frequency: dict[str, int] = {}
    for fieldname in WORD_FIELDS:
        words = view.prefixed(fieldname, key, SUGGEST_SCAN)
        for word, (documents, _) in view.term_stats(fieldname, words).items():
            frequency[word] = frequency.get(word, 0) + documents
    for word in sorted(frequency, key=lambda w: (-frequency[w], w)):
        add(word)
    return found
