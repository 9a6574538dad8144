"""A government website folder (a ``wget --mirror`` tree or a CMS export) as documents.

Files are dispatched by suffix (:data:`READERS`, case-insensitive); others, and hidden files
and folders, are ignored. Each page or attachment is one :class:`Document` whose id is its path
relative to the folder, with POSIX slashes. The walk goes in sorted path order, in three groups:

1. web pages, in two passes: the first reads each page once, spools it to a temporary file and
   counts its line hashes per site (:mod:`indexer.readers.boilerplate`; a site is the first folder
   when it is named like a host, as ``wget --mirror`` makes them, else the whole folder), the
   second yields the spooled pages without the site's boilerplate lines;
2. attachments (PDF, DOCX), which by then know the anchor texts of the links to them
   (``link_text``) and the first page that links to them (``parent``);
3. Markdown/text and JSON Lines files, read by their own readers.

A symbolic link whose target is outside the folder is skipped with a warning; one inside it is
followed for a file and not for a folder (whose files are read under their own path). A bad
file is skipped through the ``skipped(path, reason)`` callback (:mod:`indexer.readers.skipped`)
and the rest is read; malformed JSON Lines stays a fatal :class:`CorpusError`.
"""

from __future__ import annotations

import logging
import os
import pickle
import posixpath
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urljoin

from . import html, jsonl, markdown
from .boilerplate import Boilerplate
from .document import CorpusError, Document
from .pdf import read_pdf
from .skipped import (
    CORRUPT,
    EMPTY,
    SYMLINK_OUTSIDE,
    UNDECODABLE,
    UNREADABLE,
    SkipCallback,
    SkipFile,
    log_skipped,
)
from .word import read_docx

LOG = logging.getLogger("egov_search.readers")
READERS = {**{suffix: "html" for suffix in html.SUFFIXES}, ".pdf": "pdf", ".docx": "docx",
           ".txt": "text", ".md": "text", ".markdown": "text", ".jsonl": "jsonl", ".jsonl.gz": "jsonl"}
_ATTACHMENTS = {"pdf": read_pdf, "docx": read_docx}


def reader_of(name: str) -> str | None:
    """The reader for a file name: ``html``, ``pdf``, ``docx``, ``text``, ``jsonl`` or ``None``.

    >>> reader_of("a/INDEX.SHTML"), reader_of("x.jsonl.gz"), reader_of("x.gz"), reader_of("x.doc")
    ('html', 'jsonl', None, None)
    """
    lower = name.lower()
    if lower.endswith(".jsonl.gz"):
        return "jsonl"
    return READERS.get(posixpath.splitext(lower)[1])


def site_of(doc_id: str) -> str:
    """The site a page belongs to, for boilerplate: its host folder in a mirror, else ``""``.

    >>> site_of("www.beijing.gov.cn/zw/a.html"), site_of("zw/a.html"), site_of("a.html")
    ('www.beijing.gov.cn', '', '')
    """
    first, sep, _ = doc_id.partition("/")
    return first if sep and "." in first else ""


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def walk(root: Path, skipped: SkipCallback = log_skipped) -> list[tuple[str, Path]]:
    """``(id, path)`` of every readable file below ``root``, sorted by id."""
    real_root = root.resolve()
    found: list[tuple[str, Path]] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        for name in list(dirs):
            path = here / name
            if name.startswith(".") or path.is_symlink():
                dirs.remove(name)
                if path.is_symlink() and not _inside(path, real_root):
                    skipped(path.relative_to(root).as_posix(), SYMLINK_OUTSIDE)
        for name in files:
            path = here / name
            doc_id = path.relative_to(root).as_posix()
            if name.startswith(".") or reader_of(name) is None:
                continue
            if path.is_symlink():
                if not path.exists():
                    skipped(doc_id, UNREADABLE)
                    continue
                if not _inside(path, real_root):
                    skipped(doc_id, SYMLINK_OUTSIDE)
                    continue
            found.append((doc_id, path))
    return sorted(found)


def _pages(root: Path, pages: list[tuple[str, Path]], base_url: str | None, skipped: SkipCallback,
           links: dict[str, tuple[str, list[str]]]) -> Iterator[Document]:
    """Pass 1 spools the pages and counts their lines; pass 2 yields them without boilerplate."""
    boilerplate = Boilerplate()
    with tempfile.TemporaryFile(prefix="egov-pages-") as spool:
        count = 0
        for doc_id, path in pages:
            try:
                page = html.read_html(path, root, base_url=base_url)
            except SkipFile as skip:
                skipped(doc_id, skip.reason)
                continue
            except Exception:  # a bad file is never a traceback; the log keeps it for debugging
                LOG.debug("%s: cannot be read", doc_id, exc_info=True)
                skipped(doc_id, CORRUPT)
                continue
            site = site_of(doc_id)
            boilerplate.add(site, page.lines)
            for target, texts in page.links.items():
                parent, known = links.setdefault(target, (doc_id, []))
                known.extend(text for text in texts if text not in known)
            pickle.dump((site, page), spool, protocol=pickle.HIGHEST_PROTOCOL)
            count += 1
        spool.seek(0)
        for _ in range(count):
            site, page = pickle.load(spool)
            doc = html.finish(page, boilerplate.strip(site, page.lines))
            if doc is None:
                skipped(page.doc.id, EMPTY)
            else:
                yield doc


def read_attachment(path: Path, doc_id: str, reader: str, *, base_url: str | None = None,
                    link: tuple[str, list[str]] | None = None) -> Document:
    """The document of a PDF or DOCX attachment; raises :class:`SkipFile`."""
    title, body, fields = _ATTACHMENTS[reader](path)
    extra: dict = dict(fields)
    if link is not None:
        parent, texts = link
        extra["parent"] = parent
        if texts:
            extra["link_text"] = "\n".join(texts)
    if base_url:
        extra["url"] = urljoin(base_url.rstrip("/") + "/", quote(doc_id))
    title = title or (link[1][0] if link and link[1] else "") or path.stem
    return Document(doc_id, "attachment", title, body, fields=extra, origin=(str(path), 0))


def _text_file(path: Path, root: Path, doc_id: str, skipped: SkipCallback) -> Iterator[Document]:
    """A Markdown or text file; one that is not UTF-8 is skipped as undecodable."""
    try:
        docs = list(markdown.read_markdown(path, root))
    except CorpusError as err:
        skipped(doc_id, UNDECODABLE if err.reason.startswith("invalid UTF-8") else UNREADABLE)
        return
    yield from docs


def read_site(root: Path | str, *, base_url: str | None = None,
              skipped: SkipCallback | None = None) -> Iterator[Document]:
    """The documents of a website folder, in the order of the module docstring."""
    root, skipped = Path(root), log_skipped if skipped is None else skipped
    files = walk(root, skipped)
    links: dict[str, tuple[str, list[str]]] = {}
    yield from _pages(root, [(i, p) for i, p in files if reader_of(i) == "html"], base_url, skipped, links)
    for doc_id, path in files:
        reader = reader_of(doc_id)
        if reader in _ATTACHMENTS:
            try:
                yield read_attachment(path, doc_id, reader, base_url=base_url, link=links.get(doc_id))
            except SkipFile as skip:
                skipped(doc_id, skip.reason)
            except Exception:  # a bad file is never a traceback; the log keeps it for debugging
                LOG.debug("%s: cannot be read", doc_id, exc_info=True)
                skipped(doc_id, CORRUPT)
    for doc_id, path in files:
        reader = reader_of(doc_id)
        if reader == "text":
            yield from _text_file(path, root, doc_id, skipped)
        elif reader == "jsonl":
            yield from jsonl.read_jsonl(path)


def read_file(path: Path | str, *, base_url: str | None = None,
              skipped: SkipCallback | None = None) -> Iterator[Document]:
    """One page or attachment given on its own (id: its file name; no boilerplate, no links)."""
    path, skipped = Path(path), log_skipped if skipped is None else skipped
    reader = reader_of(path.name)
    try:
        if reader == "html":
            page = html.read_html(path, path.parent, base_url=base_url)
            doc = html.finish(page, page.lines)
            if doc is None:
                raise SkipFile(EMPTY)
            yield doc
        elif reader in _ATTACHMENTS:
            yield read_attachment(path, path.name, reader, base_url=base_url)
        else:
            raise CorpusError(path, 0, "not a web page, PDF or DOCX file")
    except SkipFile as skip:
        skipped(str(path), skip.reason)
