"""Relevance metrics: nDCG@10, MRR and Recall@10 over a judgments file.

A judgments ("qrels") file is TSV: ``query<TAB>doc id<TAB>grade`` with grades 0–3
(0 = judged not relevant). ``#`` lines are comments; a ``query doc_id grade`` header is allowed.
Queries without any relevant document are reported but left out of the averages.

>>> round(ndcg(["a", "b"], {"b": 3, "a": 1}), 4)
0.7098
>>> reciprocal_rank(["x", "b"], {"b": 2}), recall(["x", "b"], {"b": 2, "c": 1})
(0.5, 0.5)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

CUTOFF = 10
Ranker = Callable[[str], list[str]]


class QrelsError(ValueError):
    """A judgments file that cannot be read; the message names file:line."""


class Judgments(dict):
    """``{query: {doc id: grade}}`` in file order; ``categories`` maps each query to the text of
    the last ``#`` comment above its first line (the file's section headings)."""

    def __init__(self):
        super().__init__()
        self.categories: dict[str, str] = {}


def read_qrels(path: Path) -> Judgments:
    """The judgments of a TSV file."""
    judgments = Judgments()
    category = ""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise QrelsError(f"{path}: cannot read: {err}") from None
    for number, line in enumerate(lines, 1):
        if line.lstrip().startswith("#"):
            category = line.lstrip("# ").strip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.rstrip("\r").split("\t")
        if parts == ["query", "doc_id", "grade"]:
            continue
        if len(parts) != 3 or not parts[0].strip() or not parts[1].strip():
            raise QrelsError(f"{path}:{number}: expected query<TAB>doc id<TAB>grade")
        query, doc_id, grade = parts[0].strip(), parts[1].strip(), parts[2].strip()
        if grade not in {"0", "1", "2", "3"}:
            raise QrelsError(f"{path}:{number}: grade must be 0, 1, 2 or 3, got {grade!r}")
        judgments.setdefault(query, {})[doc_id] = int(grade)
        judgments.categories.setdefault(query, category)
    if not judgments:
        raise QrelsError(f"{path}: no judgments")
    return judgments


def dcg(grades: Iterable[int]) -> float:
    """Discounted cumulative gain with exponential gains ``2**grade - 1``."""
    return sum((2 ** grade - 1) / math.log2(place + 2) for place, grade in enumerate(grades))


def ndcg(ranked: list[str], judged: dict[str, int], k: int = CUTOFF) -> float:
    """nDCG@k of a ranking against graded judgments (unjudged documents count as 0)."""
    ideal = dcg(sorted(judged.values(), reverse=True)[:k])
    return dcg(judged.get(doc, 0) for doc in ranked[:k]) / ideal if ideal else 0.0


def reciprocal_rank(ranked: list[str], judged: dict[str, int], k: int = CUTOFF) -> float:
    """1 / the place of the first relevant document in the top ``k``, or 0."""
    for place, doc in enumerate(ranked[:k], 1):
        if judged.get(doc, 0) > 0:
            return 1 / place
    return 0.0


def recall(ranked: list[str], judged: dict[str, int], k: int = CUTOFF) -> float:
    """The share of relevant documents found in the top ``k``."""
    relevant = {doc for doc, grade in judged.items() if grade > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


@dataclass
class Scores:
    """Mean metrics of one system over the judged queries, and per query nDCG."""

    system: str
    ndcg: float
    mrr: float
    recall: float
    per_query: dict[str, float]


def score(system: str, ranker: Ranker, judgments: dict[str, dict[str, int]]) -> Scores:
    """Run every query with a relevant document through ``ranker`` and average the metrics."""
    rows = {}
    for query, judged in judgments.items():
        if any(judged.values()):
            ranked = ranker(query)
            rows[query] = (ndcg(ranked, judged), reciprocal_rank(ranked, judged), recall(ranked, judged))
    count = len(rows) or 1
    return Scores(system, *(sum(row[i] for row in rows.values()) / count for i in range(3)),
                  per_query={query: row[0] for query, row in rows.items()})


def by_category(scores: Scores, judgments: Judgments) -> dict[str, float]:
    """Mean nDCG@10 of ``scores`` per category of ``judgments``, in file order."""
    sums: dict[str, list[float]] = {}
    for query, value in scores.per_query.items():
        sums.setdefault(judgments.categories.get(query, ""), []).append(value)
    return {category: sum(values) / len(values) for category, values in sums.items()}


def format_table(results: list[Scores]) -> str:
    """A Markdown table of the systems' scores."""
    lines = ["| system | nDCG@10 | MRR | Recall@10 |", "|---|---|---|---|"]
    for row in results:
        lines.append(f"| {row.system} | {row.ndcg:.3f} | {row.mrr:.3f} | {row.recall:.3f} |")
    return "\n".join(lines)
