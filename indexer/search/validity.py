"""Validity at query time: the index's values, under those declared since (a repeal found
in a document indexed later, :mod:`indexer.index.links`) and those an editor set
(:mod:`indexer.editors.store`), which take effect without a rebuild.

Both are a few documents' ids, so they are planned into the logical tree as ``id`` terms
around the ``validity`` field's own: a filter is the documents whose value is one of those
asked for, and the demotion (signal ``validity``) scales the score of those not in force.

>>> overrides = Overrides((("a", "已废止"), ("b", "现行有效")))
>>> overrides.having(("现行有效",))
AnyOf(Excluding(validity:现行有效, id:a), id:b)
>>> overrides.of("a"), overrides.of("c")
('已废止', None)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ..analysis.validity import NOT_IN_FORCE
from .logical import AnyOf, Demoted, Excluding, Node, Term
from .signals import weight

FIELD = "validity"


@dataclass(frozen=True)
class Overrides:
    """(document id, validity) of each document whose validity is not the index's."""

    values: tuple[tuple[str, str], ...] = ()

    @functools.cached_property
    def _by_id(self) -> dict[str, str]:
        return dict(self.values)

    def of(self, doc_id: str) -> str | None:
        """The validity that overrides the index's for ``doc_id``, if any."""
        return self._by_id.get(doc_id)

    def having(self, wanted: tuple[str, ...]) -> Node:
        """The documents whose validity, as overridden, is one of ``wanted``."""
        indexed = [Term(FIELD, value) for value in wanted]
        node: Node = indexed[0] if len(indexed) == 1 else AnyOf(tuple(indexed))
        moved_out = [Term("id", doc_id) for doc_id, value in self.values if value not in wanted]
        moved_in = [Term("id", doc_id) for doc_id, value in self.values if value in wanted]
        if moved_out:
            node = Excluding(node, moved_out[0] if len(moved_out) == 1 else AnyOf(tuple(moved_out)))
        return AnyOf((node, *moved_in)) if moved_in else node

    @functools.cached_property
    def not_in_force(self) -> Node:
        """The documents repealed or expired."""
        return self.having(NOT_IN_FORCE)

    def demoted(self, node: Node, spared: Node) -> Node:
        """``node``, the documents not in force scoring less (signal ``validity``), but for
        those ``spared`` matches."""
        return Demoted(node, Excluding(self.not_in_force, spared), weight("validity"), signal="validity")


def merged(*layers: dict[str, str]) -> Overrides:
    """The overrides of several layers, a later one over an earlier one."""
    values: dict[str, str] = {}
    for layer in layers:
        values.update(layer)
    return Overrides(tuple(sorted(values.items())))
