"""The Whoosh schema: each text is indexed twice, as jieba words and as CJK n-grams."""

from __future__ import annotations

from collections.abc import Iterable

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import char_analyzer, word_analyzer


def make_schema(dictionary: Iterable[str] = ()) -> Schema:
    """Fields: words for precision, characters for any-substring recall, exact title for ranking,
    title pinyin for users who type Latin letters.

    ``dictionary`` words join the segmenter in every process that opens the schema.
    """
    words, chars = word_analyzer(dictionary), char_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True, sortable=True),
        rank=NUMERIC(int, stored=True, sortable=True),
        title=TEXT(analyzer=words, stored=True),
        title_chars=TEXT(analyzer=chars),
        title_exact=ID(),
        title_pinyin=KEYWORD(),  # see indexer.pinyin: syllable-aligned suffixes, ^ at the start
        title_initials=KEYWORD(),
        body=TEXT(analyzer=words, stored=True),
        body_chars=TEXT(analyzer=chars),
        fields=STORED(),
    )
