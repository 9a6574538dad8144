"""The index folder: atomic swaps that open searchers survive."""

from __future__ import annotations

import json

from indexer import build_index, open_index


def test_open_searcher_follows_a_rebuild(tmp_path):
    index = tmp_path / "ix"
    build_index(index_dir=index)
    engine = open_index(index)
    assert engine.search("华宇").total == 1
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"id": "x", "title": "华宇新闻", "body": "华宇"}) + "\n",
                     encoding="utf-8")
    build_index([extra], index_dir=index)
    assert [hit.id for hit in engine.search("华宇").hits] == ["x"]


def test_previous_generation_is_kept_for_open_readers(tmp_path):
    index = tmp_path / "ix"
    for _ in range(3):
        build_index(index_dir=index)
    assert len(list(index.glob("gen-*"))) == 2
