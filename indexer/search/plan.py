"""Plan Whoosh queries for a query tree: fields and weights, synonyms, bonuses, filters.

A concept (a term or quoted phrase) matches as its words or as a substring of its characters,
in the title or the body; a synonym matches at a lower weight, and its dictionary words apart at
a lower weight still. Exact titles and the whole query as a phrase only add score.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Callable

from whoosh import query as wq

from ..analysis.docnumber import split_issuer
from ..analysis.normalize import HAN, exact_key, normalize_text
from ..analysis.pinyin import START, WHOLE, pinyin_key
from ..analysis.question import content_words, is_function_word
from ..analysis.synonyms import Synonyms
from ..analysis.tokenizers import JiebaTokenizer, char_analyzer
from ..whoosh_ext.minmatch import MinimumMatch
from .parse import MAX_CONCEPTS
from .ranking import (
    ABBREVIATION_WEIGHT,
    BOOSTS,
    DOC_NUMBER_BOOST,
    EXACT_TITLE_BOOST,
    LOOSE_WEIGHT,
    NAMED_TITLE_SCORE,
    PINYIN_BOOSTS,
    SERIES_SCORE,
    SYNONYM_WEIGHT,
    WHOLE_PHRASE_BOOST,
    WHOLE_SYLLABLES_BOOST,
)
from .tree import Concept, DocNumber, Filter, Phrase, Query, Range, Series, Term

TEXT_FIELDS = ("title", "body", "meta")

CJK_GAP = re.compile(rf"(?<=[{HAN}])\s+(?=[{HAN}])")
MAX_PREFIX_EXPANSIONS = 200
MAX_SEQUENCE = 16  # tokens of one phrase: a pasted sentence is found by its start, in bounded work
MAX_REPEATS = 2  # times one token may occur in a phrase before the phrase is cut there


class Planner:
    """Turns query trees into Whoosh queries with one generation's segmenter and word lists;
    ``fields`` are the text fields searched (the title alone for a title-only search)."""

    def __init__(self, words: JiebaTokenizer, synonyms: Synonyms, abbreviations: Synonyms | None = None,
                 fields: tuple[str, ...] = TEXT_FIELDS):
        self.words, self.synonyms = words, synonyms
        self.abbreviations = abbreviations or Synonyms()
        self.fields = fields
        self.chars = char_analyzer()
        self._planned: dict[tuple, wq.Query | None] | None = None  # see for_search

    def scoped(self, fields: tuple[str, ...]) -> Planner:
        """The same planner searching only ``fields``."""
        return Planner(self.words, self.synonyms, self.abbreviations, fields)

    def for_search(self) -> Planner:
        """This planner for one search: it plans each term or phrase once, so the fallback's and
        the correction's checks get the very query the search ran (and its evaluation, which the
        executor keeps per query object) instead of planning and evaluating it again."""
        planner = copy.copy(self)
        planner._planned = {}
        return planner

    def _remembered(self, key: tuple, plan: Callable[[], wq.Query | None]) -> wq.Query | None:
        """``plan()``, once per search for ``key`` (every time outside of one)."""
        if self._planned is None:
            return plan()
        if key not in self._planned:
            self._planned[key] = plan()
        return self._planned[key]

    def parts(self, text: str) -> list[str] | None:
        """The dictionary words that spell a compound (智慧医疗 → 智慧 医疗), or None."""
        return self.words.segmenter.dictionary_parts(exact_key(join_cjk(text)))

    def match_all(self, query: Query) -> wq.Query:
        """Every concept must match (function words of a question need not); exact title and
        whole-phrase matches rank higher."""
        concepts = query.concepts
        needed = [c for c in concepts if not (isinstance(c, Term) and is_function_word(c.text))]
        required = [self.clause(c) for c in needed or concepts]
        if not required:
            return self.excluding(wq.Every(), query)
        matches: wq.Query = wq.And(required)
        key = pinyin_key(query.text)
        if key:
            matches = wq.Or([matches, pinyin_query(key)])
        return self.excluding(wq.AndMaybe(matches, self._bonus(query)), query)

    def match_some(self, query: Query, units: list[Concept], minimum: int) -> wq.Query:
        """The fallback: at least ``minimum`` of ``units`` match, more matches rank higher."""
        clauses = [self.clause(unit) for unit in units]
        required = wq.Or(clauses) if minimum <= 1 else MinimumMatch(clauses, minimum)
        return self.excluding(wq.AndMaybe(required, self._bonus(query)), query)

    def split_unmatched(self, query: Query, matches: Callable[[Concept], bool]) -> list[Concept]:
        """The units of the fallback: each concept as typed if it ``matches`` anywhere, else an
        unquoted term as its dictionary words (手机办事 → 手机 办事) or, for a question, its
        content words (外地户口怎么办理居住证 → 外地 户口 办理 居住证); at most
        :data:`~.parse.MAX_CONCEPTS` units."""
        units: list[Concept] = []
        for concept in query.concepts:
            if isinstance(concept, Term) and is_function_word(concept.text):
                continue
            found = [concept]
            if isinstance(concept, Term) and not matches(concept):
                found = self._pieces(concept.text, matches) or found
                if found == [Term(concept.text)]:
                    found = [concept]
            units.extend(unit for unit in found if unit not in units)
        return units[:MAX_CONCEPTS]

    def _pieces(self, text: str, matches: Callable[[Concept], bool]) -> list[Term]:
        """A term that matches nowhere, as the pieces that can help: its dictionary words or its
        words, without function words and pieces that match nowhere themselves, and without
        single characters when longer words remain (人社部 → 社部 alone would find nothing); at
        most :data:`~.parse.MAX_CONCEPTS` distinct pieces, as the parser caps a query's terms."""
        words = self.parts(text) or [t.text for t in self.words(join_cjk(text), mode="query")]
        pieces = list(dict.fromkeys(Term(word) for word in content_words(words)))[:MAX_CONCEPTS]
        pieces = [piece for piece in pieces if matches(piece)]
        longer = [piece for piece in pieces if len(piece.text) > 1]
        return longer or pieces

    def clause(self, concept: Concept) -> wq.Query:
        """The Whoosh query of one concept of the tree."""
        if isinstance(concept, DocNumber):
            return self.doc_number(concept.text)
        if isinstance(concept, Series):  # the series' own documents, then those that cite one
            return wq.Or([wq.ConstantScoreQuery(wq.Prefix("doc_number", concept.text), SERIES_SCORE),
                          wq.ConstantScoreQuery(wq.Prefix("cites", concept.text), SERIES_SCORE / 4)])
        return self.concept(concept.text, loose=not isinstance(concept, Phrase))

    def doc_number(self, number: str) -> wq.Query:
        """A 文号: the document that has it far above the documents whose text cites it; one
        whose number has another name of the issuer (发改委令第16号 for 国家发展和改革委员会令第16号)
        in between."""
        issuer, key = split_issuer(number)
        options = [wq.Term("doc_number", number, boost=DOC_NUMBER_BOOST), self.concept_query(number)]
        if issuer:
            named = wq.And([wq.Term("doc_number_key", key), self.scoped(("meta",)).concept(issuer)])
            options.append(wq.ConstantScoreQuery(named, DOC_NUMBER_BOOST / 2))
        return wq.Or(options)

    def alternatives(self, text: str) -> list[tuple[str, float]]:
        """(variant, weight): the synonyms, then the abbreviations' other forms, of ``text``."""
        text = join_cjk(text)
        found = [(alt, SYNONYM_WEIGHT) for alt in self.synonyms.expansions(text)]
        known = {alt for alt, _ in found}
        found += [(alt, ABBREVIATION_WEIGHT) for alt in self.abbreviations.expansions(text)
                  if alt not in known]
        return found

    def concept(self, text: str, loose: bool = True) -> wq.Query:
        """A concept as typed or (with a lower weight) as any of its synonyms or abbreviations'
        forms; if ``loose``, each also as its dictionary words apart (lower still)."""
        return self._remembered(("concept", text, loose), lambda: self._concept(text, loose))

    def _concept(self, text: str, loose: bool) -> wq.Query:
        options = []
        for variant, weight in [(text, 1.0), *self.alternatives(text)]:
            options.append(self.concept_query(variant, weight))
            if loose:
                options.append(self._words_apart(variant, weight))
        options = [option for option in options if option is not None]
        return options[0] if len(options) == 1 else wq.Or(options)

    def concept_query(self, text: str, weight: float = 1.0) -> wq.Query:
        """One term or phrase: its words, or any substring of its characters, in the fields."""
        return self._remembered(("query", text, weight), lambda: self._concept_query(text, weight))

    def _concept_query(self, text: str, weight: float) -> wq.Query:
        text = join_cjk(text)
        words = bounded([t.text for t in self.words(text, mode="query")])
        chars = bounded(self.char_tokens(text))
        if words == chars and len(words) == 1 and len(words[0]) == 1:
            words = []  # one character is the same evidence in both fields: count it once
        options = []
        for fieldname in self.fields:
            options.append(sequence(fieldname, words, weight * BOOSTS[fieldname]))
            options.append(sequence(f"{fieldname}_chars", chars, weight * BOOSTS[f"{fieldname}_chars"]))
        return wq.Or([option for option in options if option is not None])

    def char_sequence(self, fieldname: str, text: str, boost: float = 1.0) -> wq.Query | None:
        """``text`` as consecutive character n-grams of ``fieldname`` (see :func:`bounded`)."""
        return sequence(fieldname, bounded(self.char_tokens(text)), boost)

    def char_tokens(self, text: str) -> list[str]:
        """The character field's query tokens of ``text``, as its analyzer gives them."""
        return self.chars.columns(normalize_text(text), True)[0]

    def named_titles(self, query: Query, reader) -> wq.Query | None:
        """Documents titled exactly as one of several terms (用友 in 用友 税务), scored last."""
        keys = [exact_key(join_cjk(c.text)) for c in query.concepts]
        named = [wq.Term("title_exact", key) for key in keys if ("title_exact", key) in reader]
        return wq.ConstantScoreQuery(wq.Or(named), NAMED_TITLE_SCORE) if named else None

    def excluding(self, matches: wq.Query, query: Query) -> wq.Query:
        """Remove documents that match any excluded term, wherever it is."""
        everywhere = self.scoped(TEXT_FIELDS)
        excluded = [everywhere.concept_query(text) for text in query.excluded]
        excluded = [q for q in excluded if q.subqueries]
        return wq.AndNot(matches, wq.Or(excluded)) if excluded else matches

    def needles(self, query: Query) -> list[str]:
        """Normalised strings to mark in results: each concept, its synonyms and their words,
        down to the dictionary words a compound matches apart."""
        needles = []
        for concept in query.concepts:
            if isinstance(concept, DocNumber | Series):  # the number as written, not its pieces
                needles.append(normalize_text(concept.text))
                continue
            text = join_cjk(concept.text)
            for variant in [text, *(alt for alt, _ in self.alternatives(text))]:
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
                              for fieldname in self.fields]) for part in parts])

    def _bonus(self, query: Query) -> wq.Query:
        """Optional clauses that only add score: the exact title, then the whole query as a phrase."""
        whole = join_cjk(query.text)
        bonus = [wq.Term("title_exact", exact_key(whole), boost=EXACT_TITLE_BOOST)]
        if len(query.concepts) > 1:
            chars = bounded(self.char_tokens(whole))
            for fieldname in (f"{name}_chars" for name in self.fields):
                phrase = sequence(fieldname, chars, WHOLE_PHRASE_BOOST)
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


def bounded(tokens: list[str]) -> list[str]:
    """The start of a token sequence that keeps a phrase query's work bounded: at most
    :data:`MAX_SEQUENCE` tokens, cut before any token's third occurrence (的的的…, 服务器服务器…).

    >>> bounded(["服务", "务器", "器服", "服务", "务器", "器服", "服务", "务器"])
    ['服务', '务器', '器服', '服务', '务器', '器服']
    """
    seen: dict[str, int] = {}
    kept = []
    for token in tokens[:MAX_SEQUENCE]:
        seen[token] = seen.get(token, 0) + 1
        if seen[token] > MAX_REPEATS:
            break
        kept.append(token)
    return kept


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
