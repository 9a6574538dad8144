"""Declared charsets: only the encodings of Chinese sites are honoured, and mojibake is never read."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.readers import Skipped, read_folder

SIMPLIFIED = ("关于进一步做好城乡居民基本医疗保险工作的通知。各区人民政府、市政府各部门："
              "为贯彻落实国家医保局的部署，现就有关事项通知如下。")
TRADITIONAL = ("關於進一步做好城鄉居民基本醫療保險工作的通知。各區人民政府、市政府各部門："
               "為貫徹落實國家醫保局的部署，現就有關事項通知如下。")


def page(charset: str, body: str, title: str = "通知") -> str:
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f"<title>{title}</title></head><body><div id='zoom'>{body}</div></body></html>")


def read(folder: Path) -> tuple[dict, Skipped]:
    skipped = Skipped(log=False)
    return {doc.id: doc for doc in read_folder(folder, skipped=skipped)}, skipped


def test_utf16_declared_without_a_bom_is_read_as_utf8(tmp_path):
    text = "Notice on the basic medical insurance of residents, effective from March 2021."
    (tmp_path / "a.html").write_text(page("utf-16", f"<p>{text}</p>", "Notice"), encoding="ascii")
    bom = b"\xff\xfe" + page("utf-16", f"<p>{SIMPLIFIED}</p>").encode("utf-16-le")
    (tmp_path / "b.html").write_bytes(bom)
    docs, skipped = read(tmp_path)
    assert docs["a.html"].body == text and docs["a.html"].fields["encoding"] == "utf-8"
    assert docs["b.html"].body == SIMPLIFIED and docs["b.html"].fields["encoding"] == "utf-16-le"
    assert not skipped.files


@pytest.mark.parametrize("charset, raw", [
    ("utf-7", "+ADw-script+AD4-alert(1)+ADw-/script+AD4-"),
    ("unicode_escape", "\\u5c45\\u4f4f\\u8bc1"),
    ("rot13", "Abgvpr ba gur zrqvpny vafhenapr"),
])
def test_other_declared_codecs_are_ignored(tmp_path, charset, raw):
    (tmp_path / "a.html").write_text(page(charset, f"<p>{raw} {SIMPLIFIED}</p>"), encoding="utf-8")
    (tmp_path / "b.html").write_text(page(charset, f"<p>{raw}</p>", "Notice"), encoding="ascii")
    docs, _ = read(tmp_path)
    assert docs["a.html"].body == f"{raw} {SIMPLIFIED}"
    assert docs["b.html"].body == raw and docs["b.html"].fields["encoding"] == "utf-8"


def test_big5_and_gbk_pages_are_read_in_their_encoding(tmp_path):
    (tmp_path / "big5.html").write_bytes(page("big5", f"<p>{TRADITIONAL}</p>").encode("big5"))
    (tmp_path / "gbk.html").write_bytes(page("gbk", f"<p>{SIMPLIFIED}</p>").encode("gbk"))
    (tmp_path / "big5-undeclared.html").write_bytes(
        f"<html><body><div id='zoom'><p>{TRADITIONAL * 3}</p></div></body></html>".encode("big5"))
    docs, skipped = read(tmp_path)
    assert docs["big5.html"].body == TRADITIONAL and docs["big5.html"].fields["encoding"] == "big5hkscs"
    assert docs["gbk.html"].body == SIMPLIFIED and docs["gbk.html"].fields["encoding"] == "gb18030"
    assert docs["big5-undeclared.html"].body == TRADITIONAL * 3
    assert not skipped.files


def test_a_gbk_page_with_a_big5_part_is_undecodable_not_mojibake(tmp_path):
    head, tail = page("gbk", f"<p>{SIMPLIFIED}</p>SPLIT<p>{SIMPLIFIED}</p>").split("SPLIT")
    (tmp_path / "mixed.html").write_bytes(head.encode("gbk") + f"<p>{TRADITIONAL}</p>".encode("big5")
                                          + tail.encode("gbk"))
    head, tail = page("big5", f"<p>{TRADITIONAL}</p>SPLIT").split("SPLIT")
    (tmp_path / "mixed-big5.html").write_bytes(head.encode("big5") + f"<p>{SIMPLIFIED}</p>".encode("gbk")
                                               + tail.encode("big5"))
    (tmp_path / "good.html").write_bytes(page("gbk", f"<p>{SIMPLIFIED}</p>").encode("gbk"))
    docs, skipped = read(tmp_path)
    assert list(docs) == ["good.html"]
    assert sorted(skipped.files) == [("mixed-big5.html", "undecodable"), ("mixed.html", "undecodable")]
