"""The query language, parsed leniently into a :class:`~.tree.Query`: malformed syntax is
searched as plain text, and parsing never raises.

- space-separated terms must all match;
- ``"a phrase"`` (also “…” and 「…」) matches as written;
- ``-term`` or ``-"a phrase"`` excludes;
- ``name:value`` filters a keyword field of the table (``kind:vendor``), and
  ``name:3`` / ``name:1-10`` a number field (``rank``); ``name:2021``, ``name:2021-03`` and
  ``name:2021-01..2021-06`` a date field;
- a 文号 typed any way (苏政发[2021]8号, 苏政发 2021 8号, …) is one concept, and a series
  with its year (苏政办发〔2022〕) finds the whole series.

>>> for clause in parse('华宇 "城市 大脑" -医疗 kind:vendor rank:1-10').clauses:
...     print(clause)
Term(text='华宇')
Phrase(text='城市 大脑')
Not(clause=Term(text='医疗'))
Filter(field='kind', value='vendor')
Range(field='rank', low=1, high=10)
>>> parse('"城市 大脑 rank:abc -').terms
['城市', '大脑', 'rank:abc']
>>> parse("苏政发 2021 87号 营商环境").clauses, parse("苏政办发[2022]").clauses
((DocNumber(text='苏政发〔2021〕87号'), Term(text='营商环境')), (Series(text='苏政办发〔2022〕'),))
"""

from __future__ import annotations

import calendar
import re

from ..analysis import docnumber
from ..fields import FIELDS, Field
from .tree import Clause, DocNumber, Filter, Not, Phrase, Query, Range, Series, Term

QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』"}
TOKEN = re.compile(r'(-?)(["“「『])(.*?)(["”」』])|(\S+)')
FILTER = re.compile(r"^([a-z_]+):(.+)$", re.IGNORECASE)
NUMBERS = re.compile(r"^(\d{1,18})(?:(?:-|\.\.)(\d{1,18}))?$")
DATE = r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?"
DATES = re.compile(rf"^{DATE}(?:\.\.{DATE})?$")
SURROGATE = re.compile("[\ud800-\udfff]")


YEAR = re.compile(r"\d{4}")
MAX_CONCEPTS = 12  # what one query may ask for; the rest is left out, with a notice


def parse(text: str) -> Query:
    """Split a query string into terms, phrases, exclusions and filters; never raises."""
    clauses: list[Clause] = []
    text = _take_doc_numbers(text, clauses)
    for match in TOKEN.finditer(text):
        sign, opening, quoted, closing, word = match.groups()
        if opening is not None:
            if QUOTES[opening] != closing:
                clauses.extend(filter(None, map(_word, f"{sign}{opening}{quoted}{closing}".split())))
            elif quoted.strip():
                phrase = Phrase(quoted.strip())
                clauses.append(Not(phrase) if sign else phrase)
            continue
        clause = _word(word)
        if clause is not None:
            clauses.append(clause)
    return _last_restriction_wins(clauses)


def scrub(text: str) -> str:
    """``text`` made encodable: lone surrogates (from a bad URL or file name) become U+FFFD.

    >>> scrub("华\\ud800宇") == "华\\ufffd宇"
    True
    """
    return SURROGATE.sub("\ufffd", text)


def restriction(field: Field, value: str) -> Filter | Range | None:
    """A filter on ``field`` from typed text, or ``None`` if the value does not fit its type."""
    value = value.strip()
    if not value:
        return None
    if field.values:  # a closed vocabulary: what the reader's text would have been read as
        value = field.clean(value) if field.clean else value
        return Filter(field.name, value) if value in field.values else None
    if field.type in ("keyword", "derived"):
        return Filter(field.name, value)
    if field.type == "number":
        found = NUMBERS.match(value)
        if found:
            low = int(found.group(1))
            return Range(field.name, low, int(found.group(2) or low))
        return None
    if field.type == "date":
        found = DATES.match(value)
        if found:
            low = _date_bound(*found.groups()[:3], last=False)
            high = _date_bound(*(found.groups()[3:] if found.group(4) else found.groups()[:3]), last=True)
            if low is not None and high is not None:
                return Range(field.name, low, high)
    return None


def _date_bound(year: str, month: str | None, day: str | None, last: bool) -> int | None:
    """YYYYMMDD of the first (or ``last``) day that a year, month or day names."""
    y = int(year)
    m = int(month) if month else (12 if last else 1)
    if not 1 <= m <= 12:
        return None
    days = calendar.monthrange(y, m)[1]
    d = int(day) if day else (days if last else 1)
    return y * 10000 + m * 100 + d if 1 <= d <= days else None


def _take_doc_numbers(text: str, clauses: list[Clause]) -> str:
    """Add a clause for each 文号 in ``text``; return the text without them."""
    kept, cursor = [], 0
    for start, end, number in docnumber.find_numbers(text):
        if start > 0 and text[start - 1] == "-":  # an exclusion: parsed as a term below
            continue
        clauses.append(DocNumber(number))
        kept.append(text[cursor:start])
        cursor = end
    return " ".join(kept + [text[cursor:]])


def _word(word: str) -> Clause | None:
    """One bare word: a filter, a document number series, an exclusion or a term."""
    word = word.strip('"“”「」『』')
    if not word or word == "-":
        return None
    found_series = docnumber.series(word) if YEAR.search(word) else None
    if found_series:
        return Series(found_series)
    found = FILTER.match(word)
    if found:
        field = FIELDS.get(found.group(1).lower())
        if field is not None and field.filterable:
            made = restriction(field, found.group(2))
            if made is not None:
                return made
    if word.startswith("-") and len(word) > 1:
        return Not(Term(word[1:]))
    return Term(word)


def _last_restriction_wins(clauses: list[Clause]) -> Query:
    """Of several typed restrictions on one single-valued field, the last one counts; a clause
    typed twice counts once, and concepts beyond :data:`MAX_CONCEPTS` are dropped.

    >>> query = parse(" ".join(["的"] * 128 + [str(n) for n in range(20)]))
    >>> len(query.concepts), query.dropped
    (12, 9)
    """
    seen: set[str] = set()
    kept: list[Clause] = []
    for clause in reversed(clauses):
        if isinstance(clause, Filter | Range):
            if clause.field in seen and not FIELDS[clause.field].multi:
                continue
            seen.add(clause.field)
        kept.append(clause)
    unique = list(dict.fromkeys(reversed(kept)))
    concepts = [c for c in unique if not isinstance(c, Filter | Range | Not)]
    over = set(concepts[MAX_CONCEPTS:])
    return Query(tuple(c for c in unique if c not in over), dropped=len(over))
