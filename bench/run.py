"""The benchmark: interleaved rounds of every engine over the same documents and queries, one
Markdown table of medians (printed and saved) and the ratios of each round to the baseline."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import click

from indexer import build_index, config, load_documents, open_index
from indexer.evaluate.baselines import timed_answers
from indexer.index.store import current_generation, folder_size

from . import http
from .corpora import GOV_DEV, MODERN, POEMS, MissingCorpus, shared
from .measure import run_measured
from .peers import available, run_peer
from .queries import sample_queries, sample_questions

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
NOTES = "\n## Notes"  # RESULTS.md keeps everything from this heading on across runs
SMOKE_DOCS = 600
BUILD = [sys.executable, "-m", "indexer", "build"]
ENGINES = ("ours", "baseline", "fts5", "tantivy")  # the table's columns, in order
PEER_PROCESS = {"baseline": "whoosh", "fts5": "fts5", "tantivy": "tantivy"}
HEADER = ("| # | measure | egov-search | baseline | SQLite FTS5 | Tantivy | target | met |",
          "|---|---|---:|---:|---:|---:|---|---|")
ROUND_HEADER = ("| round | engine | build chars/s | p50 | p95 | p99 |", "|---|---|---:|---:|---:|---:|")
KINDS = {"char": "single character", "word": "word", "and": "AND", "phrase": "phrase", "miss": "miss",
         "question": "question of 20–60 characters"}
SHARES = (0.50, 0.95, 0.99)


@dataclass
class Row:
    """One line of the results table: a measure and its value for each engine."""

    section: str
    measure: str
    values: dict[str, str] = field(default_factory=dict)
    target: str = "—"
    met: str = "—"


@dataclass
class EngineRun:
    """One engine in one round: its build, its index and its answers to the queries."""

    build_seconds: float
    peak_rss: int
    index_bytes: int
    latencies: list[float]  # milliseconds, in query order
    rankings: dict[str, list[str]]  # query → top ten ids
    shown: list[float] = field(default_factory=list)  # ours: milliseconds of each whole first page


Round = dict[str, EngineRun]  # engine → its run


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
    return Row("1", "segmentation alone, chars/s (ours: rjieba; baseline: jieba)",
               {"ours": f"{chars / ours:,.0f}", "baseline": f"{chars / stock:,.0f}"})


def run_ours(corpus: Path, folder: Path, procs: int, queries: Sequence[str]) -> EngineRun:
    """``egov-search build`` in a child process (wall time, peak memory of its processes),
    then the queries through the engine in this process, after a short warm-up: their ranked
    ids, then, on an engine opened afresh, their whole first page (each hit's stored fields,
    title and snippet marked) as the API and the page show it."""
    measured = run_measured([*BUILD, "--corpus", str(corpus), "--index", str(folder),
                             "--procs", str(procs)])
    if measured.returncode != 0:
        raise click.ClickException(f"our build failed:\n{measured.stderr}")
    engine = open_index(folder)
    rankings, latencies = timed_answers(lambda query: [hit.id for hit in engine.search(query).hits], queries)
    fresh = open_index(folder)
    _, shown = timed_answers(lambda query: fresh.search(query).to_dict(), queries)
    return EngineRun(measured.seconds, measured.peak_rss, folder_size(current_generation(folder)),
                     latencies, rankings, shown)


def run_other(name: str, records: list[dict], queries: Sequence[str], work: Path) -> EngineRun:
    """The baseline or a peer in a process of its own (:mod:`bench.peers`)."""
    output, measured = run_peer(PEER_PROCESS[name], records, queries, work)
    return EngineRun(output["build_seconds"], measured.peak_rss, output["index_bytes"],
                     output["latencies_ms"], output["rankings"])


def run_rounds(sample: Path, records: list[dict], queries: Sequence[str], work: Path, procs: int,
               rounds: int) -> list[Round]:
    """Every engine once a round, in an order that rotates from round to round."""
    engines = [name for name in ENGINES if available(name)]
    measured: list[Round] = []
    for number in range(rounds):
        runs: Round = {}
        for name in engines[number % len(engines):] + engines[:number % len(engines)]:
            folder = work / f"round{number}-{name}"
            click.echo(f"round {number + 1}/{rounds}: {name}", err=True)
            runs[name] = (run_ours(sample, folder, procs, queries) if name == "ours"
                          else run_other(name, records, queries, folder))
        measured.append(runs)
    return measured


def median_of(rounds: list[Round], value: Callable[[EngineRun], float]) -> dict[str, float]:
    """Each engine's median of ``value`` over the rounds."""
    return {name: statistics.median(value(runs[name]) for runs in rounds) for name in rounds[0]}


def ratio_of(rounds: list[Round], value: Callable[[EngineRun], float]) -> dict[str, float]:
    """Each engine's median over the rounds of ``value`` divided by the baseline's in that round."""
    return {name: statistics.median(value(runs[name]) / value(runs["baseline"]) for runs in rounds)
            for name in rounds[0]}


def cells(medians: dict[str, float], ratios: dict[str, float] | None, digits: int) -> dict[str, str]:
    """Formatted medians, each but the baseline's followed by its ratio to the baseline."""
    formatted = {}
    for name, value in medians.items():
        text = f"{value:,.{digits}f}"
        if ratios is not None and name != "baseline":
            text += f" ({ratios[name]:.2f}×)"
        formatted[name] = text
    return formatted


def build_rows(rounds: list[Round], chars: int, docs: int) -> list[Row]:
    """2 and 3. Build speed, peak memory and index size of every engine."""
    def per_second(run: EngineRun) -> float:
        return chars / run.build_seconds

    speed = ratio_of(rounds, per_second)
    ours = speed["ours"]
    size = ratio_of(rounds, lambda run: run.index_bytes)
    return [
        Row("2, 3", "build, chars/s", cells(median_of(rounds, per_second), speed, 0),
            "≥ 5× baseline", f"{check(ours >= 5)} ({ours:.2f}×)"),
        Row("2, 3", "build, docs/s", cells(median_of(rounds, lambda run: docs / run.build_seconds), None, 0)),
        Row("3", "peak RSS, MB (ours: the build's processes; others: build and queries)",
            cells(median_of(rounds, lambda run: run.peak_rss / 1e6), None, 0)),
        Row("3", "index size on disk, MB",
            cells(median_of(rounds, lambda run: run.index_bytes / 1e6), size, 1),
            "≤ 2× baseline", f"{check(size['ours'] <= 2)} ({size['ours']:.2f}×)"),
    ]


def latency_rows(rounds: list[Round], picked: Sequence[tuple[str, str]]) -> list[Row]:
    """4. p50/p95/p99 of every engine, over all queries and by kind of query."""
    keywords = [i for i, (kind, _) in enumerate(picked) if kind != "question"]  # the 300 of every run
    mix = ", ".join(f"{n} {kind}" for kind, n in Counter(picked[i][0] for i in keywords).items())
    groups = [(f"({len(keywords)} queries: {mix})", keywords)]
    for kind, label in KINDS.items():
        chosen = [i for i, (k, _) in enumerate(picked) if k == kind]
        if chosen:
            groups.append((f"{label} ({len(chosen)} queries)", chosen))
    rows = []
    for label, chosen in groups:
        for share in SHARES:
            def value(run: EngineRun, share: float = share, chosen: list[int] = chosen) -> float:
                return percentile([run.latencies[i] for i in chosen], share)

            medians, ratios = median_of(rounds, value), ratio_of(rounds, value)
            target, met = "—", "—"
            if label.startswith("(") and share == 0.50:
                target, met = "≤ 0.5× baseline", check(ratios["ours"] <= 0.5)
            elif label.startswith("(") and share == 0.95:
                target, met = "≤ baseline p95", check(ratios["ours"] <= 1)
            rows.append(Row("4", f"query p{round(share * 100)}, ms {label}", cells(medians, ratios, 2),
                            target, met))
    for share in SHARES[:2]:
        def with_page(run: EngineRun, share: float = share) -> float:
            return percentile(run.shown or run.latencies, share)

        rows.append(Row("4", f"query p{round(share * 100)}, ms, with snippets (ours: the whole first "
                        "page, `search(q).to_dict()`; others: as above)",
                        cells(median_of(rounds, with_page), ratio_of(rounds, with_page), 2)))
    return rows


def overlap(rankings: dict[str, list[str]], reference: dict[str, list[str]]) -> float:
    """Mean share (%) of the reference's top ten that ``rankings`` also has in its top ten,
    over the queries the reference answers."""
    shares = [len(set(rankings[query]) & set(top)) / len(top)
              for query, top in reference.items() if top]
    return 100 * sum(shares) / len(shares) if shares else 100.0


def answer_rows(rounds: list[Round], count: int) -> list[Row]:
    """Agreement with the baseline's rankings and how many queries each engine answers."""
    reference = rounds[0]["baseline"].rankings
    return [
        Row("4", "top-10 overlap with the baseline, % (queries it answers)",
            cells(median_of(rounds, lambda run: overlap(run.rankings, reference)), None, 1)),
        Row("4", f"queries with a match (of {count})",
            cells(median_of(rounds, lambda run: sum(1 for top in run.rankings.values() if top)), None, 0)),
    ]


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
    return [Row("5", f"{label}: req/s", {"ours": f"{result.per_second:,.0f}"}, "≥ 300",
                check(result.per_second >= 300)),
            Row("5", f"{label}: p99, ms", {"ours": f"{result.p99_ms:.1f}"}),
            Row("5", f"{label}: errors", {"ours": str(result.errors)}, "0", check(result.errors == 0))]


def cold_start_row(index_dir: Path, query: str) -> Row:
    """6. Seconds from launching ``serve`` on our index to its first answered search."""
    seconds = http.cold_start(index_dir, query)
    return Row("6", "cold start: serve → first answer, s", {"ours": f"{seconds:.2f}"}, "≤ 2 s",
               check(seconds <= 2))


def round_lines(rounds: list[Round], chars: int) -> list[str]:
    """The per-round table: each engine's ratio to the baseline of the same round."""
    lines = [*ROUND_HEADER]
    for number, runs in enumerate(rounds, 1):
        base = runs["baseline"]
        for name in (name for name in ENGINES if name in runs and name != "baseline"):
            run = runs[name]
            speed = (chars / run.build_seconds) / (chars / base.build_seconds)
            ratios = [percentile(run.latencies, s) / percentile(base.latencies, s) for s in SHARES]
            shown = " | ".join(f"{ratio:.2f}×" for ratio in ratios)
            lines.append(f"| {number} | {name} | {speed:.2f}× | {shown} |")
    return lines


def machine() -> str:
    """Cores, CPU model, memory, OS and Python of this machine."""
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
                 platform.processor() or "unknown CPU")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores ({model}), {memory:.0f} GiB RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def write_sample(docs: Sequence, path: Path) -> None:
    """The documents as gzipped JSON Lines, the corpus our build reads."""
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for doc in docs:
            out.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")


def intro(corpus: Path, docs: int, chars: int, procs: int, rounds: int) -> str:
    """The lines above the table: machine, corpus, how each engine was measured."""
    tantivy = "" if available("tantivy") else " Tantivy is not installed (`pip install -e '.[bench]'`)."
    return (f"Machine: {machine()}.  \nCorpus: `{corpus.name}`, {docs:,} documents, {chars:,} characters. "
            f"{rounds} interleaved round(s); each cell is the median over the rounds, and (×) the median "
            f"of each round's ratio to the baseline of that round. Our build: `egov-search build --procs "
            f"{procs}` (wall time of the whole command, in a child process); baseline (jieba + stock "
            f"Whoosh), SQLite FTS5 and Tantivy (both over rjieba words, one process, one indexing "
            f"thread): indexing time inside their own process.{tantivy} "
            f"Run {time.strftime('%Y-%m-%d %H:%M %Z')}.")


def run_benchmark(corpus: Path, limit: int | None, procs: int, requests: int, rounds: int) -> str:
    """Measure everything; return the Markdown report."""
    docs = list(itertools.islice(load_documents([corpus]), limit))
    texts = [f"{doc.title}\n{doc.body}" for doc in docs]
    chars = sum(len(doc.title) + len(doc.body) for doc in docs)
    picked = sample_queries(docs) + sample_questions(docs)
    queries = [query for _, query in picked]
    records = [{"id": d.id, "title": d.title, "body": d.body} for d in docs]
    with tempfile.TemporaryDirectory(prefix="egov-bench-") as tmp:
        work = Path(tmp)
        sample = work / "corpus.jsonl.gz"
        write_sample(docs, sample)
        rows = [segmentation(texts, chars)]
        measured = run_rounds(sample, records, queries, work, procs, rounds)
        rows += build_rows(measured, chars, len(docs))
        rows += latency_rows(measured, picked) + answer_rows(measured, len(queries))
        seed_dir = work / "seed"
        build_index(index_dir=seed_dir)
        seed_queries = [q for _, q in sample_queries(list(load_documents([config.seed_path()])))]
        rows += http_rows(seed_dir, seed_queries, requests)
        rows.append(cold_start_row(work / "round0-ours", queries[0]))
    return "\n".join([intro(corpus, len(docs), chars, procs, rounds), "", *HEADER, *map(_line, rows), "",
                      "Per round, each engine against the baseline of the same round (build: above 1× "
                      "is faster; queries: below 1× is faster):", "", *round_lines(measured, chars)]) + "\n"


def _line(row: Row) -> str:
    values = " | ".join(row.values.get(name, "—") for name in ENGINES)
    return f"| {row.section} | {row.measure} | {values} | {row.target} | {row.met} |"


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
@click.option("--poems", type=click.IntRange(100), default=None,
              help="The first N poems of ../shared/bench/poems.jsonl.gz (instead of --corpus).")
@click.option("--smoke", is_flag=True, help=f"Quick check: the first {SMOKE_DOCS} documents, "
              "one round, fewer HTTP requests.")
@click.option("--rounds", type=click.IntRange(1), default=None,
              help="Interleaved rounds of every engine [default: 3, smoke 1].")
@click.option("--procs", type=click.IntRange(1, 64), default=config.default_procs,
              show_default="cores, at most 4", help="Processes for our build.")
@click.option("--requests", type=click.IntRange(10), default=None,
              help="HTTP requests to send [default: 3000, smoke 200].")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=RESULTS,
              show_default="bench/RESULTS.md", help="Where to write the report.")
@click.option("--backend", type=click.Choice(["whoosh", "opensearch"]), default="whoosh", show_default=True,
              help="opensearch: our Whoosh and OpenSearch backends side by side instead, on a cluster "
                   "of their own (bench.cluster_build; gov-dev, or the seed with --smoke; printed, "
                   "not written).")
def bench(corpus: Path | None, limit: int | None, poems: int | None, smoke: bool, rounds: int | None,
          procs: int, requests: int | None, output: Path, backend: str) -> None:
    """Benchmark segmentation, build, query latency, HTTP and cold start against plain Whoosh,
    SQLite FTS5 and Tantivy (or, with ``--backend opensearch``, our two backends)."""
    if backend == "opensearch":
        from . import cluster_build

        seed_or_gov = config.seed_path() if smoke else shared(GOV_DEV)
        click.echo(cluster_build.run(corpus or seed_or_gov, min(procs, 8), rounds or 1))
        return
    if poems is not None:
        if corpus is not None:
            raise click.UsageError("--poems and --corpus: give one")
        corpus, limit = shared(POEMS), poems
    try:
        corpus = corpus or shared(MODERN)
    except MissingCorpus as err:
        raise click.UsageError(f"{err}: pass --corpus FILE.jsonl.gz") from None
    if smoke:
        limit = min(limit or SMOKE_DOCS, SMOKE_DOCS)
    report = run_benchmark(corpus, limit, procs, requests or (200 if smoke else 3000),
                           rounds or (1 if smoke else 3))
    click.echo(report)
    write_results(report, output)
    click.echo(f"written to {output}", err=True)
