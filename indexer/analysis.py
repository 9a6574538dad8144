"""The Chinese analysis chains, written as Whoosh tokenizers and filters.

Both chains normalise first (NFKC, lower case, Traditional→Simplified, variant characters)
and keep character offsets into the *original* text, so highlights land where the user sees
them. Index and query time use the same chains; ``mode="query"`` only drops the extra
tokens that exist for recall (search-mode sub-words, unigrams beside bigrams).

>>> add_words(["华宇软件"])
>>> [t.text for t in word_analyzer()("華宇軟件的ＯＡ系統")]
['软件', '华宇软件', '的', 'oa', '系统']
>>> [t.text for t in char_analyzer()("智慧城巿 NCS4450")]
['智', '智慧', '慧', '慧城', '城', '城市', '市', 'ncs4450']
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

import opencc
import rjieba
from whoosh.analysis import Token, Tokenizer

# Variants NFKC and OpenCC t2s leave alone but readers treat as the same character.
VARIANTS = {"巿": "市", "冇": "没", "峯": "峰", "羣": "群", "衆": "众", "綫": "线"}
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
CJK_OR_WORD = re.compile(rf"([{HAN}\u3040-\u30ff\uac00-\ud7af]+)|([^\W_{HAN}]+)")

HAN_RUN = re.compile(f"[{HAN}]+")  # only all-Han words join the dictionary; Latin splits itself

_t2s = opencc.OpenCC("t2s")
_dictionary_lock = threading.Lock()
_added_words: set[str] = set()


def normalize(text: str) -> tuple[str, list[int] | None]:
    """Normalise ``text``; return it with a map from each character back to its original offset.

    The map is ``None`` when the normalised text lines up one-to-one with the original.

    >>> normalize("ＱｉｎｇＣｌｏｕｄ 華宇")
    ('qingcloud 华宇', None)
    >>> normalize("㈱ﬁ")
    ('(株)fi', [0, 0, 0, 1, 1])
    """
    fast = _fold_variants(_t2s.convert(unicodedata.normalize("NFKC", text).lower()))
    if len(fast) == len(text):
        return fast, None
    chars: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        folded = unicodedata.normalize("NFKC", char).lower()
        chars.extend(folded)
        offsets.extend([index] * len(folded))
    converted = _t2s.convert("".join(chars))
    if len(converted) != len(chars):  # a phrase conversion changed length: convert per char
        converted = "".join(_t2s.convert(char) for char in chars)
    return _fold_variants(converted), offsets


def _fold_variants(text: str) -> str:
    """Replace :data:`VARIANTS` (one C-speed pass per variant; ``str.translate`` with a dict
    costs a Python lookup per character)."""
    for variant, standard in VARIANTS.items():
        if variant in text:
            text = text.replace(variant, standard)
    return text


def normalize_text(text: str) -> str:
    """Just the normalised text (for queries, titles and lookups)."""
    return normalize(text)[0]


def add_words(words: Iterable[str]) -> None:
    """Teach the segmenter whole Chinese words (vendor names, the user dictionary), once each."""
    with _dictionary_lock:
        for word in words:
            word = normalize_text(word.strip())
            if len(word) > 1 and HAN_RUN.fullmatch(word) and word not in _added_words:
                rjieba.add_word(word, max(rjieba.suggest_freq(word), 10), None)
                _added_words.add(word)


def read_userdict(path: Path) -> list[str]:
    """Words of a jieba-style user dictionary (``word [freq] [tag]`` per line, ``#`` comments)."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split()[0] for line in lines if line.strip() and not line.startswith("#")]


def _original_span(offsets: list[int] | None, start: int, end: int, size: int) -> tuple[int, int]:
    """Map a [start, end) span of normalised text back to the original text."""
    if offsets is None:
        return start, end
    return offsets[start], (offsets[end] if end < len(offsets) else size)


class ChineseTokenizer(Tokenizer):
    """Base: normalise, split into tokens with offsets, then set Whoosh's token attributes."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def spans(self, text: str, query: bool) -> Iterator[tuple[str, int, int, int]]:
        """Yield (token text, position, start, end) over normalised ``text``."""
        raise NotImplementedError

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost, token.stopped = 1.0, False  # no filter changes them: set once
        text, offsets = normalize(value)
        size = len(value)
        for word, position, start, end in self.spans(text, mode == "query"):
            token.text = word
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = start_pos + position
            if chars:
                if offsets is not None:
                    start, end = _original_span(offsets, start, end, size)
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


class JiebaTokenizer(ChineseTokenizer):
    """jieba (jieba-rs) words; at index time also the dictionary sub-words of long words.

    A sub-word shares the position of its word, so positions count words one by one and
    phrase queries over words work. The tokenizer carries its extra dictionary ``words``
    and teaches them to the process-wide segmenter whenever it is created or unpickled,
    so an index's schema brings its dictionary into every process that opens it,
    including Whoosh's indexing sub-processes.
    """

    def __init__(self, words: Iterable[str] = ()):
        self.words = sorted(set(words))
        add_words(self.words)

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        add_words(state.get("words", ()))

    def spans(self, text: str, query: bool) -> Iterator[tuple[str, int, int, int]]:
        position = -1
        start = 0
        subwords = not query
        for word in rjieba.cut(text):
            end = start + len(word)
            if not word.isspace() and (word.isalnum() or any(ch.isalnum() for ch in word)):
                position += 1
                if subwords and len(word) > 2:
                    for sub, offset in _subwords(word):
                        yield sub, position, start + offset, start + offset + len(sub)
                yield word, position, start, end
            start = end


def dictionary_parts(word: str) -> list[str] | None:
    """The fewest dictionary words of two or more characters that spell ``word``, or None.

    >>> add_words(["智慧医疗"])
    >>> dictionary_parts("智慧医疗"), dictionary_parts("华雨软件")
    (['智慧', '医疗'], None)
    """
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(2, len(word) + 1):
        for start in range(end - 1):
            piece = word[start:end]
            if best[start] is not None and len(piece) < len(word) and rjieba.has_word(piece):
                if best[end] is None or len(best[start]) + 1 < len(best[end]):
                    best[end] = best[start] + [piece]
    return best[-1]


def _subwords(word: str) -> Iterator[tuple[str, int]]:
    """Dictionary bigrams and trigrams inside a long word, as jieba's search mode finds them."""
    for size in (2, 3):
        if len(word) > size:
            for offset in range(len(word) - size + 1):
                piece = word[offset:offset + size]
                if rjieba.has_word(piece):
                    yield piece, offset


class CJKNgramTokenizer(ChineseTokenizer):
    """CJK unigrams and bigrams (bigrams only at query time); Latin and digit runs whole."""

    def spans(self, text: str, query: bool) -> Iterator[tuple[str, int, int, int]]:
        position = 0
        for match in CJK_OR_WORD.finditer(text):
            start = match.start()
            if match.group(1) is None:
                yield match.group(2), position, start, match.end()
                position += 1
                continue
            run = match.group(1)
            last = len(run) - 1
            for index, char in enumerate(run):
                if not query or last == 0:
                    yield char, position + index, start + index, start + index + 1
                if index < last:
                    yield run[index:index + 2], position + index, start + index, start + index + 2
            position += len(run)


def word_analyzer(words: Iterable[str] = ()) -> Tokenizer:
    """Normalised jieba words with search-mode sub-words; ``words`` join the dictionary."""
    return JiebaTokenizer(words)


def char_analyzer() -> Tokenizer:
    """Normalised CJK unigrams and bigrams plus whole Latin/digit runs."""
    return CJKNgramTokenizer()


def exact_key(text: str) -> str:
    """The normalised text without white space: what an exact title match compares.

    >>> exact_key("青云 ＱｉｎｇＣｌｏｕｄ")
    '青云qingcloud'
    """
    return "".join(normalize_text(text).split())
