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

import re
from collections.abc import Iterable, Iterator

from whoosh.analysis import Token, Tokenizer

from .normalize import HAN, HAN_RUN, normalize, original_span
from .segment import Segmenter, segmenter_for

CJK_OR_WORD = re.compile(rf"([{HAN}\u3040-\u30ff\uac00-\ud7af]+)|([^\W_{HAN}]+)")
ALNUM = re.compile(r"[^\W_]")  # one character for which str.isalnum() is true


class ChineseTokenizer(Tokenizer):
    """Base: normalise, split into tokens with offsets, then set Whoosh's token attributes."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def spans(self, text: str, query: bool) -> Iterator[tuple[str, int, int, int]]:
        """Yield (token text, position, start, end) over normalised ``text``."""
        raise NotImplementedError

    def word_positions(self, value: str) -> Iterator[tuple[str, int]]:
        """(token text, position) of every index-time token of ``value``: what Whoosh's
        positions format takes from :meth:`__call__`, without a token object per token."""
        text, _ = normalize(value)
        for word, position, _, _ in self.spans(text, False):
            yield word, position

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
                if HAN_RUN.fullmatch(word):
                    for piece, piece_start, piece_end in pending:
                        yield piece, position, piece_start, piece_end
                yield word, position, start, end
                pending.clear()


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


def word_analyzer(words: Iterable[str] = ()) -> JiebaTokenizer:
    """Normalised jieba words with search-mode sub-words; ``words`` join the dictionary."""
    return JiebaTokenizer(words)


def char_analyzer() -> CJKNgramTokenizer:
    """Normalised CJK unigrams and bigrams plus whole Latin/digit runs."""
    return CJKNgramTokenizer()
