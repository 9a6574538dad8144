"""Record the engine's answers to the bench queries, and compare two recordings.

A refactor that must not change behaviour is checked by recording before and after::

    python -m bench.answers record before.json [--corpus FILE] [--docs N]
    python -m bench.answers record after.json  [--corpus FILE] [--docs N]
    python -m bench.answers compare before.json after.json

A recording holds, for each of the 300 sampled queries, the total, the mode, the suggestion
and every hit of the first page (id, score, snippet, title HTML), in order. Only the public
API is used, so the same script records any version of the engine.
"""

from __future__ import annotations

import itertools
import json
import sys
import tempfile
from pathlib import Path

import click

from indexer import build_index, load_documents, open_index

from .corpora import MODERN, shared
from .queries import sample_queries


def record_answers(corpus: Path, limit: int | None, procs: int) -> dict:
    """Build ``corpus`` (its first ``limit`` documents) and answer the sampled queries."""
    docs = list(itertools.islice(load_documents([corpus]), limit))
    queries = [query for _, query in sample_queries(docs)]
    with tempfile.TemporaryDirectory(prefix="egov-answers-") as tmp:
        sample = Path(tmp) / "corpus.jsonl"
        sample.write_text("".join(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n"
                                  for doc in docs), encoding="utf-8")
        build_index([sample], Path(tmp) / "index", procs=procs)
        engine = open_index(Path(tmp) / "index")
        answers = {}
        for query in queries:
            result = engine.search(query)
            answers[query] = {
                "total": result.total, "mode": result.mode, "suggestion": result.suggestion,
                "hits": [[hit.id, hit.score, hit.snippet, hit.title_html] for hit in result.hits],
            }
    return {"corpus": corpus.name, "documents": len(docs), "answers": answers}


def _tie_order(answer: dict | None) -> dict | None:
    """The answer with hits of equal score in id order: a parallel build spreads documents
    over segments in whatever order its processes finish, and ties follow that order. On a
    page cut inside a tie, which of the tied documents made the page follows that order too:
    those hits count by their score alone."""
    if answer is None:
        return None
    hits = sorted(answer["hits"], key=lambda hit: (-hit[1], hit[0]))
    if hits and len(hits) < answer["total"]:
        last = hits[-1][1]
        hits = [hit if hit[1] != last else [None, last, None, None] for hit in hits]
    return {**answer, "hits": hits}


def differences(before: dict, after: dict) -> list[str]:
    """Every query whose answer differs, described in one line each."""
    found = []
    for query, old in before["answers"].items():
        new = after["answers"].get(query)
        if _tie_order(new) != _tie_order(old):
            found.append(f"{query!r}: {json.dumps(old, ensure_ascii=False)[:300]} -> "
                         f"{json.dumps(new, ensure_ascii=False)[:300]}")
    return found


@click.group()
def main() -> None:
    """Record and compare the engine's answers to the bench queries."""


@main.command()
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, show_default="../shared/bench/modern.jsonl.gz")
@click.option("--docs", "limit", type=click.IntRange(100), default=None, help="First N documents.")
@click.option("--procs", type=click.IntRange(1, 64), default=2, show_default=True)
def record(output: Path, corpus: Path, limit: int | None, procs: int) -> None:
    """Write the answers to OUTPUT (JSON)."""
    corpus = corpus or shared(MODERN)
    output.write_text(json.dumps(record_answers(corpus, limit, procs), ensure_ascii=False, indent=1),
                      encoding="utf-8")


@main.command()
@click.argument("before", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("after", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def compare(before: Path, after: Path) -> None:
    """Exit 1 and list the queries whose answers differ between two recordings."""
    old, new = (json.loads(path.read_text(encoding="utf-8")) for path in (before, after))
    found = differences(old, new)
    for line in found:
        click.echo(line)
    click.echo(f"{len(old['answers'])} queries, {len(found)} different")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
