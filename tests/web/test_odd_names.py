"""One odd file name never stops a build: names a URL cannot carry get a percent-encoded id that
``/doc/<id>`` opens on a real server, a tree 1,000 folders deep builds, and messages escape
control characters."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from hostile_files import TEXT, deep_tree, odd_names, page, remove_deep_tree
from live_server import get_json, request, running_server

from webui.cli import main


@pytest.fixture
def site(tmp_path):
    """A site folder; a deep tree in it is removed afterwards (pytest's cleanup would recurse)."""
    folder = tmp_path / "site"
    folder.mkdir()
    yield folder
    if (folder / "d").is_dir():
        remove_deep_tree(folder)


def test_odd_names_get_ids_that_open_their_page_and_a_deep_tree_builds(site, tmp_path, caplog):
    titles = odd_names(site)
    (site / "tab%09name.html").write_text(page("百分号文件名", f"<p>{TEXT}</p>"), encoding="utf-8")
    deep_id = deep_tree(site, 1000, "深层目录页面")
    result = CliRunner().invoke(main, ["build", "--corpus", str(site), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    assert "1 file skipped: 1 name encodes to another file's id" in result.output
    assert "reading: 5/5 files (100%)" in result.output
    assert "tab%09name.html: skipped: name encodes to another file's id" in caplog.text
    expected = {"%B9%AB%B8%E6.html": "国标码文件名", "lone%ED%A0%80.html": "代理项文件名",
                "new%0Aline.html": "换行文件名", "tab%09name.html": "百分号文件名", deep_id: "深层目录页面"}
    assert len(titles) == 4
    with running_server(tmp_path / "ix", tmp_path / "serve.log", workers=1) as server:
        for doc_id, title in expected.items():
            status, found = get_json(server["port"], f"/api/search?q={quote(title)}&in=title")
            hit = found["hits"][0]
            assert status == 200 and hit["id"] == doc_id and hit["title"] == title
            status, body, _ = request(server["port"], hit["doc_url"])
            assert status == 200 and f"<title>{title} - 政务搜索</title>" in body.decode()
            status, body, _ = request(server["port"], f"/api/documents/{quote(doc_id, safe='/')}")
            assert status == 200 and json.loads(body)["document"]["title"] == title


def test_a_bad_record_in_a_file_with_a_newline_in_its_name_is_one_escaped_line(site, tmp_path):
    (site / "bad\nname.jsonl").write_text('{"id": "a", "title": "x"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--corpus", str(site), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1
    assert f"{site}/bad\\nname.jsonl:1: " in result.output and "bad\nname" not in result.output
