"""Compose Whoosh queries for a parsed query: fields and weights, synonyms, bonuses, filters.

A concept (a term or quoted phrase) matches as its words or as a substring of its characters,
in the title or the body; a synonym matches at a lower weight, and its dictionary words apart at
a lower weight still. Exact titles and the whole query as a phrase only add score.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from whoosh import query as wq

from .analysis import HAN, char_analyzer, dictionary_parts, exact_key, normalize_text, word_analyzer
from .pinyin import pinyin_key, pinyin_query
from .query import ParsedQuery
from .synonyms import Synonyms

CJK_GAP = re.compile(rf"(?<=[{HAN}])\s+(?=[{HAN}])")
# Field weights: a word match beats a substring match, a title match beats a body match,
# and an exact title match beats everything.
BOOSTS = {"title": 6.0, "title_chars": 3.0, "body": 1.5, "body_chars": 1.0}
EXACT_TITLE_BOOST = 40.0
WHOLE_PHRASE_BOOST = 3.0
SYNONYM_WEIGHT = 0.5  # a synonym's match counts half as much as the term as typed
LOOSE_WEIGHT = 0.3  # 智慧医疗 as 智慧 … 医疗 apart, well below the words side by side
NAMED_TITLE_SCORE = 0.001  # after every document that matches all the terms


def match_all(parsed: ParsedQuery, synonyms: Synonyms) -> wq.Query:
    """Every concept must match; exact title and whole-phrase matches rank higher."""
    required = [concept(c, synonyms, c in parsed.terms) for c in parsed.concepts]
    if not required:
        return excluding(wq.Every(), parsed)
    matches: wq.Query = wq.And(required)
    key = pinyin_key(parsed.text)
    if key:
        matches = wq.Or([matches, pinyin_query(key)])
    return excluding(wq.AndMaybe(matches, _bonus(parsed)), parsed)


def match_any(parsed: ParsedQuery, synonyms: Synonyms, concepts: list[str]) -> wq.Query:
    """Fallback: any of ``concepts`` may match, more matches rank higher."""
    required = wq.Or([concept(c, synonyms, c not in parsed.phrases) for c in concepts])
    return excluding(wq.AndMaybe(required, _bonus(parsed)), parsed)


def split_unmatched(parsed: ParsedQuery, matches: Callable[[str], bool]) -> list[str]:
    """The concepts for the fallback: each as typed if it ``matches`` anywhere, else (unless
    quoted) its dictionary words, so 手机办事 falls back like 手机 办事 does."""
    units: list[str] = []
    for text in parsed.concepts:
        parts = None
        if text not in parsed.phrases and not matches(text):
            parts = dictionary_parts(exact_key(join_cjk(text)))
        units.extend(unit for unit in parts or [text] if unit not in units)
    return units


def concept(text: str, synonyms: Synonyms, loose: bool = True) -> wq.Query:
    """A concept as typed or (with a lower weight) as any of its synonyms; if ``loose``, each
    also as its dictionary words apart (with a lower weight still)."""
    options = []
    alternatives = synonyms.expansions(join_cjk(text))
    for variant, weight in [(text, 1.0)] + [(alt, SYNONYM_WEIGHT) for alt in alternatives]:
        options.append(concept_query(variant, weight))
        if loose:
            options.append(_words_apart(variant, weight))
    options = [option for option in options if option is not None]
    return options[0] if len(options) == 1 else wq.Or(options)


def concept_query(text: str, weight: float = 1.0) -> wq.Query:
    """One term or phrase: its words, or any substring of its characters, in title or body."""
    text = join_cjk(text)
    words = [t.text for t in word_analyzer()(text, mode="query")]
    chars = [t.text for t in char_analyzer()(text, mode="query")]
    if words == chars and len(words) == 1 and len(words[0]) == 1:
        words = []  # one character is the same evidence in both fields: count it once
    options = []
    for fieldname in ("title", "body"):
        options.append(sequence(fieldname, words, weight * BOOSTS[fieldname]))
        options.append(sequence(f"{fieldname}_chars", chars, weight * BOOSTS[f"{fieldname}_chars"]))
    return wq.Or([option for option in options if option is not None])


def named_titles(parsed: ParsedQuery, reader) -> wq.Query | None:
    """Documents titled exactly as one of several terms (用友 in 用友 税务), scored last."""
    keys = [exact_key(join_cjk(c)) for c in parsed.concepts]
    named = [wq.Term("title_exact", key) for key in keys if reader.doc_frequency("title_exact", key)]
    return wq.ConstantScoreQuery(wq.Or(named), NAMED_TITLE_SCORE) if named else None


def excluding(query: wq.Query, parsed: ParsedQuery) -> wq.Query:
    """Remove documents that match any excluded term."""
    excluded = [concept_query(text) for text in parsed.excluded]
    excluded = [q for q in excluded if q.subqueries]
    return wq.AndNot(query, wq.Or(excluded)) if excluded else query


def filters(parsed: ParsedQuery, kind: str | None) -> wq.Query | None:
    """The kind and rank filters as one query, or ``None``."""
    clauses = []
    if kind:
        clauses.append(wq.Term("kind", kind))
    if parsed.ranks:
        clauses.append(wq.NumericRange("rank", *parsed.ranks))
    return wq.And(clauses) if clauses else None


def sequence(fieldname: str, texts: list[str], boost: float) -> wq.Query | None:
    """A term, or a phrase of consecutive tokens."""
    if not texts:
        return None
    if len(texts) == 1:
        return wq.Term(fieldname, texts[0], boost=boost)
    return wq.Phrase(fieldname, texts, boost=boost)


def highlight_needles(parsed: ParsedQuery, synonyms: Synonyms | None = None) -> list[str]:
    """Normalised strings to mark in results: each concept, its synonyms and their words,
    down to the dictionary words a compound matches apart."""
    needles = []
    for text in parsed.concepts:
        text = join_cjk(text)
        alternatives = synonyms.expansions(text) if synonyms else []
        for variant in [text, *alternatives]:
            needles.append(normalize_text(variant))
            needles.extend(t.text for t in word_analyzer()(variant, mode="query"))
            needles.extend(dictionary_parts(exact_key(variant)) or [])
    return needles


def join_cjk(text: str) -> str:
    """Drop white space between CJK characters, which Chinese text does not have.

    >>> join_cjk("城市 大脑 open source")
    '城市大脑 open source'
    """
    return CJK_GAP.sub("", text)


def _words_apart(text: str, weight: float = 1.0) -> wq.Query | None:
    """A compound Chinese word (智慧医疗) as its dictionary words anywhere in the document."""
    parts = dictionary_parts(exact_key(text))
    if not parts:
        return None
    boost = weight * LOOSE_WEIGHT
    return wq.And([wq.Or([wq.Term(fieldname, part, boost=boost * BOOSTS[fieldname])
                          for fieldname in ("title", "body")]) for part in parts])


def _bonus(parsed: ParsedQuery) -> wq.Query:
    """Optional clauses that only add score: the exact title, then the whole query as a phrase."""
    whole = join_cjk(parsed.text)
    bonus = [wq.Term("title_exact", exact_key(whole), boost=EXACT_TITLE_BOOST)]
    if len(parsed.concepts) > 1:
        chars = [t.text for t in char_analyzer()(whole, mode="query")]
        for fieldname in ("title_chars", "body_chars"):
            phrase = sequence(fieldname, chars, WHOLE_PHRASE_BOOST)
            if phrase is not None:
                bonus.append(phrase)
    return wq.Or(bonus)
