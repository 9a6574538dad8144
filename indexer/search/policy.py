"""The match policy: the attempts a search makes, in order, until one finds something.

The attempts are data (:data:`ATTEMPTS`), run in order by :func:`answer` on one search
context: every concept must match (``all``); then, if no document has them all, at least
most of the query's units (``most``: all of one or two, three quarters beyond,
Elasticsearch's ``2<75%``), then any one (``any``). A unit is a concept as typed, or, if it
matches nowhere, the pieces of it that match somewhere (手机办事 → 手机 办事; a question's
content words). Past the budget no further attempt is made. If the answer is weak,
:func:`correct` makes the last attempt: the homophone correction of the query, planned anew
and answered by the same list, kept only if it finds something.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..index.sidecars import PinyinWords
from .context import SearchContext
from .correct import HAN_CHAR, correct_query
from .logical import AnyOf, Node
from .notices import Notice
from .parse import MAX_CONCEPTS
from .plan import Plan
from .signals import minimum_should_match


@dataclass(frozen=True)
class Attempt:
    """One step of the policy: its name, and how many of ``n`` units it needs (``None``:
    every concept, as planned)."""

    name: str
    minimum: Callable[[int], int] | None = None


ATTEMPTS = (
    Attempt("all"),
    Attempt("most", minimum_should_match),
    Attempt("any", lambda units: 1),
)


@dataclass
class Answer:
    """What the policy found: the results, the tree that found them, the plan it came from,
    how many units the answer needs (0: every concept), and the correction it shows."""

    results: object
    tree: Node
    plan: Plan
    minimum: int = 0
    suggestion: str | None = None
    notices: list[Notice] = field(default_factory=list)

    @property
    def mode(self) -> str:
        """``corrected`` (the results of the correction), ``any`` (not every concept matched)
        or ``all``."""
        return "corrected" if self.suggestion else "any" if self.minimum else "all"


def answer(context: SearchContext, plan: Plan) -> Answer:
    """The first of :data:`ATTEMPTS` that finds something; else the first one's results."""
    restriction = plan.restriction()
    first: Answer | None = None
    units: list[tuple[object, Node]] | None = None
    tried: set[int] = set()
    for attempt in ATTEMPTS:
        if first is not None and not context.time_left:
            break
        if attempt.minimum is None:
            tree, minimum = everything(context, plan), 0
        else:
            units = fallback_units(context, plan) if units is None else units
            if not units:
                break
            minimum = attempt.minimum(len(units))
            if minimum in tried:
                continue
            tree = plan.at_least([clause for _, clause in units], minimum)
        tried.add(minimum)
        found = Answer(context.search(tree, restriction), tree, plan, minimum)
        if not found.results.is_empty():
            return found
        first = first or found
    return first


def everything(context: SearchContext, plan: Plan) -> Node:
    """The ``all`` attempt's tree: every concept; with several, also the documents titled as
    one of them, once some document has every concept."""
    tree = plan.everything()
    if plan.named is not None and context.may_match(plan.named) and \
            context.matches(tree, plan.restriction()):
        return AnyOf((tree, plan.named))  # one search of both, not one to check and one to rank
    return tree


def fallback_units(context: SearchContext, plan: Plan) -> list[tuple[object, Node]]:
    """(unit, its tree) of the fallback (see the module's doc), or ``[]`` when the units
    would be the query's one concept, so that no fallback differs from ``all``."""
    units: dict[object, Node] = {}
    for unit in plan.units:
        found = [(unit.concept, unit.clause)]
        if unit.pieces and not (context.time_left and context.matches(unit.clause)):
            pieces = [(piece, clause) for piece, clause in unit.pieces
                      if context.time_left and context.matches(clause)]
            found = [pair for pair in pieces if len(pair[0].text) > 1] or pieces or found
        for piece, clause in found:
            units.setdefault(piece, clause)
    kept = list(units.items())[:MAX_CONCEPTS]
    differs = len(kept) > 1 or [unit for unit, _ in kept] != plan.query.concepts
    return kept if differs else []


def correct(context: SearchContext, found: Answer, q: str, replan: Callable[[str], Plan],
            words: PinyinWords) -> Answer:
    """The correction's attempt: when ``found`` is weak (nothing, or not every concept), each
    Chinese term of query string ``q`` that finds nothing as written replaced by the title
    part or frequent word that sounds the same, ``replan``-ned and answered; kept only if it
    finds something, else ``found``."""
    weak = found.results.is_empty() or bool(found.minimum)
    plan = found.plan
    unfound = [text for text in plan.query.terms + plan.query.phrases
               if HAN_CHAR.search(text) and not written(context, plan, text, weak)]
    suggestion = correct_query(q, unfound, context, words) if unfound else None
    if not suggestion or not context.time_left:
        return found
    better = answer(context, replan(suggestion))
    if better.results.is_empty():
        return found
    better.suggestion = suggestion
    better.notices.append(Notice("corrected", {"query": q, "suggestion": suggestion}))
    return better


def written(context: SearchContext, plan: Plan, text: str, weak: bool) -> bool:
    """Whether ``text`` matched as written (else it may be a homophone typo): a term of a
    strong answer that only a compound could match by its words apart did; otherwise its
    tree without the words apart must find something (past the budget, it counts as found)."""
    if not weak and not plan.planner.parts(text):
        return True
    return not context.time_left or context.matches(plan.as_written(text))
