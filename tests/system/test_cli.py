"""The command line, through click's CliRunner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from webui.cli import main


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


BAD_CORPORA = [
    ("bad.jsonl", b'{"id": "ok", "title": "t", "body": "b"}\n{"id": "a"}\n',
     "bad.jsonl:2: missing or non-string field 'title'"),
    ("bad.jsonl", b'{"id": "ok", "title": "t", "body": "b"}\n{"id": "a", "title": \n',
     "bad.jsonl:2: malformed JSON"),
    ("bad.jsonl", b'{"id": "ok", "title": "t", "body": "b"}\n{"id": "\xff\xfe"}\n',
     "bad.jsonl:2: invalid UTF-8"),
    ("bad.txt", "2020电子政务提供商50强\nRK\n企业\n".encode() * 60,
     "bad.txt:2: expected the header RK/企业/备注"),
    ("bad.jsonl.gz", b"\x1f\x8b\x08\x00garbage", "bad.jsonl.gz:0: cannot read"),
]


@pytest.mark.parametrize("name, content, message", BAD_CORPORA,
                         ids=["missing field", "malformed JSON", "invalid UTF-8", "bad seed", "bad gzip"])
def test_build_with_bad_corpus_keeps_live_index(tmp_path, name, content, message):
    index = tmp_path / "ix"
    runner = CliRunner()
    runner.invoke(main, ["build", "--index", str(index)])
    live = (index / "current").resolve()
    before = _hit_ids(runner, index, "华宇 数据")
    bad = tmp_path / name
    bad.write_bytes(content)
    result = runner.invoke(main, ["build", "--corpus", str(bad), "--index", str(index)])
    assert result.exit_code == 1
    assert "build aborted, live index untouched" in result.output and message in result.output
    assert "Traceback" not in result.output
    assert (index / "current").resolve() == live
    assert sorted(p.name for p in index.glob("gen-*")) == [live.name]
    assert _hit_ids(runner, index, "华宇 数据") == before


def _hit_ids(runner: CliRunner, index, query: str) -> list[str]:
    """The ids the CLI finds for ``query``."""
    output = runner.invoke(main, ["search", query, "--json", "--index", str(index)]).output
    return [hit["id"] for hit in json.loads(output)["hits"]]


def test_serve_with_a_bad_limit_names_the_variable(index_dir):
    result = CliRunner().invoke(main, ["serve", "--index", str(index_dir)], env={"EGOV_IDLE_TIMEOUT": "30s"})
    assert result.exit_code == 1
    assert "EGOV_IDLE_TIMEOUT must be a whole number, not '30s'" in result.output
    assert "Traceback" not in result.output
