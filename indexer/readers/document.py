"""What every reader produces: :class:`Document`, and :class:`CorpusError` for bad input."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class CorpusError(ValueError):
    """Input that does not have the expected shape; the message names file:line."""

    def __init__(self, path: Path | str, line: int, reason: str):
        super().__init__(f"{path}:{line}: {reason}")
        self.path, self.line, self.reason = str(path), line, reason


@dataclass
class Document:
    """One searchable unit: a vendor, an article section, a record, a Markdown section.

    ``fields`` holds everything else a reader knows (dates, publisher, source, …), by the
    names of :mod:`indexer.fields`; names the table does not know are kept as stored text.
    """

    id: str
    kind: str
    title: str
    body: str
    rank: int | None = None
    fields: dict[str, str] = field(default_factory=dict)

    def get(self, name: str):
        """The value of field ``name``, whether an attribute or one of ``fields``."""
        if name in ("id", "kind", "title", "body", "rank"):
            return getattr(self, name)
        return self.fields.get(name)

    def to_dict(self) -> dict:
        """The document as JSON-ready data, extra fields included."""
        return {"id": self.id, "kind": self.kind, "title": self.title, "rank": self.rank,
                "body": self.body, **self.fields}
