"""A web request reads one index generation from its first search to its end, even when a
swap comes in between; the next request reads the new one."""

from __future__ import annotations

import json
import shutil

from indexer import add_documents
from webui import create_app
from webui.engine import get_engine


def test_a_request_keeps_its_generation_across_a_swap(index_dir, tmp_path):
    index = tmp_path / "ix"
    shutil.copytree(index_dir, index, symlinks=True)
    app = create_app({"TESTING": True, "INDEX": str(index)})
    new = tmp_path / "new.jsonl"
    new.write_text(json.dumps({"id": "n", "title": "新", "body": "新"}) + "\n", encoding="utf-8")
    with app.test_request_context("/"):
        before = get_engine().doc_count()
        add_documents([new], index)
        assert get_engine().doc_count() == before and get_engine().document("n") is None
    with app.test_request_context("/"):
        assert get_engine().doc_count() == before + 1
    assert app.test_client().get("/api/documents/n").status_code == 200
