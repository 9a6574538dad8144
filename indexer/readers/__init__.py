"""Readers: one module per input format, each yielding :class:`Document` objects one at a time,
so a large collection streams in constant memory. Bad input raises :class:`CorpusError`
naming the file and line; a bad file inside a website folder (undecodable page, scanned or
encrypted PDF, corrupt DOCX, …) is skipped through the ``skipped(path, reason)`` callback.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ..config import ReadLimits
from . import jsonl, markdown, site
from .document import CorpusError, Document, cap_values, check_document
from .seed import read_seed
from .skipped import SkipCallback, Skipped, log_skipped, values_cut

__all__ = ["CorpusError", "Document", "Skipped", "load_documents", "read_folder"]


def load_documents(paths: Iterable[Path | str], *, base_url: str | None = None,
                   skipped: SkipCallback | None = None, limits: ReadLimits | None = None,
                   procs: int = 1, progress: site.Progress | None = None) -> Iterator[Document]:
    """Yield the documents of every path: a folder (a website: pages, PDF, DOCX, Markdown, text,
    JSON Lines), a ``.jsonl``/``.jsonl.gz``, ``.md``, seed ``.txt``, or one page, PDF or DOCX.

    ``base_url`` is the site's address, for the ``url`` of files that do not give theirs;
    ``skipped(path, reason)`` is called for each file left out (default: a logged warning), and
    for each document kept in part. Pages and attachments are parsed by ``procs`` child
    processes within ``limits`` (default: :meth:`ReadLimits.from_environ`), and ``progress(done,
    total)`` follows them folder by folder. Every document meets
    :func:`~indexer.readers.document.check_document`, or the read stops with
    :class:`CorpusError` at its file and line, and keeps at most ``limits.field_values`` values
    of a several-valued field.
    """
    limits = limits or ReadLimits.from_environ()
    skipped = log_skipped if skipped is None else skipped
    for path in map(Path, paths):
        for doc in _read_path(path, base_url, skipped, limits, procs, progress):
            if cap_values(check_document(doc), limits.field_values):
                skipped(doc.id, values_cut(limits.field_values))
            yield doc


def parsed(path: Path | str) -> bool:
    """Whether ``path`` is read by parsing pages or attachments (a folder, a page, a PDF, a DOCX),
    not line by line."""
    path = Path(path)
    return path.is_dir() or site.reader_of(path.name) in ("html", "pdf", "docx")


def _read_path(path: Path, base_url: str | None, skipped: SkipCallback, limits: ReadLimits, procs: int,
               progress: site.Progress | None) -> Iterator[Document]:
    """The documents of one path, by the reader its kind calls for."""
    if path.is_dir():
        yield from site.read_site(path, base_url=base_url, skipped=skipped, limits=limits, procs=procs,
                                  progress=progress)
    elif not path.exists():
        raise CorpusError(path, 0, "no such file or folder")
    elif path.name.endswith(jsonl.SUFFIXES):
        yield from jsonl.read_jsonl(path)
    elif path.suffix in (".md", ".markdown"):
        yield from markdown.read_markdown(path, path.parent)
    elif parsed(path):
        yield from site.read_file(path, base_url=base_url, skipped=skipped, limits=limits)
    else:
        yield from read_seed(path)


def read_folder(folder: Path, *, base_url: str | None = None, skipped: SkipCallback | None = None,
                limits: ReadLimits | None = None, procs: int = 1) -> Iterator[Document]:
    """Documents from every page, attachment, Markdown, text or JSON Lines file below ``folder``."""
    yield from site.read_site(folder, base_url=base_url, skipped=skipped, limits=limits, procs=procs)
