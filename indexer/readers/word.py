"""The text of a DOCX attachment, read as a stream: paragraphs and table rows in order.

A DOCX is a zip of XML parts. The main document part (named by the package's relationships,
usually ``word/document.xml``) is parsed with lxml's ``iterparse`` straight from the zip, each
paragraph and table row dropped once its text is taken, so memory stays flat however many
paragraphs the file holds (``python-docx`` builds the whole tree, and an object per paragraph:
a 1 MB file of tiny paragraphs took gigabytes). Reading stops once the text passes
``max_chars``. A part whose declared uncompressed size passes :data:`MAX_PART_BYTES` (a zip
bomb) is ``too large``; one that declares less than it holds is ``corrupt``, as ``zipfile``
stops inflating at the declared size and the CRC then fails. Entities are never expanded and
nothing is fetched.

Title: the core properties' title (``docProps/core.xml``), else the first paragraph styled
``Title`` or ``Heading 1``, else empty (the caller falls back on the link text or file name). A
file that is not a DOCX is ``corrupt``; one without text ``empty``.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from .skipped import CORRUPT, EMPTY, TOO_LARGE, UNREADABLE, SkipFile

MAX_PART_BYTES = 256 << 20  # uncompressed, per XML part: a long report's document.xml is a few MB
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
TITLE_STYLES = ("title", "heading1")  # style names, lower case without spaces
_BREAKS = {f"{W}tab", f"{W}br", f"{W}cr"}


def _events(archive: zipfile.ZipFile, name: str, tags: tuple[str, ...], events=("end",)) -> Iterator:
    """lxml ``iterparse`` events of part ``name``, without entities, DTDs or network."""
    info = archive.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise SkipFile(TOO_LARGE)
    return etree.iterparse(archive.open(info), events=events, tag=tags, resolve_entities=False,
                           load_dtd=False, no_network=True, huge_tree=True)


def _related(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """The parts that ``part`` relates to, by the last word of the relationship type."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in archive.namelist():
        return {}
    related = {}
    for _, element in _events(archive, rels, (RELS,)):
        target = element.get("Target") or ""
        kind = (element.get("Type") or "").rsplit("/", 1)[-1]
        related.setdefault(kind, target.lstrip("/") if target.startswith("/")
                           else posixpath.normpath(posixpath.join(folder, target)))
    return related


def _style_names(archive: zipfile.ZipFile, part: str | None) -> dict[str, str]:
    """Style id → name, lower case without spaces (``Heading1`` → ``heading1``)."""
    if not part or part not in archive.namelist():
        return {}
    names = {}
    for _, style in _events(archive, part, (f"{W}style",)):
        name = style.find(f"{W}name")
        names[style.get(f"{W}styleId") or ""] = "".join((name.get(f"{W}val") if name is not None
                                                         else "").lower().split())
        style.clear()
    return names


def _text(element: etree._Element) -> str:
    """The visible text below ``element``, spaces collapsed."""
    parts = [(node.text or "") if node.tag == f"{W}t" else " " for node in element.iter(f"{W}t", *_BREAKS)]
    return " ".join("".join(parts).split())


def _lines(archive: zipfile.ZipFile, part: str, styles: dict[str, str],
           max_chars: int) -> tuple[list[str], str]:
    """The paragraphs and table rows of the document part, and the first title-styled paragraph."""
    lines: list[str] = []
    heading, tables, total = "", 0, 0
    for event, element in _events(archive, part, (f"{W}p", f"{W}tbl", f"{W}tr"), ("start", "end")):
        if element.tag == f"{W}tbl":
            tables += 1 if event == "start" else -1
            continue
        if event == "start" or (tables and element.tag == f"{W}p") or (tables > 1):
            continue  # a table's paragraphs are read with their row, a nested table with its cell
        if element.tag == f"{W}tr":
            cells = dict.fromkeys(_text(cell) for cell in element.iter(f"{W}tc"))
            text = " ".join(cell for cell in cells if cell)
        else:
            text = _text(element)
            style = element.find(f"{W}pPr/{W}pStyle")
            if text and not heading and style is not None:
                style_id = style.get(f"{W}val") or ""
                if styles.get(style_id, style_id.lower()) in TITLE_STYLES:
                    heading = text
        _drop(element)
        if text:
            lines.append(text)
            total += len(text)
            if total > max_chars:
                break
    return lines, heading


def _drop(element: etree._Element) -> None:
    """Free a read element and the read elements before it, which ``iterparse`` would keep."""
    element.clear()
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


def _core_title(archive: zipfile.ZipFile, part: str | None) -> str:
    """The title of the core properties, if any."""
    if not part or part not in archive.namelist():
        return ""
    for _, title in _events(archive, part, ("{http://purl.org/dc/elements/1.1/}title",)):
        return " ".join((title.text or "").split())
    return ""


def read_docx(path: Path, max_chars: int) -> tuple[str, str, dict[str, str]]:
    """``(title, body, fields)`` of a DOCX, the body past ``max_chars`` only if it was reached;
    raises :class:`SkipFile`. ``title`` may be empty."""
    try:
        with zipfile.ZipFile(path) as archive:
            package = _related(archive, "")
            document = package.get("officeDocument")
            if not document or document not in archive.namelist():
                raise SkipFile(CORRUPT)
            styles = _style_names(archive, _related(archive, document).get("styles"))
            lines, heading = _lines(archive, document, styles, max_chars)
            title = _core_title(archive, package.get("core-properties")) or heading
    except PermissionError:
        raise SkipFile(UNREADABLE) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, etree.LxmlError, KeyError, ValueError, OSError,
            EOFError, NotImplementedError, RuntimeError):  # RuntimeError: an encrypted member
        raise SkipFile(CORRUPT) from None
    if not lines:
        raise SkipFile(EMPTY)
    return title, "\n".join(lines), {"format": "docx"}
