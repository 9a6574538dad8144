"""Every weight of the ranking, and the scorer: BM25F over the fields, with boosts that put
word matches above substring matches, title above body, the exact title first, and pinyin
and synonym matches below matches on the characters as typed."""

from __future__ import annotations

import math

from ..whoosh_ext.scoring import ListLengthBM25F

# Field weights: a word match beats a substring match, a title match beats a body match.
BOOSTS = {"title": 6.0, "title_chars": 3.0, "body": 1.5, "body_chars": 1.0, "meta": 1.5, "meta_chars": 1.0}
EXACT_TITLE_BOOST = 40.0  # an exact title match beats everything
WHOLE_PHRASE_BOOST = 3.0  # several terms side by side, as typed
SYNONYM_WEIGHT = 0.5  # a synonym's match counts half as much as the term as typed
LOOSE_WEIGHT = 0.3  # 智慧医疗 as 智慧 … 医疗 apart, well below the words side by side
ABBREVIATION_WEIGHT = 0.4  # an abbreviation's other forms (医保 → 医疗保障), below synonyms
DOC_NUMBER_BOOST = 60.0  # the document that has the 文号, far above those whose text cites it
SERIES_SCORE = 1.0  # every document of a 文号 series alike: newer first (the tie-break)
NAMED_TITLE_SCORE = 0.001  # a document titled as one of several terms: after all that match all
# Pinyin (at the start of the title, anywhere in it): full spelling above initials, all below text.
PINYIN_BOOSTS = {"title_pinyin": (0.4, 0.2), "title_initials": (0.3, 0.1)}
WHOLE_SYLLABLES_BOOST = 0.1


def scorer() -> ListLengthBM25F:
    """The weighting every searcher uses: Whoosh's BM25F with its default parameters."""
    return ListLengthBM25F()


def minimum_should_match(units: int) -> int:
    """How many of a query's ``units`` a partial answer must match: all of one or two, then
    three quarters, rounded down (Elasticsearch's ``2<75%``).

    >>> [minimum_should_match(n) for n in range(1, 9)]
    [1, 2, 2, 3, 3, 4, 5, 6]
    """
    return units if units <= 2 else math.floor(units * 0.75)
