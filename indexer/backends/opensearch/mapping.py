"""The OpenSearch index of the field table: its mapping and the analysis that reads our tokens.

The mapping is made from the Whoosh schema (:func:`indexer.index.schema.make_schema`, itself
made from :mod:`indexer.fields`), field for field and under the same names, so the two
backends index the same things: a ``TEXT`` field (the words and the characters of the title,
the body and ``meta``) is a ``text`` field with positions; the pinyin ``KEYWORD`` fields are
``text`` with frequencies only; every exact value (``ID``, a several-valued ``KEYWORD`` of the
table) is a ``keyword``; numbers are ``long`` (Whoosh's are 64 bits) and dates ``date``.
Facets and sortable fields keep doc values, the others need none. ``STORED`` fields are not
indexed.

The cluster does no Chinese analysis: every text field arrives as the tokens our analysers
made (:mod:`.tokens`), and :data:`TOKENS` only splits them again, each at its position. No
field keeps its tokens in ``_source``: it holds the stored document (``stored``) alone,
exactly as the API shows it.
"""

from __future__ import annotations

from whoosh import fields as wf

from ...fields import FIELDS
from .tokens import FILLER, SAME_POSITION

TOKENS = "egov_tokens"  # the analyzer of every text field
SIMILARITY = "egov_bm25"
STORED = "stored"  # the field of _source that holds the stored document
# Lucene refuses a term past 32,766 bytes of UTF-8; a Java char is at most 3 of them. No query
# reaches a term that long (queries are cut at 256 characters), so it is left out, not refused.
MAX_TERM_CHARS = 32766 // 3
LONGEST_GROUP = 1024 * 1024  # characters of one position's tokens together: Lucene's limit

ANALYSIS = {
    "tokenizer": {"egov_positions": {"type": "whitespace", "max_token_length": LONGEST_GROUP}},
    "filter": {
        "egov_gaps": {"type": "stop", "stopwords": [FILLER]},  # leaves its position empty
        "egov_same_position": {"type": "pattern_capture", "preserve_original": False,
                               "patterns": [f"([^{SAME_POSITION}]+)"]},
        "egov_term_length": {"type": "length", "max": MAX_TERM_CHARS},
    },
    "analyzer": {TOKENS: {"type": "custom", "tokenizer": "egov_positions",
                          "filter": ["egov_gaps", "egov_same_position", "egov_term_length"]}},
}
# Whoosh's BM25F defaults, and a field's length counted as Whoosh counts it: every token,
# those that share a position (sub-words, bigrams) included
SIMILARITIES = {SIMILARITY: {"type": "BM25", "k1": 1.2, "b": 0.75, "discount_overlaps": False}}


def field_mapping(name: str, field: wf.FieldType) -> dict | None:
    """The OpenSearch mapping of Whoosh field ``name``, or ``None`` for one only stored."""
    row = FIELDS.get(name)
    if not field.indexed:
        return None
    if isinstance(field, wf.TEXT):
        return {"type": "text", "analyzer": TOKENS, "index_options": "positions",
                "norms": True, "similarity": SIMILARITY}
    if isinstance(field, wf.KEYWORD) and row is None:  # the title's pinyin: tokens, no positions
        return {"type": "text", "analyzer": TOKENS, "index_options": "freqs", "norms": False,
                "similarity": SIMILARITY}
    doc_values = row is not None and (row.facet or row.sortable)
    if row is not None and row.type == "date":
        return {"type": "date", "format": "strict_date", "doc_values": doc_values}
    if isinstance(field, wf.NUMERIC):
        return {"type": "long", "doc_values": doc_values}
    return {"type": "keyword", "ignore_above": MAX_TERM_CHARS, "doc_values": doc_values}


def mappings(schema: wf.Schema, meta: dict) -> dict:
    """The index's mappings: a field for each indexed field of ``schema``, the stored document
    in ``_source`` alone, and ``meta`` (what a later update needs to analyse as the build did)."""
    properties = {name: made for name, field in schema.items()
                  if (made := field_mapping(name, field)) is not None}
    properties[STORED] = {"type": "object", "enabled": False}
    return {"dynamic": "strict", "_source": {"includes": [STORED]}, "_meta": meta,
            "properties": properties}


def index_body(schema: wf.Schema, meta: dict, shards: int) -> dict:
    """The body that creates a build's index: settings, analysis and mappings. It starts with
    no replica and no refresh, which a bulk load does not need; :func:`serving_settings` after."""
    return {"settings": {"index": {"number_of_shards": shards, "number_of_replicas": 0,
                                   "refresh_interval": "-1", "analysis": ANALYSIS,
                                   "similarity": SIMILARITIES}},
            "mappings": mappings(schema, meta)}


def serving_settings(replicas: int) -> dict:
    """The settings a built index serves with: its replicas and the default refresh."""
    return {"index": {"number_of_replicas": replicas, "refresh_interval": None}}
