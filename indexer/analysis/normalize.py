"""Normalisation: NFKC, lower case, Traditional→Simplified, variant characters, with a map
back to the original offsets so that highlights land where the user sees them."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

import opencc

# Variants NFKC and OpenCC t2s leave alone but readers treat as the same character.
VARIANTS = {"巿": "市", "冇": "没", "峯": "峰", "羣": "群", "衆": "众", "綫": "线"}
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))
HAN = "".join(f"{chr(low)}-{chr(high)}" for low, high in HAN_RANGES)  # a character class's ranges
HAN_RUN = re.compile(f"[{HAN}]+")  # only all-Han words join the dictionary; Latin splits itself
REMEMBERED_CHARS = 256  # texts this short have their normal forms remembered (a query's cap)

_t2s = opencc.OpenCC("t2s")
# Each BMP character whose full compatibility decomposition is one other character (full-width
# punctuation and letters, compatibility ideographs, superscripts, …), and that character. Put
# in first, it leaves a text's NFKD, and so its NFKC, as they were; ``str.replace`` costs far
# less than NFKC's decompose-and-recompose of a whole text for its full-width commas.
SINGLE_FORMS = {char: form for char, form in ((chr(code), unicodedata.normalize("NFKD", chr(code)))
                                              for code in range(0x10000))
                if len(form) == 1 and form != char}
_SINGLE_FORM = re.compile("[" + "".join(map(re.escape, SINGLE_FORMS)) + "]")


def normalize(text: str) -> tuple[str, list[int] | None]:
    """Normalise ``text``; return it with a map from each character back to its original offset.

    The map is ``None`` when the normalised text lines up one-to-one with the original.

    >>> normalize("ＱｉｎｇＣｌｏｕｄ 華宇")
    ('qingcloud 华宇', None)
    >>> normalize("㈱ﬁ")
    ('(株)fi', [0, 0, 0, 1, 1])
    """
    fast = fold_variants(_t2s.convert(nfkc(text).lower()))
    if len(fast) == len(text):
        return fast, None
    pieces = list(map(_fold_char, text))  # each character on its own, so that offsets stay known
    offsets = [index for index, piece in enumerate(pieces) for _ in piece]
    chars = "".join(pieces)
    converted = _t2s.convert(chars)
    if len(converted) != len(chars):  # a phrase conversion changed length: convert per char
        converted = "".join(_t2s.convert(char) for char in chars)
    return fold_variants(converted), offsets


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, with :data:`SINGLE_FORMS` put in by C-speed
    replacement first: most of the cost for Chinese text, whose punctuation is full-width.

    >>> nfkc("（第１条），ﬁ")
    '(第1条),fi'
    """
    if unicodedata.is_normalized("NFKC", text):
        return text
    for char in set(_SINGLE_FORM.findall(text)):  # a form is never a key: order does not matter
        text = text.replace(char, SINGLE_FORMS[char])
    return unicodedata.normalize("NFKC", text)


@functools.lru_cache(maxsize=1 << 16)
def _fold_char(char: str) -> str:
    """One character in NFKC and lower case."""
    return unicodedata.normalize("NFKC", char).lower()


def fold_variants(text: str) -> str:
    """Replace :data:`VARIANTS` (one C-speed pass per variant; ``str.translate`` with a dict
    costs a Python lookup per character).

    >>> fold_variants("城巿")
    '城市'
    """
    for variant, standard in VARIANTS.items():
        if variant in text:
            text = text.replace(variant, standard)
    return text


def remembered_when_short(function: Callable[[str], str]) -> Callable[[str], str]:
    """``function`` with its results remembered for texts of at most :data:`REMEMBERED_CHARS`
    characters (queries, terms, titles): one search asks for the same few many times, and a
    long text, computed each time, never fills the cache."""
    cached = functools.lru_cache(maxsize=1 << 12)(function)

    @functools.wraps(function)
    def remembered(text: str) -> str:
        return cached(text) if len(text) <= REMEMBERED_CHARS else function(text)

    remembered.cache_info = cached.cache_info  # type: ignore[attr-defined]
    return remembered


@remembered_when_short
def normalize_text(text: str) -> str:
    """Just the normalised text (for queries, titles and lookups); remembered, because one
    search normalises its terms in several places (planning, synonyms, marks)."""
    return normalize(text)[0]


def original_span(offsets: list[int] | None, start: int, end: int, size: int) -> tuple[int, int]:
    """Map a [start, end) span of normalised text back to the original text of ``size`` chars."""
    if offsets is None:
        return start, end
    return offsets[start], (offsets[end] if end < len(offsets) else size)


@remembered_when_short
def exact_key(text: str) -> str:
    """The normalised text without white space: what an exact title match compares.

    >>> exact_key("青云 ＱｉｎｇＣｌｏｕｄ")
    '青云qingcloud'
    """
    return "".join(normalize_text(text).split())
