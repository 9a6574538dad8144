"""The query language, parsed leniently: malformed syntax is searched as plain text.

- space-separated terms must all match;
- ``"a phrase"`` (also “…” and 「…」) matches as written;
- ``-term`` or ``-"a phrase"`` excludes;
- ``kind:vendor`` and ``rank:3`` / ``rank:1-10`` filter.

>>> parse('华宇 "城市 大脑" -医疗 kind:vendor rank:1-10')
ParsedQuery(terms=['华宇'], phrases=['城市 大脑'], excluded=['医疗'], kind='vendor', ranks=(1, 10))
>>> parse('"城市 大脑 rank:abc -')
ParsedQuery(terms=['城市', '大脑', 'rank:abc'], phrases=[], excluded=[], kind=None, ranks=None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』"}
TOKEN = re.compile(r'(-?)(["“「『])(.*?)(["”」』])|(\S+)')
FILTER = re.compile(r"^(kind|rank):(.+)$", re.IGNORECASE)
RANKS = re.compile(r"^(\d{1,6})(?:-(\d{1,6}))?$")
SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class ParsedQuery:
    """A query split into its parts; ``terms`` and ``phrases`` are what must match."""

    terms: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    kind: str | None = None
    ranks: tuple[int, int] | None = None

    @property
    def concepts(self) -> list[str]:
        """Everything that must match, in order: terms, then phrases."""
        return self.terms + self.phrases

    @property
    def text(self) -> str:
        """The positive part as one string, for exact-title and whole-phrase matching."""
        return " ".join(self.concepts)


def parse(text: str) -> ParsedQuery:
    """Split a query string into terms, phrases, exclusions and filters; never raises."""
    parsed = ParsedQuery()
    for match in TOKEN.finditer(text):
        sign, opening, quoted, closing, word = match.groups()
        if opening is not None:
            if QUOTES[opening] != closing:
                _add_words(parsed, f"{sign}{opening}{quoted}{closing}")
            elif quoted.strip():
                (parsed.excluded if sign else parsed.phrases).append(quoted.strip())
            continue
        _add_word(parsed, word)
    return parsed


def scrub(text: str) -> str:
    """``text`` made encodable: lone surrogates (from a bad URL or file name) become U+FFFD.

    >>> scrub("华\\ud800宇") == "华\\ufffd宇"
    True
    """
    return SURROGATE.sub("\ufffd", text)


def _add_words(parsed: ParsedQuery, text: str) -> None:
    """Mismatched quotes: search the words inside as plain terms."""
    for word in text.split():
        _add_word(parsed, word)


def _add_word(parsed: ParsedQuery, word: str) -> None:
    """One bare word: a filter, an exclusion or a term."""
    word = word.strip('"“”「」『』')
    if not word or word == "-":
        return
    found = FILTER.match(word)
    if found:
        name, value = found.group(1).lower(), found.group(2)
        if name == "kind" and value.strip():
            parsed.kind = value.strip().lower()
            return
        ranks = RANKS.match(value)
        if name == "rank" and ranks:
            low = int(ranks.group(1))
            parsed.ranks = (low, int(ranks.group(2) or low))
            return
    if word.startswith("-") and len(word) > 1:
        parsed.excluded.append(word[1:])
    else:
        parsed.terms.append(word)
