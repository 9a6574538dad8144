"""The benchmark's smoke mode: it completes and its table has the expected shape (never a time)."""

from __future__ import annotations

import re
import subprocess
import sys

from bench.run import HEADER, SHARED_MODERN

ROWS = [
    "segmentation alone, chars/s (ours: rjieba; baseline: jieba)",
    "build, chars/s",
    "build, docs/s",
    "build peak RSS, MB (all its processes)",
    "index size on disk, MB",
    "query p50, ms",
    "query p95, ms",
    "query p99, ms",
    "HTTP on the seed, 8 clients, 200 searches: req/s",
    "HTTP on the seed, 8 clients, 200 searches: p99, ms",
    "HTTP on the seed, 8 clients, 200 searches: errors",
    "cold start: serve → first answer, s",
]
NUMBER = re.compile(r"^[\d,]+(\.\d+)?$")


def test_smoke_benchmark_prints_and_writes_the_table(tmp_path):
    assert SHARED_MODERN.exists(), f"the benchmark corpus is missing: {SHARED_MODERN} (../shared/bench)"
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
    rows = [line.strip("|").split(" | ") for line in lines[top + 2:] if line.startswith("|")]
    assert all(len(row) == 6 for row in rows)
    measures = [row[1].strip() for row in rows]
    assert [m.split(" (300 queries")[0] for m in measures] == ROWS
    assert all("(300 queries:" in m for m in measures[5:8])
    for row in rows:
        assert NUMBER.match(row[2].strip()), row[1]
    assert "600 documents" in written and "cores" in written
    assert HEADER[0] in run.stdout


def test_bench_is_also_an_egov_search_command():
    from click.testing import CliRunner

    from webui.cli import main

    result = CliRunner().invoke(main, ["bench", "--help"])
    assert result.exit_code == 0 and "--smoke" in result.output and "--docs" in result.output
