"""Highlight matches in the original text: find marks in normalised text, mark original spans.

Matching happens on normalised text, so a Traditional, full-width or variant-character
original is still marked when the query matched its normalised form.

>>> highlight("智慧城巿领域<b>", ["城市"])
'智慧<mark>城巿</mark>领域&lt;b&gt;'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from html import escape

from ..analysis.normalize import normalize, original_span

ELLIPSIS = "…"
MAX_SCAN = 20_000  # characters of a long text a snippet reads


def match_spans(text: str, marks: Iterable[str]) -> list[tuple[int, int]]:
    """Sorted, merged [start, end) spans of ``text`` where any normalised mark occurs: one
    normalisation and one pass of one compiled pattern over ``text``, whatever the marks.

    >>> match_spans("城市大脑袋", ["城市大脑", "大脑袋"])
    [(0, 5)]
    """
    pattern = _pattern(frozenset(marks))
    if pattern is None:
        return []
    normalised, offsets = normalize(text)
    merged: list[tuple[int, int]] = []
    for match in pattern.finditer(normalised):  # starts ascend, and offsets keep their order
        start, end = original_span(offsets, match.start(), match.end(1), len(text))
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@functools.lru_cache(maxsize=256)
def _pattern(marks: frozenset[str]) -> re.Pattern | None:
    """Every place any mark starts (a lookahead, so that overlapping marks all count),
    the longest mark first; ``None`` without marks. Made once for a page's title and
    snippet marks, not twice a hit."""
    words = sorted({n for n in marks if n}, key=lambda n: (-len(n), n))
    return re.compile("(?=(" + "|".join(map(re.escape, words)) + "))") if words else None


def first_match(text: str, marks: Iterable[str]) -> int | None:
    """Where the first mark occurs as written in ``text`` (a C-speed scan, no normalisation),
    or ``None``: where to start reading a long text.

    >>> first_match("前言居住证", ["住证", "居住证", ""])
    2
    """
    found = [at for at in (text.find(mark) for mark in marks if mark) if at >= 0]
    return min(found, default=None)


def marked_lines(text: str, marks: Iterable[str]) -> list[str]:
    """HTML of each non-blank line of ``text`` with matches in ``<mark>``, marked in one pass;
    a mark with a line break in it is left out, so that no mark spans two lines.

    >>> marked_lines("居住证\\n\\n办理居住证", ["居住证"])
    ['<mark>居住证</mark>', '办理<mark>居住证</mark>']
    """
    marked = highlight(text, [mark for mark in marks if "\n" not in mark])
    return [line for line in marked.split("\n") if line.strip()]


def highlight(text: str, marks: Iterable[str], width: int | None = None) -> str:
    """HTML of ``text`` (or its best ``width``-character window) with matches in ``<mark>``.

    For a snippet of a long text only :data:`MAX_SCAN` characters around the first place a
    mark occurs as written are read, so a 1 MB attachment costs what a page does.

    >>> highlight("前言" * 20000 + "居住证办理" + "后记" * 20000, ["居住证"], 10)
    '…前言<mark>居住证</mark>办理后记后…'
    """
    marks = [n for n in marks if n]
    if width is not None and len(text) > MAX_SCAN:
        start = max(0, (first_match(text, marks) or 0) - MAX_SCAN // 4)
        window = highlight(text[start:start + MAX_SCAN], marks, width)
        if start > 0 and not window.startswith(ELLIPSIS):
            window = ELLIPSIS + window
        if start + MAX_SCAN < len(text) and not window.endswith(ELLIPSIS):
            window += ELLIPSIS
        return window
    spans = match_spans(text, marks)
    start, end = 0, len(text)
    if width is not None and len(text) > width:
        start = _best_window(spans, width, len(text))
        end = start + width
    parts = [ELLIPSIS if start > 0 else ""]
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        parts.append(escape(text[cursor:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    parts.append(escape(text[cursor:end]))
    parts.append(ELLIPSIS if end < len(text) else "")
    return "".join(parts)


def _best_window(spans: list[tuple[int, int]], width: int, size: int) -> int:
    """Start of the window that covers the most marked characters, with a little lead-in.

    Candidate windows start a little before each span. Spans are sorted and disjoint and the
    candidates move right, so the spans inside a window are a sliding range: linear time.
    """
    prefix = [0]
    for span_start, span_end in spans:
        prefix.append(prefix[-1] + span_end - span_start)
    best_start, best_cover = 0, -1
    first = last = 0  # spans[first:last] overlap the current window
    for span_start, _ in spans:
        start = max(0, min(span_start - width // 5, size - width))
        end = start + width
        while first < len(spans) and spans[first][1] <= start:
            first += 1
        last = max(last, first)
        while last < len(spans) and spans[last][0] < end:
            last += 1
        cover = 0
        if last > first:
            cover = (prefix[last] - prefix[first] - max(0, start - spans[first][0])
                     - max(0, spans[last - 1][1] - end))
        if cover > best_cover:
            best_start, best_cover = start, cover
    return best_start
