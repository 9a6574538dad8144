"""Every ranking signal, named and weighted in one place, and the scorer.

A document's score is BM25F over the fields, each match multiplied by the weights of the
signals it stands for: a word match above a substring match, the title above the body, the
exact title first, a 文号 above everything, synonyms and abbreviations below the words as
typed. The planner asks :func:`weight` for each node it makes and labels the node with the
signal's name, so ``explain`` shows which signals made a score.

>>> weight("title_words"), weight("synonym"), field_signal("body_chars")
(6.0, 0.5, 'body_chars')
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..whoosh_ext.scoring import ListLengthBM25F


@dataclass(frozen=True)
class Signal:
    """A ranking signal: its name, its weight, and what it rewards."""

    name: str
    weight: float
    rewards: str


SIGNALS = {signal.name: signal for signal in [
    # BM25F's fields: a word match beats a substring match, a title match beats a body match
    Signal("title_words", 6.0, "a word of the query in the title"),
    Signal("title_chars", 3.0, "the query's characters in the title (a substring)"),
    Signal("body_words", 1.5, "a word of the query in the body"),
    Signal("body_chars", 1.0, "the query's characters in the body"),
    Signal("meta_words", 1.5, "a word in the publisher, site, column, topics, keywords or 文号"),
    Signal("meta_chars", 1.0, "the query's characters in those"),
    # in a question: a title match counts little more than a body match (its length does the rest)
    Signal("question_title_words", 1.0, "a word of a question in the title"),
    Signal("question_title_chars", 0.5, "a question's characters in the title"),
    Signal("proximity", 1.0, "two words side by side in a question, side by side in the body"),
    Signal("asked_for", 2.0, "the words an answer states what a question asks for in (多久: 日内, 工作日)"),
    # the query as a whole
    Signal("exact_title", 40.0, "the title is exactly the query: beats everything"),
    Signal("whole_phrase", 3.0, "several terms side by side, as typed"),
    Signal("named_title", 0.001, "titled as one of several terms: after all that match every term"),
    # other forms of a term
    Signal("synonym", 0.5, "a synonym of a term, half as much as the term as typed"),
    Signal("abbreviation", 0.4, "an abbreviation's other forms (医保 → 医疗保障)"),
    Signal("words_apart", 0.3, "a compound as its words apart (智慧医疗 as 智慧 … 医疗)"),
    # 文号
    Signal("doc_number", 60.0, "the document that has the 文号, far above those citing it"),
    Signal("doc_number_issuer", 30.0, "the 文号 with another name of its issuer (发改委令第16号)"),
    Signal("series", 1.0, "a document of a 文号 series (newer first: the tie-break)"),
    Signal("series_cited", 0.25, "a document citing a number of the series"),
    # pinyin, always below a match of the characters themselves
    Signal("pinyin_start", 0.4, "the title's pinyin starts with the query's"),
    Signal("pinyin_anywhere", 0.2, "the title's pinyin holds the query's from a syllable on"),
    Signal("initials_start", 0.3, "the title's initials start with the query"),
    Signal("initials_anywhere", 0.1, "the title's initials hold the query"),
    Signal("whole_syllables", 0.1, "the query spells the title's syllables exactly"),
    # validity: a document no longer in force, below one in force for the same match
    Signal("validity", 0.5, "a document repealed or expired (已废止, 已失效): its score halved"),
]}


def weight(name: str) -> float:
    """The weight of signal ``name``."""
    return SIGNALS[name].weight


def field_signal(fieldname: str) -> str:
    """The signal of a match in a text field (``title`` → ``title_words``)."""
    return fieldname if fieldname.endswith("_chars") else f"{fieldname}_words"


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
