"""Filter values as the index holds them: a value is found however it was typed, as a query is.

``publisher:南京住房公積金管理中心``, ``kind=PAGE`` and ``kind:ＰＡＧＥ`` filter on what the index
holds for 南京住房公积金管理中心 and ``page``: the value itself if the index holds it, else
its normal form (:func:`~indexer.analysis.normalize.normalize_text`), else every value of
the field that normalises the same (a Traditional value in the index, typed in Simplified).
That last table is made once per generation and field, and only when it is needed.
"""

from __future__ import annotations

from dataclasses import replace

from ..analysis.normalize import normalize_text
from .backend import IndexView
from .parse import scrub
from .tree import Filter, Query


def resolved(query: Query, view: IndexView) -> Query:
    """``query`` with each keyword filter on the values of ``view``'s index that its value
    stands for (several are ORed, as values of one field are); a value the index does not
    hold in any form stays, and finds nothing."""
    clauses = []
    for clause in query.clauses:
        if isinstance(clause, Filter):
            values = held_values(view, clause.field, clause.value) or [clause.value]
            clauses.extend(Filter(clause.field, value) for value in values)
        else:
            clauses.append(clause)
    return replace(query, clauses=tuple(dict.fromkeys(clauses)))


def held_values(view: IndexView, field: str, value: str) -> list[str]:
    """The values of ``field`` in the index that ``value`` stands for, or none."""
    value = scrub(value)  # a lone surrogate from a bad URL cannot be normalised or looked up
    normal = normalize_text(value.strip())
    for candidate in dict.fromkeys((value, normal)):
        if view.holds(field, candidate):
            return [candidate]
    table = view.memo(("normal values", field), lambda: _normal_values(view, field))
    return table.get(normal, [])


def _normal_values(view: IndexView, field: str) -> dict[str, list[str]]:
    """Each normal form of a value of ``field`` → the values that have it."""
    table: dict[str, list[str]] = {}
    for text in view.field_values(field):
        table.setdefault(normalize_text(text), []).append(text)
    return table
