"""The text of a DOCX attachment, with ``python-docx``: paragraphs and tables in order.

Title: the core properties' title, else the first ``Title`` or ``Heading 1`` paragraph, else empty
(the caller falls back on the link text or file name). A file ``python-docx`` cannot open is
``corrupt``; one without text ``empty``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .skipped import CORRUPT, EMPTY, UNREADABLE, SkipFile

TITLE_STYLES = ("Title", "Heading 1")


def read_docx(path: Path) -> tuple[str, str, dict[str, str]]:
    """``(title, body, fields)`` of a DOCX; raises :class:`SkipFile`. ``title`` may be empty."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from lxml.etree import LxmlError

    try:
        document = docx.Document(str(path))
        lines: list[str] = []
        heading = ""
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    cells = dict.fromkeys(" ".join(cell.text.split()) for cell in row.cells)
                    text = " ".join(cell for cell in cells if cell)
                    if text:
                        lines.append(text)
                continue
            text = " ".join(block.text.split())
            if not text:
                continue
            style = block.style.name if block.style is not None else ""
            if not heading and style in TITLE_STYLES:
                heading = text
            lines.append(text)
        core = document.core_properties
        title = " ".join((core.title or "").split()) or heading
    except PermissionError:
        raise SkipFile(UNREADABLE) from None
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, LxmlError, OSError,
            AttributeError, TypeError, IndexError):
        raise SkipFile(CORRUPT) from None
    if not lines:
        raise SkipFile(EMPTY)
    return title, "\n".join(lines), {"format": "docx"}
