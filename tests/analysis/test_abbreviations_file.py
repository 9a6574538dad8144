"""corpus/abbreviations.txt: the 简称 list parses, and its entries keep the file's rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ABBREVIATIONS_PATH = Path(__file__).resolve().parents[2] / "corpus" / "abbreviations.txt"
SEPARATORS = re.compile(r"[\s,，、]+")

# 34 provincial-level divisions: one standard one-character abbreviation each
PROVINCES = {
    "京": "北京", "津": "天津", "沪": "上海", "渝": "重庆", "冀": "河北", "晋": "山西",
    "蒙": "内蒙古", "辽": "辽宁", "吉": "吉林", "黑": "黑龙江", "苏": "江苏", "浙": "浙江",
    "皖": "安徽", "闽": "福建", "赣": "江西", "鲁": "山东", "豫": "河南", "鄂": "湖北",
    "湘": "湖南", "粤": "广东", "桂": "广西", "琼": "海南", "川": "四川", "黔": "贵州",
    "滇": "云南", "藏": "西藏", "陕": "陕西", "甘": "甘肃", "青": "青海", "宁": "宁夏",
    "新": "新疆", "港": "香港", "澳": "澳门", "台": "台湾",
}


def parse(lines):
    """(line number, abbreviation, full forms) for every entry line."""
    entries = []
    for number, line in enumerate(lines, 1):
        words = [w for w in SEPARATORS.split(line.split("#", 1)[0]) if w]
        if words:
            entries.append((number, words[0], words[1:]))
    return entries


@pytest.fixture(scope="module")
def entries():
    return parse(ABBREVIATIONS_PATH.read_text(encoding="utf-8").splitlines())


@pytest.fixture(scope="module")
def table(entries):
    return {abbreviation: forms for _, abbreviation, forms in entries}


def test_parse_reads_the_format():
    lines = [
        "# heading",
        "",
        "放管服 简政放权放管结合优化服务  # comment",
        "社保 社会保险，社会保障、社保体系,x",
    ]
    assert parse(lines) == [
        (3, "放管服", ["简政放权放管结合优化服务"]),
        (4, "社保", ["社会保险", "社会保障", "社保体系", "x"]),
    ]


def test_at_least_300_entries(entries):
    assert len(entries) >= 300


def test_no_abbreviation_twice(entries):
    seen = {}
    twice = []
    for number, abbreviation, _ in entries:
        if abbreviation in seen:
            twice.append(f"{abbreviation}: lines {seen[abbreviation]} and {number}")
        seen.setdefault(abbreviation, number)
    assert twice == []


def test_every_entry_has_a_full_form(entries):
    assert [(n, a) for n, a, forms in entries if not forms] == []


def test_no_full_form_is_its_abbreviation_or_repeated(entries):
    assert [(n, a) for n, a, forms in entries if a in forms] == []
    assert [(n, a) for n, a, forms in entries if len(set(forms)) != len(forms)] == []


def test_abbreviations_are_shorter_than_their_full_forms(entries):
    too_long = [
        (n, a, f) for n, a, forms in entries if len(a) >= 2 for f in forms if len(f) <= len(a)
    ]
    assert too_long == []


def test_one_character_abbreviations_are_provinces_only(entries):
    extra_province_names = {"蜀": "四川", "陇": "甘肃"}  # 四川 and 甘肃 have two each
    allowed = PROVINCES | extra_province_names
    singles = {a: forms for _, a, forms in entries if len(a) == 1}
    assert set(singles) <= set(allowed)
    for abbreviation, forms in singles.items():
        assert allowed[abbreviation] in forms, abbreviation


def test_all_34_provinces_are_present(table):
    assert len(PROVINCES) == 34
    missing = [a for a, name in PROVINCES.items() if name not in table.get(a, [])]
    assert missing == []


@pytest.mark.parametrize("abbreviation, full_form", [
    ("医保", "医疗保障"),
    ("社保", "社会保险"),
    ("公积金", "住房公积金"),
    ("发改委", "发展和改革委员会"),
    ("卫健委", "卫生健康委员会"),
    ("高新区", "高新技术产业开发区"),
    ("人社", "人力资源和社会保障"),
    ("央企", "中央企业"),
])
def test_key_entries(table, abbreviation, full_form):
    assert full_form in table.get(abbreviation, [])
