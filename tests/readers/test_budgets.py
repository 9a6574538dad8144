"""Every file read within a budget: hostile PDF, DOCX and pages are read in bounded time and
memory, or skipped with the true reason, and the good files beside them are read."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from hostile_files import (
    TEXT,
    big_page,
    deep_page,
    heavy_pdf,
    page,
    paragraph_bomb,
    understate,
    zip_bomb,
)

from indexer.config import ReadLimits
from indexer.readers import Skipped, read_folder
from indexer.readers.sandbox import Sandbox
from indexer.readers.site import parse_page

FIXTURES = Path(__file__).parent / "fixtures"


def read(folder: Path, **limits) -> tuple[dict, Skipped]:
    """The documents of ``folder`` read with these limits, and what was skipped or cut."""
    skipped = Skipped(log=False)
    (folder / "good.html").write_text(page("正常页面", f"<p>{TEXT}</p>"), encoding="utf-8")
    docs = {doc.id: doc for doc in read_folder(folder, skipped=skipped, limits=ReadLimits(**limits))}
    assert docs["good.html"].body == TEXT
    return docs, skipped


def test_pdf_pages_that_share_one_content_stream_are_read_once(tmp_path):
    (tmp_path / "shared.pdf").write_bytes(heavy_pdf(2000, 256 << 10, "Notice 2021-88 shared template"))
    docs, skipped = read(tmp_path)
    doc = docs["shared.pdf"]
    assert doc.body.count("Notice 2021-88 shared template") == 1
    assert doc.fields["pages"] == "2000" and not skipped.files


def test_a_file_past_its_time_budget_is_killed_and_skipped_as_too_slow(tmp_path):
    (tmp_path / "slow.pdf").write_bytes(heavy_pdf(60, 256 << 10, "Unshared page", shared=False))
    shutil.copy(FIXTURES / "notice.pdf", tmp_path / "notice.pdf")
    docs, skipped = read(tmp_path, read_seconds=1)
    assert skipped.files == [("slow.pdf", "too slow")]
    assert "京政发〔2021〕12号" in docs["notice.pdf"].body


def test_a_docx_of_two_million_paragraphs_is_read_as_a_stream_up_to_the_text_limit(tmp_path):
    paragraph_bomb(tmp_path / "bomb.docx", 2_000_000)
    docs, skipped = read(tmp_path, read_chars=20_000, read_megabytes=256)
    assert docs["bomb.docx"].body == "字\n" * 10_000
    assert skipped.cut == [("bomb.docx", "text cut at 20,000 characters")] and not skipped.files


def test_a_docx_zip_bomb_is_too_large_and_one_that_understates_its_size_is_corrupt(tmp_path):
    zip_bomb(tmp_path / "bomb.docx", 300)
    shutil.copy(tmp_path / "bomb.docx", tmp_path / "liar.docx")
    understate(tmp_path / "liar.docx", "word/document.xml", 1000)
    _, skipped = read(tmp_path, read_megabytes=256)
    assert sorted(skipped.files) == [("bomb.docx", "too large"), ("liar.docx", "corrupt")]


@pytest.mark.slow
def test_a_50_mb_page_is_read_within_the_memory_budget_or_skipped(tmp_path):
    (tmp_path / "big.html").write_bytes(big_page(50))
    docs, skipped = read(tmp_path, read_chars=1_000_000)
    if "big.html" in docs:
        assert len(docs["big.html"].body) <= 1_000_000
        assert skipped.cut == [("big.html", "text cut at 1,000,000 characters")]
    else:  # the machine was too slow or too short of memory for the defaults: the true reason
        assert skipped.files[0][1] in ("too large", "too slow")
    _, skipped = read(tmp_path, read_megabytes=128)
    assert skipped.files == [("big.html", "too large")]


def test_deep_pages_and_huge_text_nodes_are_read_or_skipped_with_the_true_reason(tmp_path):
    (tmp_path / "deep300.html").write_text(deep_page(300, "深处的正文"), encoding="utf-8")
    (tmp_path / "deep3000.html").write_text(deep_page(3000, "更深处的正文"), encoding="utf-8")
    (tmp_path / "huge.html").write_text(page("长文本", "<p>" + "字" * 3_600_000 + "</p>"), encoding="utf-8")
    docs, skipped = read(tmp_path, read_chars=1_000_000)
    assert docs["deep300.html"].body == f"深处的正文\n{TEXT}"
    assert docs["huge.html"].body == "字" * 1_000_000
    assert skipped.files == [("deep3000.html", "nested too deeply")]
    assert skipped.cut == [("huge.html", "text cut at 1,000,000 characters")]


def test_the_children_that_read_keep_none_of_the_sockets_they_inherit(tmp_path):
    ours, client = socket.socketpair()  # as a web server's connection, when a rebuild forks
    (tmp_path / "a.html").write_text(page("通知", f"<p>{TEXT}</p>"), encoding="utf-8")
    with Sandbox(ReadLimits(), procs=2) as sandbox:
        assert [read.value.doc.title for read in sandbox.map(parse_page, [(tmp_path / "a.html", "a.html",
                                                                           None, 1000)])] == ["通知"]
        ours.close()
        client.settimeout(60)
        assert client.recv(1) == b""  # closed: no child holds the server's end open
