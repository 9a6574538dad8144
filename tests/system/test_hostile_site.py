"""A site folder holding every hostile file of issue 26 beside good pages builds within the read
budgets, indexes every good page, and its summary and log name each file left out with its reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_files import (
    TEXT,
    big_page,
    deep_page,
    deep_tree,
    heavy_pdf,
    many_values_page,
    odd_names,
    page,
    paragraph_bomb,
    remove_deep_tree,
    zip_bomb,
)

from indexer import open_index
from webui.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "readers" / "fixtures"
SKIPPED = {"slow.pdf": "too slow", "zip-bomb.docx": "too large", "paragraph-bomb.docx": "too slow",
           "deep3000.html": "nested too deeply", "mixed.html": "undecodable"}


@pytest.fixture
def site(tmp_path):
    """The hostile site (removed afterwards: pytest's cleanup would recurse into its deep tree)."""
    folder = tmp_path / "www.example.gov.cn"
    folder.mkdir()
    good = {f"good/{n}.html": f"医疗保险通知第{n}号" for n in range(8)}
    (folder / "good").mkdir()
    for name, title in good.items():
        (folder / name).write_text(page(title, f"<p>{title}：{TEXT}</p>"), encoding="utf-8")
    shutil.copy(FIXTURES / "notice.pdf", folder / "notice.pdf")
    (folder / "shared.pdf").write_bytes(heavy_pdf(2000, 64 << 10, "Shared template notice"))
    (folder / "slow.pdf").write_bytes(heavy_pdf(200, 256 << 10, "Unshared page", shared=False))
    paragraph_bomb(folder / "paragraph-bomb.docx", 3_000_000)
    zip_bomb(folder / "zip-bomb.docx", 300)
    (folder / "big.html").write_bytes(big_page(50))
    (folder / "deep300.html").write_text(deep_page(300, "深处的正文"), encoding="utf-8")
    (folder / "deep3000.html").write_text(deep_page(3000, "更深处的正文"), encoding="utf-8")
    (folder / "huge.html").write_text(page("长文本", "<p>" + "字" * 3_600_000 + "</p>"), encoding="utf-8")
    (folder / "many.html").write_text(many_values_page(20_000, 50_000), encoding="utf-8")
    (folder / "mixed.html").write_bytes(page("gbk", f"<p>{TEXT}</p>").encode("gbk")
                                        + "<p>關於醫療保險的通知，各區人民政府、各部門</p>".encode("big5"))
    odd_names(folder)
    deep_tree(folder, 1000, "深层目录页面")
    yield folder
    remove_deep_tree(folder)


@pytest.mark.slow
def test_a_hostile_site_builds_within_its_budgets_and_names_what_it_left_out(site, tmp_path, caplog):
    env = {"EGOV_READ_SECONDS": "5", "EGOV_READ_MEGABYTES": "256"}
    result = CliRunner(env=env).invoke(main, ["build", "--corpus", str(site.parent), "--index",
                                              str(tmp_path / "ix"), "--procs", "2"])
    assert result.exit_code == 0, result.output
    left_out = {line.split(": skipped: ")[0].rsplit("/", 1)[-1]: line.split(": skipped: ")[1]
                for line in caplog.text.splitlines() if ": skipped: " in line}
    big = left_out.pop("big.html", None)
    assert big in (None, "too large", "too slow") and left_out == SKIPPED
    assert f"{len(SKIPPED) + (big is not None)} files skipped" in result.output
    engine = open_index(tmp_path / "ix")
    for n in range(8):
        assert engine.document(f"www.example.gov.cn/good/{n}.html")["title"] == f"医疗保险通知第{n}号"
    for name in ("notice.pdf", "shared.pdf", "deep300.html", "huge.html", "many.html", "tab%09name.html",
                 "new%0Aline.html", "%B9%AB%B8%E6.html", "lone%ED%A0%80.html", "d/" * 1000 + "deep.html"):
        assert engine.document(f"www.example.gov.cn/{name}") is not None, name
    assert engine.document("www.example.gov.cn/shared.pdf")["body"].count("Shared template notice") == 1
    assert len(engine.document("www.example.gov.cn/huge.html")["body"]) == 2_000_000
    assert len(engine.document("www.example.gov.cn/many.html")["topic"]) == 50
