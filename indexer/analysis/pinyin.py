"""Pinyin of titles and pinyin queries: full syllables, initials, and prefixes of either.

A title is indexed as the pinyin of every syllable-aligned suffix, so a query may start at
any character of the title; the suffix that starts at the title's first character is also
indexed with a leading ``^``, so a match at the start can rank higher. The full spelling also
gets its whole first syllables marked with ``=``, so ``huayu`` prefers 华宇 (hua yu) to 华云
(hua yun). pypinyin's phrase data reads heteronyms in context (银行 hang, 重庆 chong).

>>> full, initials = title_pinyin("华宇软件")
>>> full
'^huayuruanjian huayuruanjian yuruanjian ruanjian jian =hua =huayu =huayuruan =huayuruanjian'
>>> initials
'^hyrj hyrj yrj rj j'
>>> pinyin_key("Hua yu"), pinyin_key("华宇"), pinyin_key("wang2su4"), pinyin_key("ncs4450")
('huayu', None, 'wangsu', None)
"""

from __future__ import annotations

import functools
import re
import unicodedata

from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

from .normalize import fold_variants, normalize_text

START = "^"
WHOLE = "="
MAX_CHARS = 48  # long titles: only the first characters get pinyin
MAX_PHRASE = max(map(len, PHRASES_DICT))
MIN_QUERY = 2  # a single letter is too ambiguous to search as pinyin
# letters, spaces and apostrophes from a letter on, a tone number right after a letter; each
# character can match one way only, so a failing match is linear (nested repeats backtracked
# exponentially: 24 letters and a full stop took 0.8 s)
LATIN_QUERY = re.compile(r"[a-z](?:[a-z]|(?<=[a-z])[1-5]|[' ])*")
ALNUM = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Full-width to ASCII, lower case and variant characters, but not Traditional→Simplified,
    which would misread some names (乾云 qian yun would become 干云 gan yun).

    >>> fold("乾云ＱＣ"), fold("城巿")
    ('乾云qc', '城市')
    """
    return fold_variants(unicodedata.normalize("NFKC", text).lower())


def syllable_spans(text: str, phrases: bool = True) -> list[tuple[str, int, int]]:
    """(syllable, start, end) over folded ``text``: Han characters one by one, Latin/digit runs whole.

    Words of pypinyin's phrase dictionary are read as phrases, longest first (the way its own
    ``lazy_pinyin`` segments, at a fraction of the cost); other characters (all of them when
    ``phrases`` is false) by their usual reading.

    >>> syllable_spans("重庆银行 QingCloud！")
    [('chong', 0, 1), ('qing', 1, 2), ('yin', 2, 3), ('hang', 3, 4), ('qingcloud', 5, 14)]
    """
    text = fold(text)[:MAX_CHARS]
    spans: list[tuple[str, int, int]] = []
    cursor, size = 0, len(text)
    while cursor < size:
        if ord(text[cursor]) not in PINYIN_DICT:
            latin = ALNUM.match(text, cursor)
            if latin:
                spans.append((latin.group(), cursor, latin.end()))
            cursor = latin.end() if latin else cursor + 1
            continue
        readings = (phrases and _phrase(text, cursor)) or [[PINYIN_DICT[ord(text[cursor])].split(",")[0]]]
        for offset, reading in enumerate(readings):
            spans.append((_toneless(reading[0]), cursor + offset, cursor + offset + 1))
        cursor += len(readings)
    return spans


def _phrase(text: str, start: int) -> list[list[str]] | None:
    """The readings of the longest dictionary phrase at ``start``, if any."""
    for end in range(min(len(text), start + MAX_PHRASE), start + 1, -1):
        readings = PHRASES_DICT.get(text[start:end])
        if readings and len(readings) == end - start:
            return readings
    return None


@functools.cache
def _toneless(marked: str) -> str:
    """lǜ → lv, háng → hang."""
    decomposed = unicodedata.normalize("NFD", marked).replace("u\u0308", "v")
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def syllables(text: str, phrases: bool = True) -> list[str]:
    """Toneless pinyin of each Han character of ``text``; Latin/digit runs whole."""
    return [syllable for syllable, _, _ in syllable_spans(text, phrases)]


def matched_text(title: str, key: str) -> str | None:
    """The (folded) part of ``title`` whose full pinyin or initials start with ``key``.

    >>> matched_text("華宇软件", "yuruan"), matched_text("华宇软件", "hyr"), matched_text("华宇", "x")
    ('宇软', '华宇软', None)
    """
    spans = syllable_spans(title)
    text = fold(title)
    for initials in (False, True):
        parts = [syllable[0] if initials else syllable for syllable, _, _ in spans]
        for first in range(len(parts)):
            spelled = ""
            for last in range(first, len(parts)):
                spelled += parts[last]
                if spelled.startswith(key) or not key.startswith(spelled):
                    break
            if spelled.startswith(key):
                return text[spans[first][1]:spans[last][2]]
    return None


def _suffixes(parts: list[str]) -> str:
    """The ``^``-marked whole, then every suffix, space-separated."""
    if not parts:
        return ""
    return " ".join([START + "".join(parts)] + ["".join(parts[i:]) for i in range(len(parts))])


def title_pinyin(title: str) -> tuple[str, str]:
    """The index tokens of a title's full pinyin, and of its initials (the first letter of
    each syllable), from one reading of it."""
    parts = syllables(title)
    whole = [WHOLE + "".join(parts[:end]) for end in range(1, len(parts) + 1)]
    return " ".join([_suffixes(parts), *whole]).strip(), _suffixes([syllable[0] for syllable in parts])


def pinyin_key(query: str) -> str | None:
    """The query as one pinyin string if it is Latin letters (and tone numbers) only, else None;
    spaces, apostrophes and tone numbers are dropped."""
    text = normalize_text(query).strip()
    if not LATIN_QUERY.fullmatch(text):
        return None
    key = re.sub(r"[1-5' ]", "", text)
    return key if len(key) >= MIN_QUERY else None


def fuzzy_syllable(syllable: str) -> str:
    """The syllable as the common input-method fuzzy sets hear it: zh=z, ch=c, sh=s, n=l,
    ang=an, eng=en, ing=in.

    >>> [fuzzy_syllable(s) for s in ["zhang", "nong", "ling", "shi", "ng"]]
    ['zan', 'long', 'lin', 'si', 'ng']
    """
    if syllable[:2] in ("zh", "ch", "sh"):
        syllable = syllable[0] + syllable[2:]
    elif syllable[:1] == "n" and len(syllable) > 1 and syllable != "ng":
        syllable = "l" + syllable[1:]
    if syllable.endswith("ng") and not syllable.endswith("ong") and len(syllable) > 2:
        syllable = syllable[:-1]
    return syllable


def fuzzy_pinyin(text: str) -> str:
    """The whole text's pinyin with every syllable fuzzy (for near-homophone lookups).

    >>> fuzzy_pinyin("神州数码") == fuzzy_pinyin("森州数码")
    True
    """
    return "".join(fuzzy_syllable(syllable) for syllable in syllables(text))


def to_pinyin(text: str, phrases: bool = True) -> str:
    """The whole text's toneless pinyin as one string (for homophone lookups); without
    ``phrases``, each character by its usual reading.

    >>> to_pinyin("华雨软件") == to_pinyin("华宇软件"), to_pinyin("转行"), to_pinyin("转行", phrases=False)
    (True, 'zhuanhang', 'zhuanxing')
    """
    return "".join(syllables(text, phrases))
