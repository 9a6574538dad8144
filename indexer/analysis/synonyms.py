"""Synonym groups and abbreviations (简称) from editable text files, expanded at query time.

Synonyms: one group per line, members separated by spaces, commas or 、; ``#`` starts a
comment. A query term that *is* a member also searches every other member of its group.

Abbreviations: one entry per line, the abbreviation first, then its full forms. The
abbreviation searches its full forms, and a full form searches the other full forms and an
abbreviation of two or more characters (a one-character one, such as 京 for 北京, would match
too much).

In both, a Chinese member of two or more characters also counts inside a longer term
(智能城市建设 → 智慧城市建设, 医保报销 → 医疗保障报销); a Latin member only counts as the
whole term (AI, never the ai in paid).

>>> groups = Synonyms.parse(["# comment", "智慧城市 智能城市", "人工智能, AI"])
>>> groups.expansions("智能城市建设"), groups.expansions("ai"), groups.expansions("paid")
(['智慧城市建设'], ['人工智能'], [])
>>> short = Synonyms.parse(["医保 医疗保障 医疗保险", "京 北京"], abbreviations=True)
>>> [short.expansions(term) for term in ("医保报销", "医疗保障", "北京", "京")]
[['医疗保障报销', '医疗保险报销'], ['医保', '医疗保险'], [], ['北京']]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from .normalize import HAN_RUN, exact_key

SEPARATORS = re.compile(r"[\s,，、;；]+")
MAX_EXPANSIONS = 8


class SynonymError(ValueError):
    """A synonym or abbreviation file that cannot be used; the message names file:line."""


class Synonyms:
    """Terms and the alternatives each one searches, looked up by normalised term.

    >>> Synonyms([["部队", "军队"], ["军队", "军方"]]).expansions("部队")
    ['军队', '军方']
    """

    def __init__(self, groups: Iterable[list[str]] = (), directed: Iterable[tuple[str, list[str]]] = ()):
        self._alternatives: dict[str, list[str]] = {}
        merged: list[list[str]] = []  # groups that share a member are one group
        group_of: dict[str, int] = {}
        for group in groups:
            known = [group_of[member] for member in group if member in group_of]
            index = known[0] if known else len(merged)
            if not known:
                merged.append([])
            for member in group:
                if member not in group_of:
                    group_of[member] = index
                    merged[index].append(member)
        for group in merged:
            for member in group:
                self._alternatives[member] = [m for m in group if m != member]
        for term, alternatives in directed:
            known = self._alternatives.setdefault(term, [])
            known.extend(a for a in alternatives if a not in known and a != term)
        self._longest = max((len(term) for term in self._alternatives), default=0)

    @classmethod
    def parse(cls, lines: Iterable[str], source: str = "<synonyms>", abbreviations: bool = False) -> Synonyms:
        """Groups (or, with ``abbreviations``, abbreviation entries) from a file's lines; a
        one-member line is an error."""
        entries = []
        for number, line in enumerate(lines, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            members = list(dict.fromkeys(exact_key(m) for m in SEPARATORS.split(line) if m))
            if len(members) < 2:
                what = ("an abbreviation needs a full form" if abbreviations
                        else "a group needs at least two members")
                raise SynonymError(f"{source}:{number}: {what}")
            entries.append(members)
        if not abbreviations:
            return cls(entries)
        directed = [(short, full) for short, *full in entries]
        directed += [(form, ([short] if len(short) > 1 else []) + [f for f in full if f != form])
                     for short, *full in entries for form in full]
        return cls(directed=directed)

    @classmethod
    def load(cls, path: Path, abbreviations: bool = False) -> Synonyms:
        """The entries of a synonym (or abbreviation) file; no file means none."""
        if not path.exists():
            return cls()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise SynonymError(f"{path}: cannot read: {err}") from None
        return cls.parse(lines, str(path), abbreviations)

    def members_in(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each Chinese member inside normalised ``text``, the longest at
        each place, left to right and not overlapping."""
        spans, start = [], 0
        while start < len(text):
            for end in range(min(len(text), start + self._longest), start + 1, -1):
                if text[start:end] in self._alternatives and HAN_RUN.fullmatch(text[start:end]):
                    spans.append((start, end))
                    start = end
                    break
            else:
                start += 1
        return spans

    def expansions(self, term: str) -> list[str]:
        """Normalised alternatives of ``term``: whole, or of the longest member inside it."""
        key = exact_key(term)
        if key in self._alternatives:
            return self._alternatives[key][:MAX_EXPANSIONS]
        found: list[str] = []
        for start in range(len(key)):
            for end in range(min(len(key), start + self._longest), start + 1, -1):
                member = key[start:end]
                if member in self._alternatives and HAN_RUN.fullmatch(member):
                    found.extend(key[:start] + other + key[end:] for other in self._alternatives[member])
                    break
        return list(dict.fromkeys(found))[:MAX_EXPANSIONS]
