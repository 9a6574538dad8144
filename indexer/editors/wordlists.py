"""The editors' synonym and abbreviation files: groups added beside the index, which search
reads on top of the lists the index was built with, without a rebuild.

``<index>.synonyms.txt`` and ``<index>.abbreviations.txt`` (:func:`indexer.config.beside_index`)
have the form of the shipped lists (:mod:`indexer.analysis.synonyms`); the commands add and
remove whole lines, each change written to a new file moved over the old one, so a server
never reads half a file.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..analysis.normalize import exact_key
from ..analysis.synonyms import SEPARATORS, SynonymError, Synonyms

SYNONYMS, ABBREVIATIONS = "synonyms.txt", "abbreviations.txt"


def read_lines(path: Path) -> tuple[str, ...]:
    """The file's lines, checked (:class:`~indexer.analysis.synonyms.SynonymError` names
    file:line); none without a file."""
    if not path.exists():
        return ()
    lines = tuple(path.read_text(encoding="utf-8").splitlines())
    Synonyms.parse(lines, str(path), abbreviations=path.name.endswith(ABBREVIATIONS))
    return lines


def members(line: str) -> list[str]:
    """A line's members, normalised (comments and blanks give none)."""
    line = line.split("#", 1)[0].strip()
    return list(dict.fromkeys(exact_key(m) for m in SEPARATORS.split(line) if m)) if line else []


def add_group(path: Path, group: list[str]) -> str:
    """Add ``group`` (an abbreviation first, in an abbreviation file) as a line; the line, or
    :class:`~indexer.analysis.synonyms.SynonymError` if it is not a group or is there already."""
    line = checked_group(group, path.name.endswith(ABBREVIATIONS))
    lines = read_lines(path)
    if set(members(line)) in [set(members(old)) for old in lines]:
        raise SynonymError(f"{path}: 已有这一组：{line}")
    write_lines(path, [*lines, line])
    return line


def checked_group(group: list[str], abbreviations: bool) -> str:
    """``group`` as a line of the file, or :class:`~indexer.analysis.synonyms.SynonymError`."""
    line = " ".join(dict.fromkeys(" ".join(group).split()))
    if len(members(line)) < 2:
        raise SynonymError(f"一组至少要有两个不同的词：{line}")
    Synonyms.parse([line], "新的一组", abbreviations=abbreviations)
    return line


def remove_groups(path: Path, member: str) -> list[str]:
    """Remove every line that has ``member``; the lines removed."""
    key = exact_key(member)
    lines = read_lines(path)
    removed = [line for line in lines if key in members(line)]
    if removed:
        write_lines(path, [line for line in lines if line not in removed])
    return removed


def write_lines(path: Path, lines: list[str]) -> None:
    """Write ``lines`` to a new file and move it over ``path`` (a reader never sees half of it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f"{path.name}.new")
    staging.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    os.replace(staging, path)
