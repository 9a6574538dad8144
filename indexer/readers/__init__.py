"""Readers: one module per input format, each yielding :class:`Document` objects one at a time,
so a large collection streams in constant memory. Bad input raises :class:`CorpusError`
naming the file and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from . import jsonl, markdown
from .document import CorpusError, Document
from .seed import read_seed

__all__ = ["CorpusError", "Document", "load_documents"]


def load_documents(paths: Iterable[Path | str]) -> Iterator[Document]:
    """Yield the documents of every path: a folder, a ``.jsonl``/``.jsonl.gz``, ``.md`` or seed ``.txt``."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from read_folder(path)
        elif not path.exists():
            raise CorpusError(path, 0, "no such file or folder")
        elif path.name.endswith(jsonl.SUFFIXES):
            yield from jsonl.read_jsonl(path)
        elif path.suffix in (".md", ".markdown"):
            yield from markdown.read_markdown(path, path.parent)
        else:
            yield from read_seed(path)


def read_folder(folder: Path) -> Iterator[Document]:
    """Documents from every Markdown or text file below ``folder``, in path order."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in markdown.SUFFIXES:
            yield from markdown.read_markdown(path, folder)
