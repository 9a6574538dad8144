"""Relevance evaluation: egov-search and two baselines on a judgments file, in one run."""

from __future__ import annotations

from ..search.engine import SearchEngine
from .baselines import jieba_whoosh, substring_ranker
from .metrics import CUTOFF, Judgments, QrelsError, Scores, by_category, format_table, read_qrels, score

__all__ = ["Judgments", "QrelsError", "Scores", "by_category", "evaluate", "format_table", "read_qrels"]


def evaluate(engine: SearchEngine, judgments: Judgments) -> list[Scores]:
    """egov-search and both baselines over the documents of ``engine``'s index."""
    documents = [{"id": doc["id"], "title": doc["title"], "body": doc["body"]}
                 for doc in engine.all_documents()]
    queries = [query for query, judged in judgments.items() if any(judged.values())]
    baseline = jieba_whoosh(documents, queries)["rankings"]
    return [score("egov-search", lambda q: [hit.id for hit in engine.search(q, per_page=CUTOFF).hits],
                  judgments),
            score("jieba + Whoosh", baseline.__getitem__, judgments),
            score("substring", substring_ranker(documents), judgments)]
