"""The command line, through click's CliRunner."""

from __future__ import annotations

import json

from click.testing import CliRunner

from indexer.cli import main


def test_search_prints_a_ranked_table(index_dir):
    result = CliRunner().invoke(main, ["search", "工场", "--index", str(index_dir)])
    assert result.exit_code == 0
    assert "1. [vendor#2] 数梦工场" in result.output


def test_search_json(index_dir):
    result = CliRunner().invoke(main, ["search", "華宇", "--json", "--index", str(index_dir)])
    assert json.loads(result.output)["hits"][0]["id"] == "vendor-10"


def test_search_without_index_names_the_fix(tmp_path):
    result = CliRunner().invoke(main, ["search", "华宇", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "egov-search build" in result.output and "Traceback" not in result.output


def test_build_prints_summary_and_swaps(tmp_path):
    index = tmp_path / "ix"
    runner = CliRunner()
    first = runner.invoke(main, ["build", "--index", str(index)])
    assert first.exit_code == 0, first.output
    assert "indexed 57 documents (section 7, vendor 50)" in first.output
    live = (index / "current").resolve()
    second = runner.invoke(main, ["build", "--index", str(index)])
    assert second.exit_code == 0 and (index / "current").resolve() != live


def test_build_with_bad_corpus_keeps_live_index(tmp_path, index_dir):
    index = tmp_path / "ix"
    runner = CliRunner()
    runner.invoke(main, ["build", "--index", str(index)])
    live = (index / "current").resolve()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a"}\n', encoding="utf-8")
    result = runner.invoke(main, ["build", "--corpus", str(bad), "--index", str(index)])
    assert result.exit_code == 1
    assert "bad.jsonl:1: missing or non-string field 'title'" in result.output
    assert (index / "current").resolve() == live
    assert sorted(p.name for p in index.glob("gen-*")) == [live.name]
