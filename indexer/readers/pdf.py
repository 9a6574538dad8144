"""The text layer of a PDF attachment, with ``pypdf``.

An encrypted PDF is read if it opens with the empty password (a permissions-only lock), else
skipped as ``encrypted``; a PDF whose pages have no text is a scan (``no text layer (scanned?)``);
one ``pypdf`` cannot parse is ``corrupt``. Pages are separated by a line break.
"""

from __future__ import annotations

import logging
from pathlib import Path

from .skipped import CORRUPT, EMPTY, ENCRYPTED, SCANNED, UNREADABLE, SkipFile

#: Fewer letters than this per page on average: no text layer, only stray marks.
MIN_CHARS_PER_PAGE = 5
_MEANINGLESS_TITLES = ("untitled", "microsoft word", "wps", "无标题")


def _title(info: object) -> str:
    """The document-information title, unless it is a program's placeholder."""
    title = " ".join(str(getattr(info, "title", None) or "").split())
    return "" if title.lower().startswith(_MEANINGLESS_TITLES) or title.lower().endswith((".doc", ".docx")) \
        else title


def read_pdf(path: Path) -> tuple[str, str, dict[str, str]]:
    """``(title, body, fields)`` of a PDF; raises :class:`SkipFile`. ``title`` may be empty."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise SkipFile(ENCRYPTED)
        texts = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except SkipFile:
        raise
    except FileNotFoundError:
        raise SkipFile(UNREADABLE) from None
    except PermissionError:
        raise SkipFile(UNREADABLE) from None
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, ZeroDivisionError, NotImplementedError):
        raise SkipFile(CORRUPT) from None
    if not texts:
        raise SkipFile(EMPTY)
    lines = [" ".join(line.split()) for text in texts for line in text.splitlines()]
    lines = [line for line in lines if line]
    if sum(len(line) for line in lines) < MIN_CHARS_PER_PAGE * len(texts):
        raise SkipFile(SCANNED)
    fields = {"format": "pdf", "pages": str(len(texts))}
    return _title(info), "\n".join(lines), fields
