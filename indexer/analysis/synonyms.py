"""Synonym groups from an editable text file, expanded at query time.

One group per line, members separated by spaces, commas or 、; ``#`` starts a comment.
A query term that *is* a member also searches every other member of its group. A Chinese
member of two or more characters also counts inside a longer term (智能城市建设 →
智慧城市建设); a Latin member only counts as the whole term (AI, never the ai in paid).

>>> groups = Synonyms.parse(["# comment", "智慧城市 智能城市", "人工智能, AI"])
>>> groups.expansions("智能城市建设"), groups.expansions("ai"), groups.expansions("paid")
(['智慧城市建设'], ['人工智能'], [])
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from .normalize import HAN_RUN, exact_key

SEPARATORS = re.compile(r"[\s,，、;；]+")
MAX_EXPANSIONS = 8


class SynonymError(ValueError):
    """A synonym file that cannot be used; the message names file:line."""


class Synonyms:
    """Groups of interchangeable terms, looked up by normalised member; groups that share a
    member are one group.

    >>> Synonyms([["部队", "军队"], ["军队", "军方"]]).expansions("部队")
    ['军队', '军方']
    """

    def __init__(self, groups: Iterable[list[str]] = ()):
        self.groups: list[list[str]] = []
        self._group_of: dict[str, int] = {}
        for group in groups:
            known = [self._group_of[member] for member in group if member in self._group_of]
            index = known[0] if known else len(self.groups)
            if not known:
                self.groups.append([])
            for member in group:
                if member not in self._group_of:
                    self._group_of[member] = index
                    self.groups[index].append(member)
        self._longest = max((len(member) for member in self._group_of), default=0)

    @classmethod
    def parse(cls, lines: Iterable[str], source: str = "<synonyms>") -> Synonyms:
        """Groups from the lines of a synonym file; a one-member line is an error."""
        groups = []
        for number, line in enumerate(lines, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            members = list(dict.fromkeys(exact_key(m) for m in SEPARATORS.split(line) if m))
            if len(members) < 2:
                raise SynonymError(f"{source}:{number}: a group needs at least two members")
            groups.append(members)
        return cls(groups)

    @classmethod
    def load(cls, path: Path) -> Synonyms:
        """The groups of a synonym file; no file means no synonyms."""
        if not path.exists():
            return cls()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise SynonymError(f"{path}: cannot read: {err}") from None
        return cls.parse(lines, str(path))

    def expansions(self, term: str) -> list[str]:
        """Normalised alternatives of ``term``: the other members of each group it holds."""
        key = exact_key(term)
        if key in self._group_of:
            return [m for m in self.groups[self._group_of[key]] if m != key][:MAX_EXPANSIONS]
        found: list[str] = []
        for start in range(len(key)):
            for end in range(min(len(key), start + self._longest), start + 1, -1):
                member = key[start:end]
                if member in self._group_of and HAN_RUN.fullmatch(member):
                    found.extend(key[:start] + other + key[end:]
                                 for other in self.groups[self._group_of[member]] if other != member)
                    break
        return list(dict.fromkeys(found))[:MAX_EXPANSIONS]
