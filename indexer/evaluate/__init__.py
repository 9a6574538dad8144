"""Relevance evaluation: egov-search and the baselines on a judgments file or on a set of
citizens' questions, in one run."""

from __future__ import annotations

from ..search.engine import SearchEngine
from .baselines import jieba_bm25, jieba_whoosh, substring_ranker
from .metrics import CUTOFF, Judgments, QrelsError, Scores, by_category, format_table, read_qrels, score
from .questions import Question, QuestionScores, format_questions, read_questions, score_questions

__all__ = ["Judgments", "QrelsError", "Question", "QuestionScores", "Scores", "by_category", "evaluate",
           "evaluate_questions", "format_questions", "format_table", "read_qrels", "read_questions"]


def _documents(engine: SearchEngine) -> list[dict]:
    """Every document of ``engine``'s index: its id, title and body."""
    return [{"id": doc["id"], "title": doc["title"], "body": doc["body"]} for doc in engine.all_documents()]


def evaluate(engine: SearchEngine, judgments: Judgments) -> list[Scores]:
    """egov-search and both baselines over the documents of ``engine``'s index."""
    documents = _documents(engine)
    queries = [query for query, judged in judgments.items() if any(judged.values())]
    baseline = jieba_whoosh(documents, queries)["rankings"]
    return [score("egov-search", lambda q: [hit.id for hit in engine.search(q, per_page=CUTOFF).hits],
                  judgments),
            score("jieba + Whoosh", baseline.__getitem__, judgments),
            score("substring", substring_ranker(documents), judgments)]


def answerable(engine: SearchEngine, questions: list[Question]) -> list[Question]:
    """The questions a document of ``engine``'s index answers."""
    ids = {doc["id"] for doc in engine.all_documents()}
    return [question for question in questions if ids & question.answering.keys()]


def evaluate_questions(engine: SearchEngine, questions: list[Question]) -> list[QuestionScores]:
    """egov-search and jieba + BM25 on ``questions`` (those ``engine``'s index can answer)."""
    def ours(text: str) -> list[str]:
        return [hit.id for hit in engine.search(text, per_page=CUTOFF).hits]

    return [score_questions("egov-search", ours, questions),
            score_questions("jieba + BM25", jieba_bm25(_documents(engine)), questions)]
