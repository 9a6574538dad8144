"""A/B query latency of two checkouts of egov-search on the same documents and queries.

A change to the query path is measured against the commit before it::

    git worktree add /tmp/before HEAD~3
    python -m bench.ab /tmp/before . [--corpus FILE] [--docs N] [--rounds 4] [--passes 2]

Each checkout builds the documents with its own code (index formats differ between
versions) and answers the 300 sampled queries of :mod:`bench.queries` in a child process of
its own, after 20 untimed ones. A query's time is the best of ``passes`` in thread CPU time,
so that other work on a shared machine counts less; the checkouts alternate which goes
first, and each cell is the median over the rounds, with B's ratio to A.
"""

from __future__ import annotations

import itertools
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from indexer import load_documents

from .corpora import MODERN, shared
from .queries import sample_queries

CHILD = r"""
import json, sys, time
from pathlib import Path
checkout, corpus, index, queries, passes = sys.argv[1:6]
sys.path.insert(0, checkout)
import indexer
assert indexer.__file__.startswith(str(Path(checkout).resolve())), indexer.__file__
from indexer import build_index, open_index
if not Path(index).exists():
    build_index([Path(corpus)], Path(index))
engine = open_index(Path(index))
queries = json.loads(Path(queries).read_text(encoding="utf-8"))
for query in queries[:20]:
    engine.search(query)
best = [float("inf")] * len(queries)
for _ in range(int(passes)):
    for n, query in enumerate(queries):
        started = time.thread_time()
        [hit.id for hit in engine.search(query).hits]
        best[n] = min(best[n], (time.thread_time() - started) * 1000)
print(json.dumps(best))
"""


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def query_times(checkout: Path, corpus: Path, index: Path, queries: Path, passes: int) -> list[float]:
    """Each query's best time in ms, answered by ``checkout``'s code from its build of ``corpus``."""
    answer = subprocess.run([sys.executable, "-c", CHILD, str(checkout.resolve()), str(corpus), str(index),
                             str(queries), str(passes)], capture_output=True, text=True, cwd=checkout)
    if answer.returncode:
        raise click.ClickException(f"{checkout}: {answer.stderr.strip().splitlines()[-1]}")
    return json.loads(answer.stdout)


@click.command()
@click.argument("a", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("b", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="JSON Lines documents (default: modern.jsonl.gz of ../shared/bench)")
@click.option("--docs", type=click.IntRange(min=50), default=None, help="only the first N documents")
@click.option("--rounds", type=click.IntRange(min=1), default=4, show_default=True)
@click.option("--passes", type=click.IntRange(min=1), default=2, show_default=True)
def main(a: Path, b: Path, corpus: Path | None, docs: int | None, rounds: int, passes: int) -> None:
    """Compare the query latency of checkouts A and B (B's ratio to A)."""
    documents = list(itertools.islice(load_documents([corpus or shared(MODERN)]), docs))
    with tempfile.TemporaryDirectory(prefix="egov-ab-") as tmp:
        sample, queries = Path(tmp) / "corpus.jsonl", Path(tmp) / "queries.json"
        sample.write_text("".join(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n" for doc in documents),
                          encoding="utf-8")
        asked = [query for _, query in sample_queries(documents)]
        queries.write_text(json.dumps(asked, ensure_ascii=False), encoding="utf-8")
        sides = {"A": a, "B": b}
        cells: dict[str, list[tuple[float, float]]] = {"A": [], "B": []}
        for round_ in range(rounds):
            for side in ("A", "B") if round_ % 2 == 0 else ("B", "A"):
                times = query_times(sides[side], sample, Path(tmp) / f"index-{side}", queries, passes)
                cells[side].append((percentile(times, 0.5), percentile(times, 0.95)))
    click.echo(f"{len(documents):,} documents, {len(asked)} queries, {rounds} round(s), "
               f"best of {passes} pass(es)")
    click.echo("| checkout | p50, ms | p95, ms |\n|---|---:|---:|")
    medians = {side: [statistics.median(cell[n] for cell in cells[side]) for n in (0, 1)] for side in sides}
    for side, path in sides.items():
        shown = [f"{value:.3f}" + (f" ({value / base:.2f}×)" if side == "B" else "")
                 for value, base in zip(medians[side], medians["A"], strict=True)]
        click.echo(f"| {side}: {path} | {' | '.join(shown)} |")


if __name__ == "__main__":
    main()
