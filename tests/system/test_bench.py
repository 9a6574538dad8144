"""The benchmark's smoke mode: it completes and its table has the expected shape (never a time)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys

import pytest

from bench.corpora import MODERN, shared
from bench.run import HEADER, ROUND_HEADER

pytestmark = pytest.mark.slow  # minutes of load, builds or SIGKILLs: `make test`, not `make test-fast`

LATENCY = [f"query p{p}, ms {group}" for group in ("(300 queries:", "single character", "word", "AND",
                                                   "phrase", "miss", "question of 20–60 characters")
           for p in (50, 95, 99)]
ROWS = [
    "segmentation alone, chars/s (ours: rjieba; baseline: jieba)",
    "build, chars/s",
    "build, docs/s",
    "peak RSS, MB (ours: the build's processes; others: build and queries)",
    "index size on disk, MB",
    *LATENCY,
    *(f"query p{p}, ms, with snippets (ours: the whole first page, `search(q).to_dict()`; others: as above)"
      for p in (50, 95)),
    "top-10 overlap with the baseline, % (queries it answers)",
    "queries with a match (of 360)",
    "HTTP on the seed, 8 clients, 200 searches: req/s",
    "HTTP on the seed, 8 clients, 200 searches: p99, ms",
    "HTTP on the seed, 8 clients, 200 searches: errors",
    "cold start: serve → first answer, s",
]
NUMBER = re.compile(r"^[\d,]+(\.\d+)?( \(\d+\.\d\d×\))?$")  # a median, maybe its ratio to the baseline
ENGINES = 4  # egov-search, baseline, SQLite FTS5, Tantivy
TANTIVY = importlib.util.find_spec("tantivy") is not None  # the optional `bench` extra


def test_smoke_benchmark_prints_and_writes_the_table(tmp_path):
    shared(MODERN)  # a clear error if the corpus is missing
    output = tmp_path / "RESULTS.md"
    output.write_text("# old\n\n## Notes\n\nwhere the time goes\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "bench", "--smoke", "--procs", "2",
                          "--output", str(output)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    written = output.read_text(encoding="utf-8")
    assert written.startswith("# Benchmark results\n")
    assert written.endswith("## Notes\n\nwhere the time goes\n")  # hand-written notes survive
    lines = written.splitlines()
    top = lines.index(HEADER[0])
    assert lines[top + 1] == HEADER[1]
    end = lines.index("", top)
    rows = [line.strip("|").split(" | ") for line in lines[top + 2:end]]
    assert all(len(row) == 4 + ENGINES for row in rows)
    measures = [row[1].strip() for row in rows]
    assert [_without_counts(m) for m in measures] == ROWS
    for row in rows:
        assert NUMBER.match(row[2].strip()), row[1]
        if row[1].startswith(("build, chars/s", "query p")):  # every engine measured, ratio shown
            peers = (row[2], row[4], row[5]) if TANTIVY else (row[2], row[4])
            assert all(NUMBER.match(cell.strip()) and "×" in cell for cell in peers), row
            assert "×" not in row[3] and NUMBER.match(row[3].strip()), row
    per_round = lines.index(ROUND_HEADER[0])
    assert lines[per_round + 1] == ROUND_HEADER[1]
    engines = ["ours", "fts5", "tantivy"] if TANTIVY else ["ours", "fts5"]
    assert [line.split(" | ")[1] for line in lines[per_round + 2:per_round + 2 + len(engines)]] == engines
    assert "600 documents" in written and "cores" in written
    assert HEADER[0] in run.stdout


def _without_counts(measure: str) -> str:
    """A measure's label without its query counts: ``query p50, ms word (90 queries)`` → ``… word``."""
    if "(300 queries:" in measure:
        return measure.split("(300 queries:")[0] + "(300 queries:"
    return re.sub(r" \(\d+ queries\)$", "", measure)


def test_bench_is_also_an_egov_search_command():
    from click.testing import CliRunner

    from webui.cli import main

    result = CliRunner().invoke(main, ["bench", "--help"])
    assert result.exit_code == 0 and "--smoke" in result.output and "--docs" in result.output
