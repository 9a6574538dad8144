"""The seed text: the 50强 ranking (one document per vendor) and the article (one per section)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .document import CorpusError, Document
from .lines import read_lines

SEED_VENDORS = 50
CASE_HEADING = re.compile(r"^案例[一二三四五六七八九十]+$")
# A section heading is a short line without sentence punctuation or digits. Dated lead-ins
# such as 自2019年5月31日上线以来 are sub-headings and stay inside their section.
SECTION_HEADING = re.compile(r"^[^，。：；！？、,.;:!?0-9（）()]{2,16}$")


def read_seed(path: Path) -> Iterator[Document]:
    """The 50强 ranking (one document per vendor) and the article (one per section)."""
    lines = [(n, text.strip()) for n, text in read_lines(path) if text.strip()]
    if len(lines) < 4 + 3 * SEED_VENDORS + 2:
        raise CorpusError(path, len(lines), "too short for the ranking and article")
    list_title = lines[0][1]
    header = [text for _, text in lines[1:4]]
    if header != ["RK", "企业", "备注"]:
        raise CorpusError(path, lines[1][0], f"expected the header RK/企业/备注, got {header}")
    cursor = 4
    for rank in range(1, SEED_VENDORS + 1):
        (number, rank_text), (_, name), (_, remark) = lines[cursor:cursor + 3]
        if rank_text != str(rank):
            raise CorpusError(path, number, f"expected rank {rank}, got {rank_text!r}")
        yield Document(f"vendor-{rank}", "vendor", name, remark, rank,
                       {"list": list_title, "source": _source(lines[4 + 3 * SEED_VENDORS][1])},
                       origin=(str(path), number))
        cursor += 3
    number, source_line = lines[cursor]
    if not source_line.endswith("排行"):
        raise CorpusError(path, number, f"expected the ranking's source line, got {source_line!r}")
    yield from _seed_sections(path, lines[cursor + 1:])


def _source(line: str) -> str:
    """``&eNet研究院选择排行`` → ``&eNet研究院``."""
    return re.sub(r"(选择)?排行$", "", line)


def _seed_sections(path: Path, lines: list[tuple[int, str]]) -> Iterator[Document]:
    """Split the article into 导语, the cases and the topic sections."""
    article = lines[0][1]
    sections: list[tuple[int, str, list[str]]] = [(lines[0][0], "导语", [])]
    rest = iter(lines[1:])
    for number, text in rest:
        if CASE_HEADING.match(text):
            case_line = next(rest, None)
            if case_line is None:
                raise CorpusError(path, number, f"expected the case line after {text}")
            sections.append((number, f"{text} {case_line[1].rstrip('。')}", []))
        elif SECTION_HEADING.match(text) and sections[-1][2]:
            sections.append((number, text, []))
        else:
            sections[-1][2].append(text)
    for index, (number, title, body) in enumerate(sections, 1):
        if not body:
            raise CorpusError(path, number, f"expected paragraphs under {title!r}")
        yield Document(f"section-{index}", "section", title, "\n".join(body),
                       fields={"article": article}, origin=(str(path), number))
