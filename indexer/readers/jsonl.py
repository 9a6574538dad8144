"""JSON Lines: ``{"id", "title", "body", "kind"?, "rank"?, ...}`` per line, ``.gz`` accepted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from .document import CorpusError, Document
from .lines import read_lines

SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".json.gz")


def read_jsonl(path: Path) -> Iterator[Document]:
    """Documents from JSON Lines: ``{"id", "title", "body", "kind"?, "rank"?, ...}`` per line."""
    for number, line in read_lines(path):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise CorpusError(path, number, f"malformed JSON: {err.msg}") from None
        if not isinstance(record, dict):
            raise CorpusError(path, number, "expected a JSON object")
        for name in ("id", "title", "body"):
            if not isinstance(record.get(name), str):
                raise CorpusError(path, number, f"missing or non-string field {name!r}")
        if not record["id"].strip():
            raise CorpusError(path, number, "empty 'id'")
        rank = record.pop("rank", None)
        if rank is not None and (not isinstance(rank, int) or isinstance(rank, bool)):
            raise CorpusError(path, number, "'rank' must be an integer")
        kind = record.pop("kind", "document")
        if not isinstance(kind, str) or not kind.strip():
            raise CorpusError(path, number, "'kind' must be a non-empty string")
        doc_id, title, body = record.pop("id"), record.pop("title"), record.pop("body")
        extra = {key: _field_value(value) for key, value in record.items()}
        yield Document(doc_id, kind.strip(), title, body, rank, extra)


def _field_value(value):
    """A record's extra value as a field holds it: text, or a list of texts (``topic``)."""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
