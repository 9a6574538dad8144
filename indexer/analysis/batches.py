"""Index-time tokens of many texts at once, as arrays: what :mod:`.tokenizers` yields for
each text at index time, without a Python step per token where numpy can take it.

A token's text is a *code* when it is one to three characters long: their code points
plus one, packed 21 bits each from the top (an int64 that sorts as the text does, and
that the writer can number without a string); a longer token is :data:`LONG`, and its text
is kept. Texts come one after
another; positions count from 0 in each.

>>> batch = ngram_tokens(["云a城市", "数"])
>>> batch.words(), batch.positions.tolist(), batch.counts.tolist()
(['云', 'a', '城', '城市', '市', '数'], [0, 1, 2, 2, 3, 0], [5, 1])
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .normalize import HAN, HAN_RANGES

LONG = -1  # the code of a token of four characters or more
BITS = 21  # per character: a code point plus one is at most 0x110000
FIRST, SECOND, THIRD = 2 * BITS, BITS, 0
CHAR_MASK = (1 << BITS) - 1
CJK = rf"{HAN}\u3040-\u30ff\uac00-\ud7af"  # Han, kana, Hangul
CJK_RANGES = (*HAN_RANGES, (0x3040, 0x30FF), (0xAC00, 0xD7AF))
CJK_OR_WORD = re.compile(rf"([{CJK}]+)|([^\W_{HAN}]+)")  # a CJK run, or a Latin (or digit) run
MATCH = re.compile(rf"[{CJK}]+|[^\W_{HAN}]+")  # either, without the groups
BMP_ALNUM = np.array([chr(code).isalnum() for code in range(0x10000)], dtype=bool)  # [^\W_]


@dataclass
class TokenBatch:
    """The index-time tokens of a batch of texts, text after text: each token's code (or
    :data:`LONG`), the texts of the long ones in order, each token's position in its text, and
    how many tokens each text has."""

    codes: np.ndarray
    long_words: list[str]
    positions: np.ndarray
    counts: np.ndarray

    def words(self) -> list[str]:
        """Every token's text, in order."""
        _, index, texts = self.keys()
        return [texts[at] for at in index.tolist()]

    def keys(self) -> tuple[list, np.ndarray, list[str]]:
        """What the writer numbers: each distinct code, then each long token's text (repeats
        included); each token's index into them; and the text of each of them."""
        short = self.codes != LONG
        codes, inverse = np.unique(self.codes[short], return_inverse=True)
        index = np.empty(len(self.codes), dtype=np.int64)
        index[short] = inverse
        index[~short] = np.arange(len(codes), len(codes) + len(self.long_words))
        return codes.tolist() + self.long_words, index, decode(codes) + self.long_words


def decode(codes: np.ndarray) -> list[str]:
    """The text of each code (not :data:`LONG`).

    >>> decode(encode(np.array([0x4E91, 0x4E91, 0x61]), np.array([0, 0, 2]), np.array([2, 1, 1])))
    ['云云', '云', 'a']
    """
    slots = np.stack([codes >> shift & CHAR_MASK for shift in (FIRST, SECOND, THIRD)], axis=1)
    texts = np.where(slots > 0, slots - 1, 0).astype(np.uint32).view("U3").ravel().tolist()
    for at in np.flatnonzero((slots == 1).any(axis=1)).tolist():  # U+0000, which numpy drops at the end
        texts[at] = "".join(chr(slot - 1) for slot in slots[at].tolist() if slot)
    return texts


def encode(points: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The code of each token ``points[start:start + length]``, :data:`LONG` from four
    characters on."""
    codes = np.zeros(len(starts), dtype=np.int64)
    padded = np.concatenate((points.astype(np.int64) + 1, np.zeros(3, dtype=np.int64)))
    for offset, shift in enumerate((FIRST, SECOND, THIRD)):
        codes |= np.where(lengths > offset, padded[starts + offset], 0) << shift
    codes[lengths > 3] = LONG
    return codes


def code_points(text: str) -> np.ndarray:
    """Each character's code point."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def _in_ranges(points: np.ndarray, ranges) -> np.ndarray:
    found = np.zeros(len(points), dtype=bool)
    for low, high in ranges:
        found |= (points >= low) & (points <= high)
    return found


def is_han(points: np.ndarray) -> np.ndarray:
    """Whether each code point is in :data:`~.normalize.HAN`."""
    return _in_ranges(points, HAN_RANGES)


def is_cjk(points: np.ndarray) -> np.ndarray:
    """Whether each code point is in :data:`CJK`: the characters of a CJK run."""
    return _in_ranges(points, CJK_RANGES)


def is_alnum(points: np.ndarray) -> np.ndarray:
    """``str.isalnum`` of each code point: what ``[^\\W_]`` matches."""
    alnum = BMP_ALNUM[np.minimum(points, 0xFFFF)]
    for at in np.flatnonzero(points > 0xFFFF).tolist():
        alnum[at] = chr(points[at]).isalnum()
    return alnum


def _flattened(texts: list[str], split: Callable[[str], list]) -> tuple[list, list[int]]:
    """The items of every text's ``split``, one list in text order, and how many each text gave."""
    items: list = []
    per_text = []
    for text in texts:
        found = split(text)
        items += found
        per_text.append(len(found))
    return items, per_text


def _counts_in(mask: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How many of ``mask[start:end]`` are true, for each span."""
    running = np.concatenate(([0], np.cumsum(mask)))
    return running[ends] - running[starts]


def jieba_tokens(segmenter, texts: list[str]) -> TokenBatch:
    """The word field's tokens of normalised ``texts`` (:meth:`.JiebaTokenizer.spans` at
    index time): jieba's search-mode tokens; a word is a token that is not a sub-word and has
    a letter or digit, a sub-word takes the position of the next word of its text and is kept
    when that word is all Han."""
    found, per_text = _flattened(texts, segmenter.search_tokens)
    if not found:
        return _empty(len(texts))
    count = len(found)
    base = np.repeat(np.cumsum([0] + [len(text) for text in texts[:-1]]), per_text)
    starts = np.fromiter(map(operator.itemgetter(1), found), dtype=np.int64, count=count) + base
    ends = np.fromiter(map(operator.itemgetter(2), found), dtype=np.int64, count=count) + base
    text_of = np.repeat(np.arange(len(texts)), per_text)
    later = np.minimum.accumulate(starts[::-1])[::-1]  # the smallest start from each token on
    sub = np.zeros(count, dtype=bool)
    sub[:-1] = starts[:-1] >= later[1:]  # a text's tokens start after the text before it
    points = code_points("".join(texts))
    is_word = ~sub & (_counts_in(is_alnum(points), starts, ends) > 0)
    words_before = np.cumsum(is_word) - is_word
    text_first = np.cumsum(per_text) - per_text
    position = words_before - words_before[np.minimum(text_first, count - 1)][text_of]
    at = np.flatnonzero(is_word)
    keep = is_word.copy()
    pieces = np.flatnonzero(sub)
    word_of = np.searchsorted(at, pieces)
    owned = word_of < len(at)
    pieces, owner = pieces[owned], at[word_of[owned]]
    owned = text_of[owner] == text_of[pieces]  # a word of the piece's own text
    pieces, owner = pieces[owned], owner[owned]
    lengths = ends - starts
    all_han = _counts_in(is_han(points), starts, ends) == lengths
    keep[pieces[all_han[owner]]] = True
    kept = np.flatnonzero(keep)
    codes = encode(points, starts[kept], lengths[kept])
    long_words = [found[at][0] for at in kept[codes == LONG].tolist()]
    return TokenBatch(codes, long_words, position[kept], np.bincount(text_of[kept], minlength=len(texts)))


def ngram_tokens(texts: list[str]) -> TokenBatch:
    """The character field's tokens of normalised ``texts`` (:meth:`.CJKNgramTokenizer.columns`
    at index time): each unit (a CJK character, or a Latin or digit run whole) at its own
    position, and after each CJK character the bigram with the next one of its run."""
    matches, per_text = _flattened(texts, MATCH.findall)  # CJK runs and Latin runs, in order
    if not matches:
        return _empty(len(texts))
    points = code_points("".join(matches))
    match_length = np.fromiter(map(len, matches), dtype=np.int64, count=len(matches))
    match_start = np.cumsum(match_length) - match_length
    cjk_match = is_cjk(points[match_start])  # else the Latin alternative matched
    sizes = np.where(cjk_match, match_length, 1)  # a Latin run is one unit
    match_of = np.repeat(np.arange(len(matches)), sizes)
    first_unit = np.cumsum(sizes) - sizes
    unit_start = (match_start - first_unit)[match_of] + np.arange(len(match_of))
    cjk = cjk_match[match_of]
    unigrams = encode(points, unit_start, np.where(cjk, 1, match_length[match_of]))
    bigram = cjk.copy()
    bigram[first_unit + sizes - 1] = False  # a match's last unit
    pairs = encode(points, unit_start[bigram], np.full(int(bigram.sum()), 2))
    codes = np.zeros((len(match_of), 2), dtype=np.int64)  # unit 0, its bigram if any, unit 1, …
    codes[:, 0], codes[bigram, 1] = unigrams, pairs
    kept = np.flatnonzero(np.stack((np.ones(len(match_of), dtype=bool), bigram), axis=1).ravel())
    text_of_match = np.repeat(np.arange(len(texts)), per_text)
    text_units = np.bincount(text_of_match, weights=sizes, minlength=len(texts)).astype(np.int64)
    position = np.arange(len(match_of)) - np.repeat(np.cumsum(text_units) - text_units, text_units)
    unit = kept >> 1
    long_words = [matches[at] for at in np.flatnonzero(~cjk_match & (match_length > 3)).tolist()]
    return TokenBatch(codes.ravel()[kept], long_words, position[unit],
                      np.bincount(text_of_match[match_of[unit]], minlength=len(texts)))


def _empty(texts: int) -> TokenBatch:
    """No tokens in any of ``texts`` texts."""
    none = np.zeros(0, dtype=np.int64)
    return TokenBatch(none, [], none, np.zeros(texts, dtype=np.int64))
