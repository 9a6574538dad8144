"""An open engine across swaps: what a search returned stays readable after the next search
moves the thread to a new generation, and a pinned thread (a web request) reads one
generation until it is unpinned."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from whoosh import query as wq

from indexer import add_documents, open_index


def _new_document(folder: Path) -> Path:
    """A corpus of one new document, id ``n``."""
    path = folder / "new.jsonl"
    path.write_text(json.dumps({"id": "n", "title": "新", "body": "新"}) + "\n", encoding="utf-8")
    return path


def test_results_outlive_a_swap(index_dir, tmp_path):
    index = tmp_path / "ix"
    shutil.copytree(index_dir, index, symlinks=True)
    engine = open_index(index)
    hits = engine.searcher().search(wq.Term("kind", "vendor"), limit=3)
    add_documents([_new_document(tmp_path)], index)
    assert engine.document("n") is not None  # this thread is on the new generation now
    assert [hit["id"] for hit in hits] == ["vendor-1", "vendor-2", "vendor-3"]


def test_a_pinned_thread_stays_on_its_generation_until_unpinned(index_dir, tmp_path):
    index = tmp_path / "ix"
    shutil.copytree(index_dir, index, symlinks=True)
    engine = open_index(index)
    engine.pin()
    add_documents([_new_document(tmp_path)], index)
    assert engine.document("n") is None and engine.doc_count() == 57
    engine.unpin()
    assert engine.document("n") is not None and engine.doc_count() == 58
