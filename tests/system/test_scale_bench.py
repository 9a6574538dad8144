"""The scale benchmark's smoke mode: it builds two sizes, serves and searches them, and prints
its table of figures by size (never a time asserted)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from bench.corpora import GOV_DEV, MODERN, POEMS, shared
from bench.scale import SMOKE_SIZES, records

pytestmark = pytest.mark.slow  # minutes of load, builds or SIGKILLs: `make test`, not `make test-fast`

ROWS = ["build, docs/s", "build, peak RSS of its processes, MB", "index on disk, MB",
        "index, bytes a character", "300 queries in process, ten ids: p95, ms",
        "300 queries in process, whole first page: p95, ms", "8 clients: searches sent",
        "each worker's RSS after them, MB", "each worker's USS (pages no other process maps) after them, MB",
        "8 clients: req/s", "8 clients: p95, ms", "SQLite FTS5: build, chars/s (× ours)",
        "SQLite FTS5: p95, ms, ten ids (× ours)"]
CELL = re.compile(r"^[\d,.]+( \([\d.]+×\))?( / [\d,.]+)*$")  # a figure, its ratio, or one a worker


def test_the_collection_is_the_corpora_then_the_poems_again_under_new_ids():
    for name in (GOV_DEV, MODERN, POEMS):
        shared(name)
    assert next(records(1))["id"] == "mee-0001"
    ids = [record["id"] for record in records(4_575 + 7_789 + 321_436 + 2)]
    assert len(set(ids)) == len(ids)
    assert ids[4_575 + 7_789] == "tang/000000" and ids[-2:] == ["copy2/tang/000000", "copy2/tang/000001"]


def test_smoke_scale_benchmark_prints_a_column_per_size(tmp_path):
    run = subprocess.run([sys.executable, "-m", "bench.scale", "--smoke", "--work", str(tmp_path)],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    head = lines.index("| documents | " + " | ".join(f"{size:,}" for size in SMOKE_SIZES) + " |")
    table = {line.strip("|").split(" | ")[0].strip(): line.strip("|").split(" | ")[1:]
             for line in lines[head + 2:] if line.startswith("| ")}
    for label, cells in table.items():
        assert len(cells) == len(SMOKE_SIZES) and all(CELL.match(cell.strip()) for cell in cells), label
    for row in ROWS:
        assert any(row in label for label in table), row
    assert [cell.strip() for label, cells in table.items() if label.endswith("errors") for cell in cells] == \
        ["0"] * len(SMOKE_SIZES)
    assert (tmp_path / "scale.json").exists()
