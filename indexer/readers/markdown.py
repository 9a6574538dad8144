"""Markdown and plain text: one document per ``#`` section, or one for a file without any."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .document import Document
from .lines import read_lines

MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
SUFFIXES = (".md", ".markdown", ".txt")


def read_markdown(path: Path, root: Path | None = None, name: str | None = None) -> Iterator[Document]:
    """One document per ``#`` section of a file, or one for the whole file if it has none; ids
    are ``name`` (by default the path below ``root``), ``#2``, ``#3``, … after it."""
    name = name or path.relative_to(root).as_posix()
    sections: list[tuple[int, str, list[str]]] = [(0, path.stem, [])]
    for number, line in read_lines(path):
        heading = MARKDOWN_HEADING.match(line)
        if heading:
            sections.append((number, heading.group(1) or path.stem, []))
        else:
            sections[-1][2].append(line)
    kept = [(line, title, "\n".join(lines).strip()) for line, title, lines in sections]
    kept = [(line, title, body) for i, (line, title, body) in enumerate(kept) if body or i > 0]
    for number, (line, title, body) in enumerate(kept, 1):
        doc_id = name if len(kept) == 1 else f"{name}#{number}"
        yield Document(doc_id, "document", title, body, fields={"source": name},
                       origin=(str(path), line))
