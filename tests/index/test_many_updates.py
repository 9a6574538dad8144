"""Many updates in a row: Whoosh merges the small segments they leave, and every document
stays findable by id, by search and by its rank through those merges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer import add_documents, build_index, delete_documents, open_index

pytestmark = pytest.mark.slow  # minutes of load, builds or SIGKILLs: `make test`, not `make test-fast`

UPDATES = 50
WORDS = "甲乙丙丁戊己庚辛壬癸"


def record(n: int) -> dict:
    """Document ``n``: a unique title word (two of :data:`WORDS`) and rank."""
    word = WORDS[n // len(WORDS)] + WORDS[n % len(WORDS)]
    return {"id": f"news/{n}", "kind": "news", "title": f"通知{word}", "body": f"关于{word}的通知",
            "rank": 1000 + n}


def write(path: Path, n: int) -> Path:
    path.write_text(json.dumps(record(n), ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def check(engine, expected: set[int]) -> None:
    """Every expected document is there once, by id, by title word and by rank; no other."""
    assert engine.doc_count() == 57 + len(expected)
    assert engine.search("kind:news", per_page=100).total == len(expected)
    for n in expected:
        doc = record(n)
        assert engine.document(doc["id"])["title"] == doc["title"]
        assert [hit.id for hit in engine.search(doc["title"]).hits][:1] == [doc["id"]]
        assert [hit.id for hit in engine.search(f"rank:{doc['rank']}").hits] == [doc["id"]]


def test_fifty_updates_with_deletes_and_a_build_in_between(tmp_path):
    index = tmp_path / "ix"
    build_index(index_dir=index)
    engine = open_index(index)
    expected: set[int] = set()
    for n in range(UPDATES):
        add_documents([write(tmp_path / f"{n}.jsonl", n)], index)
        expected.add(n)
        if n % 7 == 6:
            gone = min(expected)
            delete_documents([record(gone)["id"]], index)
            expected.discard(gone)
            assert engine.document(record(gone)["id"]) is None
        if n == UPDATES // 2:  # a full build drops the added documents; adds go on from there
            build_index(index_dir=index)
            expected.clear()
        check(engine, expected)
