"""The one door through which search reads Whoosh's private parts: each function names what
it reads, and ``tests/index/test_whoosh_private.py`` lists every private name used here and
in the rest of :mod:`indexer`, so that an upgrade of the pinned Whoosh shows what breaks."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from whoosh.scoring import WeightingModel

from .packed import PostingList


def plain_idf(weighting) -> bool:
    """Whether ``weighting`` computes idf with Whoosh's own formula (not overridden)."""
    return type(weighting).idf is WeightingModel.idf


def field_B(weighting, fieldname: str) -> float:
    """BM25F's ``B`` for ``fieldname`` (a per-field value, else the model's)."""
    return weighting._field_B.get(fieldname, weighting.B)


def idf_cache(searcher) -> dict:
    """The searcher's idf cache (shared with its sub-searchers), to keep computed idfs in."""
    return searcher._idf_cache


def prefix_terms(reader, fieldname: str, text: str, limit: int | None = None) -> Iterator[bytes]:
    """The terms of ``fieldname`` that start with ``text``, at most ``limit``."""
    found = reader.expand_prefix(fieldname, text)
    return found if limit is None else itertools.islice(found, limit)


def posting_list(reader, fieldname: str, tbytes: bytes) -> PostingList | None:
    """A segment reader's packed postings of a term (:mod:`.packed`), or ``None``."""
    return reader._terms.posting_list(fieldname, tbytes)


def length_array(reader, fieldname: str, default: int):
    """A segment reader's field lengths, one a document (``default`` where unknown)."""
    return reader._perdoc.length_array(fieldname, default)


def term_table(reader):
    """A segment reader's term table (:class:`.codec.TermCachingReader`)."""
    return reader._terms
