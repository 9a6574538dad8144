"""The text layer of a PDF attachment, with ``pypdf``.

An encrypted PDF is read if it opens with the empty password (a permissions-only lock), else
skipped as ``encrypted``; a PDF whose pages have no text is a scan (``no text layer (scanned?)``);
one ``pypdf`` cannot parse is ``corrupt``. Pages are separated by a line break.

Pages that draw the same content stream with the same resources (a template stamped on every
page, or a file made to cost a parse per page) are read once, and their text kept once. Reading
stops once the text passes ``max_chars``.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from .skipped import CORRUPT, EMPTY, ENCRYPTED, SCANNED, UNREADABLE, SkipFile

#: Fewer letters than this per page on average: no text layer, only stray marks.
MIN_CHARS_PER_PAGE = 5
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CJK_SPACE = re.compile(f"(?<=[{_CJK}]) +(?=[{_CJK}])")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MEANINGLESS_TITLES = ("untitled", "microsoft word", "wps", "无标题")


def unspace(line: str) -> str:
    """A line of extracted text without the spaces PDF layout puts between CJK characters.

    A line spaced out glyph by glyph loses its single spaces; elsewhere a space between two
    CJK characters goes.

    >>> unspace(" 京 政 发 〔 2 0 2 1 〕 1 2 号"), unspace("第 一 条  总则"), unspace("北京 市 in Beijing")
    ('京政发〔2021〕12号', '第一条 总则', '北京市 in Beijing')
    """
    line = line.strip()
    glyphs = line.replace(" ", "")
    if glyphs and line.count(" ") >= 0.6 * (len(glyphs) - 1) and len(glyphs) > 2:
        return " ".join(part.replace(" ", "") for part in re.split(r"\s{2,}", line))
    return " ".join(_CJK_SPACE.sub("", line).split())


def _title(info: object) -> str:
    """The document-information title, unless it is a program's placeholder."""
    title = " ".join(str(getattr(info, "title", None) or "").split())
    return "" if title.lower().startswith(_MEANINGLESS_TITLES) or title.lower().endswith((".doc", ".docx")) \
        else title


def _content_key(page) -> tuple:
    """What a page draws, by the objects it draws them from: pages alike have equal keys."""
    keys = []
    for name in ("/Contents", "/Resources"):
        value = page.raw_get(name) if name in page else None
        if isinstance(value, list):  # several content streams
            keys.append(tuple(getattr(item, "idnum", id(item)) for item in value))
        else:  # an indirect object is shared by number; a direct one only by identity
            keys.append(getattr(value, "idnum", id(value)))
    return tuple(keys)


def _page_texts(reader, max_chars: int) -> list[str]:
    """The text of each page whose content is not another page's, until ``max_chars`` are read."""
    texts, seen, total = [], set(), 0
    for page in reader.pages:
        key = _content_key(page)
        if key in seen:
            continue
        seen.add(key)
        texts.append(page.extract_text() or "")
        total += len(texts[-1])
        if total > max_chars:
            break
    return texts


def read_pdf(path: Path, max_chars: int) -> tuple[str, str, dict[str, str]]:
    """``(title, body, fields)`` of a PDF, the body past ``max_chars`` only if it was reached;
    raises :class:`SkipFile`. ``title`` may be empty."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise SkipFile(ENCRYPTED)
        pages = len(reader.pages)
        texts = _page_texts(reader, max_chars)
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
    lines = [unspace(line) for text in texts for line in _CONTROL.sub("", text).splitlines()]
    lines = [line for line in lines if line]
    if sum(len(line) for line in lines) < MIN_CHARS_PER_PAGE * len(texts):
        raise SkipFile(SCANNED)
    fields = {"format": "pdf", "pages": str(pages)}
    return _title(info), "\n".join(lines), fields
