"""Chaos, bounded: 8 clients search a live server while a background thread adds, replaces and
deletes documents and runs full builds through the CLI; then an index file is deleted.

No request may fail with a server error at any time; afterwards every document that should be
there is there exactly once, none that was deleted is, and after the deleted file a final
build brings the server back. ``EGOV_CHAOS_SECONDS`` sets the chaos phase (default 30)."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from hammer import Hammer
from live_server import COMMAND, get_json, request, running_server

from indexer import build_index, config
from indexer.index.store import current_generation

pytestmark = pytest.mark.slow  # minutes of load, builds or SIGKILLs: `make test`, not `make test-fast`

CHAOS_SECONDS = float(os.environ.get("EGOV_CHAOS_SECONDS", "30"))
DAMAGE_SECONDS = 3
CLIENTS = 8
PAUSE = 0.02  # seconds each client waits between requests, so that the CLI gets CPU on 2 cores
SERVER_THREADS = 8
SEED_DOCUMENTS = 57
KIND = "chaos"
PATHS = [f"/api/search?q={quote('华宇')}", "/api/search?q=&kind=vendor&limit=100",
         f"/api/suggest?q={quote('华')}", "/api/documents/vendor-10", f"/?q={quote('混沌')}",
         "/doc/section-1", "/healthz", f"/api/search?q={quote('混沌 测试')}"]


class Changes:
    """The background thread: CLI changes in a fixed cycle, and the documents they should leave."""

    CYCLE = ("add", "replace", "add", "delete", "build", "add")

    def __init__(self, index: Path, folder: Path, seconds: float):
        self.index, self.folder, self.seconds = index, folder, seconds
        self.expected: dict[str, str] = {}  # id → title of the documents added and not deleted
        self.deleted: set[str] = set()
        self.failures: list[str] = []
        self.steps = 0
        self._thread = threading.Thread(target=self._run)

    def __enter__(self) -> Changes:
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._thread.join(timeout=self.seconds + 300)

    def _run(self) -> None:
        deadline = time.monotonic() + self.seconds  # and every kind of change once, however slow
        while (time.monotonic() < deadline or self.steps < len(self.CYCLE)) and not self.failures:
            getattr(self, f"_{self.CYCLE[self.steps % len(self.CYCLE)]}")()
            self.steps += 1

    def _cli(self, *args: str) -> None:
        done = subprocess.run([*COMMAND, *args, "--index", str(self.index)], capture_output=True,
                              text=True, timeout=300)
        if done.returncode != 0:
            self.failures.append(f"{args[0]}: {done.stdout}{done.stderr}"[-2000:])

    def _write(self, name: str, docs: dict[str, str]) -> Path:
        path = self.folder / f"{name}-{self.steps}.jsonl"
        path.write_text("".join(json.dumps({"id": i, "kind": KIND, "title": t, "body": f"混沌 测试 {t}"},
                                           ensure_ascii=False) + "\n" for i, t in docs.items()),
                        encoding="utf-8")
        return path

    def _add(self) -> None:
        docs = {f"chaos/{self.steps}": f"混沌文档{self.steps}"}
        self._cli("add", str(self._write("add", docs)))
        self.expected.update(docs)

    def _replace(self) -> None:
        docs = {doc_id: f"{title}改" for doc_id, title in list(self.expected.items())[:1]}
        self._cli("add", str(self._write("replace", docs)))
        self.expected.update(docs)

    def _delete(self) -> None:
        doc_id = next(iter(self.expected), None)
        if doc_id is not None:
            self._cli("delete", doc_id)
            del self.expected[doc_id]
            self.deleted.add(doc_id)

    def _build(self) -> None:
        corpus = self._write("build", self.expected)
        self._cli("build", "--corpus", str(config.seed_path()), "--corpus", str(corpus))


def assert_documents(port: int, changes: Changes) -> None:
    """Exactly the expected documents: by count, by id, and once each in a search."""
    assert get_json(port, "/healthz") == (200, {"status": "ok",
                                                "documents": SEED_DOCUMENTS + len(changes.expected)})
    for doc_id, title in changes.expected.items():
        status, doc = get_json(port, f"/api/documents/{quote(doc_id)}")
        assert (status, doc["document"]["title"]) == (200, title), doc_id
    for doc_id in changes.deleted - set(changes.expected):
        assert request(port, f"/api/documents/{quote(doc_id)}")[0] == 404, doc_id
    status, found = get_json(port, f"/api/search?q=&kind={KIND}&limit=100")
    if not changes.expected:  # a kind the index does not hold is refused
        assert (status, found["error"]["param"]) == (400, "kind")
        return
    assert status == 200 and found["total"] == len(changes.expected)
    assert sorted(hit["id"] for hit in found["hits"]) == sorted(changes.expected)


def test_chaos(tmp_path):
    index = tmp_path / "ix"
    build_index(index_dir=index)
    with running_server(index, tmp_path / "serve.log", threads=SERVER_THREADS, workers=2) as server:
        port = server["port"]
        changes = Changes(index, tmp_path, CHAOS_SECONDS)
        with Hammer(port, PATHS, CLIENTS, PAUSE) as hammer, changes:
            pass  # until the changes are done
        assert not changes.failures, changes.failures
        assert not hammer.server_errors, hammer.server_errors
        assert set(hammer.statuses) == {200}, hammer.statuses
        assert_documents(port, changes)

        for path in current_generation(index).glob("*.seg"):
            path.unlink()
        with Hammer(port, PATHS, CLIENTS) as damaged:
            time.sleep(DAMAGE_SECONDS)
        assert not damaged.server_errors, damaged.server_errors
        assert set(damaged.statuses) <= {200, 503}, damaged.statuses

        changes.steps += 1
        changes._build()
        assert not changes.failures, changes.failures
        after = [request(port, path)[0] for _ in range(2 * SERVER_THREADS) for path in PATHS]
        assert set(after) == {200}
        assert_documents(port, changes)
