"""The Chinese analysis chains, written as Whoosh tokenizers.

Both normalise first (:mod:`.normalize`) and keep character offsets into the *original* text.
Index and query time use the same chains; ``mode="query"`` only drops the extra tokens that
exist for recall (search-mode sub-words, unigrams beside bigrams).

>>> words = word_analyzer(["华宇软件"])
>>> [t.text for t in words("華宇軟件的ＯＡ系統")]
['软件', '华宇软件', '的', 'oa', '系统']
>>> [t.text for t in char_analyzer()("智慧城巿 NCS4450")]
['智', '智慧', '慧', '慧城', '城', '城市', '市', 'ncs4450']
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterable, Iterator

import numpy as np
from whoosh.analysis import Token, Tokenizer

from .batches import CJK, CJK_OR_WORD, TokenBatch, jieba_tokens, ngram_tokens
from .normalize import HAN_RUN, normalize, original_span
from .segment import Segmenter, segmenter_for

ALNUM = re.compile(r"[^\W_]")  # one character for which str.isalnum() is true


@functools.lru_cache(maxsize=2)
def index_texts(values: tuple[str, ...]) -> list[str]:
    """``values`` normalised, remembered for the next field: each text is indexed as words and
    as characters, a batch of documents' texts after the other."""
    return [normalize(value)[0] for value in values]


class ChineseTokenizer(Tokenizer):
    """Base: normalise, split into tokens with offsets, then set Whoosh's token attributes."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def spans(self, text: str, query: bool) -> Iterator[tuple[str, int, int, int]]:
        """Yield (token text, position, start, end) over normalised ``text``."""
        raise NotImplementedError

    def index_batch(self, values: list[str]) -> TokenBatch:
        """The index-time tokens of each of ``values`` (:mod:`.batches`): what Whoosh's
        positions format takes from :meth:`__call__`, without a token object each."""
        raise NotImplementedError

    def index_tokens(self, value: str) -> tuple[list[str], list[int]]:
        """The texts and positions of every index-time token of ``value``, in order."""
        batch = self.index_batch([value])
        return batch.words(), batch.positions.tolist()

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
                    start, end = original_span(offsets, start, end, size)
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


class JiebaTokenizer(ChineseTokenizer):
    """jieba words; at index time also the dictionary sub-words of long Chinese words, as
    jieba's search mode finds them.

    A sub-word shares the position of its word, so positions count words one by one and
    phrase queries over words work. Latin and mixed tokens (``auth-username``) keep no
    sub-words: the character field already holds their letter runs one by one.

    The tokenizer carries its generation's extra dictionary ``words``; an index's pickled
    schema brings them into every process that opens it, including Whoosh's indexing
    sub-processes.
    """

    def __init__(self, words: Iterable[str] = ()):
        self.words = sorted(set(words))
        self._segmenter: Segmenter | None = None

    def __getstate__(self) -> dict:
        return {"words": self.words}

    def __setstate__(self, state: dict) -> None:
        self.words = state.get("words", [])
        self._segmenter = None

    @property
    def segmenter(self) -> Segmenter:
        """The segmenter with this tokenizer's dictionary words."""
        if self._segmenter is None:
            self._segmenter = segmenter_for(self.words)
        return self._segmenter

    def spans(self, text: str, query: bool) -> Iterator[tuple[str, int, int, int]]:
        position = -1
        pending: list[tuple[str, int, int]] = []  # sub-words come just before their word
        for word, start, end, sub in self.segmenter.tokens(text, search=not query):
            if sub:
                pending.append((word, start, end))
            elif ALNUM.search(word):  # neither blank nor punctuation only
                position += 1
                if pending and HAN_RUN.fullmatch(word):
                    for piece, piece_start, piece_end in pending:
                        yield piece, position, piece_start, piece_end
                yield word, position, start, end
                pending.clear()

    def index_batch(self, values: list[str]) -> TokenBatch:
        return jieba_tokens(self.segmenter, index_texts(tuple(values)))


CJK_TEXT = re.compile(f"[{CJK}]+")  # a text that is one CJK run


class CJKNgramTokenizer(ChineseTokenizer):
    """CJK unigrams and bigrams (bigrams only at query time); Latin and digit runs whole.

    A text's tokens come from array operations over its *units* (each CJK character, and
    each Latin or digit run whole), not from a Python step per character.
    """

    def spans(self, text: str, query: bool) -> Iterator[tuple[str, int, int, int]]:
        return zip(*self.columns(text, query), strict=True)

    def index_batch(self, values: list[str]) -> TokenBatch:
        return ngram_tokens(index_texts(tuple(values)))

    @staticmethod
    def columns(text: str, query: bool) -> tuple[list[str], list[int], list[int], list[int]]:
        """The tokens of normalised ``text`` as four lists: texts, positions, starts, ends.

        Unit ``i`` is at position ``i``; its tokens are the unit itself (at query time only
        when its run is one unit long) and, when the next unit is in the same CJK run, the
        bigram of the two.

        >>> CJKNgramTokenizer.columns("云a城市", False)
        (['云', 'a', '城', '城市', '市'], [0, 1, 2, 2, 3], [0, 1, 2, 2, 3], [1, 2, 3, 4, 4])
        >>> CJKNgramTokenizer.columns("数字政府", True)
        (['数字', '字政', '政府'], [0, 1, 2], [0, 1, 2], [2, 3, 4])
        """
        if query and CJK_TEXT.fullmatch(text):  # most queries: one CJK run, its bigrams (or its one unit)
            if len(text) == 1:
                return [text], [0], [0], [1]
            count = len(text) - 1
            bigrams = list(map(operator.add, text[:-1], text[1:]))
            return bigrams, list(range(count)), list(range(count)), list(range(2, count + 2))
        parts = CJK_OR_WORD.split(text)  # text between matches, CJK run or None, Latin run or None, …
        runs, latins = parts[1::3], parts[2::3]
        if not runs:
            return [], [], [], []
        units: list[str] = []
        for run, latin in zip(runs, latins, strict=True):
            units += run or (latin,)
        # a CJK run's length, or minus a Latin run's: a Latin run is one unit
        lengths = np.array([len(run) if run else -len(latin)
                            for run, latin in zip(runs, latins, strict=True)])
        sizes = np.maximum(lengths, 1)
        last = np.cumsum(sizes) - 1  # each match's last unit
        run_end = np.zeros(len(units), dtype=bool)
        run_end[last] = True
        keep = np.ones(2 * len(units) - 1, dtype=bool)  # unit 0, bigram 0, unit 1, …
        if query:
            keep[0::2] = np.repeat(sizes == 1, sizes)
        keep[1::2] = ~run_end[:-1]
        both: list[str] = [""] * len(keep)
        both[0::2], both[1::2] = units, list(map(operator.add, units[:-1], units[1:]))
        kept = np.flatnonzero(keep)
        unit = kept >> 1
        words, positions = list(map(both.__getitem__, kept.tolist())), unit.tolist()
        between = np.fromiter(map(len, parts[0::3]), dtype=np.intp, count=len(runs) + 1)[:-1]
        match_length = np.abs(lengths)
        match_start = np.cumsum(between) + np.concatenate(([0], np.cumsum(match_length)[:-1]))
        match_of = np.repeat(np.arange(len(runs)), sizes)
        unit_start = match_start[match_of] + np.arange(len(units)) - (last - sizes + 1)[match_of]
        unit_end = unit_start + np.where(lengths < 0, match_length, 1)[match_of]
        starts = unit_start[unit]
        ends = np.where(kept & 1, starts + 2, unit_end[unit])
        return words, positions, starts.tolist(), ends.tolist()


def word_analyzer(words: Iterable[str] = ()) -> JiebaTokenizer:
    """Normalised jieba words with search-mode sub-words; ``words`` join the dictionary."""
    return JiebaTokenizer(words)


def char_analyzer() -> CJKNgramTokenizer:
    """Normalised CJK unigrams and bigrams plus whole Latin/digit runs."""
    return CJKNgramTokenizer()
