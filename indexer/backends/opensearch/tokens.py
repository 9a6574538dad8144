"""Documents as OpenSearch receives them: our own analysis, sent pre-tokenized.

A text field's tokens are the very ones the Whoosh build indexes: the same analysers (the
schema's, with the build's dictionary) over the same values (:func:`~indexer.index.schema.index_fields`),
analysed a batch of documents at a time as the Whoosh writer does. They travel as one string
that the index's analyzer (:data:`.mapping.TOKENS`) splits back: positions are separated by a
space, the tokens of one position by ``|`` (a jieba word and its sub-words, a character and
its bigram), and an empty position is a lone ``|``, which that analyzer drops. No token holds
a space or a ``|``: our tokens are letters, digits and CJK characters, with jieba's ``+#&._%-``
inside a Latin word at most.

>>> pretokenized(["软件", "华宇软件", "的", "oa", "云"], np.array([0, 0, 1, 3, 1]), np.array([4, 0, 1]))
['软件|华宇软件 的 | oa', '', '| 云']
"""

from __future__ import annotations

import numpy as np
from whoosh import fields as wf

from ...fields import FIELDS
from ...index.schema import stored_document
from ...index.sidecars import WORD_FIELDS
from ...whoosh_ext.writer import mapped
from .words import Counts, batch_counts

NEXT_POSITION = " "
SAME_POSITION = "|"
FILLER = "|"  # a position of no token: alone between spaces, it is a token the analyzer stops
STORED = "stored"  # the field of _source that holds the stored document
SEQUENCE = "sequence"  # the order documents were added in


def pretokenized(words: list[str], positions: np.ndarray, counts: np.ndarray) -> list[str]:
    """The strings of :data:`.mapping.TOKENS` of texts that have ``counts`` tokens each: their
    ``words`` at ``positions`` (in order within each text, from 0), text after text."""
    count = len(words)
    ends = np.cumsum(counts)
    starts = ends - counts
    steps = np.diff(positions, prepend=-1)
    firsts = starts[counts > 0]
    steps[firsts] = positions[firsts] + 1  # from the start of its own text
    separators = np.where(steps == 0, SAME_POSITION, NEXT_POSITION).tolist()
    for at in np.flatnonzero(steps > 1).tolist():  # positions no token holds
        separators[at] = NEXT_POSITION + (FILLER + NEXT_POSITION) * (int(steps[at]) - 1)
    for at in firsts.tolist():
        separators[at] = separators[at][1:]
    joined: list[str] = [""] * (2 * count)
    joined[0::2], joined[1::2] = separators, words
    bounds = zip((2 * starts).tolist(), (2 * ends).tolist(), strict=True)
    return ["".join(joined[start:end]) for start, end in bounds]


def sources(schema: wf.Schema, documents: list[dict], first: int = 0,
            counts: dict[str, Counts] | None = None) -> list[dict]:
    """What OpenSearch indexes of each document (its Whoosh fields, ``index_fields`` of a
    :class:`~indexer.readers.Document`): every indexed field, the text fields as tokens, the
    stored document, and its sequence number (from ``first``). If ``counts`` is given, each
    word field's words are counted into it (:func:`.words.batch_counts`)."""
    made = [{STORED: stored_document(values), SEQUENCE: first + number}
            for number, values in enumerate(documents)]
    for name, field in schema.items():
        if not field.indexed:
            continue
        holders = [number for number, values in enumerate(documents) if values.get(name) is not None]
        if not holders:
            continue
        if mapped(field):
            batch = field.analyzer.index_batch([documents[number][name] for number in holders])
            texts = pretokenized(batch.words(), batch.positions, batch.counts)
            if counts is not None and name in WORD_FIELDS:
                counts[name] = batch_counts(batch)
        else:
            texts = [_exact(name, documents[number][name]) for number in holders]
        for number, text in zip(holders, texts, strict=True):
            made[number][name] = text
    return made


def _exact(name: str, value):
    """A field of exact values as OpenSearch takes it: dates in ISO form, several keywords as a
    list (the table's own reading of what it indexed, derived names too); pinyin tokens and the
    rest as they are."""
    row = FIELDS.get(name)
    return row.from_index(value) if row is not None and row.type in ("date", "keyword", "derived") else value
