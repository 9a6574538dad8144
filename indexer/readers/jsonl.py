"""JSON Lines: ``{"id", "title", "body", "kind"?, "rank"?, ...}`` per line, ``.gz`` accepted.

Each line is one document. ``id``, ``title`` and ``body`` are strings, the id not empty; ``kind``
a non-empty string (default ``document``); ``rank`` an integer that fits 64 bits; any other
field is kept as text. The id must be safe in a URL: no control characters (``\\n``, ``\\r``,
…) and no ``.`` or ``..`` between slashes (``a/../b``), which browsers resolve away; no text
may hold a lone surrogate (an unpaired ``\\ud800`` escape). See
:func:`~indexer.readers.document.check_document`. A line that breaks a rule stops the read
with ``FILE:LINE: reason``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from .document import CorpusError, Document
from .lines import read_lines

SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".json.gz")


class BadRecord(Exception):
    """A line that is not a valid record; the message is the reason."""


def read_jsonl(path: Path) -> Iterator[Document]:
    """Documents from JSON Lines: ``{"id", "title", "body", "kind"?, "rank"?, ...}`` per line."""
    for number, line in read_lines(path):
        if not line.strip():
            continue
        try:
            doc = _document(_parse(line), (str(path), number))
        except BadRecord as err:
            raise CorpusError(path, number, str(err)) from None
        yield doc


def _parse(line: str) -> dict:
    """The JSON object of one line, or :class:`BadRecord` saying what is wrong with it."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise BadRecord(f"malformed JSON: {err.msg}") from None
    except RecursionError:
        raise BadRecord("malformed JSON: nested too deeply") from None
    except ValueError as err:  # e.g. an integer of more digits than Python converts
        raise BadRecord(f"malformed JSON: {err}") from None
    if not isinstance(record, dict):
        raise BadRecord("expected a JSON object")
    return record


def _document(record: dict, origin: tuple[str, int]) -> Document:
    """The document of a parsed line, or :class:`BadRecord` for a missing or mistyped field."""
    for name in ("id", "title", "body"):
        if not isinstance(record.get(name), str):
            raise BadRecord(f"missing or non-string field {name!r}")
    if not record["id"].strip():
        raise BadRecord("empty 'id'")
    kind = record.pop("kind", "document")
    if not isinstance(kind, str) or not kind.strip():
        raise BadRecord("'kind' must be a non-empty string")
    doc_id, title, body = record.pop("id"), record.pop("title"), record.pop("body")
    rank = record.pop("rank", None)
    extra = {key: _field_value(value) for key, value in record.items()}
    return Document(doc_id, kind.strip(), title, body, rank, extra, origin=origin)


def _field_value(value):
    """A record's extra value as a field holds it: text, or a list of texts (``topic``)."""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
