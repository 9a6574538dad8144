"""Pinyin: full spellings, initials and prefixes of either find titles, below text matches."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from click.testing import CliRunner
from helpers import titles

from indexer import build_index, open_index
from indexer.analysis.pinyin import LATIN_QUERY, pinyin_key, syllables, title_pinyin
from webui.cli import main


def test_heteronyms_read_in_context():
    assert syllables("银行") == ["yin", "hang"]
    assert syllables("重庆") == ["chong", "qing"]
    assert syllables("華宇軟件") == ["hua", "yu", "ruan", "jian"]


def test_title_tokens_mark_the_start_and_every_syllable_suffix():
    assert title_pinyin("网宿科技")[0].split()[:5] == ["^wangsukeji", "wangsukeji", "sukeji", "keji", "ji"]
    assert title_pinyin("青云QingCloud")[1].split()[0] == "^qyq"
    assert title_pinyin("") == ("", "")


@pytest.mark.parametrize("query, key", [
    ("wangsu", "wangsu"), ("Hua Yu", "huayu"), ("xi'an", "xian"), ("ｈｙｒｊ", "hyrj"),
    ("wang3 su4", "wangsu"), ("w", None), ("华宇", None), ("ncs4450", None), ("a-b", None),
    ("wang9", None), ("1a", None),
])
def test_pinyin_key_accepts_only_latin_letters(query, key):
    assert pinyin_key(query) == key


@pytest.mark.parametrize("query, first", [
    ("wangsu", "网宿科技"),
    ("yuanguang", "远光软件"),
    ("huayuruanjian", "华宇软件"),
    ("hyrj", "华宇软件"),
    ("HYRJ", "华宇软件"),
    ("hua yu ruan", "华宇软件"),
    ("yuangu", "远光软件"),
    ("smgc", "数梦工场"),
    ("qukuailian", "区块链应用渐成风尚"),
    ("jieyu", "结语"),
    ("qianyun", "乾云科技"),  # read before Traditional→Simplified, which would make it 干云
])
def test_pinyin_finds_titles(engine, query, first):
    result = engine.search(query)
    assert titles(result)[0] == first
    assert result.mode == "all" and result.suggestion is None


def test_title_start_ranks_above_a_match_inside_a_title(engine):
    found = titles(engine.search("zk"))
    assert set(found[:2]) == {"中科曙光", "中科软"} and "初志科技" in found[2:]
    yongyou = titles(engine.search("yongyou"))
    assert yongyou[0] == "用友" and yongyou[1].startswith("案例二")


@pytest.mark.parametrize("query, first", [
    ("oa", "紫藤科技"), ("paas", "软通动力"),
    ("ncs4450", "案例三 北京地坛医院、神州数码：“新冠病毒应急存储系统”"),
    ("app", "案例一 深圳市政府、平安智慧城：“深圳市统一政务服务APP”"),
])
def test_latin_words_in_the_text_still_match_as_text(engine, query, first):
    assert titles(engine.search(query))[0] == first


def test_pinyin_match_marks_the_characters_it_spells(engine):
    assert engine.search("hyrj").hits[0].title_html == "<mark>华宇软件</mark>"
    assert engine.search("wangsu").hits[0].title_html == "<mark>网宿</mark>科技"
    inside = next(hit for hit in engine.search("zk").hits if hit.title == "初志科技")
    assert inside.title_html == "初<mark>志科</mark>技"


def test_suggest_completes_titles_by_pinyin_prefix(engine):
    assert engine.suggest("wangs") == ["网宿科技"]
    assert set(engine.suggest("hy")[:3]) == {"华宇软件", "华云数据", "海云数据"}
    assert engine.suggest("yuanguang")[0] == "远光软件"


@pytest.fixture(scope="module")
def small_engine(tmp_path_factory):
    """An index where one title's pinyin is also a Latin word in another document."""
    folder = tmp_path_factory.mktemp("pinyin")
    docs = [{"id": "love", "title": "爱心平台", "body": "公益服务"},
            {"id": "ai", "title": "智能助手", "body": "基于 AI 的服务"},
            {"id": "bank", "title": "重庆银行", "body": "金融服务"}]
    corpus = folder / "docs.jsonl"
    corpus.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs), encoding="utf-8")
    build_index([corpus], folder / "index")
    return open_index(folder / "index")


def test_text_match_ranks_above_pinyin_match(small_engine):
    assert [hit.id for hit in small_engine.search("ai").hits] == ["ai", "love"]


@pytest.mark.parametrize("query, found", [
    ("chongqing", True), ("yinhang", True), ("cqyh", True), ("zhongqing", False), ("yinxing", False),
])
def test_heteronyms_are_searched_as_read(small_engine, query, found):
    assert ([hit.id for hit in small_engine.search(query).hits] == ["bank"]) is found


def test_cli_search_by_pinyin(index_dir):
    result = CliRunner().invoke(main, ["search", "wangsu", "--index", str(index_dir)])
    assert result.exit_code == 0
    assert "1. [vendor#11] 网宿科技" in result.output


def test_variant_characters_are_read_as_their_standard_form():
    assert syllables("城巿") == ["cheng", "shi"]  # 巿 (fú) is a common misprint of 市


def test_latin_query_pattern_accepts_what_the_nested_one_did():
    nested = re.compile(r"(?:[a-z]+[1-5]?[' ]*)+")  # the pattern before: exponential on a failing match
    for size in range(1, 7):
        for text in map("".join, itertools.product("ab3 '.", repeat=size)):
            assert bool(LATIN_QUERY.fullmatch(text)) == bool(nested.fullmatch(text)), text


def test_a_long_latin_query_that_is_not_pinyin_is_refused_at_once():
    # 24 letters and a full stop took the nested pattern 0.8 s, and each two more letters 4x that
    assert pinyin_key("zhongguo" * 32 + ".") is None
    assert pinyin_key("zhong1 guo2 " * 20) == "zhongguo" * 20
