"""Relevance evaluation: egov-search and the baselines on a judgments file or on a set of
citizens' questions, in one run."""

from __future__ import annotations

from ..search.engine import SearchEngine
from .baselines import jieba_bm25, jieba_whoosh, substring_ranker
from .metrics import CUTOFF, Judgments, QrelsError, Scores, by_category, format_table, read_qrels, score
from .questions import (
    Question,
    QuestionScores,
    format_questions,
    holds_answer,
    read_questions,
    score_questions,
)

__all__ = ["Judgments", "QrelsError", "Question", "QuestionScores", "Scores", "answerable", "by_category",
           "evaluate",
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
    """egov-search and jieba + BM25 on ``questions`` (those ``engine``'s index can answer);
    egov-search's scores also say how often its 最佳答案 holds the judged answer when its top
    document is the one the question was written from."""
    results = {question.text: engine.search(question.text, per_page=CUTOFF) for question in questions}
    ours = score_questions("egov-search", lambda text: [hit.id for hit in results[text].hits], questions)
    ours.answers = answer_rate(questions, results)
    return [ours, score_questions("jieba + BM25", jieba_bm25(_documents(engine)), questions)]


def answer_rate(questions: list[Question], results: dict) -> float | None:
    """Of the questions whose top hit is their source document, the share whose 最佳答案 holds
    the judged answer (``None`` when there is none such)."""
    judged = [question for question in questions if results[question.text].hits
              and results[question.text].hits[0].id == question.source and question.answer]
    if not judged:
        return None
    held = sum(bool(results[q.text].answer) and holds_answer(results[q.text].answer.text, q.answer)
               for q in judged)
    return held / len(judged)
