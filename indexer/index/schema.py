"""The Whoosh schema, made from the field table (:mod:`indexer.fields`).

Each text field is indexed twice, as jieba words (``title``) and as CJK n-grams
(``title_chars``); the title also as its exact normalised form and its pinyin, for ranking
and for users who type Latin letters. Fields the table does not know are kept in one stored
``extra`` mapping.
"""

from __future__ import annotations

from collections.abc import Iterable

from whoosh import fields as wf

from ..analysis.normalize import exact_key
from ..analysis.pinyin import title_pinyin
from ..analysis.tokenizers import char_analyzer, word_analyzer
from ..fields import FIELD_LIST, SEPARATOR, Field
from .aliases import Aliases

NO_ALIASES = Aliases()  # joint publishers are split all the same

EXTRA = "extra"  # stored: what a reader knew beyond the table


def whoosh_fields(field: Field, words: wf.FieldType, chars: wf.FieldType) -> dict[str, wf.FieldType]:
    """The Whoosh field(s) of one table row."""
    name = field.name
    if field.type == "text":
        made = {name: wf.TEXT(analyzer=words, stored=field.stored), f"{name}_chars": wf.TEXT(analyzer=chars)}
        if name == "title":
            made.update(title_exact=wf.ID(), title_pinyin=wf.KEYWORD(), title_initials=wf.KEYWORD())
        return made
    if field.type == "id":
        return {name: wf.ID(stored=True, unique=True)}
    if field.type in ("keyword", "derived"):
        if field.multi:
            return {name: wf.KEYWORD(stored=field.stored, commas=True, lowercase=False, scorable=False)}
        return {name: wf.ID(stored=field.stored, sortable=field.sortable)}
    if field.type in ("number", "date"):
        return {name: wf.NUMERIC(int, bits=64, stored=field.stored, sortable=field.sortable)}
    return {name: wf.STORED()}


def make_schema(dictionary: Iterable[str] = ()) -> wf.Schema:
    """The schema of every index; ``dictionary`` words join the segmenter of each process
    that opens it (the schema is pickled into the index)."""
    words, chars = word_analyzer(dictionary), char_analyzer()
    made: dict[str, wf.FieldType] = {}
    for field in FIELD_LIST:
        made.update(whoosh_fields(field, words, chars))
    made[EXTRA] = wf.STORED()
    return wf.Schema(**made)


def index_fields(doc, aliases: Aliases = NO_ALIASES) -> dict:
    """The Whoosh fields of one :class:`~indexer.readers.Document`, its publishers named as
    the editors' ``aliases`` name them."""
    doc = aliases.apply(doc)
    values: dict = {}
    for field in FIELD_LIST:
        if field.type == "derived" or field.gathers:
            continue
        value = field.to_index(doc.get(field.name))
        if value is None and field.guess is not None:
            value = field.to_index(field.guess(doc.title))
        if value is None:
            continue
        values[field.name] = value
        if field.type == "text":
            values[f"{field.name}_chars"] = value
    for field in FIELD_LIST:
        if field.type == "derived" and values.get(field.source) is not None:
            derived = field.derive(values[field.source])
            derived = field.to_index(derived) if field.multi else derived
            if derived:
                values[field.name] = derived
        elif field.gathers:
            text = "\n".join(str(values[name]).replace(SEPARATOR, "\n") for name in field.gathers
                             if values.get(name))
            if text:
                values[field.name] = values[f"{field.name}_chars"] = text
    title = doc.title
    values["title_exact"] = exact_key(title)
    values["title_pinyin"], values["title_initials"] = title_pinyin(title)
    known = {field.name for field in FIELD_LIST}
    values[EXTRA] = {name: value for name, value in doc.fields.items() if name not in known}
    return values


def stored_document(stored: dict) -> dict:
    """A stored Whoosh document as the API's document dict: every table field (``None`` where
    unknown), then the extra fields."""
    doc = {field.name: field.from_index(stored.get(field.name)) for field in FIELD_LIST if field.stored}
    doc["title"], doc["body"] = doc.get("title") or "", doc.get("body") or ""
    return {**doc, **(stored.get(EXTRA) or {})}
