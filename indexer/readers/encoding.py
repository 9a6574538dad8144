"""The text of a web page's bytes, never mojibake.

In order: a byte-order mark; then the declared charset (``<meta charset>``, ``<meta http-equiv=
"Content-Type" content="…; charset=gbk">``, ``<?xml … encoding=…?>``), with gb2312 and gbk read
as their superset gb18030; then detection by ``charset-normalizer`` among the encodings Chinese
sites use. A choice counts only if the bytes decode in it cleanly (strict decoding, no control
characters). Bytes that are valid UTF-8 with non-ASCII text are UTF-8 whatever the page says: a
page re-saved as UTF-8 keeps its old declaration, and GBK text is practically never valid UTF-8.
Otherwise :class:`~indexer.readers.skipped.SkipFile` ``undecodable``.

>>> page = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>政务公开</p>'
>>> decode_html(page.encode("gbk"))[1], decode_html(page.encode("utf-8"))[1]
('gb18030', 'utf-8')
>>> decode_html(b"\\xef\\xbb\\xbf<p>" + "通知".encode("utf-8"))
('<p>通知', 'utf-8')
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from .skipped import UNDECODABLE, SkipFile

#: Read as the superset that decodes everything they do.
SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030",
             "cp936": "gb18030", "euc-cn": "gb18030", "big5": "big5hkscs", "ascii": "utf-8",
             "us-ascii": "utf-8", "iso-8859-1": "cp1252", "latin-1": "cp1252"}
#: What detection may choose from: the encodings of Chinese (and plain) pages.
DETECTABLE = ["utf_8", "gb18030", "big5", "utf_16"]
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)"""
                       rb"""|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def _codec(name: str) -> str | None:
    """The Python codec for a declared charset name, supersets applied; ``None`` if unknown."""
    name = SUPERSETS.get(name.strip().lower(), name.strip().lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The codec the page declares in its first 4 KB, or ``None``.

    >>> declared_charset(b'<meta charset="GBK">'), declared_charset(b'<meta charset=bogus>')
    ('gb18030', None)
    """
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    return _codec((match.group(1) or match.group(2)).decode("ascii", "replace"))


def _clean(data: bytes, codec: str) -> str | None:
    """``data`` decoded strictly in ``codec``, or ``None`` if it does not decode cleanly."""
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    return None if _CONTROL.search(text) else text


def decode_html(data: bytes) -> tuple[str, str]:
    """``(text, codec)`` of a page's bytes; raises ``SkipFile("undecodable")``."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _clean(data[len(bom):], codec)
            if text is None:
                raise SkipFile(UNDECODABLE)
            return text, codec
    utf8 = _clean(data, "utf-8")
    if utf8 is not None and not utf8.isascii():
        return utf8, "utf-8"
    declared = declared_charset(data)
    if declared:
        text = _clean(data, declared)
        if text is not None:
            return text, declared
    if utf8 is not None:
        return utf8, "utf-8"
    best = from_bytes(data, cp_isolation=DETECTABLE).best()
    if best is not None:
        codec = _codec(best.encoding) or best.encoding
        text = _clean(data, codec)
        if text is not None:
            return text, codec
    raise SkipFile(UNDECODABLE)
