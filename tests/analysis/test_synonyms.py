"""Synonyms: groups from corpus/synonyms.txt widen a query, below the words as typed."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from helpers import titles

from indexer import BuildError, build_index, config, open_index
from indexer.analysis.synonyms import SynonymError, Synonyms
from webui.cli import main


def test_shipped_file_parses_into_precise_groups():
    synonyms = Synonyms.load(config.synonyms_path())
    assert "军队" in synonyms.expansions("部队")
    assert "智能城市" in synonyms.expansions("智慧城市")
    assert synonyms.expansions("智慧") == []  # only the whole phrase, never 智慧 = 智能
    assert "公安" in synonyms.expansions("警务")
    assert synonyms.expansions("ＡＩ") == ["人工智能"]


def test_a_one_member_group_is_an_error_naming_the_line():
    with pytest.raises(SynonymError, match="<synonyms>:2: a group needs at least two members"):
        Synonyms.parse(["部队 军队", "孤单"])


def test_literal_match_ranks_above_synonym_match(engine):
    assert titles(engine.search("军队"))[:2] == ["和信创天", "立人科技"]
    assert titles(engine.search("部队"))[:2] == ["立人科技", "和信创天"]


@pytest.mark.parametrize("query, expected", [
    ("警务", {"明亚科技", "立人科技"}),
    ("智能城市", {"平安智慧城市", "天夏智慧", "联科集团", "延华智能"}),
    ("人工智能", {"海云数据"}),
    ("办公自动化", {"紫藤科技", "致远互联"}),
])
def test_synonym_finds_documents_without_the_word(engine, query, expected):
    assert expected <= set(titles(engine.search(query))[:len(expected)])


def test_synonym_match_is_highlighted(engine):
    hit = next(h for h in engine.search("警务").hits if h.title == "明亚科技")
    assert "<mark>公安</mark>" in hit.snippet
    hit = engine.search("人工智能").hits[0]
    assert "<mark>AI</mark>" in hit.snippet


def test_a_whole_phrase_group_does_not_widen_its_parts(engine):
    assert "亚安科技" not in titles(engine.search("智慧", per_page=100))  # 智能安防 only


def test_rebuild_picks_up_an_edited_file(tmp_path, monkeypatch):
    synonyms = tmp_path / "synonyms.txt"
    synonyms.write_text("# test\n量子 华宇\n", encoding="utf-8")
    monkeypatch.setenv("EGOV_SYNONYMS", str(synonyms))
    build_index(index_dir=tmp_path / "ix")
    engine = open_index(tmp_path / "ix")
    assert titles(engine.search("量子")) == ["华宇软件"]
    synonyms.write_text("量子 东软\n", encoding="utf-8")
    build_index(index_dir=tmp_path / "ix")
    assert titles(engine.search("量子")) == ["东软集团"]  # the same engine follows the new index


def test_a_bad_synonym_file_stops_the_build(tmp_path, monkeypatch):
    synonyms = tmp_path / "synonyms.txt"
    synonyms.write_text("部队 军队\n孤单\n", encoding="utf-8")
    monkeypatch.setenv("EGOV_SYNONYMS", str(synonyms))
    with pytest.raises(BuildError, match="synonyms.txt:2"):
        build_index(index_dir=tmp_path / "ix")
    result = CliRunner().invoke(main, ["build", "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1 and "synonyms.txt:2" in result.output
    assert not (tmp_path / "ix" / "current").exists()


def test_cli_search_by_synonym(index_dir):
    result = CliRunner().invoke(main, ["search", "警务", "--index", str(index_dir)])
    assert result.exit_code == 0 and "明亚科技" in result.output


def test_engine_needles_for_a_document_page(engine):
    assert {"警务", "公安"} <= set(engine.marks("警务"))
    assert "网宿" in engine.marks("wangsu", title="网宿科技")
    assert engine.marks("wangsu") == engine.marks("wangsu", title="东软集团")  # spells nothing there
