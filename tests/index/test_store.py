"""The index folder: atomic swaps that open searchers survive."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index
from whoosh.fields import ID, Schema

from indexer import IndexMissingError, build_index, open_index
from indexer.index import store
from webui.cli import main


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


def test_index_from_an_older_schema_asks_for_a_rebuild(tmp_path):

    from indexer import open_index

    generation = store.new_generation(tmp_path)
    whoosh_index.create_in(str(generation), Schema(id=ID(stored=True))).writer().commit()
    store.publish(tmp_path, generation)
    with pytest.raises(IndexMissingError, match="older egov-search .*rebuild it with `egov-search build"):
        open_index(tmp_path)
    result = CliRunner().invoke(main, ["search", "华宇", "--index", str(tmp_path)])
    assert result.exit_code == 1 and "older egov-search" in result.output


def test_concurrent_builds_in_one_process_take_turns(tmp_path):
    index = tmp_path / "ix"
    with ThreadPoolExecutor(3) as pool:
        summaries = list(pool.map(lambda _: build_index(index_dir=index), range(3)))
    assert all(sum(s.documents.values()) == 57 for s in summaries)
    assert open_index(index).doc_count() == 57
    assert len(list(index.glob("gen-*"))) == 2
