"""The query policy, one search from query string to :class:`~.results.SearchResult`:

1. parse the string into a tree, with the caller's filters;
2. documents matching every concept (and those titled as one of several);
3. if none, the fallback: at least most of the units (a compound no document holds as its
   words, a question as its content words), then any one;
4. if the answer is weak, the homophone correction, kept only if it finds something;
5. facets (each counted without its own field's filters), hits with highlighted snippets.

All of it within the work budget of :mod:`.execute`: past the deadline the search answers
with what it has, and says so.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable

from whoosh import query as wq

from ..analysis.pinyin import pinyin_key
from ..config import FACET_VALUES
from ..fields import FIELDS
from ..index.schema import stored_document
from . import executor
from .correct import correct_query
from .execute import Execution, relevance
from .parse import MAX_CONCEPTS, parse, restriction, scrub
from .plan import Planner, restrictions
from .presence import Presence
from .ranking import minimum_should_match, scorer
from .results import Hit, SearchResult, with_pinyin
from .tree import Query, Restriction, Series

MAX_QUERY_CHARS = 256
MAX_FILTER_VALUES = 20  # values of one field a search may filter on
SORTS = ("relevance", "-published", "published")  # what callers may ask for; relevance is None
__all__ = ["MAX_FILTER_VALUES", "MAX_QUERY_CHARS", "SORTS", "date_range", "needles", "run", "scorer"]


def run(view, q: str, page: int, per_page: int, filters: dict[str, list[str]],
        sort: str | None = None, correct: bool = True, whoosh: bool = False,
        facet_values: int = FACET_VALUES) -> SearchResult:
    """Answer query string ``q`` on ``view`` (a generation, a searcher and a planner);
    ``correct=False`` never tries a homophone correction; ``whoosh=True`` searches through
    Whoosh's collectors instead of the array executor (see :mod:`.execute`); each facet lists
    its ``facet_values`` most frequent values (and those filtered on)."""
    started = time.perf_counter()
    q, notices = scrub(q), []
    page, per_page = max(1, page), max(1, per_page)
    if len(q) > MAX_QUERY_CHARS:
        q = q[:MAX_QUERY_CHARS]
        notices.append(f"查询过长，只搜索了前 {MAX_QUERY_CHARS} 个字符 "
                       f"(query truncated to {MAX_QUERY_CHARS} characters)")
    view = dataclasses.replace(view, planner=view.planner.for_search())
    extra = caller_restrictions(filters)
    query = parse(q).restricted(extra, replace_fields=True)
    if query.dropped:
        notices.append(f"查询词太多，只搜索了前 {MAX_CONCEPTS} 个 (only the first {MAX_CONCEPTS} terms "
                       "were searched)")
    if sort is None and any(isinstance(c, Series) for c in query.concepts):
        sort = "-published"  # a series of 文号 alike: the most recent first
    run = Execution(view, page * per_page, sort, whoosh=whoosh)
    present = Presence(view.searcher.reader(), run.has_term)
    results, whoosh_query, fallback = answer(run, present, query)
    mode = "any" if fallback else "all"
    weak = results.is_empty() or bool(fallback)
    planner = view.planner

    def found(term: str) -> bool:  # as written: else it may be a homophone typo
        if not weak and not planner.parts(term):
            return True  # it matched, and only a compound can match by its words apart
        return not run.time_left or matches(run, present, planner.concept(term, loose=False))

    suggestion = None
    if run.time_left and correct:
        suggestion = correct_query(q, query.terms + query.phrases, found, view.searcher,
                                   view.generation.words)
    if suggestion and run.time_left:
        corrected = parse(suggestion).restricted(extra, replace_fields=True)
        better, better_query, better_fallback = answer(run, present, corrected)
        if better.is_empty():
            suggestion = None
        else:  # every corrected term finds something, so this covers more of the query
            results, whoosh_query, query, fallback = better, better_query, corrected, better_fallback
            mode = "corrected"
            notices.append(f"没有找到“{q}”的结果，以下是“{suggestion}”的结果 "
                           f"(no good match for {q!r}; showing results for {suggestion!r})")
    else:
        suggestion = None
    if fallback == 1:
        notices.append("没有同时包含所有词的结果，以下结果至少包含其中一个词 "
                       "(no document matches every term; showing documents that match any)")
    elif fallback:
        notices.append(f"没有同时包含所有词的结果，以下结果至少包含其中 {fallback} 个词 "
                       f"(no document matches every term; showing documents that match {fallback})")
    counted = run.facet_counts(whoosh_query, query, results, facet_values)
    if run.expired:
        notices.append("搜索用时超过限制，结果可能不完整 "
                       "(the search ran out of time; the results may be incomplete)")
    shown = results[(page - 1) * per_page:page * per_page]
    marks = page_marks(planner, query)
    ids = executor.document_ids(view.searcher, [hit.docnum for hit in shown])
    hits = [Hit(doc_id, relevance(hit), functools.partial(stored, hit), marks)
            for doc_id, hit in zip(ids, shown, strict=True)]
    return SearchResult(q, len(results), page, per_page, hits, counted,
                        round((time.perf_counter() - started) * 1000, 2), mode, notices, suggestion)


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


def answer(run: Execution, present: Presence, query: Query):
    """(results, Whoosh query, minimum): documents matching every concept, then those titled
    as one of them (minimum 0); if none match every concept, the fallback's units (a concept
    that matches nowhere counted by its words), first at least :func:`minimum_should_match`
    of them, then any one; ``minimum`` says how many the answer needs."""
    planner = run.view.planner
    whoosh_query = planner.match_all(query)
    if not present.may_match(whoosh_query):
        whoosh_query = wq.NullQuery  # a term in no segment: nothing to evaluate, and no matches
    results = None
    if len(query.concepts) > 1:
        if matches(run, present, whoosh_query, restrictions(query)):
            named = planner.named_titles(query, run.view.searcher.reader())
            if named is not None:  # one search of both, not one to check and one to rank
                whoosh_query = wq.Or([whoosh_query, named])
            return run.search(whoosh_query, query), whoosh_query, 0
    else:
        results = run.search(whoosh_query, query)
        if not results.is_empty() or not run.time_left:
            return results, whoosh_query, 0

    def unit_matches(concept) -> bool:  # within the budget: past it, a piece counts as matching nowhere
        return run.time_left and matches(run, present, planner.clause(concept))

    units = planner.split_unmatched(query, unit_matches)
    if len(units) > 1 or units != query.concepts:
        for minimum in dict.fromkeys([minimum_should_match(len(units)), 1]):
            if not run.time_left:
                break
            fallback = planner.match_some(query, units, minimum)
            results = run.search(fallback if present.may_match(fallback) else wq.NullQuery, query)
            if not results.is_empty():
                return results, fallback, minimum
    if results is None:
        results = run.search(whoosh_query, query)
    return results, whoosh_query, 0


def matches(run: Execution, present: Presence, whoosh_query: wq.Query,
            restricted: wq.Query | None = None) -> bool:
    """Whether any live document matches ``whoosh_query`` (and ``restricted``): the term table
    first, a matcher only for a query that may match."""
    return present.may_match(whoosh_query) and run.matches(whoosh_query, restricted)


def needles(planner: Planner, query: Query, title: str = "") -> list[str]:
    """What to mark: the terms, their synonyms and words, and for a pinyin query the
    characters of ``title`` that it spells."""
    return page_marks(planner, query)(title)


def page_marks(planner: Planner, query: Query) -> Callable[[str], list[str]]:
    """:func:`needles` by title, for the hits of one page: the query's own part is made once,
    when the first hit is shown."""
    @functools.cache
    def shared() -> tuple[list[str], str | None]:
        return planner.needles(query), pinyin_key(query.text)

    def marks(title: str) -> list[str]:
        found, key = shared()
        return with_pinyin(found, title, key)

    return marks


def stored(hit) -> dict:
    """A ranked hit's stored document."""
    return stored_document(hit.fields())
