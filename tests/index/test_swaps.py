"""An open engine across swaps: what a search returned stays readable after the next search
moves the thread to a new generation."""

from __future__ import annotations

import json
import shutil

from whoosh import query as wq

from indexer import add_documents, open_index


def test_results_outlive_a_swap(index_dir, tmp_path):
    index = tmp_path / "ix"
    shutil.copytree(index_dir, index, symlinks=True)
    engine = open_index(index)
    hits = engine.searcher().search(wq.Term("kind", "vendor"), limit=3)
    new = tmp_path / "new.jsonl"
    new.write_text(json.dumps({"id": "n", "title": "新", "body": "新"}) + "\n", encoding="utf-8")
    add_documents([new], index)
    assert engine.document("n") is not None  # this thread is on the new generation now
    assert [hit["id"] for hit in hits] == ["vendor-1", "vendor-2", "vendor-3"]
