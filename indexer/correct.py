"""Homophone and typo correction: a Chinese term that finds nothing becomes the known title
or frequent indexed word with the same pinyin (华雨软件 → 华宇软件, 健康马 → 健康码).

Candidates come from the index, never from a list of queries: a title (or the part of one)
whose pinyin equals the term's, or a word indexed at least ``MIN_WORD_COUNT`` times, from a
pinyin → word table written at build time (``pinyin-words.tsv`` in the generation).
The candidate that changes the fewest characters wins; then titles; then the most frequent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from .analysis import HAN, HAN_RUN, exact_key
from .pinyin import BoundedPrefix, fold, matched_text, to_pinyin

MIN_WORD_COUNT = 2  # a word seen once is as likely a typo as the query
MAX_WORD_CHARS = 8
TITLE_CANDIDATES = 20
HAN_CHAR = re.compile(f"[{HAN}]")
WORD_FIELDS = ("title", "body")


def write_pinyin_words(reader, path: Path) -> None:
    """Write ``pinyin<TAB>word<TAB>count`` for every indexed Chinese word worth suggesting."""
    counts: dict[str, int] = {}
    for fieldname in WORD_FIELDS:
        for term, info in reader.iter_field(fieldname):
            word = term.decode("utf-8") if isinstance(term, bytes) else term
            if 2 <= len(word) <= MAX_WORD_CHARS and HAN_RUN.fullmatch(word):
                counts[word] = counts.get(word, 0) + int(info.weight())
    lines = [f"{to_pinyin(word)}\t{word}\t{count}" for word, count in sorted(counts.items())
             if count >= MIN_WORD_COUNT]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


class PinyinWords:
    """The build's pinyin → [(word, times indexed)] table, most frequent first."""

    def __init__(self, path: Path):
        self.words: dict[str, list[tuple[str, int]]] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                key, word, count = line.split("\t")
                self.words.setdefault(key, []).append((word, int(count)))
        for entries in self.words.values():
            entries.sort(key=lambda entry: -entry[1])

    def get(self, key: str) -> list[tuple[str, int]]:
        """Words spelled ``key``, most frequent first."""
        return self.words.get(key, [])


def correct_term(term: str, searcher, words: PinyinWords) -> str | None:
    """The best same-pinyin title part or frequent word for a Chinese ``term``, or ``None``."""
    typed = "".join(fold(term).split())  # not Traditional→Simplified, which misreads 乾 as 干
    if len(typed) < 2 or not HAN_CHAR.search(typed):
        return None
    key = to_pinyin(typed)
    candidates: dict[str, tuple] = {}
    titles = searcher.search(BoundedPrefix("title_pinyin", key), limit=TITLE_CANDIDATES)
    for hit in titles:
        part = matched_text(hit["title"], key)
        if part and to_pinyin(part) == key:
            whole = "".join(fold(hit["title"]).split()) == part
            candidates.setdefault(part, (0 if whole else 1, 0))
    for word, count in words.get(key):
        candidates.setdefault(word, (2, -count))
    ranked = sorted((_changed(typed, text), *rank, text) for text, rank in candidates.items()
                    if len(text) == len(typed) and exact_key(text) != exact_key(typed))
    return ranked[0][-1] if ranked else None


def _changed(original: str, candidate: str) -> int:
    """How many characters differ between two equally long strings."""
    return sum(a != b for a, b in zip(original, candidate, strict=True))


def correct_query(query: str, terms: list[str], finds: Callable[[str], bool], searcher,
                  words: PinyinWords) -> str | None:
    """``query`` with each Chinese term that finds nothing replaced by its correction, or None."""
    corrected = query
    for term in terms:
        if not HAN_CHAR.search(term) or finds(term):
            continue
        better = correct_term(term, searcher, words)
        if better:
            corrected = corrected.replace(term, better, 1)
    return corrected if corrected != query else None

