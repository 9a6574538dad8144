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

from whoosh.analysis import Token, Tokenizer

from .normalize import HAN, HAN_RUN, normalize, original_span
from .segment import Segmenter, segmenter_for

CJK_OR_WORD = re.compile(rf"([{HAN}\u3040-\u30ff\uac00-\ud7af]+)|([^\W_{HAN}]+)")
ALNUM = re.compile(r"[^\W_]")  # one character for which str.isalnum() is true


@functools.lru_cache(maxsize=4)
def index_text(value: str) -> str:
    """``value`` normalised, remembered for the next field: each text is indexed as words and
    as characters, one after the other."""
    return normalize(value)[0]


class ChineseTokenizer(Tokenizer):
    """Base: normalise, split into tokens with offsets, then set Whoosh's token attributes."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def spans(self, text: str, query: bool) -> Iterator[tuple[str, int, int, int]]:
        """Yield (token text, position, start, end) over normalised ``text``."""
        raise NotImplementedError

    def index_tokens(self, value: str) -> tuple[list[str], list[int]]:
        """The texts and positions of every index-time token of ``value``, in order: what
        Whoosh's positions format takes from :meth:`__call__`, without a token object each."""
        words, positions = [], []
        for word, position, _, _ in self.spans(index_text(value), False):
            words.append(word)
            positions.append(position)
        return words, positions

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


class CJKNgramTokenizer(ChineseTokenizer):
    """CJK unigrams and bigrams (bigrams only at query time); Latin and digit runs whole.

    Each run of CJK characters becomes its n-grams in a few list operations, not a Python
    step per character.
    """

    def spans(self, text: str, query: bool) -> Iterator[tuple[str, int, int, int]]:
        return zip(*self.columns(text, query, offsets=True), strict=True)

    def index_tokens(self, value: str) -> tuple[list[str], list[int]]:
        words, positions, _, _ = self.columns(index_text(value), False, offsets=False)
        return words, positions

    @staticmethod
    def columns(text: str, query: bool, offsets: bool) -> tuple[list[str], list[int], list[int], list[int]]:
        """The tokens of normalised ``text`` as four lists: texts, positions, starts, ends
        (both empty without ``offsets``).

        >>> CJKNgramTokenizer.columns("云a城市", False, offsets=True)
        (['云', 'a', '城', '城市', '市'], [0, 1, 2, 2, 3], [0, 1, 2, 2, 3], [1, 2, 3, 4, 4])
        """
        words: list[str] = []
        positions: list[int] = []
        starts: list[int] = []
        ends: list[int] = []
        position = 0
        for match in CJK_OR_WORD.finditer(text):
            start, end = match.span()
            run = match.group(1)
            size = end - start
            if run is None or size == 1:  # a Latin or digit run, or a lone CJK character
                words.append(match.group())
                positions.append(position)
                if offsets:
                    starts.append(start)
                    ends.append(end)
                position += 1
                continue
            bigrams = list(map(operator.add, run[:-1], run[1:]))
            if query:
                words += bigrams
                positions += range(position, position + size - 1)
                if offsets:
                    starts += range(start, end - 1)
                    ends += range(start + 2, end + 1)
            else:  # each character, then the bigram it starts
                words += _interleave(run, bigrams)
                positions += _interleave(range(position, position + size),
                                         range(position, position + size - 1))
                if offsets:
                    starts += _interleave(range(start, end), range(start, end - 1))
                    ends += _interleave(range(start + 1, end + 1), range(start + 2, end + 1))
            position += size
        return words, positions, starts, ends


def _interleave(firsts, seconds) -> list:
    """``firsts[0], seconds[0], firsts[1], …``, with one more first than seconds."""
    both = [None] * (len(firsts) + len(seconds))
    both[0::2], both[1::2] = firsts, seconds
    return both


def word_analyzer(words: Iterable[str] = ()) -> JiebaTokenizer:
    """Normalised jieba words with search-mode sub-words; ``words`` join the dictionary."""
    return JiebaTokenizer(words)


def char_analyzer() -> CJKNgramTokenizer:
    """Normalised CJK unigrams and bigrams plus whole Latin/digit runs."""
    return CJKNgramTokenizer()
