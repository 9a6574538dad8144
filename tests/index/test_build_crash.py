"""Builds killed with SIGKILL at varied moments: the live index keeps its answers, the next build works."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from live_server import COMMAND

from indexer import build_index, config, load_documents, open_index

pytestmark = pytest.mark.slow  # minutes of load, builds or SIGKILLs: `make test`, not `make test-fast`

SEED_PATH = config.seed_path()

GENERATED_DOCS = 400  # a build of a second or two, so kills land in every phase
QUERIES = ("华宇", "智慧城市", "区块链 政务", "云")
# Moments to kill at, as fractions of a full build's time: start-up, writing, commit, swap
# (timing varies from run to run, so together the runs probe every phase).
KILL_AT = (0.1, 0.3, 0.5, 0.7, 0.9, 0.97, 1.05)


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JSON Lines collection made by recombining the seed's texts."""
    seed = list(load_documents([SEED_PATH]))
    path = tmp_path_factory.mktemp("corpus") / "big.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for number in range(GENERATED_DOCS):
            first, second = seed[number % len(seed)], seed[number * 7 % len(seed)]
            record = {"id": f"doc-{number}", "title": f"{first.title} {number}",
                      "body": f"{first.body}\n{second.body}"}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def _answers(index: Path) -> list:
    """What a fresh engine answers: the document count and each query's ranked ids."""
    engine = open_index(index)
    return [engine.doc_count()] + [[hit.id for hit in engine.search(q).hits] for q in QUERIES]


def _build(corpus: Path, index: Path) -> subprocess.Popen:
    """``egov-search build`` in its own process group, so its workers can be cleaned up."""
    return subprocess.Popen([*COMMAND, "build", "--corpus", str(corpus), "--index", str(index)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _reap(build: subprocess.Popen) -> None:
    """Kill whatever a killed build left running (indexing workers it had forked)."""
    try:
        os.killpg(build.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_sigkilled_builds_never_change_or_block_the_live_index(tmp_path, big_corpus):
    started = time.monotonic()
    assert _build(big_corpus, tmp_path / "timing").wait(timeout=600) == 0
    full_build = time.monotonic() - started

    index = tmp_path / "ix"
    build_index(index_dir=index)
    live, before = (index / "current").resolve(), _answers(index)
    leftovers, killed = 0, []
    for fraction in KILL_AT:
        build = _build(big_corpus, index)
        killed.append(build)
        time.sleep(full_build * fraction)
        build.kill()  # the build process only: its workers, if any, live on as orphans
        build.wait()
        if (index / "current").resolve() == live:
            assert _answers(index) == before, f"killed at {fraction:.0%}"
        else:  # the kill came after the swap: the new index must be complete
            live, before = (index / "current").resolve(), _answers(index)
            assert before[0] == GENERATED_DOCS
        leftovers += any(path.name != live.name for path in index.glob("gen-*"))
    assert leftovers, "no kill landed while a generation was being written"

    finished = _build(big_corpus, index)
    try:
        assert finished.wait(timeout=600) == 0  # a stale lock would hang here
    finally:
        for build in killed:
            _reap(build)
    assert _answers(index)[0] == GENERATED_DOCS
    new = (index / "current").resolve()
    assert sorted(p.name for p in index.glob("gen-*")) == sorted({live.name, new.name})
    assert not (index / "current.new").exists()



HOLD_LOCK_AND_FORK = """
import os, sys, time
from pathlib import Path
from indexer.index import store
with store.build_lock(Path(sys.argv[1])):
    worker = os.fork()
    if worker == 0:  # an indexing worker: it outlives the build that is killed
        time.sleep(600)
        os._exit(0)
    print(worker, flush=True)
    time.sleep(600)
"""


def test_workers_orphaned_by_a_killed_build_do_not_hold_the_lock(tmp_path):
    index = tmp_path / "ix"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK_AND_FORK, str(index)],
                              stdout=subprocess.PIPE, text=True)
    worker = int(holder.stdout.readline())
    holder.kill()
    holder.wait()
    holder.stdout.close()
    build = _build(SEED_PATH, index)
    try:
        assert build.wait(timeout=120) == 0  # with an inherited lock this would wait for the worker
        assert open_index(index).doc_count() == 57
    finally:
        os.kill(worker, signal.SIGKILL)
        build.kill()
        build.wait()
