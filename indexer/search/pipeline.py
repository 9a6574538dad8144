"""One search, from query string to :class:`~.results.SearchResult`, through the stages in
one direction:

1. parse the string into a query tree (:mod:`.parse`), with the caller's filters;
2. plan it into logical trees (:mod:`.plan`);
3. the match policy (:mod:`.policy`) runs its attempts on one search context
   (:mod:`.context`), which evaluates the trees on the segments' arrays within the work
   budget; the correction, the policy's last attempt, is the one that plans again;
4. collect: facets (each counted without its own field's filters), the page's hits, whose
   snippets are marked when first read.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..analysis.pinyin import pinyin_key
from ..config import FACET_VALUES
from ..fields import FIELDS
from . import policy
from .answer import Answer, best_answer, worth
from .backend import Context, IndexView
from .explain import Explanation
from .notices import Notice
from .parse import MAX_CONCEPTS, parse, restriction, scrub
from .plan import Planner
from .reference import relevance
from .results import Hit, SearchResult, with_pinyin
from .signals import scorer
from .tree import Query, Restriction, Series
from .values import resolved

MAX_QUERY_CHARS = 256
MAX_FILTER_VALUES = 20  # values of one field a search may filter on
SORTS = ("relevance", "-published", "published")  # what callers may ask for; relevance is None
__all__ = ["MAX_FILTER_VALUES", "MAX_QUERY_CHARS", "SORTS", "date_range", "explain", "marks", "run", "scorer"]


def run(view: IndexView, q: str, page: int, per_page: int, filters: dict[str, list[str]],
        sort: str | None = None, correct: bool = True, whoosh: bool = False,
        answer: bool = True, facet_values: int = FACET_VALUES) -> SearchResult:
    """Answer query string ``q`` on ``view`` (one generation of either backend, see
    :mod:`.backend`); ``correct=False`` never tries a homophone correction; ``whoosh=True``
    searches a Whoosh index through Whoosh's collectors instead of the arrays (see
    :mod:`.context`); ``answer=False`` looks for no 最佳答案 (:mod:`.answer`); each facet lists
    its ``facet_values`` most frequent values (and those filtered on)."""
    started = time.perf_counter()
    page, per_page = max(1, page), max(1, per_page)
    searched = search(view, q, filters, sort, correct, whoosh, page * per_page)
    context, found, notices = searched.context, searched.found, searched.notices
    counted = context.facet_counts(found.tree, found.plan, found.results, facet_values)
    notices += context.notices()
    shown = found.results[(page - 1) * per_page:page * per_page]
    hit_marks = page_marks(view.planner, found.plan.query)
    hits = [Hit(doc_id, relevance(hit), functools.partial(annotated, view, context, hit), hit_marks)
            for doc_id, hit in zip(context.ids(shown), shown, strict=True)]
    best = best_answer_of(view, context, found) if answer and page == 1 and not sort else None
    return SearchResult(searched.q, len(found.results), page, per_page, hits, counted,
                        round((time.perf_counter() - started) * 1000, 2), found.mode, notices,
                        found.suggestion, best)


def best_answer_of(view: IndexView, context: Context, found: policy.Answer) -> Answer | None:
    """The 最佳答案 of a question's results: the passage of the top document that answers it,
    when one does confidently (:func:`.answer.best_answer`)."""
    asked = found.plan.asked
    top = found.results[:1]
    if asked is None or not top:
        return None
    documents = context.doc_count()
    pieces = [(view.planner.forms(piece.text), worth(context.frequency(piece.text), documents))
              for piece, _ in asked.pieces]
    doc = context.stored(top[0])
    return best_answer(doc["id"], doc["title"], doc["body"], pieces, found.plan.query.text)


@dataclass
class Searched:
    """A search up to its answer: the query string searched, the context, what the policy
    found, and the notices so far."""

    q: str
    context: Context
    found: policy.Answer
    notices: list[Notice]


def search(view: IndexView, q: str, filters: dict[str, list[str]], sort: str | None, correct: bool,
           whoosh: bool, limit: int) -> Searched:
    """Parse, plan and answer ``q`` (see :func:`run`), ranking the first ``limit`` hits."""
    q, notices = scrub(q), []
    if len(q) > MAX_QUERY_CHARS:
        q = q[:MAX_QUERY_CHARS]
        notices.append(Notice("query_truncated", {"chars": MAX_QUERY_CHARS}))
    extra = caller_restrictions(filters)
    query = resolved(parse(q).restricted(extra, replace_fields=True), view)
    if query.dropped:
        notices.append(Notice("too_many_terms", {"kept": MAX_CONCEPTS}))
    if sort is None and any(isinstance(c, Series) for c in query.concepts):
        sort = "-published"  # a series of 文号 alike: the most recent first
    planner = view.planner
    plan = planner.plan(query)  # before the budget starts: a cold start loads the dictionary here
    context = view.context(limit, sort, whoosh=whoosh)
    found = policy.answer(context, plan)
    if correct and context.time_left:
        def replan(text: str):
            return planner.plan(resolved(parse(text).restricted(extra, replace_fields=True), view))

        found = policy.correct(context, found, q, replan, view.words)
    notices += found.notices
    if found.partial:
        notices.append(Notice("any_term") if found.partial == 1 else
                       Notice("partial_match", {"minimum": found.partial}))
    return Searched(q, context, found, notices)


def explain(view: IndexView, q: str, doc_id: str, filters: dict[str, list[str]] | None = None,
            correct: bool = True) -> Explanation | None:
    """How the document ``doc_id`` scored for ``q`` (``None`` if the search does not find it)."""
    searched = search(view, q, filters or {}, None, correct, False, 1)
    return searched.context.explain(searched.found.tree, doc_id, searched.found.plan.restriction())


def caller_restrictions(filters: dict[str, list[str]]) -> list[Restriction]:
    """The API's and CLI's filters as tree clauses; ``ValueError`` names a field that cannot
    be filtered, a value that does not fit its field, or more than :data:`MAX_FILTER_VALUES`."""
    made = []
    for name, values in filters.items():
        field = FIELDS.get(name)
        if field is None or not field.filterable:
            raise ValueError(f"cannot filter on {name!r}")
        values = [value for value in values if value]
        if len(values) > MAX_FILTER_VALUES:
            raise ValueError(f"at most {MAX_FILTER_VALUES} values of {name!r}")
        for value in values:
            clause = restriction(field, value)
            if clause is None:
                raise ValueError(f"{value!r} is not a value of {name!r}")
            made.append(clause)
    return made


def date_range(start: str | None, end: str | None) -> str:
    """A ``published`` filter value for the dates from ``start`` to ``end`` (either open)."""
    return f"{start or '1900-01-01'}..{end or '2099-12-31'}"


def marks(planner: Planner, query: Query, title: str = "") -> list[str]:
    """What to mark: the terms, their synonyms and words, and for a pinyin query the
    characters of ``title`` that it spells."""
    return page_marks(planner, query)(title)


def page_marks(planner: Planner, query: Query) -> Callable[[str], list[str]]:
    """:func:`marks` by title, for the hits of one page: the query's own part is made once,
    when the first hit is shown."""
    @functools.cache
    def shared() -> tuple[list[str], str | None]:
        return planner.marks(query), pinyin_key(query.text)

    def of_title(title: str) -> list[str]:
        found, key = shared()
        return with_pinyin(found, title, key)

    return of_title


def annotated(view: IndexView, context: Context, hit) -> dict:
    """A ranked hit's stored document with its validity now and links (:meth:`.view.Viewed.annotated`)."""
    return view.annotated(context.stored(hit))
