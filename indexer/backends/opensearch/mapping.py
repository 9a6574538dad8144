"""The OpenSearch index of the field table: its mapping and the analysis that reads our tokens.

The mapping is made from the Whoosh schema (:func:`indexer.index.schema.make_schema`, itself
made from :mod:`indexer.fields`), field for field and under the same names, so the two
backends index the same things: a ``TEXT`` field (the words and the characters of the title,
the body and ``meta``) is a ``text`` field with positions; the pinyin ``KEYWORD`` fields are
``text`` with frequencies only; every exact value (``ID``, a several-valued ``KEYWORD`` of the
table) is a ``keyword``; numbers are ``long`` (Whoosh's are 64 bits) and dates ``date``.
Facets, filters, sortable fields and the exact title keep doc values (facets count them,
filter values and completions are listed from them), the others need none. ``STORED`` fields
are not indexed. ``sequence`` numbers the documents in the order they were added (Whoosh's
document numbers): documents of equal score, and listings, come in that order.

The cluster does no Chinese analysis: every text field arrives as the tokens our analysers
made (:mod:`.tokens`), and :data:`TOKENS` only splits them again, each at its position. No
field keeps its tokens in ``_source``: it holds the stored document (``stored``) alone,
exactly as the API shows it.
"""

from __future__ import annotations

import functools

from whoosh import fields as wf

from ...fields import FIELDS
from ...index.schema import make_schema
from .tokens import FILLER, SAME_POSITION, SEQUENCE, STORED

TOKENS = "egov_tokens"  # the analyzer of every text field
SIMILARITY = "egov_bm25"  # of the text fields: Whoosh's BM25F
WEIGHTS = "egov_weight"  # of the title's pinyin: its frequency, as Whoosh scores a field without lengths
RESULT_WINDOW = 100_000  # hits a search may rank: the API's last page (1,000) of its most (100)
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
K1, B = 1.2, 0.75  # Whoosh's BM25F defaults (:func:`indexer.search.signals.scorer`)
# Whoosh's BM25F as a script: its idf, log(N / (df + 1)) + 1, not Lucene's, and the (k1 + 1) of
# its numerator, which Lucene's BM25 leaves out; N is the documents that have the field (Whoosh:
# all of them, the same where every document has it). A field's length is counted as Whoosh
# counts it: every token, those that share a position (sub-words, bigrams) included.
IDF = "return query.boost * (Math.log(field.docCount / (term.docFreq + 1.0)) + 1.0);"
BM25 = ("double tf = doc.freq; double average = field.sumTotalTermFreq / (double) field.docCount; "
        f"double norm = {K1} * ({1 - B} + {B} * doc.length / average); "
        f"return weight * tf * {K1 + 1} / (tf + norm);")  # similarity scripts take no params
SIMILARITIES = {
    SIMILARITY: {"type": "scripted", "discount_overlaps": False, "weight_script": {"source": IDF},
                 "script": {"source": BM25}},
    WEIGHTS: {"type": "scripted", "weight_script": {"source": "return query.boost;"},
              "script": {"source": "return weight * doc.freq;"}},
}


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
                "similarity": WEIGHTS}
    doc_values = name == "title_exact" or (row is not None and (row.facet or row.sortable or row.filterable))
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
    properties[SEQUENCE] = {"type": "long"}
    return {"dynamic": "strict", "_source": {"includes": [STORED]}, "_meta": meta,
            "properties": properties}


def index_body(schema: wf.Schema, meta: dict, shards: int) -> dict:
    """The body that creates a build's index: settings, analysis and mappings. It starts with
    no replica and no refresh, which a bulk load does not need; :func:`serving_settings` after."""
    return {"settings": {"index": {"number_of_shards": shards, "number_of_replicas": 0,
                                   "refresh_interval": "-1", "analysis": ANALYSIS,
                                   "similarity": SIMILARITIES, "max_result_window": RESULT_WINDOW}},
            "mappings": mappings(schema, meta)}


def serving_settings(replicas: int) -> dict:
    """The settings a built index serves with: its replicas and the default refresh."""
    return {"index": {"number_of_replicas": replicas, "refresh_interval": None}}


def scoring(name: str) -> str:
    """How a term of field ``name`` scores, as in Whoosh: ``bm25`` (a text field), ``weight``
    (its frequency: the title's pinyin) or ``constant`` (an exact value: its boost)."""
    return _scorings().get(name, "constant")


@functools.cache
def _scorings() -> dict[str, str]:
    properties = mappings(make_schema(), {})["properties"]
    return {name: "bm25" if field["similarity"] == SIMILARITY else "weight"
            for name, field in properties.items() if "similarity" in field}
