"""Citizens' questions as a relevance set: MRR@10, Recall@10 and success@1 of a ranker, and,
for the questions whose top document is right, how often the passage shown as the answer
holds the judged answer.

A question file is JSON Lines, one question a line::

    {"id": "city-001", "question": "三亚去年给孩子们新增了多少个上学的学位？", "collection": "gov-dev",
     "relevant": {"report-sanya": 3}, "answer": "…新增学位11465个", "style": [...], "kind": "amount"}

``relevant`` grades documents 0–3 as a qrels file does; a document that answers the question
(grade 3) counts as relevant here. ``answer`` is a passage of the first relevant document.
``split`` (``dev`` or ``test``) comes from the id alone: the test share is for measuring
only, never for looking at single questions while tuning.

>>> split_of("city-001"), split_of("city-002")
('test', 'dev')
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .metrics import CUTOFF, QrelsError, recall, reciprocal_rank

ANSWERS = 3  # the grade of a document that answers the question
TEST_SHARE = 40  # percent of the questions kept for measuring
SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Question:
    """One judged question."""

    id: str
    text: str
    collection: str
    relevant: dict[str, int]
    answer: str = ""
    style: tuple[str, ...] = ()

    @property
    def answering(self) -> dict[str, int]:
        """The documents that answer it."""
        return {doc: grade for doc, grade in self.relevant.items() if grade >= ANSWERS}

    @property
    def split(self) -> str:
        """``dev`` or ``test``."""
        return split_of(self.id)


def split_of(question_id: str) -> str:
    """``test`` for :data:`TEST_SHARE` percent of the ids (by a hash of the id), else ``dev``."""
    return "test" if zlib.crc32(question_id.encode("utf-8")) % 100 < TEST_SHARE else "dev"


def read_questions(paths: Iterable[Path]) -> list[Question]:
    """The questions of JSON Lines files; :class:`~.metrics.QrelsError` names file:line."""
    found = []
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise QrelsError(f"{path}: cannot read: {err}") from None
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                question = Question(str(record["id"]), str(record["question"]), str(record["collection"]),
                                    {str(doc): int(grade) for doc, grade in record["relevant"].items()},
                                    str(record.get("answer", "")), tuple(record.get("style", ())))
            except (ValueError, KeyError, TypeError, AttributeError) as err:
                raise QrelsError(f"{path}:{number}: not a question record ({err})") from None
            if not question.answering:
                raise QrelsError(f"{path}:{number}: no document answers {question.id}")
            found.append(question)
    if not found:
        raise QrelsError("no questions")
    return found


@dataclass
class QuestionScores:
    """A system's mean scores over questions, and each question's rank of its first answer
    (0: not in the top 10)."""

    system: str
    mrr: float
    recall: float
    success: float
    ranks: dict[str, int] = field(default_factory=dict)


def score_questions(system: str, ranker: Callable[[str], list[str]],
                    questions: list[Question]) -> QuestionScores:
    """MRR@10, Recall@10 and success@1 of ``ranker`` (question text → ranked ids)."""
    mrr = found = first = 0.0
    ranks = {}
    for question in questions:
        ranked = ranker(question.text)[:CUTOFF]
        reciprocal = reciprocal_rank(ranked, question.answering)
        mrr += reciprocal
        found += recall(ranked, question.answering)
        first += bool(ranked) and ranked[0] in question.answering
        ranks[question.id] = round(1 / reciprocal) if reciprocal else 0
    count = len(questions) or 1
    return QuestionScores(system, mrr / count, found / count, first / count, ranks)


def holds_answer(passage: str, answer: str) -> bool:
    """Whether ``passage`` holds the judged ``answer`` (white space aside): all of it, or, for
    a long answer, its core (the middle half), which a shorter passage may carry."""
    shown, wanted = SPACE.sub("", passage), SPACE.sub("", answer)
    if not wanted:
        return False
    if wanted in shown:
        return True
    quarter = len(wanted) // 4
    return len(wanted) >= 40 and wanted[quarter:len(wanted) - quarter] in shown


def format_questions(results: list[QuestionScores]) -> str:
    """A Markdown table of the systems' scores on questions."""
    lines = ["| system | MRR@10 | Recall@10 | success@1 |", "|---|---|---|---|"]
    for row in results:
        lines.append(f"| {row.system} | {row.mrr:.3f} | {row.recall:.3f} | {row.success:.3f} |")
    return "\n".join(lines)
