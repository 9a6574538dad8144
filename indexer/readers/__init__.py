"""Readers: one module per input format, each yielding :class:`Document` objects one at a time,
so a large collection streams in constant memory. Bad input raises :class:`CorpusError`
naming the file and line; a bad file inside a website folder (undecodable page, scanned or
encrypted PDF, corrupt DOCX, …) is skipped through the ``skipped(path, reason)`` callback.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from . import jsonl, markdown, site
from .document import CorpusError, Document, check_document
from .seed import read_seed
from .skipped import SkipCallback, Skipped

__all__ = ["CorpusError", "Document", "Skipped", "load_documents", "read_folder"]


def load_documents(paths: Iterable[Path | str], *, base_url: str | None = None,
                   skipped: SkipCallback | None = None) -> Iterator[Document]:
    """Yield the documents of every path: a folder (a website: pages, PDF, DOCX, Markdown, text,
    JSON Lines), a ``.jsonl``/``.jsonl.gz``, ``.md``, seed ``.txt``, or one page, PDF or DOCX.

    ``base_url`` is the site's address, for the ``url`` of files that do not give theirs;
    ``skipped(path, reason)`` is called for each file left out (default: a logged warning).
    Every document meets :func:`~indexer.readers.document.check_document`, or the read stops
    with :class:`CorpusError` at its file and line.
    """
    for path in map(Path, paths):
        for doc in _read_path(path, base_url, skipped):
            yield check_document(doc)


def _read_path(path: Path, base_url: str | None, skipped: SkipCallback | None) -> Iterator[Document]:
    """The documents of one path, by the reader its kind calls for."""
    if path.is_dir():
        yield from read_folder(path, base_url=base_url, skipped=skipped)
    elif not path.exists():
        raise CorpusError(path, 0, "no such file or folder")
    elif path.name.endswith(jsonl.SUFFIXES):
        yield from jsonl.read_jsonl(path)
    elif path.suffix in (".md", ".markdown"):
        yield from markdown.read_markdown(path, path.parent)
    elif site.reader_of(path.name) in ("html", "pdf", "docx"):
        yield from site.read_file(path, base_url=base_url, skipped=skipped)
    else:
        yield from read_seed(path)


def read_folder(folder: Path, *, base_url: str | None = None,
                skipped: SkipCallback | None = None) -> Iterator[Document]:
    """Documents from every page, attachment, Markdown, text or JSON Lines file below ``folder``."""
    yield from site.read_site(folder, base_url=base_url, skipped=skipped)
