"""Read documents: the seed ranking-and-article text, JSON Lines, or a folder of Markdown/text.

Every reader yields :class:`Document` objects one at a time, so a large collection streams
in constant memory. Bad input raises :class:`CorpusError` naming the file and line.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

SEED_PATH = Path(__file__).resolve().parent.parent / "corpus" / "2020-egov-top50.txt"
USERDICT_PATH = SEED_PATH.with_name("userdict.txt")
SYNONYMS_PATH = SEED_PATH.with_name("synonyms.txt")

SEED_VENDORS = 50
CASE_HEADING = re.compile(r"^案例[一二三四五六七八九十]+$")
# A section heading is a short line without sentence punctuation or digits. Dated lead-ins
# such as 自2019年5月31日上线以来 are sub-headings and stay inside their section.
SECTION_HEADING = re.compile(r"^[^，。：；！？、,.;:!?0-9（）()]{2,16}$")
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
TEXT_SUFFIXES = (".md", ".markdown", ".txt")


class CorpusError(ValueError):
    """Input that does not have the expected shape; the message names file:line."""

    def __init__(self, path: Path | str, line: int, reason: str):
        super().__init__(f"{path}:{line}: {reason}")
        self.path, self.line, self.reason = str(path), line, reason


@dataclass
class Document:
    """One searchable unit: a vendor, an article section, a record, a Markdown section."""

    id: str
    kind: str
    title: str
    body: str
    rank: int | None = None
    fields: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The document as JSON-ready data, extra fields included."""
        return {"id": self.id, "kind": self.kind, "title": self.title, "rank": self.rank,
                "body": self.body, **self.fields}


def load_documents(paths: Iterable[Path | str]) -> Iterator[Document]:
    """Yield the documents of every path: a folder, a ``.jsonl``/``.jsonl.gz``, ``.md`` or seed ``.txt``."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from read_folder(path)
        elif not path.exists():
            raise CorpusError(path, 0, "no such file or folder")
        elif path.name.endswith((".jsonl", ".jsonl.gz", ".json", ".json.gz")):
            yield from read_jsonl(path)
        elif path.suffix in (".md", ".markdown"):
            yield from read_markdown(path, path.parent)
        else:
            yield from read_seed(path)


def _read_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Numbered lines of a (possibly gzipped) UTF-8 file, with a clear error on bad bytes."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as stream:
            for number, raw in enumerate(stream, 1):
                try:
                    yield number, raw.decode("utf-8").rstrip("\r\n")
                except UnicodeDecodeError as err:
                    raise CorpusError(path, number, f"invalid UTF-8 at byte {err.start}") from None
    except (OSError, EOFError) as err:
        raise CorpusError(path, 0, f"cannot read: {err}") from None


def read_jsonl(path: Path) -> Iterator[Document]:
    """Documents from JSON Lines: ``{"id", "title", "body", "kind"?, "rank"?, ...}`` per line."""
    for number, line in _read_lines(path):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise CorpusError(path, number, f"malformed JSON: {err.msg}") from None
        if not isinstance(record, dict):
            raise CorpusError(path, number, "expected a JSON object")
        for name in ("id", "title", "body"):
            if not isinstance(record.get(name), str):
                raise CorpusError(path, number, f"missing or non-string field {name!r}")
        if not record["id"].strip():
            raise CorpusError(path, number, "empty 'id'")
        rank = record.pop("rank", None)
        if rank is not None and (not isinstance(rank, int) or isinstance(rank, bool)):
            raise CorpusError(path, number, "'rank' must be an integer")
        kind = record.pop("kind", "document")
        if not isinstance(kind, str) or not kind.strip():
            raise CorpusError(path, number, "'kind' must be a non-empty string")
        doc_id, title, body = record.pop("id"), record.pop("title"), record.pop("body")
        extra = {key: str(value) for key, value in record.items()}
        yield Document(doc_id, kind.strip(), title, body, rank, extra)


def read_folder(folder: Path) -> Iterator[Document]:
    """Documents from every Markdown or text file below ``folder``, in path order."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            yield from read_markdown(path, folder)


def read_markdown(path: Path, root: Path) -> Iterator[Document]:
    """One document per ``#`` section of a file, or one for the whole file if it has none."""
    name = path.relative_to(root).as_posix()
    sections: list[tuple[str, list[str]]] = [(path.stem, [])]
    for _, line in _read_lines(path):
        heading = MARKDOWN_HEADING.match(line)
        if heading:
            sections.append((heading.group(1) or path.stem, []))
        else:
            sections[-1][1].append(line)
    kept = [(title, "\n".join(lines).strip()) for title, lines in sections]
    kept = [(title, body) for i, (title, body) in enumerate(kept) if body or i > 0]
    for number, (title, body) in enumerate(kept, 1):
        doc_id = name if len(kept) == 1 else f"{name}#{number}"
        yield Document(doc_id, "document", title, body, fields={"source": name})


def read_seed(path: Path) -> Iterator[Document]:
    """The 50强 ranking (one document per vendor) and the article (one per section)."""
    lines = [(n, text.strip()) for n, text in _read_lines(path) if text.strip()]
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
                       {"list": list_title, "source": _source(lines[4 + 3 * SEED_VENDORS][1])})
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
                       fields={"article": article})
