"""Changes under load: 8 clients search over HTTP while rebuilds and add/delete swap the index."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import threading
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from live_server import COMMAND, request, running_server

from indexer import build_index, config

pytestmark = pytest.mark.slow  # minutes of load, builds or SIGKILLs: `make test`, not `make test-fast`

SEED_PATH = config.seed_path()

CLIENTS = 8
TOKEN = "live-rebuild-token"
QUERIES = ("华宇", "智慧城市", "区块链", "云", "政务 服务", "数字政通")
EXTRA = [{"id": f"extra-{n}", "title": f"智慧城市 区块链 云 {n}", "body": "华宇 政务服务 数字政通"}
         for n in range(30)]


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[Path]]:
    """The seed, and the seed plus documents that match every query."""
    extra = tmp_path_factory.mktemp("corpus") / "extra.jsonl"
    extra.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in EXTRA), encoding="utf-8")
    return [SEED_PATH], [SEED_PATH, extra]


def _totals(port: int) -> tuple[int, ...]:
    """The document count and each query's total, as the server answers right now."""
    status, body, _ = request(port, "/healthz")
    assert status == 200, body
    totals = [json.loads(body)["documents"]]
    for q in QUERIES:
        status, body, _ = request(port, f"/api/search?q={quote(q)}")
        assert status == 200, body
        totals.append(json.loads(body)["total"])
    return tuple(totals)


class Clients:
    """Threads searching in a loop, each on a keep-alive connection, recording every answer."""

    def __init__(self, port: int):
        self.port, self.stop = port, threading.Event()
        self.answers: Counter = Counter()  # (query, total) pairs seen
        self.failures: list[str] = []
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(CLIENTS)]

    def __enter__(self) -> Clients:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _run(self, number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        position = number
        while not self.stop.is_set():
            q = QUERIES[position % len(QUERIES)]
            position += 1
            try:
                status, body, _ = request(self.port, f"/api/search?q={quote(q)}", connection=conn)
            except (OSError, http.client.HTTPException) as err:
                self.failures.append(f"{q}: {type(err).__name__}: {err}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                continue
            if status != 200:
                self.failures.append(f"{q}: HTTP {status} {body[:200]!r}")
            else:
                self.answers[q, json.loads(body)["total"]] += 1
        conn.close()


def _change(how: str, port: int, index: Path, corpora: tuple[list[Path], list[Path]],
            state: int) -> None:
    """Bring the index to ``state`` (0: the seed; 1: the seed and the extra documents)."""
    if how == "http":  # the server's corpus is the bigger one
        assert state == 1
        status, body, _ = request(port, "/api/admin/rebuild", "POST",
                                  {"Authorization": f"Bearer {TOKEN}", "Content-Length": "0"})
        assert status == 200, body
        return
    if how == "build":
        args = ["build", *[arg for path in corpora[state] for arg in ("--corpus", str(path))]]
    elif how == "update":
        args = ["add", str(corpora[1][-1])] if state else ["delete", *[r["id"] for r in EXTRA]]
    subprocess.run([*COMMAND, *args, "--index", str(index)], check=True, capture_output=True,
                   timeout=600)


@pytest.mark.parametrize("changes", [("build", "build", "http", "build"), ("update",) * 4],
                         ids=["rebuilds", "incremental add and delete"])
def test_searches_never_fail_or_see_a_half_built_index(tmp_path, corpora, changes):
    index = tmp_path / "ix"
    build_index(corpora[0], index_dir=index)
    server_corpus = os.pathsep.join(map(str, corpora[1]))
    env = {"EGOV_ADMIN_TOKEN": TOKEN, "EGOV_CORPUS": server_corpus}
    with running_server(index, tmp_path / "serve.log", env, threads=CLIENTS) as server:
        port = server["port"]
        complete = {0: _totals(port)}
        with Clients(port) as clients:
            for number, how in enumerate(changes, 1):
                _change(how, port, index, corpora, number % 2)
                complete[number % 2] = _totals(port)  # a request after the swap sees the change
        assert not clients.failures, clients.failures[:5]
    seed, extra = complete[0], complete[1]
    assert seed[0] == 57 and extra[0] == 57 + len(EXTRA)
    allowed = {(q, seed[n + 1]) for n, q in enumerate(QUERIES)} | {
        (q, extra[n + 1]) for n, q in enumerate(QUERIES)}
    assert set(clients.answers) <= allowed  # only totals of a complete index, never 0
    assert all(total > 0 for _, total in clients.answers)
    assert {total for q, total in clients.answers if q == QUERIES[0]} == {seed[1], extra[1]}
