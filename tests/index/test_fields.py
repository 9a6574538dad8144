"""The field table drives every stage: one new row is a new field, filterable and sortable."""

from __future__ import annotations

import json

import pytest

from indexer import build_index, fields, open_index
from indexer.fields import Field

DOCS = [
    {"id": "a", "title": "医保报销通知", "body": "医保报销", "issued": "2021-03-05"},
    {"id": "b", "title": "医保目录调整", "body": "医保目录", "issued": "2022-07-01"},
    {"id": "c", "title": "医保卡办理", "body": "医保卡", "issued": "2021-06-30"},
    {"id": "d", "title": "医保政策解读", "body": "医保政策"},
]


@pytest.fixture
def issued_field():
    """A date field added through the table alone, removed again afterwards."""
    field = Field("issued", "date", "印发日期", filterable=True, sortable=True, in_hits=True)
    fields.FIELD_LIST.append(field)
    fields.FIELDS[field.name] = field
    yield field
    fields.FIELD_LIST.remove(field)
    del fields.FIELDS[field.name]


def test_a_date_field_added_to_the_table_filters_and_sorts(tmp_path, issued_field):
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in DOCS), encoding="utf-8")
    build_index([corpus], tmp_path / "ix")
    engine = open_index(tmp_path / "ix")
    assert engine.document("a")["issued"] == "2021-03-05" and engine.document("d")["issued"] is None
    in_2021 = engine.search("医保 issued:2021")
    assert {hit.id for hit in in_2021.hits} == {"a", "c"}
    first_half = engine.search("医保 issued:2021-01..2021-06")
    assert {hit.id for hit in first_half.hits} == {"a", "c"}
    assert {hit.id for hit in engine.search("医保", filters={"issued": ["2022"]}).hits} == {"b"}
    newest = engine.search("医保", sort="-issued")
    assert [hit.id for hit in newest.hits][:3] == ["b", "c", "a"]
    assert newest.hits[0].fields["issued"] == "2022-07-01"
    oldest = engine.search("医保", sort="issued")
    assert [hit.id for hit in oldest.hits if hit.fields["issued"]] == ["a", "c", "b"]


def test_a_malformed_filter_value_is_searched_as_text(engine):
    result = engine.search("rank:abc")
    assert result.total == 0 or all(hit.kind for hit in result.hits)
    assert engine.search("rank:1-3").total == 3


def test_a_page_and_a_record_store_one_wen_hao_alike(tmp_path):
    """The reader and the field table clean a 文号 by one rule: canonical, else as typed when
    it has a digit, else left out (无)."""
    site = tmp_path / "site"
    site.mkdir()
    typed = ["京政发(2021)12号", "京政函字 2021-12", "无"]
    records = []
    for n, number in enumerate(typed):
        (site / f"p{n}.html").write_text(
            f"<html><head><meta charset='utf-8'><title>医保通知{n}</title></head><body>"
            f"<p>文号：{number}</p><div id='zoom'><p>医保报销的通知正文{n}。</p></div></body></html>",
            encoding="utf-8")
        records.append({"id": f"r{n}", "title": f"医保通知{n}", "body": "医保", "doc_number": number})
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    build_index([site, corpus], tmp_path / "ix")
    engine = open_index(tmp_path / "ix")
    expected = ["京政发〔2021〕12号", "京政函字 2021-12", None]
    assert [engine.document(f"p{n}.html")["doc_number"] for n in range(3)] == expected
    assert [engine.document(f"r{n}")["doc_number"] for n in range(3)] == expected
    assert engine.document("p2.html").get("doctype") != "政策文件"  # 无 is not a 文号
