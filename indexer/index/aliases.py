"""The editors' table of office names: one name for each office in the 发布机构 facet,
applied when documents are indexed (build and add).

A joint publisher (``人力资源社会保障部 财政部``, ``中共南京市委、南京市人民政府``) is each of its
offices. The table, a text file beside the index (``<index>.aliases.txt``, see
:func:`indexer.config.beside_index`), then names each office one way, and drops names that
are not offices (a newspaper a page was reprinted from, which the document keeps as its
``source``, 来源)::

    # the name shown = its other names (spaces, commas or 、 between them)
    人力资源社会保障部 = 中华人民共和国人力资源和社会保障部 人力资源社会保障部新闻中心 人社部
    - 南京日报 浦东时报

Names are compared normalised (Traditional, full-width and spacing aside).

>>> table = Aliases.parse(["人力资源社会保障部 = 中华人民共和国人力资源和社会保障部", "- 南京日报"])
>>> table.offices("中华人民共和国人力资源和社会保障部 财政部")
(['人力资源社会保障部', '财政部'], [])
>>> table.offices("南京日报")
([], ['南京日报'])
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..analysis.normalize import HAN_RUN, exact_key

FIELD = "publisher"  # the field the table names offices in
SOURCE = "source"  # where a dropped name goes (来源), unless the document has one
DROP = "-"
SEPARATORS = re.compile(r"[\s,，、;；]+")


class AliasError(ValueError):
    """An alias table that cannot be used; the message names file:line."""


@dataclass(frozen=True)
class Aliases:
    """Office names: each known form's key → the name shown, and the keys of names dropped."""

    names: dict[str, str] = field(default_factory=dict)
    dropped: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, lines: Iterable[str], source: str = "<aliases>") -> Aliases:
        """The table of a file's lines (see the module's doc); a bad line is an error."""
        names: dict[str, str] = {}
        dropped: set[str] = set()
        seen: dict[str, int] = {}
        for number, line in enumerate(lines, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith(DROP):
                forms, shown = SEPARATORS.split(line[1:].strip()), None
            elif "=" in line:
                shown, _, rest = (part.strip() for part in line.partition("="))
                forms = [shown, *SEPARATORS.split(rest)]
                if not shown or SEPARATORS.search(shown) or not rest:
                    raise AliasError(f"{source}:{number}: write 名称 = 其他名称 …, the name shown "
                                     "without spaces, or - 名称 to drop a name")
            else:
                raise AliasError(f"{source}:{number}: no '=' and no leading '-': write 名称 = 其他名称 … "
                                 "or - 名称")
            for form in (form for form in forms if form):
                key = exact_key(form)
                if key in seen and seen[key] != number:
                    raise AliasError(f"{source}:{number}: {form} is on line {seen[key]} too")
                seen[key] = number
                if shown is None:
                    dropped.add(key)
                else:
                    names[key] = shown
        return cls(names, frozenset(dropped))

    @classmethod
    def load(cls, path: Path) -> Aliases:
        """The table in ``path``; no file means none (joint publishers are still split)."""
        if not path.exists():
            return cls()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise AliasError(f"{path}: cannot read: {err}") from None
        return cls.parse(lines, str(path))

    def offices(self, value: str | list[str] | None) -> tuple[list[str], list[str]]:
        """(the offices, as the table names them; the names dropped) of a publisher value."""
        kept: list[str] = []
        dropped: list[str] = []
        for name in joint_names(value):
            key = exact_key(name)
            if key in self.dropped:
                dropped.append(name)
            else:
                kept.append(self.names.get(key, name))
        return list(dict.fromkeys(kept)), dropped

    def apply(self, doc):
        """``doc`` (a :class:`~indexer.readers.Document`) with its publisher's offices as the
        table names them; a dropped name becomes its ``source`` when it has none."""
        value = doc.fields.get(FIELD)
        if not value:
            return doc
        kept, dropped = self.offices(value)
        fields = {**doc.fields, FIELD: kept}
        if dropped and not fields.get(SOURCE):
            fields[SOURCE] = "、".join(dropped)
        return replace(doc, fields=fields)


def joint_names(value: str | list[str] | None) -> list[str]:
    """The offices of a publisher value: a joint one split where every part is a Chinese name.

    >>> joint_names("人力资源社会保障部 财政部"), joint_names("Ministry of Finance")
    (['人力资源社会保障部', '财政部'], ['Ministry of Finance'])
    """
    values = value if isinstance(value, list | tuple) else [value] if value else []
    names: list[str] = []
    for text in (" ".join(str(v).split()) for v in values):
        parts = [part for part in SEPARATORS.split(text) if part]
        names += parts if parts and all(HAN_RUN.search(part) for part in parts) else [text] if text else []
    return names
