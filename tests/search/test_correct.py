"""Homophone correction: a Chinese term that finds nothing is answered as its known homophone."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from helpers import titles

from indexer import open_index
from indexer.index.sidecars import PINYIN_WORDS
from webui.cli import main


@pytest.mark.parametrize("query, suggestion, first", [
    ("华雨软件", "华宇软件", "华宇软件"),          # a title
    ("網速科技", "网宿科技", "网宿科技"),          # Traditional input, a title
    ("用有", "用友", "用友"),
    ("前云科技", "乾云科技", "乾云科技"),
    ("东华医卫", "东华医为", "东华医为"),
    ("区块连", "区块链", "区块链应用渐成风尚"),     # part of a section title
    ("健康马", "健康码", "“一网通享”格局初定"),    # a frequent word of the text, not a title
    ("政务服舞", "政务服务", "案例一 深圳市政府、平安智慧城：“深圳市统一政务服务APP”"),
    ("应急管礼", "应急管理", "安元科技"),        # a word of the user dictionary
    ("森州数码", "神州数码", "神州数码"),          # a near homophone: s = sh
    ("一码同行", "一码通行", "“一网通享”格局初定"),  # 同行 reads tong hang, 通行 tong xing
])
def test_homophone_typo_is_corrected(engine, query, suggestion, first):
    result = engine.search(query)
    assert result.suggestion == suggestion
    assert result.mode == "corrected"
    assert titles(result)[0] == first
    assert any(notice.code == "corrected" and suggestion in notice.text for notice in result.notices)


def test_exact_homophone_beats_near_homophone(engine):
    assert engine.search("神洲数码").suggestion == "神州数码"
    assert engine.search("华宇软建").suggestion == "华宇软件"


def test_corrected_results_mark_the_corrected_words(engine):
    assert engine.search("华雨软件").hits[0].title_html == "<mark>华宇软件</mark>"


def test_a_term_found_only_as_its_words_apart_is_weak(engine):
    # 只能 … 审批 occur apart in one section, but 只能审批 nowhere: the homophone 智能审批 is meant
    result = engine.search("只能审批")
    assert result.suggestion == "智能审批" and titles(result) == ["“一网通享”格局初定"]


@pytest.mark.parametrize("query, suggestion", [
    ("智慧成市建设", "智慧城市建设"),  # 成市 is no word: its characters are corrected together
    ("神州数马智慧城市", "神州数码智慧城市"),  # no title or word sounds like the whole term
])
def test_a_typo_inside_a_longer_term_is_corrected_word_by_word(engine, query, suggestion):
    result = engine.search(query)
    assert result.suggestion == suggestion and result.mode == "corrected"


@pytest.mark.parametrize("query, suggestion, first", [
    ("jiankangma", "健康码", "“一网通享”格局初定"),  # a word of the text that no title holds
    ("yidong zhengwu", "移动政务", "案例一 深圳市政府、平安智慧城：“深圳市统一政务服务APP”"),
])
def test_pinyin_that_no_title_matches_is_spelled_in_indexed_words(engine, query, suggestion, first):
    result = engine.search(query)
    assert (result.suggestion, result.mode, titles(result)[0]) == (suggestion, "corrected", first)


def test_only_the_term_that_finds_nothing_is_corrected(engine):
    result = engine.search("政务 云计蒜")
    assert result.suggestion == "政务 云计算" and result.mode == "corrected"
    assert titles(result)[0] == "万达信息"


def test_correction_with_a_partial_answer_says_so(engine):
    result = engine.search("华雨软件 政务")
    assert result.suggestion == "华宇软件 政务"
    assert titles(result)[0] == "华宇软件"
    assert len(result.notices) == 2  # the correction, and that not every term matched


@pytest.mark.parametrize("query", ["华宇软件", "华宇", "秒批", "政务", "智慧 医疗", "雨旸", "中关村",
                                   "华为", "oa", "wangsu"])
def test_correction_never_fires_on_a_query_with_good_results(engine, query):
    result = engine.search(query)
    assert result.total > 0 and result.suggestion is None and result.mode != "corrected"


def test_no_suggestion_without_a_homophone(engine):
    result = engine.search("量子纠缠")
    assert result.total == 0 and result.suggestion is None and result.mode == "all"


def test_cli_shows_the_correction(index_dir):
    runner = CliRunner()
    result = runner.invoke(main, ["search", "华雨软件", "--index", str(index_dir)])
    assert result.exit_code == 0
    assert "以下是“华宇软件”的结果" in result.output and "1. [vendor#10] 华宇软件" in result.output
    data = json.loads(runner.invoke(main, ["search", "华雨软件", "--json", "--index", str(index_dir)]).output)
    assert data["suggestion"] == "华宇软件" and data["mode"] == "corrected"


def test_the_words_are_read_when_a_correction_first_needs_them(index_dir, tmp_path):
    copy = tmp_path / "ix"
    shutil.copytree(index_dir, copy, symlinks=True)
    engine = open_index(copy)
    words = engine.view().generation.words
    assert engine.search("华宇软件").suggestion is None and "_tables" not in vars(words)  # found as typed
    assert engine.search("华宇软建").suggestion == "华宇软件" and "_tables" in vars(words)


def test_words_gone_with_their_generation_give_no_error(index_dir, tmp_path):
    # the words' file removed after the generation opened (replaced and cleaned up): the
    # correction has no words to offer, and its search of titles' pinyin still corrects
    copy = tmp_path / "ix"
    shutil.copytree(index_dir, copy, symlinks=True)
    engine = open_index(copy)
    words = engine.view().generation.words
    (engine.view().generation.path / PINYIN_WORDS).unlink()
    result = engine.search("华宇软建")
    assert (words.exact, words.fuzzy) == ({}, {})
    assert result.suggestion == "华宇软件" and result.mode == "corrected"
