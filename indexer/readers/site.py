"""A government website folder (a ``wget --mirror`` tree or a CMS export) as documents.

Files are found by :func:`~.walk.walk` (by suffix, case-insensitive; hidden files and folders and
other files are ignored) and go in sorted id order, in three groups:

1. web pages, in two passes: the first parses each page once, spools it to a temporary file and
   counts its line hashes per site (:mod:`indexer.readers.boilerplate`; a site is the first folder
   when it is named like a host, as ``wget --mirror`` makes them, else the whole folder), the
   second yields the spooled pages without the site's boilerplate lines;
2. attachments (PDF, DOCX), which by then know the anchor texts of the links to them
   (``link_text``) and the first page that links to them (``parent``);
3. Markdown/text and JSON Lines files, read by their own readers.

Pages and attachments are parsed in child processes, ``procs`` at a time, each within the time
and memory of :class:`~indexer.config.ReadLimits` (:mod:`indexer.readers.sandbox`), their text
cut at its ``read_chars``. A bad file is skipped through the ``skipped(path, reason)`` callback
(:mod:`indexer.readers.skipped`) and the rest is read; malformed JSON Lines stays a fatal
:class:`CorpusError`. ``progress(done, total)`` follows the pages and attachments parsed.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from ..config import ReadLimits
from . import html, jsonl, markdown
from .address import address, site_of
from .boilerplate import Boilerplate
from .document import CorpusError, Document
from .pdf import read_pdf
from .sandbox import Sandbox
from .skipped import EMPTY, UNDECODABLE, UNREADABLE, SkipCallback, SkipFile, log_skipped, text_cut
from .walk import file_id, reader_of, walk
from .word import read_docx

_ATTACHMENTS = {"pdf": read_pdf, "docx": read_docx}
Progress = Callable[[int, int], None]


def cut_lines(lines: list[str], chars: int) -> bool:
    """Cut ``lines`` in place to their first ``chars`` characters, line breaks included; whether
    anything was cut.

    >>> lines = ["第一段", "第二段落"]
    >>> cut_lines(lines, 5), lines
    (True, ['第一段', '第'])
    """
    total = 0
    for number, line in enumerate(lines):
        if total + len(line) > chars:
            lines[number:] = [line[:chars - total]] if chars > total else []
            return True
        total += len(line) + 1
    return False


def parse_page(path: Path, doc_id: str, base_url: str | None, chars: int) -> html.Page:
    """A page file, its text cut at ``chars``; raises :class:`SkipFile`. Runs in a child."""
    try:
        data = path.read_bytes()
    except OSError:
        raise SkipFile(UNREADABLE) from None
    page = html.parse_html(data, doc_id, base_url=base_url)
    page.doc.origin = (str(path), 0)
    page.cut = cut_lines(page.lines, chars)
    return page


def parse_attachment(path: Path, reader: str, chars: int) -> tuple[str, str, dict, bool]:
    """``(title, body, fields, cut)`` of a PDF or DOCX file, the body cut at ``chars``; raises
    :class:`SkipFile`. Runs in a child."""
    if not path.exists():
        raise SkipFile(UNREADABLE)
    title, body, fields = _ATTACHMENTS[reader](path, chars)
    return title, body[:chars], fields, len(body) > chars


def _pages(sandbox: Sandbox, pages: list[tuple[str, Path]], base_url: str | None, skipped: SkipCallback,
           links: dict[str, tuple[str, list[str]]], counted: Callable[[], None]) -> Iterator[Document]:
    """Pass 1 spools the pages and counts their lines; pass 2 yields them without boilerplate."""
    boilerplate = Boilerplate()
    chars = sandbox.limits.read_chars
    with tempfile.TemporaryFile(prefix="egov-pages-") as spool:
        count = 0
        tasks = ((path, doc_id, base_url, chars) for doc_id, path in pages)
        for (doc_id, _), read in zip(pages, sandbox.map(parse_page, tasks), strict=True):
            counted()
            if read.reason:
                skipped(doc_id, read.reason)
                continue
            page = read.value
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
                continue
            if page.cut:
                skipped(doc.id, text_cut(chars))
            yield doc


def attachment_document(path: Path, doc_id: str, parsed: tuple[str, str, dict, bool], *,
                        base_url: str | None = None, link: tuple[str, list[str]] | None = None) -> Document:
    """The document of a parsed PDF or DOCX attachment (:func:`parse_attachment`)."""
    title, body, fields, _ = parsed
    extra: dict = dict(fields)
    if link is not None:
        parent, texts = link
        extra["parent"] = parent
        if texts:
            extra["link_text"] = "\n".join(texts)
    url = address(doc_id, base_url)
    if url:
        extra["url"] = url
    title = title or (link[1][0] if link and link[1] else "") or path.stem
    return Document(doc_id, "attachment", title, body, fields=extra, origin=(str(path), 0))


def _attachments(sandbox: Sandbox, attachments: list[tuple[str, Path]], base_url: str | None,
                 skipped: SkipCallback, links: dict[str, tuple[str, list[str]]],
                 counted: Callable[[], None]) -> Iterator[Document]:
    """The PDF and DOCX documents."""
    chars = sandbox.limits.read_chars
    tasks = ((path, reader_of(doc_id), chars) for doc_id, path in attachments)
    for (doc_id, path), read in zip(attachments, sandbox.map(parse_attachment, tasks), strict=True):
        counted()
        if read.reason:
            skipped(doc_id, read.reason)
            continue
        if read.value[3]:  # cut
            skipped(doc_id, text_cut(chars))
        yield attachment_document(path, doc_id, read.value, base_url=base_url, link=links.get(doc_id))


def _text_file(path: Path, doc_id: str, skipped: SkipCallback) -> Iterator[Document]:
    """A Markdown or text file; one that is not UTF-8 is skipped as undecodable."""
    try:
        docs = list(markdown.read_markdown(path, name=doc_id))
    except CorpusError as err:
        skipped(doc_id, UNDECODABLE if err.reason.startswith("invalid UTF-8") else UNREADABLE)
        return
    yield from docs


def read_site(root: Path | str, *, base_url: str | None = None, skipped: SkipCallback | None = None,
              limits: ReadLimits | None = None, procs: int = 1,
              progress: Progress | None = None) -> Iterator[Document]:
    """The documents of a website folder, in the order of the module docstring."""
    root, skipped = Path(root), log_skipped if skipped is None else skipped
    limits = limits or ReadLimits.from_environ()
    files = walk(root, skipped)
    pages = [(doc_id, path) for doc_id, path in files if reader_of(doc_id) == "html"]
    attachments = [(doc_id, path) for doc_id, path in files if reader_of(doc_id) in _ATTACHMENTS]
    done, total = [0], len(pages) + len(attachments)
    if progress and total:
        progress(0, total)

    def counted() -> None:
        done[0] += 1
        if progress:
            progress(done[0], total)

    links: dict[str, tuple[str, list[str]]] = {}
    with Sandbox(limits, procs) as sandbox:
        yield from _pages(sandbox, pages, base_url, skipped, links, counted)
        yield from _attachments(sandbox, attachments, base_url, skipped, links, counted)
    for doc_id, path in files:
        reader = reader_of(doc_id)
        if reader == "text":
            yield from _text_file(path, doc_id, skipped)
        elif reader == "jsonl":
            yield from jsonl.read_jsonl(path)


def read_file(path: Path | str, *, base_url: str | None = None, skipped: SkipCallback | None = None,
              limits: ReadLimits | None = None) -> Iterator[Document]:
    """One page or attachment given on its own (id: its file name; no boilerplate, no links)."""
    path, skipped = Path(path), log_skipped if skipped is None else skipped
    limits = limits or ReadLimits.from_environ()
    reader = reader_of(path.name)
    if reader not in ("html", *_ATTACHMENTS):
        raise CorpusError(path, 0, "not a web page, PDF or DOCX file")
    doc_id = file_id(path.name)
    with Sandbox(limits) as sandbox:
        if reader == "html":
            docs = list(_pages(sandbox, [(doc_id, path)], base_url, skipped, {}, lambda: None))
        else:
            docs = list(_attachments(sandbox, [(doc_id, path)], base_url, skipped, {}, lambda: None))
    yield from docs
