"""``python -m bench.crawl`` runs and its table has the expected shape (never a time)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

ROUNDS = ("first crawl", "after 1 pages changed", "unchanged")
MEASURES = ("fetch, s", "index, s", "total, s", "pages/s, fetched", "pages/s, fetched and indexed",
            "requests", "answers with a body (200)")
CELL = re.compile(r"^([\d,]+(\.\d+)?|–)$")


@pytest.mark.slow
def test_the_crawl_benchmark_runs_and_reports_every_round():
    result = subprocess.run([sys.executable, "-m", "bench.crawl", "--docs", "20"], capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    rows = [line.strip("| ").split(" | ") for line in result.stdout.splitlines()
            if line.startswith("| ") and not line.startswith("| round")]
    assert [row[0] for row in rows] == [f"{r}: {m}" for r in ROUNDS for m in MEASURES]
    assert all(CELL.match(cell) for row in rows for cell in row[1:3])
    ours = {row[0]: row[1] for row in rows}
    assert ours["unchanged: answers with a body (200)"] == "0"  # all 304
    assert ours["after 1 pages changed: answers with a body (200)"] == "1"
