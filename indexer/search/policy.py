"""The match policy: the attempts a search makes, in order, until one finds something.

The attempts are data, run in order by :func:`answer` on one search context. A keyword query
(:data:`KEYWORDS`): every concept must match (``all``); then, if no document has them all, at
least most of the query's units (``most``: all of one or two, three quarters beyond,
Elasticsearch's ``2<75%``), then any one (``any``). A unit is a concept as typed, or, if it
matches nowhere, the pieces of it that match somewhere (手机办事 → 手机 办事).

A query that reads as a question (:data:`QUESTIONS`, see :meth:`.plan.Planner.asked`) is
ranked by what its content pieces are worth: the informative ones (in at most
:data:`COMMON_SHARE` of the documents, as the index counts them) form a required core, a third
of which must match (at least one) (Lucene's ``CommonTermsQuery``, Elasticsearch's ``minimum_should_match`` on
low-frequency terms); the common ones only add score; past :data:`~.parse.MAX_CONCEPTS`
pieces the most informative are kept. If that finds nothing, any piece will do.

Past the budget no further attempt is made. If the answer is weak, :func:`correct` makes the
last attempt: the homophone correction of the query, planned anew and answered by the same
list, kept only if it finds something.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from ..analysis.pinyin import pinyin_key
from .backend import Context, PinyinWords
from .correct import HAN_CHAR, correct_query, spelled_in_words
from .logical import AnyOf, AtLeast, Node
from .notices import Notice
from .parse import MAX_CONCEPTS
from .plan import Plan
from .signals import minimum_should_match

COMMON_SHARE = 0.2  # a piece in more of the documents than this says little of a question
CORE_SHARE = 1 / 3  # of a question's informative pieces, at least this many must match


class Units:
    """The fallback's units of one answer, found once when an attempt first needs them."""

    def __init__(self, context: Context, plan: Plan):
        self.context, self.plan = context, plan
        self._found: list[tuple[object, Node]] | None = None

    @property
    def found(self) -> list[tuple[object, Node]]:
        """(unit, its tree), see :func:`fallback_units`."""
        if self._found is None:
            self._found, self.unmatched = fallback_units(self.context, self.plan)
        return self._found

    def needed(self, minimum: int) -> int:
        """``minimum`` if a result needing that many units may lack a content word, else 0:
        some unit may be missing, or a content word matched nowhere and was left out."""
        return minimum if minimum < len(self.found) or self.unmatched else 0


@dataclass(frozen=True)
class Attempt:
    """One step of the policy: its name, and ``tree``, which gives the step's logical tree and
    how many units it needs (0: every concept, or a question), or ``None`` where it does not
    apply."""

    name: str
    tree: Callable[[Context, Plan, Units], tuple[Node, int] | None]


def every_concept(context: Context, plan: Plan, units: Units) -> tuple[Node, int]:
    """Every concept; with several, also the documents titled as one of them, once some
    document has every concept."""
    tree = plan.everything()
    if plan.named is not None and context.may_match(plan.named) and \
            context.matches(tree, plan.restriction()):
        return AnyOf((tree, plan.named)), 0  # one search of both, not one to check and one to rank
    return tree, 0


def most_units(context: Context, plan: Plan, units: Units) -> tuple[Node, int] | None:
    """At least most of the units (:func:`~.signals.minimum_should_match`)."""
    if not units.found:
        return None
    minimum = minimum_should_match(len(units.found))
    return plan.at_least([clause for _, clause in units.found], minimum), minimum


def any_unit(context: Context, plan: Plan, units: Units) -> tuple[Node, int] | None:
    """Any one of the units."""
    if not units.found:
        return None
    return plan.at_least([clause for _, clause in units.found], 1), 1


def informative_core(context: Context, plan: Plan, units: Units) -> tuple[Node, int] | None:
    """A question: its informative pieces as a required core (:data:`CORE_SHARE` of them),
    the common ones scored only."""
    pieces = question_pieces(context, plan)
    if not pieces:
        return None
    common = context.doc_count() * COMMON_SHARE
    core = [clause for frequency, clause in pieces if frequency <= common]
    scored = [clause for frequency, clause in pieces if frequency > common]
    if not core:
        return None
    needed = max(1, math.floor(len(core) * CORE_SHARE))
    required = AnyOf(tuple(core)) if needed == 1 else AtLeast(tuple(core), needed)
    return plan.ranked(required, scored), 0


def any_piece(context: Context, plan: Plan, units: Units) -> tuple[Node, int] | None:
    """A question: any of its pieces, all of them scored."""
    pieces = question_pieces(context, plan)
    if not pieces:
        return None
    return plan.ranked(AnyOf(tuple(clause for _, clause in pieces)), []), 0


def question_pieces(context: Context, plan: Plan) -> list[tuple[int, Node]]:
    """(how many documents have it, its tree) of each piece of the question that some
    document has (else of its characters, for a piece joined from them), the rarest
    :data:`~.parse.MAX_CONCEPTS`, in the question's order."""
    frequencies: dict[Node, int] = {}
    for piece, clause in plan.asked.pieces:
        options = [(piece, clause)] if context.may_match(clause) else plan.asked.characters.get(piece, ())
        for option, tree in options:
            if tree not in frequencies and context.may_match(tree):
                frequencies[tree] = context.frequency(option.text)
    found = [(frequency, tree) for tree, frequency in frequencies.items()]
    kept = sorted(range(len(found)), key=lambda n: found[n][0])[:MAX_CONCEPTS]
    return [found[n] for n in sorted(kept)]


KEYWORDS = (Attempt("all", every_concept), Attempt("most", most_units), Attempt("any", any_unit))
QUESTIONS = (Attempt("question", informative_core), Attempt("question", any_piece))


@dataclass
class Answer:
    """What the policy found: the results, the tree that found them, the plan it came from,
    the attempt that found them, how many units it needed (0: every concept, or a question),
    the same when a result may lack a content word (a missing 怎么 or 多少 is no partial
    match), and the correction it shows."""

    results: object
    tree: Node
    plan: Plan
    attempt: str = "all"
    minimum: int = 0
    partial: int = 0
    suggestion: str | None = None
    notices: list[Notice] = field(default_factory=list)

    @property
    def mode(self) -> str:
        """``corrected`` (the results of the correction), ``question`` (ranked as a question),
        ``any`` (not every concept matched) or ``all``."""
        if self.suggestion:
            return "corrected"
        return "question" if self.attempt == "question" else "any" if self.minimum else "all"


def answer(context: Context, plan: Plan) -> Answer:
    """The first attempt of the plan's list that finds something; else the first one's
    results."""
    restriction, units = plan.restriction(), Units(context, plan)
    first: Answer | None = None
    tried: set[Node] = set()
    for attempt in QUESTIONS if plan.asked else KEYWORDS:
        if first is not None and not context.time_left:
            break
        made = attempt.tree(context, plan, units)
        if made is None or made[0] in tried:
            continue
        tree, minimum = made
        tried.add(tree)
        found = Answer(context.search(tree, restriction), tree, plan, attempt.name, minimum,
                       units.needed(minimum) if minimum else 0)
        if not found.results.is_empty():
            return found
        first = first or found
    return first or Answer(context.search(plan.everything(), restriction), plan.everything(), plan)


def fallback_units(context: Context, plan: Plan) -> tuple[list[tuple[object, Node]], bool]:
    """(unit, its tree) of the fallback (see the module's doc), or ``[]`` when the units
    would be the query's one concept, so that no fallback differs from ``all``; and whether
    a content word was left out, matching nowhere."""
    units: dict[object, Node] = {}
    unmatched = False
    for unit in plan.units:
        found = [(unit.concept, unit.clause)]
        if unit.pieces and not (context.time_left and context.matches(unit.clause)):
            pieces = [(piece, clause) for piece, clause in unit.pieces
                      if context.time_left and context.matches(clause)]
            found = [pair for pair in pieces if len(pair[0].text) > 1] or pieces or found
            unmatched = unmatched or len(found) < len(unit.pieces)
        for piece, clause in found:
            units.setdefault(piece, clause)
    kept = list(units.items())[:MAX_CONCEPTS]
    differs = len(kept) > 1 or [unit for unit, _ in kept] != plan.query.concepts
    return (kept, unmatched or len(units) > MAX_CONCEPTS) if differs else ([], False)


def correct(context: Context, found: Answer, q: str, replan: Callable[[str], Plan],
            words: PinyinWords) -> Answer:
    """The correction's attempt: when ``found`` is weak (nothing, or not every concept), each
    Chinese term of query string ``q`` that finds nothing as written replaced by the title
    part or frequent word that sounds the same (a pinyin query that finds nothing: the
    indexed words it spells), ``replan``-ned and answered; kept only if it finds something,
    else ``found``."""
    weak = found.results.is_empty() or bool(found.minimum)
    plan = found.plan
    unfound = [text for text in plan.query.terms + plan.query.phrases
               if HAN_CHAR.search(text) and not written(context, plan, text, weak)]

    def unfound_parts(text: str) -> list[str]:
        return [part for part in plan.planner.spelled(text)
                if part != text and HAN_CHAR.search(part) and not context.matches(plan.as_written(part))]

    if unfound:
        suggestion = correct_query(q, unfound, context, words, unfound_parts)
    elif plan.pinyin is not None and found.results.is_empty():
        suggestion = spelled_in_words(pinyin_key(q) or "", words)  # yibaobaoxiao → 医保报销
    else:
        suggestion = None
    if not suggestion or not context.time_left:
        return found
    better = answer(context, replan(suggestion))
    if better.results.is_empty():
        return found
    better.suggestion = suggestion
    better.notices.append(Notice("corrected", {"query": q, "suggestion": suggestion}))
    return better


def written(context: Context, plan: Plan, text: str, weak: bool) -> bool:
    """Whether ``text`` matched as written (else it may be a homophone typo): a term of a
    strong answer that only a compound could match by its words apart did; otherwise its
    tree without the words apart must find something (past the budget, it counts as found)."""
    if not weak and not plan.planner.parts(text):
        return True
    return not context.time_left or context.matches(plan.as_written(text))
