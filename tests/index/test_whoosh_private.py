"""Every private name of Whoosh that egov-search relies on, in one list: each is still where
the pinned Whoosh has it, and the code reads no other, so that an upgrade shows at once
what breaks (``indexer/whoosh_ext/access.py`` is the door search goes through)."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import indexer

PRIVATE = {  # name: the Whoosh class that defines it
    # search, through whoosh_ext/access.py
    "_field_B": "whoosh.scoring.BM25F",
    "_idf_cache": "whoosh.searching.Searcher",
    "_terms": "whoosh.reading.SegmentReader",
    "_perdoc": "whoosh.reading.SegmentReader",
    # the codec (whoosh_ext/codec.py): term infos, the term table, cursors, matchers, columns
    "_struct": "whoosh.codec.whoosh3.W3TermInfo",
    "_df": "whoosh.reading.TermInfo",
    "_weight": "whoosh.reading.TermInfo",
    "_minid": "whoosh.reading.TermInfo",
    "_maxid": "whoosh.reading.TermInfo",
    "_minlength": "whoosh.reading.TermInfo",
    "_maxlength": "whoosh.reading.TermInfo",
    "_maxweight": "whoosh.reading.TermInfo",
    "_length": "whoosh.codec.whoosh3.W3TermInfo",
    "_keydecoder": "whoosh.codec.whoosh3.W3TermsReader",
    "_datapos": "whoosh.codec.whoosh3.W3FieldCursor",
    "_datalen": "whoosh.codec.whoosh3.W3FieldCursor",
    "_pos": "whoosh.codec.whoosh3.W3FieldCursor",
    "_get_pos": "whoosh.filedb.filetables.OrderedHashReader",
    "_i": "whoosh.matching.mcore.ListMatcher",
    "_scorer": "whoosh.matching.mcore.ListMatcher",
    "_term": "whoosh.matching.mcore.ListMatcher",
    "_terminfo": "whoosh.matching.mcore.ListMatcher",
    "_basepos": "whoosh.columns.FixedBytesColumn.Reader",
    "_count": "whoosh.columns.FixedBytesColumn.Reader",
    "_dbfile": "whoosh.columns.FixedBytesColumn.Reader",
    "_retype": "whoosh.util.numlists.GrowableArray",
    "_storage": "whoosh.codec.base.PerDocWriterWithColumns",
    # the segment writer (whoosh_ext/writer.py)
    "_tempstorage": "whoosh.writing.SegmentWriter",
}
SOURCE = Path(indexer.__file__).parent
READ = re.compile(r"\b[A-Za-z_]\w*\.(_[a-z]\w*)")  # something._name
OWN = re.compile(r"(?:def |self\.|cls\.|^\s*)(_[a-z]\w*)\s*(?:\(|=|:)"
                 r"|self\.(_[a-z]\w*),"  # self._a, self._b = …
                 r"|[\"'](_[a-z]\w*)[\"']", re.MULTILINE)


def _owner(path: str) -> type:
    """The class at dotted ``path`` (a nested class too)."""
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            found = getattr(found, name)
        return found
    raise ImportError(path)


def test_each_private_name_is_where_the_pinned_whoosh_has_it():
    for name, path in PRIVATE.items():
        source = inspect.getsource(_owner(path))
        assert re.search(rf"self\.{name}\s*(?:,|=)|def {name}\(|^\s+{name}\s*=", source, re.MULTILINE), \
            (name, path)


def test_the_code_reads_no_other_private_name_of_whoosh():
    read, own = set(), set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        read |= set(READ.findall(text))
        own |= {a or b or c for a, b, c in OWN.findall(text)}
    assert read - own - set(PRIVATE) == set()
    assert set(PRIVATE) - read == set(), "a listed name is no longer read: take it off the list"
