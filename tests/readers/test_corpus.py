"""The corpus readers: the seed's shape, JSON Lines, Markdown folders, and bad input."""

from __future__ import annotations

import gzip
import json

import pytest

from indexer import CorpusError, config, load_documents

SEED_PATH = config.seed_path()


@pytest.fixture(scope="module")
def seed_docs():
    return list(load_documents([SEED_PATH]))


def test_fifty_vendors_in_rank_order(seed_docs):
    vendors = [d for d in seed_docs if d.kind == "vendor"]
    assert [d.rank for d in vendors] == list(range(1, 51))
    assert [d.id for d in vendors[:2]] == ["vendor-1", "vendor-2"]
    assert (vendors[0].title, vendors[-1].title) == ("中科曙光", "天好电子")
    assert vendors[9].body == "用新一代的法律科技推动新时代的法律服务"
    assert vendors[0].fields == {"list": "2020电子政务提供商50强", "source": "&eNet研究院"}


def test_seven_article_sections(seed_docs):
    sections = [d for d in seed_docs if d.kind == "section"]
    assert [d.title.split()[0] for d in sections] == [
        "导语", "案例一", "案例二", "案例三", "“一网通享”格局初定", "区块链应用渐成风尚", "结语"]
    assert sections[1].title == "案例一 深圳市政府、平安智慧城：“深圳市统一政务服务APP”"
    assert all(d.fields["article"] == "越纵深越务实" for d in sections)
    # the dated sub-heading stays inside its section
    assert "自2019年5月31日上线以来" in sections[4].body
    assert sections[0].body.startswith("近年来") and sections[0].body.endswith("窥其全貌。")


def test_seed_with_wrong_shape_names_the_line(tmp_path):
    lines = SEED_PATH.read_text(encoding="utf-8").splitlines()
    lines[3 + 3 * 4 + 1] = "X"  # the 5th vendor's rank
    bad = tmp_path / "bad.txt"
    bad.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad.txt:17: expected rank 5"):
        list(load_documents([bad]))


def test_jsonl_gz_records(tmp_path):
    path = tmp_path / "docs.jsonl.gz"
    records = [{"id": "a", "kind": "poem", "title": "静夜思", "body": "床前明月光", "source": "x"},
               {"id": "b", "title": "无题", "body": "正文", "rank": 3}]
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write("\n".join(json.dumps(r, ensure_ascii=False) for r in records))
    docs = list(load_documents([path]))
    assert [(d.id, d.kind, d.rank) for d in docs] == [("a", "poem", None), ("b", "document", 3)]
    assert docs[0].fields == {"source": "x"}


@pytest.mark.parametrize("line, reason", [
    ('{"id": "a", "title": "t"', "malformed JSON"),
    ('{"id": "a", "title": "t"}', "missing or non-string field 'body'"),
    ('["a"]', "expected a JSON object"),
    ('{"id": "a", "title": "t", "body": "b", "rank": "x"}', "'rank' must be an integer"),
])
def test_bad_jsonl_record_names_file_and_line(tmp_path, line, reason):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok", "title": "t", "body": "b"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        list(load_documents([path]))
    assert str(err.value).startswith(f"{path}:2: {reason}")


def test_invalid_utf8_names_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"id": "a", "title": "t", "body": "b"}\n{"id": "\xff"}\n')
    with pytest.raises(CorpusError, match=r"bad.jsonl:2: invalid UTF-8"):
        list(load_documents([path]))


def test_markdown_folder(tmp_path):
    (tmp_path / "a.md").write_text("# 第一节\n正文一\n## 第二节\n正文二\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("没有标题的文本\n", encoding="utf-8")
    docs = list(load_documents([tmp_path]))
    assert [(d.id, d.title, d.body) for d in docs] == [
        ("a.md#1", "第一节", "正文一"), ("a.md#2", "第二节", "正文二"),
        ("sub/b.txt", "b", "没有标题的文本")]
