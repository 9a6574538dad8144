"""The benchmark: one run, six measurements, one Markdown table (printed and saved)."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from indexer import build_index, config, load_documents, open_index
from indexer.evaluate.baselines import jieba_whoosh
from indexer.index.store import current_generation, folder_size

from . import http
from .measure import run_measured
from .queries import sample_queries

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SHARED_MODERN = ROOT.parent / "shared" / "bench" / "modern.jsonl.gz"
NOTES = "\n## Notes"  # RESULTS.md keeps everything from this heading on across runs
SMOKE_DOCS = 600
BUILD = [sys.executable, "-m", "indexer", "build"]
HEADER = ("| # | measure | egov-search | baseline | target | met |", "|---|---|---:|---:|---|---|")


@dataclass
class Row:
    """One line of the results table."""

    section: str
    measure: str
    ours: str
    baseline: str = "—"
    target: str = "—"
    met: str = "—"


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of ``values`` (``share`` in 0–1)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def timed(function: Callable[[], object]) -> float:
    """Seconds ``function`` takes."""
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def check(ok: bool) -> str:
    return "yes" if ok else "**no**"


def segmentation(texts: Sequence[str], chars: int) -> Row:
    """1. jieba-rs (rjieba, what we use) and stock jieba segmenting the same text."""
    import logging

    import jieba
    import rjieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    ours = timed(lambda: [rjieba.cut(text) for text in texts])
    stock = timed(lambda: [jieba.lcut(text) for text in texts])
    return Row("1", "segmentation alone, chars/s (ours: rjieba; baseline: jieba)", f"{chars / ours:,.0f}",
               f"{chars / stock:,.0f}")


def our_build(corpus: Path, folder: Path, procs: int):
    """3. ``egov-search build`` in a child process: wall time and peak memory of its processes."""
    measured = run_measured([*BUILD, "--corpus", str(corpus), "--index", str(folder),
                             "--procs", str(procs)])
    if measured.returncode != 0:
        raise click.ClickException(f"our build failed:\n{measured.stderr}")
    return measured


def latencies(search: Callable[[str], object], queries: Sequence[str]) -> list[float]:
    """Milliseconds per query, after a short warm-up."""
    for query in queries[:20]:
        search(query)
    return [timed(lambda q=query: search(q)) * 1000 for query in queries]


def latency_rows(ours: list[float], base: list[float], count: int, mix: str) -> list[Row]:
    """4. p50/p95/p99 of both engines over the same queries."""
    rows = []
    for share, target in ((0.50, "≤ 20 ms"), (0.95, "≤ baseline p95"), (0.99, "—")):
        mine, theirs = percentile(ours, share), percentile(base, share)
        met = {0.50: check(mine <= 20), 0.95: check(mine <= theirs), 0.99: "—"}[share]
        rows.append(Row("4", f"query p{round(share * 100)}, ms ({count} queries: {mix})",
                        f"{mine:.2f}", f"{theirs:.2f}", target, met))
    return rows


def http_rows(seed_index: Path, queries: Sequence[str], requests: int) -> list[Row]:
    """5. ``serve`` on the seed index under 8 concurrent keep-alive clients."""
    label = f"HTTP on the seed, 8 clients, {requests} searches"
    port = http.free_port()
    server = http.start_server(seed_index, port)
    try:
        http.wait_until_up(port)
        http.load(port, queries, min(50, requests))  # warm-up
        result = http.load(port, queries, requests)
    finally:
        http.stop_server(server)
    return [Row("5", f"{label}: req/s", f"{result.per_second:,.0f}", target="≥ 300",
                met=check(result.per_second >= 300)),
            Row("5", f"{label}: p99, ms", f"{result.p99_ms:.1f}"),
            Row("5", f"{label}: errors", str(result.errors), target="0",
                met=check(result.errors == 0))]


def cold_start_row(index_dir: Path, query: str) -> Row:
    """6. Seconds from launching ``serve`` on our index to its first answered search."""
    seconds = http.cold_start(index_dir, query)
    return Row("6", "cold start: serve → first answer, s", f"{seconds:.2f}", target="≤ 2 s",
               met=check(seconds <= 2))


def machine() -> str:
    """Cores, CPU model, memory, OS and Python of this machine."""
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
                 platform.processor() or "unknown CPU")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores ({model}), {memory:.0f} GiB RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def run_benchmark(corpus: Path, limit: int | None, procs: int, requests: int) -> str:
    """Measure everything once; return the Markdown report."""
    docs = list(itertools.islice(load_documents([corpus]), limit))
    texts = [f"{doc.title}\n{doc.body}" for doc in docs]
    chars = sum(len(doc.title) + len(doc.body) for doc in docs)
    picked = sample_queries(docs)
    queries = [query for _, query in picked]
    mix = ", ".join(f"{n} {kind}" for kind, n in Counter(kind for kind, _ in picked).items())
    with tempfile.TemporaryDirectory(prefix="egov-bench-") as tmp:
        work = Path(tmp)
        sample = work / "corpus.jsonl.gz"
        with gzip.open(sample, "wt", encoding="utf-8") as out:
            for doc in docs:
                out.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
        rows = [segmentation(texts, chars)]
        baseline = jieba_whoosh([{"id": d.id, "title": d.title, "body": d.body} for d in docs], queries)
        base_seconds = baseline["build_seconds"]
        built = our_build(sample, work / "ours", procs)
        ours_dir = work / "ours"
        ratio = (chars / built.seconds) / (chars / base_seconds)
        rows += [
            Row("2, 3", "build, chars/s", f"{chars / built.seconds:,.0f}", f"{chars / base_seconds:,.0f}",
                "≥ 2× baseline", f"{check(ratio >= 2)} ({ratio:.2f}×)"),
            Row("2, 3", "build, docs/s", f"{len(docs) / built.seconds:,.0f}",
                f"{len(docs) / base_seconds:,.0f}"),
            Row("3", "build peak RSS, MB (all its processes)", f"{built.peak_rss / 1e6:,.0f}"),
            Row("3", "index size on disk, MB", f"{folder_size(current_generation(ours_dir)) / 1e6:,.1f}",
                f"{baseline['index_bytes'] / 1e6:,.1f}"),
        ]
        engine = open_index(ours_dir)
        rows += latency_rows(latencies(engine.search, queries), baseline["latencies_ms"],
                             len(queries), mix)
        seed_dir = work / "seed"
        build_index(index_dir=seed_dir)
        seed_queries = [q for _, q in sample_queries(list(load_documents([config.seed_path()])))]
        rows += http_rows(seed_dir, seed_queries, requests)
        rows.append(cold_start_row(ours_dir, queries[0]))
    intro = (f"Machine: {machine()}.  \nCorpus: `{corpus.name}`, {len(docs):,} documents, "
             f"{chars:,} characters. Our build: `egov-search build --procs {procs}` (wall time of "
             f"the whole command, in a child process). Run {time.strftime('%Y-%m-%d %H:%M %Z')}.")
    return "\n".join([intro, "", *HEADER, *(_line(row) for row in rows)]) + "\n"


def _line(row: Row) -> str:
    return f"| {row.section} | {row.measure} | {row.ours} | {row.baseline} | {row.target} | {row.met} |"


def write_results(report: str, output: Path) -> None:
    """Write the report, keeping the hand-written notes from the ``## Notes`` heading on."""
    notes = ""
    if output.exists():
        old = output.read_text(encoding="utf-8")
        if NOTES in old:
            notes = old[old.index(NOTES):]
    output.write_text(f"# Benchmark results\n\n{report}{notes}", encoding="utf-8")


@click.command()
@click.option("--corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="JSON Lines corpus [default: ../shared/bench/modern.jsonl.gz].")
@click.option("--docs", "limit", type=click.IntRange(100), default=None,
              help="Use only the first N documents [default: all].")
@click.option("--smoke", is_flag=True, help=f"Quick check: the first {SMOKE_DOCS} documents, "
              "fewer HTTP requests.")
@click.option("--procs", type=click.IntRange(1, 64), default=config.default_procs,
              show_default="cores, at most 4", help="Processes for our build.")
@click.option("--requests", type=click.IntRange(10), default=None,
              help="HTTP requests to send [default: 3000, smoke 200].")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=RESULTS,
              show_default="bench/RESULTS.md", help="Where to write the report.")
def bench(corpus: Path | None, limit: int | None, smoke: bool, procs: int, requests: int | None,
          output: Path) -> None:
    """Benchmark segmentation, build, query latency, HTTP and cold start against plain Whoosh."""
    corpus = corpus or SHARED_MODERN
    if not corpus.exists():
        raise click.UsageError(f"no corpus at {corpus}: pass --corpus FILE.jsonl.gz")
    if smoke:
        limit = min(limit or SMOKE_DOCS, SMOKE_DOCS)
    report = run_benchmark(corpus, limit, procs, requests or (200 if smoke else 3000))
    click.echo(report)
    write_results(report, output)
    click.echo(f"written to {output}", err=True)
