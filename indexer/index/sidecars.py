"""The files a generation keeps beside its Whoosh index, written by both build and update:

- ``dictionary.txt``: the segmenter's extra words (user dictionary, entity titles), one a line;
- ``synonyms.txt`` and ``abbreviations.txt``: the word lists the generation was built with;
- ``pinyin-words.tsv``: ``pinyin<TAB>fuzzy pinyin<TAB>word<TAB>count``, the candidates of the
  homophone correction (:mod:`indexer.search.correct`).

Files are replaced, never rewritten in place: an update's generation shares its files with
the live one (hard links) until it changes them.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..analysis.normalize import HAN_RANGES, HAN_RUN, exact_key
from ..analysis.pinyin import fuzzy_syllable, syllables
from ..analysis.segment import read_userdict
from ..whoosh_ext import access

DICTIONARY = "dictionary.txt"
SYNONYMS = "synonyms.txt"
ABBREVIATIONS = "abbreviations.txt"
PINYIN_WORDS = "pinyin-words.tsv"
MIN_WORD_COUNT = 2  # a word seen once is as likely a typo as the query
MAX_WORD_CHARS = 8
WORD_FIELDS = ("title", "body")  # titles first: see write_pinyin_words
FIRST_HAN = chr(HAN_RANGES[0][0])  # terms are in code point order: Chinese words from here on


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to a new file and move it over ``path``."""
    staging = path.with_name(f"{path.name}.new")
    staging.write_text(text, encoding="utf-8")
    os.replace(staging, path)


def write_dictionary(generation: Path, words: Iterable[str]) -> None:
    """Save the generation's dictionary words (one per line)."""
    _replace(generation / DICTIONARY, "".join(f"{w}\n" for w in words))


def read_dictionary(generation: Path) -> list[str]:
    """The generation's dictionary words (none for a generation without the file)."""
    path = generation / DICTIONARY
    return read_userdict(path) if path.exists() else []


def copy_word_lists(generation: Path, synonyms: Path, abbreviations: Path) -> None:
    """Keep the synonym and abbreviation files the generation is built with."""
    shutil.copyfile(synonyms, generation / SYNONYMS)
    shutil.copyfile(abbreviations, generation / ABBREVIATIONS)


def read_word_lines(generation: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The lines of the generation's synonyms and abbreviations (none for a missing file)."""
    def lines(name: str) -> tuple[str, ...]:
        path = generation / name
        return tuple(path.read_text(encoding="utf-8").splitlines()) if path.exists() else ()

    return lines(SYNONYMS), lines(ABBREVIATIONS)


def write_pinyin_words(reader, generation: Path, dictionary: Iterable[str] = ()) -> None:
    """Write the correction's candidates (:func:`pinyin_entries`) of the index of ``reader``."""
    weights = {fieldname: _word_weights(reader, fieldname) for fieldname in WORD_FIELDS}
    lines = ["\t".join(map(str, entry)) for entry in pinyin_entries(weights, dictionary)]
    _replace(generation / PINYIN_WORDS, "\n".join(lines) + "\n")


def pinyin_entries(weights: Mapping[str, Mapping[str, int]],
                   dictionary: Iterable[str] = ()) -> list[tuple[str, str, str, int]]:
    """The correction's candidates, (pinyin, fuzzy pinyin, word, count) in word order, from
    ``weights`` (field → Chinese word → times indexed, see :func:`is_candidate`): every word of
    a title or of the ``dictionary``, and every one indexed at least ``MIN_WORD_COUNT`` times.

    Titles come first, so that a body word seen too rarely, and in no title, is never held:
    on a large collection those are most of the words."""
    counts: dict[str, int] = {exact_key(word): MIN_WORD_COUNT for word in dictionary}
    for fieldname in WORD_FIELDS:
        for word, weight in weights.get(fieldname, {}).items():
            if fieldname == "title":
                weight = max(weight, MIN_WORD_COUNT)
            elif weight < MIN_WORD_COUNT and word not in counts:
                continue
            counts[word] = counts.get(word, 0) + weight
    entries = []
    for word, count in sorted(counts.items()):
        if count >= MIN_WORD_COUNT:
            parts = syllables(word)
            entries.append(("".join(parts), "".join(map(fuzzy_syllable, parts)), word, count))
    return entries


def is_candidate(word: str) -> bool:
    """Whether an indexed word may be a correction: Chinese, of 2 to ``MAX_WORD_CHARS`` characters."""
    return 2 <= len(word) <= MAX_WORD_CHARS and HAN_RUN.fullmatch(word) is not None


def _word_weights(reader, fieldname: str) -> dict[str, int]:
    """Each candidate word (:func:`is_candidate`) indexed in ``fieldname``, and how many times,
    summed over the segments: each segment's term table is read in order
    (:meth:`~..whoosh_ext.codec.TermCachingReader.field_entries`), where a reader of several
    segments looks every term up in each of them, from the first Han character on (the Latin
    words before it are many and never Chinese)."""
    weights: dict[str, int] = {}
    for leaf, _ in reader.leaf_readers():
        terms, infos = access.term_table(leaf).field_entries(fieldname, FIRST_HAN.encode("utf-8"))
        for term, weight in zip(terms, infos["weight"].tolist(), strict=True):
            word = term.decode("utf-8")
            if is_candidate(word):
                weights[word] = weights.get(word, 0) + int(weight)
    return weights


class PinyinWords:
    """A generation's (fuzzy) pinyin → [(word, times indexed)] tables, most frequent first,
    read when a correction first asks for them, not when the generation opens (0.8 s on
    100,000 poems: a server answers its first searches without waiting for them). A file
    that is gone by then (its generation replaced and removed) gives empty tables: no
    correction, never an error."""

    def __init__(self, generation: Path):
        self.path = generation / PINYIN_WORDS

    @property
    def exact(self) -> dict[str, list[tuple[str, int]]]:
        return self._tables[0]

    @property
    def fuzzy(self) -> dict[str, list[tuple[str, int]]]:
        return self._tables[1]

    @functools.cached_property
    def _tables(self) -> tuple[dict[str, list[tuple[str, int]]], dict[str, list[tuple[str, int]]]]:
        exact: dict[str, list[tuple[str, int]]] = {}
        fuzzy: dict[str, list[tuple[str, int]]] = {}
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            lines = []
        for line in lines:
            key, fuzzy_key, word, count = line.split("\t")
            exact.setdefault(key, []).append((word, int(count)))
            fuzzy.setdefault(fuzzy_key, []).append((word, int(count)))
        for table in (exact, fuzzy):
            for entries in table.values():
                entries.sort(key=lambda entry: -entry[1])
        return exact, fuzzy
