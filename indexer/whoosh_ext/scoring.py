"""BM25F scoring that reads field lengths straight from the segment's cached length lists."""

from __future__ import annotations

from whoosh.scoring import BM25F, BM25FScorer

from .codec import LengthCachingReader


class ListLengthBM25F(BM25F):
    """Whoosh's BM25F, the same scores, with each match's field length one list index away
    instead of four method calls (the searcher, its reader, the per-document reader)."""

    def scorer(self, searcher, fieldname: str, text, qf: int = 1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        perdoc = getattr(searcher.reader(), "_perdoc", None)
        if isinstance(scorer, BM25FScorer) and isinstance(perdoc, LengthCachingReader):
            scorer.dfl = perdoc.lengths_or(fieldname, 1).__getitem__
        return scorer
