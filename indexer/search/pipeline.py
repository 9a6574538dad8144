"""The query policy, one search from query string to :class:`~.results.SearchResult`:

1. parse the string into a tree, with the caller's filters;
2. documents matching every concept (and those titled as one of several);
3. if none, the fallback: any concept, a compound no document holds as its words;
4. if the answer is weak, the homophone correction, kept only if it finds something;
5. facets (each counted without its own field's filters), hits with highlighted snippets.
"""

from __future__ import annotations

import time

from whoosh import query as wq
from whoosh import sorting

from ..analysis.normalize import normalize_text
from ..analysis.pinyin import matched_text, pinyin_key
from ..fields import FIELDS, facets
from ..index.schema import stored_document
from .correct import correct_query
from .parse import parse, restriction, scrub
from .plan import Planner, restrictions
from .ranking import minimum_should_match, scorer
from .results import SearchResult, make_hit
from .tree import Query, Restriction, Series

MAX_QUERY_CHARS = 256
MISSING_KEY = (1 << 64) - 1  # the sort key of a 64-bit NUMERIC column without a value
__all__ = ["MAX_QUERY_CHARS", "needles", "run", "scorer"]


def run(view, q: str, page: int, per_page: int, filters: dict[str, list[str]],
        sort: str | None = None, correct: bool = True) -> SearchResult:
    """Answer query string ``q`` on ``view`` (a generation and a searcher)."""
    started = time.perf_counter()
    q, notices = scrub(q), []
    page, per_page = max(1, page), max(1, per_page)
    if len(q) > MAX_QUERY_CHARS:
        q = q[:MAX_QUERY_CHARS]
        notices.append(f"查询过长，只搜索了前 {MAX_QUERY_CHARS} 个字符 "
                       f"(query truncated to {MAX_QUERY_CHARS} characters)")
    extra = caller_restrictions(filters)
    query = parse(q).restricted(extra, replace_fields=True)
    if sort is None and any(isinstance(c, Series) for c in query.concepts):
        sort = "-published"  # a series of 文号 alike: the most recent first
    limit = page * per_page
    results, whoosh_query, fallback = answer(view, query, limit, sort)
    mode = "any" if fallback else "all"
    weak = results.is_empty() or bool(fallback)
    planner, searcher = view.planner, view.searcher

    def found(term: str) -> bool:  # as written: else it may be a homophone typo
        if not weak and not planner.parts(term):
            return True  # it matched, and only a compound can match by its words apart
        return finds(view, term)

    suggestion = correct_query(q, query.terms + query.phrases, found, searcher,
                               view.generation.words) if correct else None
    if suggestion:
        corrected = parse(suggestion).restricted(extra, replace_fields=True)
        better, better_query, better_fallback = answer(view, corrected, limit, sort)
        if better.is_empty():
            suggestion = None
        else:  # every corrected term finds something, so this covers more of the query
            results, whoosh_query, query, fallback = better, better_query, corrected, better_fallback
            mode = "corrected"
            notices.append(f"没有找到“{q}”的结果，以下是“{suggestion}”的结果 "
                           f"(no good match for {q!r}; showing results for {suggestion!r})")
    if fallback == 1:
        notices.append("没有同时包含所有词的结果，以下结果至少包含其中一个词 "
                       "(no document matches every term; showing documents that match any)")
    elif fallback:
        notices.append(f"没有同时包含所有词的结果，以下结果至少包含其中 {fallback} 个词 "
                       f"(no document matches every term; showing documents that match {fallback})")
    counted = facet_counts(view, whoosh_query, query, results)
    marks = needles(planner, query)
    key = pinyin_key(query.text)
    hits = []
    for hit in results[(page - 1) * per_page:page * per_page]:
        doc = stored_document(hit.fields())
        hits.append(make_hit(doc, relevance(hit, sort), with_pinyin(marks, doc["title"], key)))
    return SearchResult(q, len(results), page, per_page, hits, counted,
                        round((time.perf_counter() - started) * 1000, 2), mode, notices, suggestion)


def relevance(hit, sort: str | None) -> float:
    """A hit's relevance score; sorted by a field, Whoosh gives the sort key instead, whose
    last part is :class:`whoosh.sorting.ScoreFacet`'s negated score."""
    if sort:
        return -hit.score[-1]
    return hit.score or 0.0


def caller_restrictions(filters: dict[str, list[str]]) -> list[Restriction]:
    """The API's and CLI's filters as tree clauses; values that do not fit a field are ignored."""
    made = []
    for name, values in filters.items():
        field = FIELDS.get(name)
        if field is not None and field.filterable:
            made.extend(r for r in (restriction(field, value) for value in values if value) if r)
    return made


def answer(view, query: Query, limit: int, sort: str | None = None):
    """(results, Whoosh query, minimum): documents matching every concept, then those titled
    as one of them (minimum 0); if none match every concept, the fallback's units (a concept
    that matches nowhere counted by its words), first at least :func:`minimum_should_match`
    of them, then any one; ``minimum`` says how many the answer needs."""
    planner, searcher = view.planner, view.searcher
    whoosh_query = planner.match_all(query)
    results = None
    if len(query.concepts) > 1:
        if matches_any(searcher, whoosh_query, restrictions(query)):
            named = planner.named_titles(query, searcher.reader())
            if named is not None:  # one search of both, not one to check and one to rank
                whoosh_query = wq.Or([whoosh_query, named])
            return execute(searcher, whoosh_query, query, limit, sort), whoosh_query, 0
    else:
        results = execute(searcher, whoosh_query, query, limit, sort)
        if not results.is_empty():
            return results, whoosh_query, 0
    units = planner.split_unmatched(query, lambda concept: matches_any(searcher, planner.clause(concept)))
    if len(units) > 1:
        for minimum in dict.fromkeys([minimum_should_match(len(units)), 1]):
            fallback = planner.match_some(query, units, minimum)
            results = execute(searcher, fallback, query, limit, sort)
            if not results.is_empty():
                return results, fallback, minimum
    if results is None:
        results = execute(searcher, whoosh_query, query, limit, sort)
    return results, whoosh_query, 0


def finds(view, term: str, loose: bool = False) -> bool:
    """Whether ``term`` (or a synonym) matches any document as written (if ``loose``, also as
    its words apart)."""
    return matches_any(view.searcher, view.planner.concept(term, loose))


def execute(searcher, whoosh_query: wq.Query, query: Query, limit: int, sort: str | None = None):
    """Run ``whoosh_query`` with the tree's restrictions, grouping matches by every facet."""
    groups = {field.name: sorting.FieldFacet(field.name, maptype=sorting.Count,
                                             allow_overlap=field.multi) for field in facets()}
    options = {"sortedby": [sort_facet(sort), sorting.ScoreFacet()]} if sort else {}
    return searcher.search(whoosh_query, limit=limit, filter=restrictions(query), groupedby=groups,
                           **options)


def sort_facet(sort: str) -> sorting.FacetType:
    """Order by field ``sort`` (``-name``: descending), documents without a value last either
    way; unknown or unsortable fields raise ``ValueError``."""
    name, descending = sort.lstrip("-"), sort.startswith("-")
    field = FIELDS.get(name)
    if field is None or not field.sortable:
        raise ValueError(f"cannot sort by {name!r}")
    facet = sorting.FieldFacet(name)
    if field.type not in ("number", "date"):
        return sorting.FieldFacet(name, reverse=descending)
    if descending:  # Whoosh stores a missing number as the largest: keep it largest, negate the rest
        return sorting.TranslateFacet(lambda key: key if key == MISSING_KEY else -key, facet)
    return facet


def facet_counts(view, whoosh_query: wq.Query, query: Query, results) -> dict[str, dict[str, int]]:
    """Each facet's counts under the query's restrictions on the other fields, most first."""
    counted = {}
    restricted = {r.field for r in query.restrictions}
    for field in facets():
        source = results
        if field.name in restricted:  # counted as if this field were not filtered
            source = execute(view.searcher, whoosh_query, query.without_field(field.name), 1)
        groups = [(str(name), count) for name, count in source.groups(field.name).items() if name is not None]
        counted[field.name] = dict(sorted(groups, key=lambda group: (-group[1], group[0])))
    return counted


def needles(planner: Planner, query: Query, title: str = "") -> list[str]:
    """What to mark: the terms, their synonyms and words, and for a pinyin query the
    characters of ``title`` that it spells."""
    return with_pinyin(planner.needles(query), title, pinyin_key(query.text))


def with_pinyin(marks: list[str], title: str, key: str | None) -> list[str]:
    """``marks`` and, for a pinyin query, the characters of ``title`` that it spells."""
    spelled = matched_text(title, key) if key and title else None
    return marks + [normalize_text(spelled)] if spelled else marks


def matches_any(searcher, whoosh_query: wq.Query, restricted: wq.Query | None = None) -> bool:
    """Whether any live document matches ``whoosh_query`` and ``restricted``, found without ranking."""
    if restricted is not None:
        whoosh_query = wq.And([whoosh_query, restricted])
    return any(whoosh_query.matcher(leaf).is_active() for leaf, _ in searcher.leaf_searchers())
