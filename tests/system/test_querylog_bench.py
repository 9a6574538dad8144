"""The query-log benchmark runs end to end in its smoke mode: a flood over HTTP that the log
keeps, bounded, and both pages measured before and after (the figures are not judged here)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # minutes of load, builds or SIGKILLs: `make test`, not `make test-fast`

ROW = re.compile(r"^\| (home page|results page) \| \d+, \d+( \| [\d.]+){5} \|$", re.MULTILINE)
KEPT = re.compile(r"(\d[\d,]*) failed; the log kept ([\d,]+) searches of ([\d,]+) queries; "
                  r"热门搜索 shows (\d+)")


def test_querylog_bench_smoke_floods_and_measures():
    run = subprocess.run([sys.executable, "-m", "bench.querylog", "--smoke"], capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr
    assert [match.group(1) for match in ROW.finditer(run.stdout)] == ["home page", "results page"]
    failed, searches, queries, shown = (int(n.replace(",", "")) for n in KEPT.search(run.stdout).groups())
    assert failed == 0 and queries > 500 and searches > queries and shown == 10
