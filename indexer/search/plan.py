"""Plan a query tree into logical trees (:mod:`.logical`): fields and weights, other forms of
a term, bonuses, exclusions and filters.

A concept (a term or quoted phrase) matches as its words or as a substring of its characters,
in the title, the body or ``meta``; a synonym or an abbreviation's other form matches at a
lower weight, and its dictionary words apart at a lower weight still. The exact title and the
whole query as a phrase only add score. Every weight comes from :mod:`.signals`.

Planning reads the query and the generation's word lists, never the index: a :class:`Plan`
holds the pieces, and the match policy (:mod:`.policy`) decides which of its trees to run.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from ..analysis.docnumber import split_issuer
from ..analysis.normalize import HAN, exact_key, normalize_text
from ..analysis.pinyin import START, WHOLE, pinyin_key
from ..analysis.question import answer_words, asks, content_words, fragments, is_function_word
from ..analysis.synonyms import Synonyms
from ..analysis.tokenizers import JiebaTokenizer, char_analyzer
from .logical import (
    AllOf,
    AnyOf,
    AtLeast,
    Constant,
    Every,
    Excluding,
    Node,
    Phrase,
    Prefix,
    Range,
    Term,
    WithBonus,
)
from .parse import MAX_CONCEPTS
from .signals import field_signal, weight
from .tree import Concept, DocNumber, Filter, Query, Series
from .tree import Phrase as QuotedPhrase
from .tree import Term as TypedTerm
from .validity import FIELD as VALIDITY
from .validity import Overrides

TEXT_FIELDS = ("title", "body", "meta")
CJK_GAP = re.compile(rf"(?<=[{HAN}])\s+(?=[{HAN}])")
MAX_PREFIX_EXPANSIONS = 200
MAX_SEQUENCE = 16  # tokens of one phrase: a pasted sentence is found by its start, in bounded work
MAX_REPEATS = 2  # times one token may occur in a phrase before the phrase is cut there
PLANNED = 4096  # concepts a planner remembers before it forgets them all
QUESTION_PIECES = 4  # content pieces from which a long query reads as a question
ASKED_PIECES = 3  # … or any query with the scaffolding of a question (如何, 有没有, 吗 …)
QUESTION_CHARS = 8  # a term this long is a sentence, not a keyword
KEYWORD_CONCEPTS = 3  # this many concepts typed apart are keywords
QUESTION_PROFILE = {"title": "question_title_words", "title_chars": "question_title_chars"}
T = TypeVar("T")


@dataclass(frozen=True)
class Unit:
    """A concept of the fallback with its ``clause``, and ``pieces``: (piece, clause) of the
    terms it falls back to if it matches nowhere as typed (``()`` for a phrase or 文号)."""

    concept: Concept
    clause: Node
    pieces: tuple[tuple[TypedTerm, Node], ...]


@dataclass(frozen=True)
class Asked:
    """A query that reads as a question: its content ``pieces`` in order, each with its tree
    (planned with a question's field weights), ``pairs``, what pieces side by side in the
    question add when they stand side by side in a document too (proximity),
    ``asked_for``, what the words an answer states what it asks for in add (多久: 日内), and
    ``characters``, for a piece joined from single characters (搞碳), those characters with
    their trees, for when no document holds the piece."""

    pieces: tuple[tuple[Concept, Node], ...]
    pairs: tuple[Node, ...]
    asked_for: tuple[Node, ...] = ()
    characters: dict[Concept, tuple[tuple[Concept, Node], ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    """A query's logical trees, for the match policy to choose from (see :mod:`.policy`)."""

    query: Query
    required: tuple[Node, ...]  # each concept that must match (not a question's function words)
    pinyin: Node | None  # titles the query spells in pinyin, an alternative to the concepts
    bonus: Node  # what only adds score: the exact title, the whole query as a phrase
    excluded: Node | None  # what no result may match
    filters: dict[str, Node]  # each restricted field's filter (its values ORed)
    planner: Planner
    asked: Asked | None = None  # the question, when the query reads as one

    def everything(self) -> Node:
        """Every concept must match (or the pinyin), the bonus adds score."""
        if not self.required:
            return self._excluding(Every())
        matches: Node = AllOf(self.required)
        if self.pinyin is not None:
            matches = AnyOf((matches, self.pinyin))
        return self._excluding(WithBonus(matches, self.bonus))

    def at_least(self, clauses: list[Node], minimum: int) -> Node:
        """At least ``minimum`` of ``clauses`` must match, more matches rank higher."""
        required = AnyOf(tuple(clauses)) if minimum <= 1 else AtLeast(tuple(clauses), minimum)
        return self._excluding(WithBonus(required, self.bonus))

    def ranked(self, required: Node, scored: list[Node]) -> Node:
        """The documents of ``required``, the ``scored`` nodes, the bonus and (for a question)
        its pieces side by side adding score where they match."""
        extra = [self.bonus, *((*self.asked.pairs, *self.asked.asked_for) if self.asked else ())]
        bonus = AnyOf(tuple([*scored, *extra]))
        return self._excluding(WithBonus(required, bonus))

    def _excluding(self, matches: Node) -> Node:
        """What no result may match left out; what is no longer in force below the rest, unless
        it is titled exactly as asked (a repealed document asked for by its title)."""
        kept = matches if self.excluded is None else Excluding(matches, self.excluded)
        return self.planner.overrides.demoted(kept, Term("title_exact", exact_key(join_cjk(self.query.text))))

    def restriction(self, without: str | None = None) -> Node | None:
        """The filters (of every field but ``without``) as one node, or ``None``: values of one
        field are ORed, fields are ANDed."""
        nodes = [node for name, node in self.filters.items() if name != without]
        if not nodes:
            return None
        return nodes[0] if len(nodes) == 1 else AllOf(tuple(nodes))

    @functools.cached_property
    def named(self) -> Node | None:
        """Documents titled exactly as one of several concepts (用友 in 用友 税务), scored last."""
        if len(self.query.concepts) < 2:
            return None
        keys = dict.fromkeys(exact_key(join_cjk(c.text)) for c in self.query.concepts)
        named = AnyOf(tuple(Term("title_exact", key) for key in keys))
        return Constant(named, weight("named_title"), signal="named_title")

    @functools.cached_property
    def units(self) -> tuple[Unit, ...]:
        """The fallback's units: each concept that is not a function word, with the pieces it
        falls back to (:meth:`Planner.pieces`). Planned when the fallback first asks."""
        units = []
        for concept in self.query.concepts:
            if isinstance(concept, TypedTerm) and is_function_word(concept.text):
                continue
            pieces = self.planner.pieces(concept.text) if isinstance(concept, TypedTerm) else []
            units.append(Unit(concept, self.planner.clause(concept),
                              tuple((piece, self.planner.clause(piece)) for piece in pieces)))
        return tuple(units)

    def as_written(self, text: str) -> Node:
        """A term or phrase as written, without its words apart: what must find nothing
        before a correction is tried."""
        return self.planner.concept(text, loose=False)


class Planner:
    """Turns query trees into logical trees with one generation's segmenter and word lists, and
    the validity ``overrides`` of now; ``fields`` are the text fields searched (the title alone
    for a title-only search). Concepts it planned are remembered (planning is pure: the same
    text, the same tree), so new word lists or overrides need a new planner."""

    def __init__(self, words: JiebaTokenizer, synonyms: Synonyms, abbreviations: Synonyms | None = None,
                 fields: tuple[str, ...] = TEXT_FIELDS, profile: dict[str, str] | None = None,
                 overrides: Overrides | None = None):
        self.words, self.synonyms = words, synonyms
        self.abbreviations = abbreviations or Synonyms()
        self.overrides = overrides or Overrides()
        self.fields = fields
        self.profile = profile or {}  # a field's signal, where it is not the field's own
        self.chars = char_analyzer()
        self._planned: dict[tuple, object] = {}
        self._lock = threading.Lock()

    @functools.cached_property
    def everywhere(self) -> Planner:
        """This planner over every text field (exclusions apply everywhere)."""
        return self if self.fields == TEXT_FIELDS else self.scoped(TEXT_FIELDS)

    def scoped(self, fields: tuple[str, ...]) -> Planner:
        """The same planner searching only ``fields``."""
        return Planner(self.words, self.synonyms, self.abbreviations, fields, self.profile, self.overrides)

    @functools.cached_property
    def questioning(self) -> Planner:
        """This planner with a question's field weights (:data:`QUESTION_PROFILE`): a title
        match counts little more than a body match, since the words of a question spread
        over the answer, and its everyday words are in many titles."""
        return Planner(self.words, self.synonyms, self.abbreviations, self.fields, QUESTION_PROFILE,
                       self.overrides)

    def signal(self, fieldname: str) -> str:
        """The signal of a match in ``fieldname``."""
        return self.profile.get(fieldname) or field_signal(fieldname)

    def _remembered(self, key: tuple, plan: Callable[[], T]) -> T:
        """``plan()``, once for ``key`` (until :data:`PLANNED` keys are remembered)."""
        try:
            return self._planned[key]
        except KeyError:
            pass
        found = plan()
        with self._lock:
            if len(self._planned) >= PLANNED:
                self._planned.clear()
            self._planned[key] = found
        return found

    def plan(self, query: Query) -> Plan:
        """The logical trees of ``query`` (see :class:`Plan`)."""
        concepts = query.concepts
        needed = [c for c in concepts if not (isinstance(c, TypedTerm) and is_function_word(c.text))]
        required = tuple(self.clause(c) for c in needed or concepts)
        key = pinyin_key(query.text) if required else None
        return Plan(query, required, pinyin_query(key) if key else None, self.bonus(query),
                    self.excluded(query), self.filters(query), self, self.asked(query))

    def asked(self, query: Query) -> Asked | None:
        """The question ``query`` asks, if it reads as one; else ``None`` (a keyword query). It
        does with :data:`ASKED_PIECES` content pieces and a question's scaffolding, or with
        :data:`QUESTION_PIECES` and a term of :data:`QUESTION_CHARS` characters or more than
        :data:`KEYWORD_CONCEPTS` concepts (人社局 就业补贴 are keywords, 退休以后公积金取出来 asks)."""
        runs: list[list[Concept]] = []  # pieces that stood side by side, run by run
        scaffolded = False
        for concept in query.concepts:
            if not isinstance(concept, TypedTerm):
                runs.append([concept])
                continue
            text = normalize_text(join_cjk(concept.text))
            scaffolded = scaffolded or asks(text)
            runs.extend(self.question_pieces(fragment) for fragment in fragments(text))
        pieces = list(dict.fromkeys(piece for run in runs for piece in run))
        sentence = len(query.concepts) > KEYWORD_CONCEPTS or \
            max((len(concept.text) for concept in query.concepts), default=0) >= QUESTION_CHARS
        if not (scaffolded and len(pieces) >= ASKED_PIECES or sentence and len(pieces) >= QUESTION_PIECES):
            return None
        questioning = self.questioning
        pairs = [questioning.char_sequence("body_chars", first.text + second.text, weight("proximity"),
                                           "proximity")
                 for run in runs for first, second in itertools.pairwise(run)
                 if isinstance(first, TypedTerm) and isinstance(second, TypedTerm)]
        asked_for = [questioning.char_sequence("body_chars", word, weight("asked_for"), "asked_for")
                     for word in answer_words(normalize_text(join_cjk(query.text)))]
        characters = {piece: tuple((TypedTerm(char), questioning.clause(TypedTerm(char)))
                                   for char in piece.text if not is_function_word(char))
                      for piece in pieces if isinstance(piece, TypedTerm) and len(piece.text) > 1
                      and all(len(word) == 1 for word in self.words.segmenter.dictionary_words(piece.text))}
        return Asked(tuple((piece, questioning.clause(piece)) for piece in pieces),
                     tuple(dict.fromkeys(pair for pair in pairs if pair is not None)),
                     tuple(node for node in asked_for if node is not None), characters)

    def parts(self, text: str) -> list[str] | None:
        """The dictionary words that spell a compound (智慧医疗 → 智慧 医疗), or None."""
        return self.words.segmenter.dictionary_parts(exact_key(join_cjk(text)))

    def pieces(self, text: str) -> list[TypedTerm]:
        """What a term that matches nowhere may still match by: its dictionary words or its
        words, without function words (手机办事 → 手机 办事; 外地户口怎么办理居住证 → 外地
        户口 办理 居住证); at most :data:`~.parse.MAX_CONCEPTS`, as the parser caps a query."""
        return self._remembered(("pieces", text), lambda: self._pieces(text))

    def question_pieces(self, text: str) -> list[TypedTerm]:
        """A question's content words: its dictionary words without function words, and the
        characters of a word the dictionary lacks (大班额 → 大 班 额) joined again."""
        words = self.with_members(self.words.segmenter.dictionary_words(join_cjk(text)), characters=True)
        words = content_words(words)
        return list(dict.fromkeys(TypedTerm(word) for word in singles_joined(words, text)))

    def spelled(self, text: str) -> list[str]:
        """``text`` as dictionary words, characters the dictionary lacks joined again:
        what a correction tries word by word (医保报消 → 医保 报消)."""
        return singles_joined(self.words.segmenter.dictionary_words(join_cjk(text)), text)

    def _pieces(self, text: str) -> list[TypedTerm]:
        words = self.parts(text) or [t.text for t in self.words(join_cjk(text), mode="query")]
        words = self.with_members(words)
        return list(dict.fromkeys(TypedTerm(word) for word in content_words(words)))[:MAX_CONCEPTS]

    def with_members(self, words: list[str], characters: bool = False) -> list[str]:
        """``words`` with those that spell a member of a synonym group or of an abbreviation
        side by side joined into it (生 孩子 → 生孩子, 危 废 → 危废), so that the piece finds its
        group (生育) or its full form (危险废物); with ``characters``, only single characters
        (a question's words stay apart: 碳 市场 is not joined into 碳市场)."""
        text = "".join(words)
        starts = itertools.accumulate((len(word) for word in words), initial=0)
        word_at = {at: n for n, at in enumerate(starts)}  # the word that starts at each place
        spans: dict[int, int] = {}
        for table in (self.synonyms, self.abbreviations):
            for start, end in table.members_in(exact_key(text)):
                if start not in word_at or end not in word_at:
                    continue  # the member starts or ends inside a word
                spelled_by = word_at[end] - word_at[start]  # how many words spell it
                if (not characters or spelled_by == end - start) and end > spans.get(start, 0):
                    spans[start] = end
        joined, at, covered = [], 0, 0
        for word in words:
            if at in spans and at >= covered:
                joined.append(text[at:spans[at]])
                covered = spans[at]
            elif at >= covered:
                joined.append(word)
            at += len(word)
        return joined

    def clause(self, concept: Concept) -> Node:
        """The logical tree of one concept of the query tree."""
        if isinstance(concept, DocNumber):
            return self.doc_number(concept.text)
        if isinstance(concept, Series):  # the series' own documents, then those that cite one
            return AnyOf((Constant(Prefix("doc_number", concept.text), weight("series"), signal="series"),
                          Constant(Prefix("cites", concept.text), weight("series_cited"),
                                   signal="series_cited")))
        return self.concept(concept.text, loose=not isinstance(concept, QuotedPhrase))

    def doc_number(self, number: str) -> Node:
        """A 文号: the document that has it far above the documents whose text cites it; one
        whose number has another name of the issuer (发改委令第16号 for 国家发展和改革委员会令第16号)
        in between."""
        issuer, key = split_issuer(number)
        options: list[Node] = [Term("doc_number", number, weight("doc_number"), signal="doc_number"),
                               self.concept_query(number)]
        if issuer:
            named = AllOf((Term("doc_number_key", key), self.scoped(("meta",)).concept(issuer)))
            options.append(Constant(named, weight("doc_number_issuer"), signal="doc_number_issuer"))
        return AnyOf(tuple(options))

    def alternatives(self, text: str) -> list[tuple[str, str]]:
        """(variant, signal): the synonyms, then the abbreviations' other forms, of ``text``."""
        text = join_cjk(text)
        found = [(alt, "synonym") for alt in self.synonyms.expansions(text)]
        known = {alt for alt, _ in found}
        found += [(alt, "abbreviation") for alt in self.abbreviations.expansions(text) if alt not in known]
        return found

    def forms(self, text: str) -> list[str]:
        """``text`` normalised and its synonyms' and abbreviations' forms, each whole."""
        alternatives = (alt for alt, _ in self.alternatives(text))
        return list(dict.fromkeys([normalize_text(join_cjk(text)), *alternatives]))

    def concept(self, text: str, loose: bool = True) -> Node:
        """A concept as typed or (with a lower weight) as any of its synonyms or abbreviations'
        forms; if ``loose``, each also as its dictionary words apart (lower still)."""
        return self._remembered(("concept", text, loose), lambda: self._concept(text, loose))

    def _concept(self, text: str, loose: bool) -> Node:
        options: list[Node | None] = []
        for variant, signal in [(text, None), *self.alternatives(text)]:
            scale = 1.0 if signal is None else weight(signal)
            options.append(self.concept_query(variant, scale, signal))
            if loose:
                options.append(self._words_apart(variant, scale))
        kept = [option for option in options if option is not None]
        return kept[0] if len(kept) == 1 else AnyOf(tuple(kept))

    def concept_query(self, text: str, scale: float = 1.0, signal: str | None = None) -> Node:
        """One term or phrase: its words, or any substring of its characters, in the fields;
        every weight times ``scale`` (a synonym's or abbreviation's, named ``signal``)."""
        return self._remembered(("query", text, scale), lambda: self._concept_query(text, scale, signal))

    def _concept_query(self, text: str, scale: float, signal: str | None) -> Node:
        text = join_cjk(text)
        words = bounded([t.text for t in self.words(text, mode="query")])
        chars = bounded(self.char_tokens(text))
        if words == chars and len(words) == 1 and len(words[0]) == 1:
            words = []  # one character is the same evidence in both fields: count it once
        options = []
        for fieldname in self.fields:
            for name, tokens in ((fieldname, words), (f"{fieldname}_chars", chars)):
                options.append(sequence(name, tokens, scale * weight(self.signal(name)), self.signal(name)))
        return AnyOf(tuple(option for option in options if option is not None), signal=signal)

    def char_sequence(self, fieldname: str, text: str, boost: float = 1.0,
                      signal: str | None = None) -> Node | None:
        """``text`` as consecutive character n-grams of ``fieldname`` (see :func:`bounded`)."""
        return sequence(fieldname, bounded(self.char_tokens(text)), boost, signal)

    def char_tokens(self, text: str) -> list[str]:
        """The character field's query tokens of ``text``, as its analyzer gives them."""
        return self.chars.columns(normalize_text(text), True)[0]

    def excluded(self, query: Query) -> Node | None:
        """What no result may match: any excluded term, wherever it is."""
        nodes = [self.everywhere.concept_query(text) for text in query.excluded]
        nodes = [node for node in nodes if node.children]
        return AnyOf(tuple(nodes)) if nodes else None

    def marks(self, query: Query) -> list[str]:
        """Normalised strings to mark in results: each concept, its synonyms and their words,
        down to the dictionary words a compound matches apart."""
        marks = []
        for concept in query.concepts:
            if isinstance(concept, DocNumber | Series):  # the number as written, not its pieces
                marks.append(normalize_text(concept.text))
                continue
            text = join_cjk(concept.text)
            for variant in [text, *(alt for alt, _ in self.alternatives(text))]:
                marks.append(normalize_text(variant))
                marks.extend(t.text for t in self.words(variant, mode="query"))
                marks.extend(self.parts(variant) or [])
        return marks

    def _words_apart(self, text: str, scale: float = 1.0) -> Node | None:
        """A compound Chinese word (智慧医疗) as its dictionary words anywhere in the document."""
        parts = self.parts(text)
        if not parts:
            return None
        boost = scale * weight("words_apart")
        return AllOf(tuple(AnyOf(tuple(Term(fieldname, part, boost * weight(self.signal(fieldname)),
                                            signal=self.signal(fieldname))
                                       for fieldname in self.fields)) for part in parts),
                     signal="words_apart")

    def bonus(self, query: Query) -> Node:
        """What only adds score: the exact title, then the whole query as a phrase."""
        whole = join_cjk(query.text)
        bonus: list[Node] = [Term("title_exact", exact_key(whole), weight("exact_title"),
                                  signal="exact_title")]
        if len(query.concepts) > 1:
            chars = bounded(self.char_tokens(whole))
            for fieldname in (f"{name}_chars" for name in self.fields):
                phrase = sequence(fieldname, chars, weight("whole_phrase"), "whole_phrase")
                if phrase is not None:
                    bonus.append(phrase)
        return AnyOf(tuple(bonus))

    def filters(self, query: Query) -> dict[str, Node]:
        """Each restricted field's filter: its values ORed (validity's as overridden now)."""
        by_field: dict[str, list[Node]] = {}
        for clause in query.restrictions:
            if isinstance(clause, Filter):
                made: Node = Term(clause.field, clause.value)
            else:
                made = Range(clause.field, clause.low, clause.high)
            by_field.setdefault(clause.field, []).append(made)
        made_of = {name: options[0] if len(options) == 1 else AnyOf(tuple(options))
                   for name, options in by_field.items()}
        if VALIDITY in by_field:
            made_of[VALIDITY] = self.overrides.having(tuple(node.text for node in by_field[VALIDITY]))
        return made_of


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


def sequence(fieldname: str, texts: list[str], boost: float, signal: str | None) -> Node | None:
    """A term, or a phrase of consecutive tokens, of ``fieldname``, labelled ``signal``."""
    if not texts:
        return None
    if len(texts) == 1:
        return Term(fieldname, texts[0], boost, signal=signal)
    return Phrase(fieldname, tuple(texts), boost, signal=signal)


def join_cjk(text: str) -> str:
    """Drop white space between CJK characters, which Chinese text does not have.

    >>> join_cjk("城市 大脑 open source")
    '城市大脑 open source'
    """
    return CJK_GAP.sub("", text)


def pinyin_query(key: str) -> Node:
    """Titles whose pinyin or initials contain ``key`` from a syllable on, start of title first.

    Matches score a small constant, so any match on the characters themselves ranks higher.
    """
    clauses = [(Prefix(fieldname, prefix, MAX_PREFIX_EXPANSIONS), signal)
               for fieldname, signals in (("title_pinyin", ("pinyin_start", "pinyin_anywhere")),
                                          ("title_initials", ("initials_start", "initials_anywhere")))
               for prefix, signal in zip((START + key, key), signals, strict=True)]
    clauses.append((Term("title_pinyin", WHOLE + key), "whole_syllables"))
    return AnyOf(tuple(Constant(clause, weight(signal), signal=signal) for clause, signal in clauses))


def singles_joined(words: list[str], text: str) -> list[str]:
    """``words`` of ``text`` with single characters that stand side by side in it joined
    (大 班 额 → 大班额): a word the dictionary lacks, cut into its characters.

    >>> singles_joined(["医保", "报", "消"], "医保报消")
    ['医保', '报消']
    """
    joined: list[str] = []
    for word, previous in zip(words, [None, *words], strict=False):
        if len(word) == 1 and previous is not None and len(previous) == 1 and joined and \
                text.find(joined[-1] + word) >= 0:
            joined[-1] += word
        else:
            joined.append(word)
    return joined
