"""Segmentation with jieba's algorithm and dictionary, through jieba-rs (``rjieba``, the default,
for speed) or the pure-Python ``jieba`` (``$EGOV_SEGMENTER=jieba``).

Each index generation has its own dictionary words (the user dictionary, vendor names), so a
:class:`Segmenter` is one engine instance with those words; the few most recently used are
kept (:func:`segmenter_for`), so the words of old generations do not pile up in a process.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable

import numpy as np

from .. import config
from .normalize import HAN_RUN, normalize_text

KEPT_SEGMENTERS = 3  # a build, the live generation and the one it replaced


class Segmenter:
    """jieba over normalised text, with extra dictionary ``words``."""

    def __init__(self, words: Iterable[str] = (), engine: str | None = None):
        self.engine = config.segmenter(engine)
        if self.engine == "jieba":
            import jieba

            jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not our output
            self._jieba = jieba.Tokenizer()
            self._jieba.initialize()
        else:
            import rjieba

            self._jieba = rjieba.Jieba()
        self.words = self._add(words)

    def _add(self, words: Iterable[str]) -> frozenset[str]:
        """Teach the engine whole Chinese words (vendor names, the user dictionary)."""
        added = set()
        for word in words:
            word = normalize_text(word.strip())
            if len(word) > 1 and HAN_RUN.fullmatch(word) and word not in added:
                self._jieba.add_word(word, max(self._suggest(word), 10), None)
                added.add(word)
        return frozenset(added)

    def _suggest(self, word: str) -> int:
        if self.engine == "jieba":
            return self._jieba.suggest_freq(word, tune=False)
        return self._jieba.suggest_freq(word)

    def has_word(self, word: str) -> bool:
        """Whether ``word`` is a dictionary word."""
        if self.engine == "jieba":
            return self._jieba.FREQ.get(word, 0) > 0
        return self._jieba.has_word(word)

    def tokens(self, text: str, search: bool = False) -> list[tuple[str, int, int, bool]]:
        """(word, start, end, is a sub-word) with jieba's own offsets; with ``search``, jieba's
        search mode also gives the dictionary words inside long words, just before each."""
        if not search:
            return [(word, start, end, False) for word, start, end in self._jieba.tokenize(text)]
        return list(zip(*self.search_columns(text), strict=True))

    def dictionary_words(self, text: str) -> list[str]:
        """``text`` cut into dictionary words and single characters only: no word guessed by
        jieba's HMM, which in a question glues a content word to a particle (建了, 税能).

        >>> segmenter_for().dictionary_words("环保税能少交多少")
        ['环保', '税', '能', '少交', '多少']
        """
        if self.engine == "jieba":
            return list(self._jieba.cut(text, HMM=False))
        return self._jieba.cut(text, hmm=False)

    def search_columns(self, text: str) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...],
                                                 list[bool]]:
        """jieba's search-mode tokens of ``text`` as columns: words, starts, ends, and whether
        each is a sub-word, from one cut.

        Search mode is the default cut with each word's sub-words just before it, inside its
        span, and the default cut's words tile the text. So a word starts before every token
        after it, and a sub-word does not (its word comes later and starts no later):
        ``tests/analysis/test_segment.py`` checks this against jieba's two cuts.
        """
        found = self.search_tokens(text)
        if not found:
            return (), (), (), []
        words, starts, ends = zip(*found, strict=True)
        first = np.asarray(starts)
        later = np.minimum.accumulate(first[::-1])[::-1]  # the smallest start from each token on
        sub = np.zeros(len(first), dtype=bool)
        sub[:-1] = first[:-1] >= later[1:]
        return words, starts, ends, sub.tolist()

    def search_tokens(self, text: str) -> list[tuple[str, int, int]]:
        """jieba's search-mode tokens of ``text``: (word, start, end)."""
        return list(self._jieba.tokenize(text, mode="search"))

    def dictionary_parts(self, word: str) -> list[str] | None:
        """The fewest dictionary words of two or more characters that spell ``word``, or None.

        >>> segmenter_for(frozenset(["智慧医疗"])).dictionary_parts("智慧医疗")
        ['智慧', '医疗']
        """
        best: list[list[str] | None] = [[]] + [None] * len(word)
        for end in range(2, len(word) + 1):
            for start in range(end - 1):
                piece = word[start:end]
                if best[start] is not None and len(piece) < len(word) and self.has_word(piece):
                    if best[end] is None or len(best[start]) + 1 < len(best[end]):
                        best[end] = best[start] + [piece]
        return best[-1]


@functools.lru_cache(maxsize=KEPT_SEGMENTERS)
def _segmenter(words: frozenset[str], engine: str) -> Segmenter:
    return Segmenter(words, engine)


def segmenter_for(words: Iterable[str] = (), engine: str | None = None) -> Segmenter:
    """The shared segmenter for these dictionary words (one of the few most recently used)."""
    return _segmenter(frozenset(words), config.segmenter(engine))


def read_userdict(path) -> list[str]:
    """Words of a jieba-style user dictionary (``word [freq] [tag]`` per line, ``#`` comments)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split()[0] for line in lines if line.strip() and not line.startswith("#")]
