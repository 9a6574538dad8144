"""Homophone and typo correction: a Chinese term that finds nothing becomes the known title
or frequent indexed word with the same pinyin (华雨软件 → 华宇软件, 健康马 → 健康码).

Candidates come from the index, never from a list of queries: a title (or the part of one)
whose pinyin equals the term's, or a word of a title or indexed at least twice, from a
pinyin → word table written at build time (``pinyin-words.tsv`` in the generation, see
:mod:`indexer.index.sidecars`). The candidate that changes the fewest characters wins; then titles; then the
most frequent. Only when nothing has the same pinyin are near homophones tried, as fuzzy
pinyin input methods hear them (zh=z, n=l, ing=in …): 神州数马 → 神州数码 is exact,
森州数码 → 神州数码 is fuzzy. A longer term with no correction of its own is corrected
word by word, in the words that find nothing (医保包销 → 医保报销). A pinyin query that
no title matches is spelled in the fewest indexed words (yibaobaoxiao → 医保 报销).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..analysis.normalize import HAN, exact_key
from ..analysis.pinyin import fold, fuzzy_pinyin, matched_text, to_pinyin
from ..index.sidecars import PinyinWords
from .logical import Prefix
from .plan import MAX_PREFIX_EXPANSIONS

TITLE_CANDIDATES = 20
HAN_CHAR = re.compile(f"[{HAN}]")


def correct_term(term: str, context, words: PinyinWords) -> str | None:
    """The best same-pinyin title part or frequent word for a Chinese ``term``, or ``None``;
    title candidates are searched in ``context`` (a :class:`~.context.SearchContext`)."""
    typed = "".join(fold(term).split())  # not Traditional→Simplified, which misreads 乾 as 干
    if len(typed) < 2 or not HAN_CHAR.search(typed):
        return None
    candidates: dict[str, tuple] = {}
    # as read in context (同行 tong hang), and character by character (tong xing, as in 通行)
    for key in dict.fromkeys([to_pinyin(typed), to_pinyin(typed, phrases=False)]):
        if not key:  # characters without pinyin: an empty prefix would match every title
            continue
        for hit in context.top(Prefix("title_pinyin", key, MAX_PREFIX_EXPANSIONS), TITLE_CANDIDATES):
            title = hit.fields()["title"]
            part = matched_text(title, key)
            if part and to_pinyin(part) == key:
                whole = "".join(fold(title).split()) == part
                candidates.setdefault(part, (0 if whole else 1, 0))
        for word, count in words.exact.get(key, []):
            candidates.setdefault(word, (2, -count))
    best = _best(typed, candidates)
    if best is None and (fuzzy := fuzzy_pinyin(typed)):
        best = _best(typed, {word: (2, -count) for word, count in words.fuzzy.get(fuzzy, [])})
    return best


def _best(typed: str, candidates: dict[str, tuple]) -> str | None:
    """The candidate that changes the fewest characters, then by its rank."""
    ranked = sorted((_changed(typed, text), *rank, text) for text, rank in candidates.items()
                    if len(text) == len(typed) and exact_key(text) != exact_key(typed))
    return ranked[0][-1] if ranked else None


def _changed(original: str, candidate: str) -> int:
    """How many characters differ between two equally long strings."""
    return sum(a != b for a, b in zip(original, candidate, strict=True))


def correct_query(query: str, terms: list[str], context, words: PinyinWords,
                  unfound_parts: Callable[[str], list[str]]) -> str | None:
    """``query`` with each of ``terms`` (Chinese terms that find nothing) replaced by its
    correction, or else by the corrections of its ``unfound_parts`` (医保包销 → 医保报销,
    its word 包销 being found nowhere), or None."""
    corrected = query
    for term in terms:
        better = correct_term(term, context, words) or \
            _corrected_parts(term, unfound_parts(term), context, words)
        if better:
            corrected = corrected.replace(term, better, 1)
    return corrected if corrected != query else None


def _corrected_parts(term: str, parts: list[str], context, words: PinyinWords) -> str | None:
    """``term`` with each of its ``parts`` that has a correction corrected, or None."""
    corrected = term
    for part in parts:
        better = correct_term(part, context, words)
        if better:
            corrected = corrected.replace(part, better, 1)
    return corrected if corrected != term else None


MAX_WORD_KEY = 24  # letters of the longest pinyin a spelled word is looked up by


def spelled_in_words(key: str, words: PinyinWords) -> str | None:
    """The Chinese that the pinyin ``key`` spells in the fewest indexed words of two syllables
    or more, each the most frequent of its pinyin (then the most frequent in all), or None."""
    best: list[tuple[int, int, str] | None] = [(0, 0, "")] + [None] * len(key)
    for end in range(1, len(key) + 1):
        for start in range(max(0, end - MAX_WORD_KEY), end):
            before, found = best[start], words.exact.get(key[start:end])
            if before is None or not found:
                continue
            word, count = found[0]
            if len(word) < 2:
                continue
            made = (before[0] + 1, before[1] - count, before[2] + word)
            if best[end] is None or made[:2] < best[end][:2]:
                best[end] = made
    return best[-1][2] if best[-1] is not None else None
