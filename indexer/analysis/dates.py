"""Dates as Chinese government pages write them, to ISO ``YYYY-MM-DD``.

A small regex front end over :class:`datetime.date` (which rejects month 13 or 30 February);
Chinese numerals (``二〇二一年三月五日``) are read by :func:`chinese_number`. The first valid date in
the text wins; a time or time zone after it is ignored: the date is the one written, not shifted.

>>> [parse_date(t) for t in ("2021年03月05日", "2021-03-05", "2021/3/5", "2021.03.05")]
['2021-03-05', '2021-03-05', '2021-03-05', '2021-03-05']
>>> parse_date("2021年3月5日 15:30"), parse_date("发布日期：2021 年 3 月 5 日")
('2021-03-05', '2021-03-05')
>>> [parse_date(t) for t in ("二〇二一年三月五日", "二零二一年十二月二十一日", "二〇二一年十月三十日")]
['2021-03-05', '2021-12-21', '2021-10-30']
>>> parse_date("20210305"), parse_date("2021-03-05T15:30:00+08:00"), parse_date("２０２１年３月５日")
('2021-03-05', '2021-03-05', '2021-03-05')
>>> parse_date("2026-09-28-21:50:00")
'2026-09-28'
>>> [parse_date(t) for t in ("2021-13-05", "2021年2月30日", "20211305", "二〇二一年十三月一日", "", "明天")]
[None, None, None, None, None, None]
>>> parse_date("2021-03"), parse_date("123456789"), parse_date("202103051")
(None, None, None)
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
           "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "〇零○一二两三四五六七八九十"
_SEP = r"\s*[-/.年]\s*"
_PATTERNS = (
    # 2021-03-05, 2021/3/5, 2021.03.05, 2021年3月5日, ISO timestamps
    re.compile(rf"(?<!\d)((?:19|20)\d\d){_SEP}(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})(?!\d)"),
    # 20210305
    re.compile(r"(?<!\d)((?:19|20)\d\d)(\d\d)(\d\d)(?!\d)"),
    # 二〇二一年三月五日
    re.compile(rf"([{_CN}]{{4}})\s*年\s*([{_CN}]{{1,3}})\s*月\s*([{_CN}]{{1,3}})\s*[日号]"),
)


def chinese_number(text: str) -> int | None:
    """The value of a Chinese numeral as dates use it: digit by digit, or with one 十.

    >>> [chinese_number(t) for t in ("二〇二一", "十", "十二", "二十", "二十一", "零五", "三")]
    [2021, 10, 12, 20, 21, 5, 3]
    >>> chinese_number("十十"), chinese_number("二三十"), chinese_number("")
    (None, None, None)
    """
    if text.count("十") > 1 or not text:
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            return None
        high = _DIGITS.get(tens) if tens else 1
        low = _DIGITS.get(ones) if ones else 0
        return None if high is None or low is None else high * 10 + low
    values = [_DIGITS.get(char) for char in text]
    if None in values:
        return None
    return int("".join(map(str, values)))


def _iso(year: int | None, month: int | None, day: int | None) -> str | None:
    """``YYYY-MM-DD`` if the three make a real date from 1900 to 2099, else ``None``."""
    if year is None or month is None or day is None or not 1900 <= year <= 2099:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """The first valid date in ``text`` as ISO ``YYYY-MM-DD``, or ``None``."""
    text = unicodedata.normalize("NFKC", text or "")
    found: list[tuple[int, str | None]] = []
    for number, pattern in enumerate(_PATTERNS):
        for match in pattern.finditer(text):
            if number < 2:
                parts = [int(group) for group in match.groups()]
            else:
                parts = [chinese_number(group) for group in match.groups()]
            found.append((match.start(), _iso(*parts)))
    found.sort(key=lambda item: item[0])
    return next((iso for _, iso in found if iso), None)
