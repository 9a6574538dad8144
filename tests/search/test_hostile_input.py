"""Hostile input to the query parser and the engine: it never raises and its work is bounded."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from indexer import MAX_QUERY_CHARS
from indexer.search.parse import parse
from indexer.search.tree import Filter, Query, Range

OPERATORS = ["AND", "OR", "NOT", "-", "*", "kind:", "rank:abc", "rank:", "rank:-1", "rank:9-1",
             "kind:vendor", '"', "“", "」", "「", "(", ")", "[", "]", "{", "-\"", "\x00", "\\"]
# Every code point, lone surrogates and control characters included.
ANY_CHAR = st.characters(exclude_categories=())
WORDS = st.one_of(st.text(ANY_CHAR, max_size=12), st.sampled_from(OPERATORS),
                  st.sampled_from(["华宇", "智慧城市", "云", "<script>", "\ud800", "\udfff"]))
QUERIES = st.one_of(
    st.text(ANY_CHAR, max_size=300),
    st.lists(WORDS, max_size=12).map(" ".join),
    # very long queries: a piece repeated to well past 100,000 characters
    st.tuples(st.text(ANY_CHAR, min_size=1, max_size=5), st.integers(20_000, 100_000))
    .map(lambda piece: piece[0] * piece[1]),
)
SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
HUGE = 10**18


@SETTINGS
@given(QUERIES)
@example("a" * 100_000)
@example('"' * 100_000)
@example("「" + "a" * 100_000)
def test_parser_never_raises(text):
    parsed = parse(text)
    assert isinstance(parsed, Query)
    parts = parsed.terms + parsed.phrases + parsed.excluded
    assert all(isinstance(part, str) and part.strip() for part in parts)
    for clause in parsed.restrictions:
        assert isinstance(clause, Filter) and clause.value.strip() or (
            isinstance(clause, Range) and 0 <= clause.low and 0 <= clause.high)


@SETTINGS
@given(QUERIES, st.integers(-HUGE, HUGE), st.integers(-HUGE, HUGE),
       st.one_of(st.none(), st.sampled_from(["vendor", "section", "", "\ud800", "x" * 1000])))
@example("华宇", 10**9, 10**9, None)
@example("AND OR NOT", -1, 0, "vendor")
@example("\ud800华宇\udfff", 1, 10, "\udc80")
def test_search_never_raises_and_caps_the_query(engine, q, page, per_page, kind):
    result = engine.search(q, kind=kind, page=page, per_page=per_page)
    assert len(result.query) <= MAX_QUERY_CHARS
    assert result.page >= 1 and 1 <= result.per_page and len(result.hits) <= result.per_page
    assert result.total >= len(result.hits)
    if len(q) > MAX_QUERY_CHARS:
        assert any(notice.code == "query_truncated" and str(MAX_QUERY_CHARS) in notice.text
                   for notice in result.notices)
    json.dumps(result.to_dict())  # the API can always serialise it


@SETTINGS
@given(QUERIES, st.integers(-5, 50))
@example("\ud800", 8)
@example("华" * 100_000, 8)
def test_suggest_never_raises(engine, prefix, limit):
    found = engine.suggest(prefix, limit=limit)
    assert all(isinstance(text, str) for text in found)
    assert len(found) <= max(limit, 0)


@SETTINGS
@given(st.one_of(QUERIES, st.sampled_from(["../vendor-1", "..%2fvendor-1", "%2e%2e", "/etc/passwd",
                                           "vendor-1\x00", "vendor-1\ud800", "vendor-0"])))
def test_document_lookup_never_raises(engine, doc_id):
    assert engine.document(doc_id) is None


@pytest.mark.parametrize("query", ["华宇 " * 100, "华宇" + "\x00" * 1000])
def test_query_past_the_cap_is_searched_up_to_the_cap(engine, query):
    result = engine.search(query)
    assert result.total >= 1 and len(result.query) == MAX_QUERY_CHARS
