"""What a search returns: :class:`Hit` and :class:`SearchResult`, JSON-ready."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..fields import hit_fields
from .highlight import highlight

SNIPPET_CHARS = 120


@dataclass
class Hit:
    """One result: ``snippet`` and ``title_html`` are escaped HTML with ``<mark>`` around
    matches; ``fields`` holds the table's hit fields beyond kind and rank (``None`` where unknown)."""

    id: str
    kind: str
    title: str
    rank: int | None
    score: float
    snippet: str
    title_html: str
    fields: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-ready data, the extra fields at the top level."""
        data = asdict(self)
        extra = data.pop("fields")
        return {**data, **extra}


def make_hit(doc: dict, score: float, needles: list[str]) -> Hit:
    """A hit for stored document ``doc``, its ``needles`` marked in the title and a snippet."""
    extra = {f.name: doc.get(f.name) for f in hit_fields() if f.name not in ("kind", "rank")}
    return Hit(doc["id"], doc["kind"], doc["title"], doc["rank"], round(score, 4),
               highlight(doc["body"], needles, SNIPPET_CHARS), highlight(doc["title"], needles), extra)


@dataclass
class SearchResult:
    """A page of results with the total, facet counts and how the query was run."""

    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    took_ms: float
    mode: str = "all"  # "all": every term matched; "any": fell back to ranked OR;
    # "corrected": the results of ``suggestion``, a homophone correction of the query
    notices: list[str] = field(default_factory=list)
    suggestion: str | None = None

    def to_dict(self) -> dict:
        """JSON-ready data."""
        data = asdict(self)
        data["hits"] = [hit.to_dict() for hit in self.hits]
        return data
