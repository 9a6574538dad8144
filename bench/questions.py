"""``python -m bench.questions``: egov-search and jieba + BM25 on the judged citizens'
questions (``tests/relevance/questions/``), each collection built in one run: the real
government documents of ``../shared/bench/gov-dev.jsonl.gz``, the government site
``tests/relevance/gov/site`` and the articles of gov-dev's regulations (:mod:`bench.articles`).

The ``test`` split is for measuring only: tune on ``dev`` (``--split dev``), where
``--details`` lists the questions egov-search ranks worse than jieba + BM25.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from indexer import build_index, open_index
from indexer.evaluate import evaluate_questions, format_questions, read_questions
from indexer.evaluate.questions import Question, QuestionScores

from .articles import write_articles
from .corpora import GOV_DEV, shared

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "relevance" / "questions"


def _articles(folder: Path) -> Path:
    write_articles(folder / "articles.jsonl")
    return folder / "articles.jsonl"


# each collection's source, given the folder the indexes go to
COLLECTIONS = {"gov-dev": lambda folder: shared(GOV_DEV),
               "gov-site": lambda folder: ROOT / "tests" / "relevance" / "gov" / "site",
               "gov-articles": _articles}


def merged(parts: list[QuestionScores], counts: list[int]) -> QuestionScores:
    """The scores of several collections' questions as one set's."""
    total = sum(counts) or 1
    mean = [sum(getattr(part, name) * count for part, count in zip(parts, counts, strict=True)) / total
            for name in ("mrr", "recall", "success")]
    ranks = {key: value for part in parts for key, value in part.ranks.items()}
    rates = [(part.answers, count) for part, count in zip(parts, counts, strict=True)
             if part.answers is not None]
    answers = sum(rate * count for rate, count in rates) / sum(count for _, count in rates) if rates else None
    return QuestionScores(parts[0].system, *mean, ranks, answers)


def run(questions: list[Question], folder: Path, procs: int) -> list[QuestionScores]:
    """Build each collection the questions ask about and score both systems on it."""
    per_system: list[list[QuestionScores]] = [[], []]
    counts = []
    for name, source in COLLECTIONS.items():
        asked = [question for question in questions if question.collection == name]
        if not asked:
            continue
        index = folder / name
        if not (index / "current").exists():
            build_index([source(folder)], index, procs=procs)
        for system, scores in zip(per_system, evaluate_questions(open_index(index), asked), strict=True):
            system.append(scores)
        counts.append(len(asked))
        click.echo(f"{name}: {len(asked)} questions", err=True)
    return [merged(parts, counts) for parts in per_system]


@click.command()
@click.option("--split", type=click.Choice(["dev", "test", "all"]), default="all", show_default=True,
              help="Which questions: dev (to tune on), test (to measure), all.")
@click.option("--index-folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep the built indexes here and reuse them (default: a temporary folder).")
@click.option("--procs", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option("--details", is_flag=True, help="List the questions egov-search ranks below jieba + BM25.")
def main(split: str, index_folder: Path | None, procs: int, details: bool) -> None:
    """Score egov-search and jieba + BM25 on the judged questions."""
    questions = read_questions(sorted(QUESTIONS.glob("*.jsonl")))
    if split != "all":
        questions = [question for question in questions if question.split == split]
    with tempfile.TemporaryDirectory(prefix="egov-questions-") as tmp:
        results = run(questions, index_folder or Path(tmp), procs)
    click.echo(f"{len(questions)} questions ({split})")
    click.echo(format_questions(results))
    if details:
        ours, theirs = (result.ranks for result in results)
        for question in questions:
            mine, other = ours[question.id], theirs[question.id]
            if other and (not mine or mine > other):
                click.echo(f"  {question.id}  ours {mine or '-'}  bm25 {other}  {question.text}")


if __name__ == "__main__":
    main()
