"""The text of a web page's bytes, never mojibake.

In order: a byte-order mark; then the declared charset (``<meta charset>``, ``<meta http-equiv=
"Content-Type" content="…; charset=gbk">``, ``<?xml … encoding=…?>``), honoured only for the
encodings Chinese sites use (:data:`LABELS`: UTF-8, GB2312/GBK/GB18030 read as their superset
GB18030, Big5 as Big5-HKSCS; a UTF-16 label means UTF-8, as the HTML standard says, since a
declaration readable as ASCII cannot be UTF-16; any other name, ``utf-7`` or ``unicode_escape``
among them, is ignored); then detection by ``charset-normalizer`` among those encodings. A
choice counts only if the bytes decode in it cleanly (:func:`clean_text`). Bytes that are valid
UTF-8 with non-ASCII text are UTF-8 whatever the page says: a page re-saved as UTF-8 keeps its
old declaration, and GBK text is practically never valid UTF-8. Otherwise
:class:`~indexer.readers.skipped.SkipFile` ``undecodable``.

>>> page = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>政务公开</p>'
>>> decode_html(page.encode("gbk"))[1], decode_html(page.encode("utf-8"))[1]
('gb18030', 'utf-8')
>>> decode_html(b"\\xef\\xbb\\xbf<p>" + "通知".encode("utf-8"))
('<p>通知', 'utf-8')
>>> decode_html(b'<meta charset="utf-7"><p>+ADw-script+AD4-</p>')
('<meta charset="utf-7"><p>+ADw-script+AD4-</p>', 'utf-8')
"""

from __future__ import annotations

import codecs
import itertools
import re

from charset_normalizer import from_bytes

from .skipped import UNDECODABLE, SkipFile

_GB = ("gb2312", "gb_2312", "gb_2312-80", "gbk", "x-gbk", "cp936", "chinese", "csgb2312",
       "csiso58gb231280", "iso-ir-58", "euc-cn", "gb18030")
_BIG5 = ("big5", "big5-hkscs", "big5hkscs", "cn-big5", "csbig5", "x-x-big5", "cp950")
_UTF8 = ("utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8")
_UTF16 = ("utf-16", "utf-16le", "utf-16be", "utf16", "unicode", "unicodefeff", "unicodefffe", "ucs-2",
          "csunicode", "iso-10646-ucs-2")
#: Declared labels honoured (the WHATWG Encoding Standard's, plus Python's spellings), and the
#: codec each is read with: GB2312 and GBK as their superset, UTF-16 without a BOM as UTF-8.
LABELS = {**dict.fromkeys(_GB, "gb18030"), **dict.fromkeys(_BIG5, "big5hkscs"),
          **dict.fromkeys(_UTF8 + _UTF16, "utf-8")}
#: What detection may choose from: the encodings of Chinese pages (UTF-16 only with a BOM).
DETECTABLE = {"utf_8": "utf-8", "gb18030": "gb18030", "big5": "big5hkscs"}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)"""
                       rb"""|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: Kana, Cyrillic, box drawing, bopomofo and private use: what Big5 bytes read as GBK (and GBK
#: read as Big5) turn into, and what Chinese text practically never puts next to a Han character.
_ODD = "\u0400-\u04ff\u2500-\u257f\u3040-\u30ff\u3100-\u312f\ue000-\uf8ff"
_MISREAD = re.compile(f"(?<=[{_HAN}])[{_ODD}]|[{_ODD}](?=[{_HAN}])")
MAX_MISREAD = 2


def declared_charset(data: bytes) -> str | None:
    """The codec for the charset the page declares in its first 4 KB, if it is honoured.

    >>> declared_charset(b'<meta charset="GBK">'), declared_charset(b'<meta charset=utf-16>')
    ('gb18030', 'utf-8')
    >>> declared_charset(b'<meta charset=bogus>'), declared_charset(b'<meta charset=unicode_escape>')
    (None, None)
    """
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    return LABELS.get((match.group(1) or match.group(2)).decode("ascii", "replace").strip().lower())


def clean_text(text: str, codec: str) -> bool:
    """Whether ``text``, decoded from ``codec``, is free of the marks of a wrong decoding: control
    characters and U+FFFD always, and for GB18030 and Big5 more than :data:`MAX_MISREAD`
    characters of :data:`_MISREAD` next to a Han character (a GBK page with a Big5 part).

    >>> big5 = "關於進一步做好城鄉居民基本醫療保險工作的通知".encode("big5")
    >>> clean_text(big5.decode("gb18030"), "gb18030"), clean_text(big5.decode("big5hkscs"), "big5hkscs")
    (False, True)
    """
    if _CONTROL.search(text):
        return False
    if codec == "utf-8":
        return True
    return next(itertools.islice(_MISREAD.finditer(text), MAX_MISREAD, None), None) is None


def _decoded(data: bytes, codec: str) -> str | None:
    """``data`` decoded strictly in ``codec``, or ``None`` if it does not decode cleanly."""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return text if clean_text(text, codec) else None


def decode_html(data: bytes) -> tuple[str, str]:
    """``(text, codec)`` of a page's bytes; raises ``SkipFile("undecodable")``."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _decoded(data[len(bom):], codec)
            if text is None:
                raise SkipFile(UNDECODABLE)
            return text, codec
    utf8 = _decoded(data, "utf-8")
    if utf8 is not None and not utf8.isascii():
        return utf8, "utf-8"
    declared = declared_charset(data)
    if declared and declared != "utf-8":
        text = _decoded(data, declared)
        if text is not None:
            return text, declared
    if utf8 is not None:
        return utf8, "utf-8"
    best = from_bytes(data, cp_isolation=list(DETECTABLE)).best()
    if best is not None and best.encoding in DETECTABLE:
        codec = DETECTABLE[best.encoding]
        text = _decoded(data, codec)
        if text is not None:
            return text, codec
    raise SkipFile(UNDECODABLE)
