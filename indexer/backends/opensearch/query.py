"""Logical trees (:mod:`indexer.search.logical`) as OpenSearch query DSL, matching the same
documents and scoring them as the arrays do (:mod:`indexer.search.segment`), with the index's
similarities (:data:`.mapping.SIMILARITIES`: Whoosh's BM25F for text, the frequency for the
title's pinyin):

- ``Term`` → ``term`` with its boost; a term of an exact-value field scores its boost
  (Whoosh scores such a term's weight, 1), so it is a ``constant_score``;
- ``Phrase`` → the words at consecutive positions (``match_phrase`` over our tokens, which
  the index's analyzer only splits) as a filter, scored as the sum of the words' BM25F, as
  the arrays score it (Lucene would score the phrase's own frequency);
- ``Prefix`` → ``prefix``, every expansion, scoring 1 (see :func:`_prefix`);
- ``Range`` → ``range`` (dates as ``basic_date``), scoring 1;
- ``AnyOf`` → ``bool.should`` (at least one); ``AllOf`` → ``bool.must``; ``AtLeast`` →
  ``bool.should`` with ``minimum_should_match``: each scoring the sum of what matches, times
  its boost; one child alone is that child;
- ``WithBonus`` → ``bool.must`` + ``should``; ``Excluding`` → ``must_not``;
- ``Constant`` → ``constant_score``, or, in a search sorted by a field, its child (Whoosh
  then ranks by the child's score);
- ``Demoted`` → ``function_score``: the documents ``where`` matches score ``factor`` times
  their score (no function matches elsewhere: the score as it was);
- ``Every`` → ``match_all``; ``Nothing`` → ``match_none``.

A new node needs its translation here; :func:`dsl` names the class it does not know.
"""

from __future__ import annotations

from collections.abc import Callable

from ...fields import FIELDS
from ...search import logical
from ...search.logical import Node
from .mapping import scoring


def dsl(node: Node, sorted_by_field: bool = False) -> dict:
    """The query DSL of ``node``; ``sorted_by_field``: for a search sorted by a field."""
    try:
        translate = TRANSLATIONS[type(node)]
    except KeyError:
        raise TypeError(f"no OpenSearch translation of {type(node).__name__}") from None
    return translate(node, sorted_by_field)


def restricted(node: Node, restriction: Node | None, sorted_by_field: bool = False) -> dict:
    """``node``'s query with ``restriction`` as a filter (it adds no score)."""
    query = dsl(node, sorted_by_field)
    if restriction is None:
        return query
    return {"bool": {"must": [query], "filter": [dsl(restriction, sorted_by_field)]}}


def _term(node: logical.Term, _: bool) -> dict:
    if scoring(node.field) == "constant":
        return {"constant_score": {"filter": {"term": {node.field: node.text}}, "boost": node.boost}}
    return {"term": {node.field: {"value": node.text, "boost": node.boost}}}


def _phrase(node: logical.Phrase, _: bool) -> dict:
    words = [{"term": {node.field: word}} for word in node.words]
    return {"bool": {"filter": [{"match_phrase": {node.field: " ".join(node.words)}}], "must": words,
                     "boost": node.boost}}


def _prefix(node: logical.Prefix, _: bool) -> dict:
    """Every term that starts with the prefix, each matching document scoring 1: Whoosh
    scores 1 too where it expands to several terms in a segment of up to 5,000 documents; it
    scores the one term's weight where it expands to one, and the terms' weights summed in a
    larger segment. ``limit`` is not kept: Lucene's prefix query has no bound in term order,
    and a constant score needs none."""
    return {"constant_score": {"filter": {"prefix": {node.field: node.text}}, "boost": 1.0}}


def _range(node: logical.Range, _: bool) -> dict:
    bounds: dict = {"gte": node.low, "lte": node.high}
    if FIELDS[node.field].type == "date":  # the table's dates are YYYYMMDD numbers
        bounds = {"gte": f"{node.low:08d}", "lte": f"{node.high:08d}", "format": "basic_date"}
    return {"constant_score": {"filter": {"range": {node.field: bounds}}, "boost": 1.0}}


def _every(node: logical.Every, _: bool) -> dict:
    return {"match_all": {"boost": node.boost}}


def _nothing(node: logical.Nothing, _: bool) -> dict:
    return {"match_none": {}}


def _any_of(node: logical.AnyOf, sort: bool) -> dict:
    if len(node.nodes) == 1:
        return dsl(node.nodes[0], sort)
    return {"bool": {"should": [dsl(child, sort) for child in node.nodes], "minimum_should_match": 1,
                     "boost": node.boost}}


def _all_of(node: logical.AllOf, sort: bool) -> dict:
    if len(node.nodes) == 1:
        return dsl(node.nodes[0], sort)
    return {"bool": {"must": [dsl(child, sort) for child in node.nodes], "boost": node.boost}}


def _at_least(node: logical.AtLeast, sort: bool) -> dict:
    if len(node.nodes) == 1:
        return dsl(node.nodes[0], sort)
    return {"bool": {"should": [dsl(child, sort) for child in node.nodes],
                     "minimum_should_match": max(1, node.minimum), "boost": node.boost}}


def _with_bonus(node: logical.WithBonus, sort: bool) -> dict:
    return {"bool": {"must": [dsl(node.required, sort)], "should": [dsl(node.bonus, sort)]}}


def _excluding(node: logical.Excluding, sort: bool) -> dict:
    return {"bool": {"must": [dsl(node.kept, sort)], "must_not": [dsl(node.excluded, sort)]}}


def _constant(node: logical.Constant, sort: bool) -> dict:
    if sort:
        return dsl(node.child, sort)
    return {"constant_score": {"filter": dsl(node.child, sort), "boost": float(node.score or 1.0)}}


def _demoted(node: logical.Demoted, sort: bool) -> dict:
    return {"function_score": {"query": dsl(node.child, sort),
                               "functions": [{"filter": dsl(node.where, sort), "weight": node.factor}],
                               "score_mode": "multiply", "boost_mode": "multiply"}}


TRANSLATIONS: dict[type, Callable[[Node, bool], dict]] = {
    logical.Term: _term, logical.Phrase: _phrase, logical.Prefix: _prefix, logical.Range: _range,
    logical.Every: _every, logical.Nothing: _nothing, logical.AnyOf: _any_of, logical.AllOf: _all_of,
    logical.AtLeast: _at_least, logical.WithBonus: _with_bonus, logical.Excluding: _excluding,
    logical.Constant: _constant, logical.Demoted: _demoted,
}


def leaves(node: Node) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The (field, term) pairs and (field, prefix) pairs that ``node``'s ``may_match`` asks about
    (not a bonus's or an exclusion's, which it does not ask about)."""
    terms: set[tuple[str, str]] = set()
    prefixes: set[tuple[str, str]] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, logical.Term):
            terms.add((current.field, current.text))
        elif isinstance(current, logical.Phrase):
            terms.update((current.field, word) for word in current.words)
        elif isinstance(current, logical.Prefix):
            prefixes.add((current.field, current.text))
        elif isinstance(current, logical.WithBonus):
            stack.append(current.required)
        elif isinstance(current, logical.Excluding):
            stack.append(current.kept)
        else:
            stack.extend(current.children)
    return terms, prefixes
