"""A query node's matches on one segment as two arrays, and the set operations that combine
them: the currency of evaluation (:mod:`.logical` makes them, :mod:`.collect` ranks them)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COUNT_SHARE = 8  # summed counts per document from a 1/8 of the segment's documents on, else sorts


@dataclass(slots=True)  # not frozen: a frozen one takes 2.5 times as long to make, a search makes dozens
class Matches:
    """Ascending live document numbers of one segment (int32) and their scores (float64)."""

    docs: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return len(self.docs)

    def within(self, docs: np.ndarray) -> Matches:
        """The matches whose documents are in ``docs`` (ascending)."""
        found, _ = locate(docs, self.docs)
        return Matches(self.docs[found], self.scores[found])


EMPTY = Matches(np.zeros(0, dtype=np.int32), np.zeros(0))


def locate(haystack: np.ndarray, needles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(whether each of ``needles`` is in ascending ``haystack``, its index there where it is)."""
    if not len(haystack):
        return np.zeros(len(needles), dtype=bool), np.zeros(len(needles), dtype=np.intp)
    index = np.minimum(haystack.searchsorted(needles), len(haystack) - 1)  # the method, not its wrapper
    return haystack[index] == needles, index


def union(parts: list[Matches], size: int, minimum: int = 1) -> Matches:
    """Documents in at least ``minimum`` of ``parts`` (of a segment of ``size`` documents),
    with the sum of their scores there."""
    parts = [part for part in parts if len(part)]
    if len(parts) == 1 and minimum <= 1:
        return parts[0]
    if not parts:
        return EMPTY
    return summed(np.concatenate([p.docs for p in parts]), np.concatenate([p.scores for p in parts]), size,
                  minimum)


def summed(docs: np.ndarray, scores: np.ndarray, size: int, minimum: int = 1) -> Matches:
    """The documents that occur at least ``minimum`` times in ``docs`` (of a segment of ``size``
    documents), each with the sum of its ``scores``, added in their order either way: by
    sorting the documents, or, when they are at least an eighth as many as the segment's, by
    counting into one slot per document of the segment, which costs no sort (on 7,789
    documents the two cost the same at about 1,000, and the count half as much at 4,000)."""
    if COUNT_SHARE * len(docs) >= size:
        counts = np.bincount(docs, minlength=size)
        found = counts.nonzero()[0]
        sums, counts = np.bincount(docs, weights=scores, minlength=size)[found], counts[found]
        found = found.astype(np.int32)
    else:
        found, inverse, counts = np.unique(docs, return_inverse=True, return_counts=True)
        sums = np.bincount(inverse, weights=scores, minlength=len(found))
    if minimum > 1:
        keep = counts >= minimum
        return Matches(found[keep], sums[keep])
    return Matches(found, sums)


def both(first: Matches, second: Matches) -> Matches:
    """The documents of ``second`` (all of them in ``first``) with the scores of both added."""
    return Matches(second.docs, first.scores[locate(first.docs, second.docs)[1]] + second.scores)


def with_bonus(required: Matches, bonus: Matches) -> Matches:
    """``required`` with the scores of ``bonus`` (among its documents) added where it has them."""
    scores = required.scores.copy()
    scores[locate(required.docs, bonus.docs)[1]] += bonus.scores
    return Matches(required.docs, scores)


def scaled(matches: Matches, docs: np.ndarray, factor: float) -> Matches:
    """``matches`` with the scores of ``docs`` (ascending, among its documents) times ``factor``."""
    scores = matches.scores.copy()
    scores[locate(matches.docs, docs)[1]] *= factor
    return Matches(matches.docs, scores)


def without(kept: Matches, excluded: np.ndarray) -> Matches:
    """``kept`` without the documents ``excluded`` (ascending, among ``kept``'s)."""
    dropped = np.zeros(len(kept), dtype=bool)
    dropped[locate(kept.docs, excluded)[1]] = True
    return Matches(kept.docs[~dropped], kept.scores[~dropped])


def distinct(ascending: np.ndarray) -> np.ndarray:
    """The distinct values of an ascending array, as ``np.unique`` gives them, without its sort.

    >>> distinct(np.array([1, 1, 2, 5, 5]))
    array([1, 2, 5])
    """
    keep = np.ones(len(ascending), dtype=bool)
    keep[1:] = ascending[1:] != ascending[:-1]
    return ascending[keep]


def boosted(matches: Matches, boost: float) -> Matches:
    """``matches`` with every score times ``boost``."""
    return matches if boost == 1.0 else Matches(matches.docs, matches.scores * boost)


def constant(docs: np.ndarray, score: float) -> Matches:
    """``docs``, each scoring ``score``."""
    return Matches(docs, np.full(len(docs), score))
