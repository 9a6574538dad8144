"""Incremental updates: add, replace and delete, atomically, seen by an open engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import build_index, open_index
from indexer.index.store import current_generation
from webui.cli import main


def write_jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


@pytest.fixture
def live(tmp_path) -> Path:
    """A fresh seed index to change."""
    index = tmp_path / "ix"
    build_index(index_dir=index)
    return index


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_add_then_replace_then_delete_is_seen_by_an_open_engine(live, tmp_path):
    engine = open_index(live)
    assert engine.search("量子隧穿").total == 0
    new = write_jsonl(tmp_path / "new.jsonl",
                      {"id": "news-1", "title": "量子隧穿新闻", "body": "华宇发布量子隧穿芯片"})
    result = run("add", str(new), "--index", str(live))
    assert result.exit_code == 0, result.output
    assert "added 1, replaced 0, deleted 0 documents; 58 in the index" in result.output
    assert [hit.id for hit in engine.search("量子隧穿").hits] == ["news-1"]

    changed = write_jsonl(tmp_path / "changed.jsonl",
                          {"id": "news-1", "title": "芯片新闻", "body": "华宇发布光子芯片"},
                          {"id": "vendor-10", "kind": "vendor", "title": "华宇软件",
                           "body": "法律科技", "rank": 10})
    result = run("add", str(changed), "--index", str(live))
    assert "added 0, replaced 2, deleted 0 documents; 58 in the index" in result.output
    assert engine.search("量子隧穿").total == 0
    assert engine.document("news-1")["title"] == "芯片新闻"
    assert engine.document("vendor-10")["body"] == "法律科技"
    assert engine.search("华宇").total == 2  # the old vendor-10 text is gone, not duplicated

    result = run("delete", "news-1", "vendor-1", "--index", str(live))
    assert result.exit_code == 0, result.output
    assert "deleted 2 documents; 56 in the index" in result.output
    assert engine.document("news-1") is None and engine.document("vendor-1") is None
    assert engine.doc_count() == 56


def test_added_entity_joins_the_dictionary(live, tmp_path):
    vendor = write_jsonl(tmp_path / "v.jsonl", {"id": "vendor-x", "kind": "vendor",
                                                "title": "星图数联", "body": "星图数联的数据平台"})
    assert run("add", str(vendor), "--index", str(live)).exit_code == 0
    words = (current_generation(live) / "dictionary.txt").read_text(encoding="utf-8").split()
    assert "星图数联" in words and "华宇软件" in words
    assert open_index(live).search("星图数联").hits[0].id == "vendor-x"


def test_unknown_id_deletes_nothing(live):
    before = current_generation(live)
    result = run("delete", "vendor-1", "no-such-doc", "--index", str(live))
    assert result.exit_code == 1
    assert "no document with id 'no-such-doc'" in result.output and "Traceback" not in result.output
    assert current_generation(live) == before
    assert open_index(live).doc_count() == 57
    assert sorted(p.name for p in live.glob("gen-*")) == [before.name]


def test_bad_add_file_leaves_the_live_index_untouched(live, tmp_path):
    before = current_generation(live)
    files = {p.name: p.read_bytes() for p in before.iterdir()}
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "title": "t", "body": "b"}\n{"id": "a", "title": "t", "body": "c"}\n',
                   encoding="utf-8")
    result = run("add", str(bad), "--index", str(live))
    assert result.exit_code == 1 and "duplicate document id 'a'" in result.output
    assert current_generation(live) == before
    assert {p.name: p.read_bytes() for p in before.iterdir()} == files


def test_update_leaves_the_previous_generation_as_it_was(live, tmp_path):
    before = current_generation(live)
    files = {p.name: p.read_bytes() for p in before.iterdir()}
    new = write_jsonl(tmp_path / "new.jsonl",
                      {"id": "x", "kind": "vendor", "title": "新厂商甲", "body": "正文"})
    assert run("add", str(new), "--index", str(live)).exit_code == 0
    assert current_generation(live) != before
    assert {p.name: p.read_bytes() for p in before.iterdir()} == files
    assert open_index(before.parent).doc_count() == 58


def test_update_without_index_names_the_fix(tmp_path):
    result = run("delete", "x", "--index", str(tmp_path / "none"))
    assert result.exit_code == 1 and "egov-search build" in result.output


def test_added_words_become_correction_candidates(live, tmp_path):
    engine = open_index(live)
    assert engine.search("亮子").suggestion is None  # 量子 (liang zi) is nowhere yet
    news = write_jsonl(tmp_path / "n.jsonl", {"id": "news-q", "title": "科技新闻",
                                              "body": "量子通信试点启动。量子计算也在推进。"})
    assert run("add", str(news), "--index", str(live)).exit_code == 0
    words = (current_generation(live) / "pinyin-words.tsv").read_text(encoding="utf-8")
    assert "\t量子\t" in words
    result = engine.search("亮子")
    assert result.suggestion == "量子" and result.hits[0].id == "news-q"


def test_added_vendor_segments_whole_in_every_process(live, tmp_path):
    vendor = write_jsonl(tmp_path / "v.jsonl", {"id": "vendor-y", "kind": "vendor",
                                                "title": "云栖智汇", "body": "云栖智汇平台"})
    assert run("add", str(vendor), "--index", str(live)).exit_code == 0
    words = open_index(live).searcher().schema["title"].analyzer
    assert [t.text for t in words("云栖智汇", mode="query")] == ["云栖智汇"]
