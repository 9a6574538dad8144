"""The query tree: what the query language parses into, and what every later stage walks.

A query is a conjunction of clauses: concepts that must match (:class:`Term`, :class:`Phrase`,
a document number :class:`DocNumber` or a series of them :class:`Series`), exclusions
(:class:`Not`) and restrictions on fields (:class:`Filter`, :class:`Range`).
Planning, the fallback, correction, highlighting and concept counting all read it through
:class:`Query`'s views.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Term:
    """A word as typed: matches as its words, or as a substring of its characters."""

    text: str


@dataclass(frozen=True)
class Phrase:
    """A quoted phrase: matches as written, never split into its words."""

    text: str


@dataclass(frozen=True)
class DocNumber:
    """A 文号 however it was typed; ``text`` is its canonical form (苏政发〔2021〕87号)."""

    text: str


@dataclass(frozen=True)
class Series:
    """A 文号 series (苏政办发〔2022〕): every document whose number starts with ``text``."""

    text: str


@dataclass(frozen=True)
class Not:
    """Documents matching ``clause`` are left out."""

    clause: Term | Phrase


@dataclass(frozen=True)
class Filter:
    """Only documents whose keyword field ``field`` holds ``value``."""

    field: str
    value: str


@dataclass(frozen=True)
class Range:
    """Only documents whose number or date field lies in [low, high] (index values)."""

    field: str
    low: int
    high: int


Concept = Term | Phrase | DocNumber | Series
Restriction = Filter | Range
Clause = Term | Phrase | DocNumber | Series | Not | Filter | Range


@dataclass(frozen=True)
class Query:
    """A parsed query: its clauses in the order typed; ``dropped`` counts the concepts left
    out beyond the parser's limit."""

    clauses: tuple[Clause, ...] = field(default_factory=tuple)
    dropped: int = 0

    @property
    def concepts(self) -> list[Concept]:
        """What must match, in order: terms, then phrases and document numbers."""
        kept = [c for c in self.clauses if isinstance(c, Term)]
        return kept + [c for c in self.clauses if isinstance(c, Phrase | DocNumber | Series)]

    @property
    def terms(self) -> list[str]:
        """The texts of the unquoted terms."""
        return [c.text for c in self.clauses if isinstance(c, Term)]

    @property
    def phrases(self) -> list[str]:
        """The texts of the quoted phrases."""
        return [c.text for c in self.clauses if isinstance(c, Phrase)]

    @property
    def excluded(self) -> list[str]:
        """The texts of the excluded terms and phrases."""
        return [c.clause.text for c in self.clauses if isinstance(c, Not)]

    @property
    def restrictions(self) -> list[Restriction]:
        """The field filters and ranges."""
        return [c for c in self.clauses if isinstance(c, Filter | Range)]

    @property
    def text(self) -> str:
        """The positive part as one string, for exact-title and whole-phrase matching."""
        return " ".join(c.text for c in self.concepts)

    def restricted(self, extra: list[Restriction], replace_fields: bool = False) -> Query:
        """This query with ``extra`` restrictions; with ``replace_fields``, they replace the
        typed ones on the same fields."""
        fields = {r.field for r in extra} if replace_fields else set()
        kept = tuple(c for c in self.clauses
                     if not (isinstance(c, Filter | Range) and c.field in fields))
        return replace(self, clauses=kept + tuple(extra))

    def without_field(self, name: str) -> Query:
        """This query without the restrictions on field ``name`` (for that field's facet)."""
        return replace(self, clauses=tuple(c for c in self.clauses
                                           if not (isinstance(c, Filter | Range) and c.field == name)))
