"""A byte order mark at the start of a text file is not text: it never hides a first heading
or breaks a first JSON line."""

from __future__ import annotations

from indexer import load_documents


def test_bom_does_not_hide_the_first_markdown_heading(tmp_path):
    path = tmp_path / "notice.md"
    path.write_bytes("\ufeff# 关于开展检查的通知\n正文第一段\n# 附件\n名单\n".encode())
    docs = list(load_documents([path]))
    assert [(d.title, d.body) for d in docs] == [("关于开展检查的通知", "正文第一段"), ("附件", "名单")]


def test_bom_before_a_file_without_headings_is_not_in_its_body(tmp_path):
    path = tmp_path / "plain.txt"
    path.write_bytes("\ufeff第一行\n第二行\n".encode())
    (doc,) = load_documents([tmp_path])
    assert doc.body == "第一行\n第二行"


def test_bom_before_json_lines(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_bytes(("\ufeff" + '{"id": "ok", "title": "t", "body": "b"}' + "\n").encode())
    assert [d.id for d in load_documents([path])] == ["ok"]
