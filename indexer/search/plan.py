"""Plan Whoosh queries for a query tree: fields and weights, synonyms, bonuses, filters.

A concept (a term or quoted phrase) matches as its words or as a substring of its characters,
in the title or the body; a synonym matches at a lower weight, and its dictionary words apart at
a lower weight still. Exact titles and the whole query as a phrase only add score.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from whoosh import query as wq

from ..analysis.normalize import HAN, exact_key, normalize_text
from ..analysis.pinyin import START, WHOLE, pinyin_key
from ..analysis.synonyms import Synonyms
from ..analysis.tokenizers import JiebaTokenizer, char_analyzer
from .ranking import (
    BOOSTS,
    EXACT_TITLE_BOOST,
    LOOSE_WEIGHT,
    NAMED_TITLE_SCORE,
    PINYIN_BOOSTS,
    SYNONYM_WEIGHT,
    WHOLE_PHRASE_BOOST,
    WHOLE_SYLLABLES_BOOST,
)
from .tree import Filter, Query, Range

CJK_GAP = re.compile(rf"(?<=[{HAN}])\s+(?=[{HAN}])")
MAX_PREFIX_EXPANSIONS = 200


class Planner:
    """Turns query trees into Whoosh queries with one generation's segmenter and synonyms."""

    def __init__(self, words: JiebaTokenizer, synonyms: Synonyms):
        self.words, self.synonyms = words, synonyms
        self.chars = char_analyzer()

    def parts(self, text: str) -> list[str] | None:
        """The dictionary words that spell a compound (智慧医疗 → 智慧 医疗), or None."""
        return self.words.segmenter.dictionary_parts(exact_key(join_cjk(text)))

    def match_all(self, query: Query) -> wq.Query:
        """Every concept must match; exact title and whole-phrase matches rank higher."""
        terms = query.terms
        required = [self.concept(c.text, c.text in terms) for c in query.concepts]
        if not required:
            return self.excluding(wq.Every(), query)
        matches: wq.Query = wq.And(required)
        key = pinyin_key(query.text)
        if key:
            matches = wq.Or([matches, pinyin_query(key)])
        return self.excluding(wq.AndMaybe(matches, self._bonus(query)), query)

    def match_any(self, query: Query, units: list[str]) -> wq.Query:
        """Fallback: any of ``units`` may match, more matches rank higher."""
        phrases = query.phrases
        required = wq.Or([self.concept(unit, unit not in phrases) for unit in units])
        return self.excluding(wq.AndMaybe(required, self._bonus(query)), query)

    def split_unmatched(self, query: Query, matches: Callable[[str], bool]) -> list[str]:
        """The concepts for the fallback: each as typed if it ``matches`` anywhere, else (unless
        quoted) its dictionary words, so 手机办事 falls back like 手机 办事 does."""
        units: list[str] = []
        phrases = query.phrases
        for concept in query.concepts:
            parts = None
            if concept.text not in phrases and not matches(concept.text):
                parts = self.parts(concept.text)
            units.extend(unit for unit in parts or [concept.text] if unit not in units)
        return units

    def concept(self, text: str, loose: bool = True) -> wq.Query:
        """A concept as typed or (with a lower weight) as any of its synonyms; if ``loose``,
        each also as its dictionary words apart (with a lower weight still)."""
        options = []
        alternatives = self.synonyms.expansions(join_cjk(text))
        for variant, weight in [(text, 1.0)] + [(alt, SYNONYM_WEIGHT) for alt in alternatives]:
            options.append(self.concept_query(variant, weight))
            if loose:
                options.append(self._words_apart(variant, weight))
        options = [option for option in options if option is not None]
        return options[0] if len(options) == 1 else wq.Or(options)

    def concept_query(self, text: str, weight: float = 1.0) -> wq.Query:
        """One term or phrase: its words, or any substring of its characters, in title or body."""
        text = join_cjk(text)
        words = [t.text for t in self.words(text, mode="query")]
        chars = [t.text for t in self.chars(text, mode="query")]
        if words == chars and len(words) == 1 and len(words[0]) == 1:
            words = []  # one character is the same evidence in both fields: count it once
        options = []
        for fieldname in ("title", "body"):
            options.append(sequence(fieldname, words, weight * BOOSTS[fieldname]))
            options.append(sequence(f"{fieldname}_chars", chars, weight * BOOSTS[f"{fieldname}_chars"]))
        return wq.Or([option for option in options if option is not None])

    def char_sequence(self, fieldname: str, text: str, boost: float = 1.0) -> wq.Query | None:
        """``text`` as consecutive character n-grams of ``fieldname``."""
        return sequence(fieldname, [t.text for t in self.chars(text, mode="query")], boost)

    def named_titles(self, query: Query, reader) -> wq.Query | None:
        """Documents titled exactly as one of several terms (用友 in 用友 税务), scored last."""
        keys = [exact_key(join_cjk(c.text)) for c in query.concepts]
        named = [wq.Term("title_exact", key) for key in keys if reader.doc_frequency("title_exact", key)]
        return wq.ConstantScoreQuery(wq.Or(named), NAMED_TITLE_SCORE) if named else None

    def excluding(self, matches: wq.Query, query: Query) -> wq.Query:
        """Remove documents that match any excluded term."""
        excluded = [self.concept_query(text) for text in query.excluded]
        excluded = [q for q in excluded if q.subqueries]
        return wq.AndNot(matches, wq.Or(excluded)) if excluded else matches

    def needles(self, query: Query) -> list[str]:
        """Normalised strings to mark in results: each concept, its synonyms and their words,
        down to the dictionary words a compound matches apart."""
        needles = []
        for concept in query.concepts:
            text = join_cjk(concept.text)
            for variant in [text, *self.synonyms.expansions(text)]:
                needles.append(normalize_text(variant))
                needles.extend(t.text for t in self.words(variant, mode="query"))
                needles.extend(self.parts(variant) or [])
        return needles

    def _words_apart(self, text: str, weight: float = 1.0) -> wq.Query | None:
        """A compound Chinese word (智慧医疗) as its dictionary words anywhere in the document."""
        parts = self.parts(text)
        if not parts:
            return None
        boost = weight * LOOSE_WEIGHT
        return wq.And([wq.Or([wq.Term(fieldname, part, boost=boost * BOOSTS[fieldname])
                              for fieldname in ("title", "body")]) for part in parts])

    def _bonus(self, query: Query) -> wq.Query:
        """Optional clauses that only add score: the exact title, then the whole query as a phrase."""
        whole = join_cjk(query.text)
        bonus = [wq.Term("title_exact", exact_key(whole), boost=EXACT_TITLE_BOOST)]
        if len(query.concepts) > 1:
            for fieldname in ("title_chars", "body_chars"):
                phrase = self.char_sequence(fieldname, whole, WHOLE_PHRASE_BOOST)
                if phrase is not None:
                    bonus.append(phrase)
        return wq.Or(bonus)


def restrictions(query: Query) -> wq.Query | None:
    """The query's field filters and ranges as one Whoosh query, or ``None``: values of one
    field are ORed, fields are ANDed."""
    by_field: dict[str, list[wq.Query]] = {}
    for clause in query.restrictions:
        if isinstance(clause, Filter):
            made: wq.Query = wq.Term(clause.field, clause.value)
        elif isinstance(clause, Range):
            made = wq.NumericRange(clause.field, clause.low, clause.high)
        by_field.setdefault(clause.field, []).append(made)
    clauses = [options[0] if len(options) == 1 else wq.Or(options) for options in by_field.values()]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else wq.And(clauses)


def sequence(fieldname: str, texts: list[str], boost: float) -> wq.Query | None:
    """A term, or a phrase of consecutive tokens."""
    if not texts:
        return None
    if len(texts) == 1:
        return wq.Term(fieldname, texts[0], boost=boost)
    return wq.Phrase(fieldname, texts, boost=boost)


def join_cjk(text: str) -> str:
    """Drop white space between CJK characters, which Chinese text does not have.

    >>> join_cjk("城市 大脑 open source")
    '城市大脑 open source'
    """
    return CJK_GAP.sub("", text)


class BoundedPrefix(wq.Prefix):
    """A prefix query that expands to at most ``MAX_PREFIX_EXPANSIONS`` terms, so that a short
    key stays fast on an index of many titles."""

    def _btexts(self, ixreader):
        return itertools.islice(ixreader.expand_prefix(self.fieldname, self.text), MAX_PREFIX_EXPANSIONS)


def pinyin_query(key: str) -> wq.Query:
    """Titles whose pinyin or initials contain ``key`` from a syllable on, start of title first.

    Matches score a small constant, so any match on the characters themselves ranks higher.
    """
    clauses = [(BoundedPrefix(fieldname, prefix), score)
               for fieldname, weights in PINYIN_BOOSTS.items()
               for prefix, score in ((START + key, weights[0]), (key, weights[1]))]
    clauses.append((wq.Term("title_pinyin", WHOLE + key), WHOLE_SYLLABLES_BOOST))
    return wq.Or([wq.ConstantScoreQuery(clause, score) for clause, score in clauses])
