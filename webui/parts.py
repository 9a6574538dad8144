"""A long document body in parts, so that its page reads, marks and sends one part at a time.

A part holds at most :data:`PART_CHARS` characters and ends after its last line break (else
after its last sentence end, else at the limit), so parts never overlap and together are the
whole body. Finding the cuts is a few C-speed ``rfind`` calls per part; nothing else reads
the rest of the body.
"""

from __future__ import annotations

from bisect import bisect_right

PART_CHARS = 20_000  # about ten printed pages of Chinese; a usual 政策文件 is one part
SENTENCE_ENDS = "。！？；!?;"


def part_starts(body: str, size: int = PART_CHARS) -> list[int]:
    """Where each part of ``body`` starts (the first at 0).

    >>> part_starts("第一条。\\n第二条。第三条。", 6)
    [0, 5, 9]
    >>> part_starts("一二三四五", 2)
    [0, 2, 4]
    """
    starts = [0]
    while len(body) - starts[-1] > size:
        start = starts[-1]
        limit = start + size
        cut = body.rfind("\n", start, limit) + 1
        if cut <= start:
            cut = max(body.rfind(mark, start, limit) for mark in SENTENCE_ENDS) + 1
        starts.append(cut if cut > start else limit)
    return starts


def part_at(starts: list[int], offset: int) -> int:
    """The number (from 1) of the part that holds character ``offset``.

    >>> part_at([0, 5, 9], 5), part_at([0, 5, 9], 4), part_at([0, 5, 9], 100)
    (2, 1, 3)
    """
    return bisect_right(starts, offset)


def line_at(text: str, offset: int) -> int:
    """The number (from 0) of the non-blank line of ``text`` that holds character ``offset``,
    counted as :func:`indexer.marked_lines` counts the page's paragraphs.

    >>> line_at("一\n\n二三\n四", 3), line_at("一\n\n二三\n四", 0)
    (1, 0)
    """
    before = text[:offset].split("\n")
    return sum(1 for line in before[:-1] if line.strip())
