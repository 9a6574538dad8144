"""The hostile-query benchmark: its queries are what it promises, and it runs on a real index."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from collections import Counter

import pytest

from bench.corpora import MODERN, shared
from bench.hostile import hostile_queries
from bench.run import write_sample
from indexer import build_index, load_documents
from indexer.search.pipeline import MAX_QUERY_CHARS

pytestmark = pytest.mark.slow  # minutes of load, builds or SIGKILLs: `make test`, not `make test-fast`

ROW = re.compile(r"^\| (\w+) \| (\d+) \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| (\d+) \| (\d+) \|$")


def _docs(count: int):
    return list(itertools.islice(load_documents([shared(MODERN)]), count))


def test_hostile_queries_are_the_promised_kinds_and_the_same_each_time():
    docs = _docs(400)
    queries = hostile_queries(docs, per_kind=30)
    assert queries == hostile_queries(docs, per_kind=30)
    kinds = ["repeat", "chars", "phrase", "miss", "deep"]
    assert Counter(q.kind for q in queries) == dict.fromkeys(kinds, 30)
    assert all(0 < len(q.q) <= MAX_QUERY_CHARS for q in queries)
    assert sum(len(q.q) == MAX_QUERY_CHARS for q in queries if q.kind == "chars") == 30
    repeated = [q.q.replace(" ", "") for q in queries if q.kind == "repeat"]
    assert all(len(set(text)) < len(text) for text in repeated)
    assert all(q.q.startswith('"') and q.q.endswith('"') for q in queries if q.kind == "phrase")
    deep = [q for q in queries if q.kind == "deep"]
    assert all((q.page, q.per_page) == (10, 100) or q.sort for q in deep)


def test_hostile_bench_runs_on_a_built_index(tmp_path):
    sample = tmp_path / "sample.jsonl.gz"
    write_sample(_docs(300), sample)
    build_index([sample], index_dir=tmp_path / "index")
    run = subprocess.run([sys.executable, "-m", "bench.hostile", "--index", str(tmp_path / "index"),
                          "--corpus", str(sample), "--per-kind", "3"],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    rows = [match for match in map(ROW.match, run.stdout.splitlines()) if match]
    counted = {match.group(1): int(match.group(2)) for match in rows[:6]}
    assert counted == {"repeat": 3, "chars": 3, "phrase": 3, "miss": 3, "deep": 3, "all": 15}
    assert rows[-1].group(1) == "all" and int(rows[-1].group(2)) == 300
