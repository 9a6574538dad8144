"""The logical query tree: what the planner makes of a user's query, and what a search
evaluates. Each node knows three things about itself:

- :meth:`Node.may_match`: whether it can match at all, from the term table alone (a term in
  no live document, 䙘㫠, is known without reading a posting list's documents);
- :meth:`Node.evaluate`: its matches and scores on a segment's arrays (:mod:`.segment`);
- :meth:`Node.to_whoosh`: the same query as Whoosh's objects, the reference the tests hold
  the arrays to.

Nodes are immutable and compared and hashed by value (the hash is kept), so a search's
caches recognise a subtree planned twice, in two attempts or for a facet count. ``signal``
names the ranking signal (:mod:`.signals`) a node stands for; it shows in ``explain`` and is
not part of the value.

A new operator is one class here: its three methods and its ``children``.

>>> tree = AllOf((Term("body", "智慧"), AnyOf((Term("body", "医疗"), Term("title", "医疗", 6.0)))))
>>> tree == AllOf((Term("body", "智慧"), AnyOf((Term("body", "医疗"), Term("title", "医疗", 6.0)))))
True
>>> print(tree)
AllOf(body:智慧, AnyOf(body:医疗, title:医疗^6))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from whoosh import query as wq

from ..whoosh_ext.queries import BoundedPrefix, MinimumMatch, ScaledWhere
from .matches import EMPTY, Matches, boosted, both, constant, scaled, union, with_bonus, without

if TYPE_CHECKING:
    from .segment import Segment

# Whether a live document has a term (field, text), or one starting with a prefix.
HasTerm = Callable[[str, str], bool]
HasPrefix = Callable[[str, str], bool]


class Node:
    """A node of the logical tree (see the module's doc); subclasses set their attributes
    once in ``__init__`` and call :meth:`_keep` with the values that make them what they are."""

    __slots__ = ("_key", "_hash", "signal")

    def _keep(self, *values: object, signal: str | None = None) -> None:
        self._key = (type(self), *values)
        self._hash = hash(self._key)
        self.signal = signal

    def __eq__(self, other: object) -> bool:
        return self is other or (isinstance(other, Node) and self._hash == other._hash
                                 and self._key == other._key)

    def __hash__(self) -> int:
        return self._hash

    @property
    def children(self) -> tuple[Node, ...]:
        """The nodes this one is made of."""
        return ()

    def may_match(self, has_term: HasTerm, has_prefix: HasPrefix) -> bool:
        """``False`` only if no document can match: a term it needs is in no live document."""
        return True

    def evaluate(self, segment: Segment, scored: bool, within: np.ndarray | None) -> Matches:
        """The node's matches on ``segment`` (among ``within``), with scores if ``scored``."""
        raise NotImplementedError

    def to_whoosh(self) -> wq.Query:
        """The same query as Whoosh's query objects."""
        raise NotImplementedError


def _boost(boost: float) -> str:
    return f"^{boost:g}" if boost != 1.0 else ""


class Term(Node):
    """Documents with ``text`` in ``field``, BM25F-scored times ``boost``."""

    __slots__ = ("field", "text", "boost")

    def __init__(self, field: str, text: str, boost: float = 1.0, signal: str | None = None):
        self.field, self.text, self.boost = field, text, boost
        self._keep(field, text, boost, signal=signal)

    def __repr__(self) -> str:
        return f"{self.field}:{self.text}{_boost(self.boost)}"

    def may_match(self, has_term: HasTerm, has_prefix: HasPrefix) -> bool:
        return has_term(self.field, self.text)

    def evaluate(self, segment: Segment, scored: bool, within: np.ndarray | None) -> Matches:
        return segment.term(self.field, self.text, self.boost, scored, within)

    def to_whoosh(self) -> wq.Query:
        return wq.Term(self.field, self.text, boost=self.boost)


class Phrase(Node):
    """Documents with ``words`` at consecutive positions of ``field``, scored as the sum of
    the words' BM25F times ``boost``."""

    __slots__ = ("field", "words", "boost")

    def __init__(self, field: str, words: tuple[str, ...], boost: float = 1.0, signal: str | None = None):
        self.field, self.words, self.boost = field, tuple(words), boost
        self._keep(field, self.words, boost, signal=signal)

    def __repr__(self) -> str:
        return f'{self.field}:"{" ".join(self.words)}"{_boost(self.boost)}'

    def may_match(self, has_term: HasTerm, has_prefix: HasPrefix) -> bool:
        return all(has_term(self.field, word) for word in self.words)

    def evaluate(self, segment: Segment, scored: bool, within: np.ndarray | None) -> Matches:
        return segment.phrase(self.field, self.words, self.boost, scored, within)

    def to_whoosh(self) -> wq.Query:
        return wq.Phrase(self.field, list(self.words), boost=self.boost)


class Prefix(Node):
    """Documents with a term of ``field`` that starts with ``text`` (the first ``limit`` such
    terms, if given), scored as Whoosh scores a prefix."""

    __slots__ = ("field", "text", "limit", "boost")

    def __init__(self, field: str, text: str, limit: int | None = None, boost: float = 1.0,
                 signal: str | None = None):
        self.field, self.text, self.limit, self.boost = field, text, limit, boost
        self._keep(field, text, limit, boost, signal=signal)

    def __repr__(self) -> str:
        return f"{self.field}:{self.text}*{_boost(self.boost)}"

    def may_match(self, has_term: HasTerm, has_prefix: HasPrefix) -> bool:
        return has_prefix(self.field, self.text)

    def evaluate(self, segment: Segment, scored: bool, within: np.ndarray | None) -> Matches:
        return segment.prefix(self.field, self.text, self.limit, self.boost, scored, within)

    def to_whoosh(self) -> wq.Query:
        if self.limit is None:
            return wq.Prefix(self.field, self.text, boost=self.boost)
        return BoundedPrefix(self.field, self.text, self.limit, boost=self.boost)


class Range(Node):
    """Documents whose number or date ``field`` lies in [low, high] (a filter: scores 1)."""

    __slots__ = ("field", "low", "high")

    def __init__(self, field: str, low: int, high: int):
        self.field, self.low, self.high = field, low, high
        self._keep(field, low, high)

    def __repr__(self) -> str:
        return f"{self.field}:[{self.low} TO {self.high}]"

    def evaluate(self, segment: Segment, scored: bool, within: np.ndarray | None) -> Matches:
        found = segment.in_range(self.field, self.low, self.high, within)
        return constant(found.docs, 1.0) if scored else found

    def to_whoosh(self) -> wq.Query:
        return wq.NumericRange(self.field, self.low, self.high)


class Every(Node):
    """Every live document, scoring ``boost``."""

    __slots__ = ("boost",)

    def __init__(self, boost: float = 1.0):
        self.boost = boost
        self._keep(boost)

    def __repr__(self) -> str:
        return f"*{_boost(self.boost)}"

    def evaluate(self, segment: Segment, scored: bool, within: np.ndarray | None) -> Matches:
        return constant(segment.live(within), float(self.boost))

    def to_whoosh(self) -> wq.Query:
        return wq.Every(boost=self.boost)


class Nothing(Node):
    """No document."""

    __slots__ = ()

    def __init__(self):
        self._keep()

    def __repr__(self) -> str:
        return "Nothing"

    def may_match(self, has_term: HasTerm, has_prefix: HasPrefix) -> bool:
        return False

    def evaluate(self, segment: Segment, scored: bool, within: np.ndarray | None) -> Matches:
        return EMPTY

    def to_whoosh(self) -> wq.Query:
        return wq.NullQuery


NOTHING = Nothing()


class _Compound(Node):
    """A node of several ``nodes`` and a ``boost`` its score is multiplied by; one node alone
    is that node (its boost ignored, as Whoosh's compound queries do)."""

    __slots__ = ("nodes", "boost")

    def __init__(self, nodes: tuple[Node, ...], boost: float = 1.0, signal: str | None = None):
        self.nodes, self.boost = tuple(nodes), boost
        self._keep(self.nodes, boost, signal=signal)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(map(repr, self.nodes))}){_boost(self.boost)}"

    @property
    def children(self) -> tuple[Node, ...]:
        return self.nodes


class AnyOf(_Compound):
    """Documents matching any of ``nodes``, scored by the sum of those that match."""

    __slots__ = ()

    def may_match(self, has_term: HasTerm, has_prefix: HasPrefix) -> bool:
        return any(node.may_match(has_term, has_prefix) for node in self.nodes)

    def evaluate(self, segment: Segment, scored: bool, within: np.ndarray | None) -> Matches:
        nodes = self.nodes
        if len(nodes) == 1:
            return segment.run(nodes[0], scored, within)
        if scored and all(type(node) is Term for node in nodes) and \
                segment.scores_by_bm25(node.field for node in nodes):
            found = segment.terms([(node.field, node.text, node.boost) for node in nodes], within)
            return boosted(found, self.boost)
        return boosted(union(segment.each(nodes, scored, within), segment.doccount), self.boost)

    def to_whoosh(self) -> wq.Query:
        return wq.Or([node.to_whoosh() for node in self.nodes], boost=self.boost)


class AllOf(_Compound):
    """Documents matching every one of ``nodes``, scored by the sum."""

    __slots__ = ()

    def may_match(self, has_term: HasTerm, has_prefix: HasPrefix) -> bool:
        return all(node.may_match(has_term, has_prefix) for node in self.nodes)

    def evaluate(self, segment: Segment, scored: bool, within: np.ndarray | None) -> Matches:
        if len(self.nodes) == 1:
            return segment.run(self.nodes[0], scored, within)
        found = None
        for node in self.nodes:  # each later node only among the documents left
            segment.check_time()
            part = segment.run(node, scored, within if found is None else found.docs)
            found = part if found is None else both(found, part)
            if not len(found):
                return EMPTY
        return EMPTY if found is None else boosted(found, self.boost)

    def to_whoosh(self) -> wq.Query:
        return wq.And([node.to_whoosh() for node in self.nodes], boost=self.boost)


class AtLeast(_Compound):
    """Documents matching at least ``minimum`` of ``nodes``, scored by the sum of those that
    match (Elasticsearch's ``minimum_should_match``)."""

    __slots__ = ("minimum",)

    def __init__(self, nodes: tuple[Node, ...], minimum: int, boost: float = 1.0, signal: str | None = None):
        self.nodes, self.boost, self.minimum = tuple(nodes), boost, minimum
        self._keep(self.nodes, boost, minimum, signal=signal)

    def __repr__(self) -> str:
        return f"AtLeast({self.minimum} of {', '.join(map(repr, self.nodes))}){_boost(self.boost)}"

    def may_match(self, has_term: HasTerm, has_prefix: HasPrefix) -> bool:
        possible = sum(node.may_match(has_term, has_prefix) for node in self.nodes)
        return possible >= max(1, self.minimum)

    def evaluate(self, segment: Segment, scored: bool, within: np.ndarray | None) -> Matches:
        if len(self.nodes) == 1:
            return segment.run(self.nodes[0], scored, within)
        found = union(segment.each(self.nodes, scored, within), segment.doccount, max(1, self.minimum))
        return boosted(found, self.boost)

    def to_whoosh(self) -> wq.Query:
        return MinimumMatch([node.to_whoosh() for node in self.nodes], self.minimum, boost=self.boost)


class WithBonus(Node):
    """The documents of ``required``, with the score of ``bonus`` added where it matches too."""

    __slots__ = ("required", "bonus")

    def __init__(self, required: Node, bonus: Node):
        self.required, self.bonus = required, bonus
        self._keep(required, bonus)

    def __repr__(self) -> str:
        return f"WithBonus({self.required!r}, bonus={self.bonus!r})"

    @property
    def children(self) -> tuple[Node, ...]:
        return (self.required, self.bonus)

    def may_match(self, has_term: HasTerm, has_prefix: HasPrefix) -> bool:
        return self.required.may_match(has_term, has_prefix)

    def evaluate(self, segment: Segment, scored: bool, within: np.ndarray | None) -> Matches:
        required = segment.run(self.required, scored, within)
        if not len(required) or not scored:
            return required
        segment.check_time()
        return with_bonus(required, segment.run(self.bonus, scored, required.docs))

    def to_whoosh(self) -> wq.Query:
        return wq.AndMaybe(self.required.to_whoosh(), self.bonus.to_whoosh())


class Excluding(Node):
    """The documents of ``kept`` that do not match ``excluded``."""

    __slots__ = ("kept", "excluded")

    def __init__(self, kept: Node, excluded: Node):
        self.kept, self.excluded = kept, excluded
        self._keep(kept, excluded)

    def __repr__(self) -> str:
        return f"Excluding({self.kept!r}, {self.excluded!r})"

    @property
    def children(self) -> tuple[Node, ...]:
        return (self.kept, self.excluded)

    def may_match(self, has_term: HasTerm, has_prefix: HasPrefix) -> bool:
        return self.kept.may_match(has_term, has_prefix)

    def evaluate(self, segment: Segment, scored: bool, within: np.ndarray | None) -> Matches:
        kept = segment.run(self.kept, scored, within)
        if not len(kept):
            return kept
        segment.check_time()
        return without(kept, segment.run(self.excluded, False, kept.docs).docs)

    def to_whoosh(self) -> wq.Query:
        return wq.AndNot(self.kept.to_whoosh(), self.excluded.to_whoosh())


class Wrapping(Node):
    """A node over one ``child``, matching where it may match."""

    __slots__ = ()

    @property
    def children(self) -> tuple[Node, ...]:
        return (self.child,)

    def may_match(self, has_term: HasTerm, has_prefix: HasPrefix) -> bool:
        return self.child.may_match(has_term, has_prefix)


class Constant(Wrapping):
    """The documents of ``child``, each scoring ``score`` (sorted by a field, as Whoosh does,
    the child's own score)."""

    __slots__ = ("child", "score")

    def __init__(self, child: Node, score: float, signal: str | None = None):
        self.child, self.score = child, score
        self._keep(child, score, signal=signal)

    def __repr__(self) -> str:
        return f"Constant({self.child!r}, {self.score})"

    def evaluate(self, segment: Segment, scored: bool, within: np.ndarray | None) -> Matches:
        if segment.needs_current and scored:
            return segment.run(self.child, scored, within)
        return constant(segment.run(self.child, False, within).docs, float(self.score or 1.0))

    def to_whoosh(self) -> wq.Query:
        return wq.ConstantScoreQuery(self.child.to_whoosh(), self.score)


class Demoted(Wrapping):
    """The documents of ``child``, each of those that ``where`` matches too scoring ``factor``
    times its score there (a repealed document below a valid one for the same match)."""

    __slots__ = ("child", "where", "factor")

    def __init__(self, child: Node, where: Node, factor: float, signal: str | None = None):
        self.child, self.where, self.factor = child, where, factor
        self._keep(child, where, factor, signal=signal)

    def __repr__(self) -> str:
        return f"Demoted({self.child!r}, where={self.where!r}, ×{self.factor:g})"

    def evaluate(self, segment: Segment, scored: bool, within: np.ndarray | None) -> Matches:
        found = segment.run(self.child, scored, within)
        if not len(found) or not scored:
            return found
        segment.check_time()
        return scaled(found, segment.run(self.where, False, found.docs).docs, self.factor)

    def to_whoosh(self) -> wq.Query:
        return ScaledWhere(self.child.to_whoosh(), self.where.to_whoosh(), self.factor)
