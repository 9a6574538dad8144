"""The editors' commands (pins, validity, synonyms, aliases) through click's CliRunner, on a
private copy of the seed index: Chinese output, a message and a non-zero exit for bad input."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from indexer import open_index
from webui.cli import main


@pytest.fixture
def index(index_dir, tmp_path):
    """A private copy of the seed index: the editors' files land beside it."""
    shutil.copytree(index_dir, tmp_path / "ix", symlinks=True)
    return tmp_path / "ix"


def run(index, *args: str):
    return CliRunner().invoke(main, [*args, "--index", str(index)])


def test_pins_add_list_remove(index):
    added = run(index, "pins", "add", "华宇", "--doc", "vendor-10", "--description", "司法信息化")
    assert added.exit_code == 0 and "已置顶（编号 1）" in added.output
    later = (date.today() + timedelta(days=30)).isoformat()
    link = run(index, "pins", "add", "软件", "--match", "contains", "--title", "软件产业政策",
               "--url", "https://example.gov.cn/rj", "--from", later)
    assert link.exit_code == 0, link.output
    listed = run(index, "pins", "list")
    assert "[生效中]" in listed.output and "[未开始]" in listed.output
    assert [p.doc_id for p in open_index(index).search("華宇").pinned] == ["vendor-10"]
    assert open_index(index).search("软件公司").pinned == []  # not before its start
    removed = run(index, "pins", "remove", "1")
    assert removed.exit_code == 0 and "已取消置顶" in removed.output
    assert open_index(index).search("华宇").pinned == []


@pytest.mark.parametrize(("args", "said"), [
    (["pins", "add", "华宇", "--doc", "no-such-doc"], "索引中没有文档"),
    (["pins", "add", "华宇", "--title", "办理"], "网址"),
    (["pins", "add", "华宇", "--doc", "vendor-10", "--from", "2024-02-30"], "日期"),
    (["pins", "add", "华宇", "--doc", "vendor-10", "--from", "2024-03-01", "--until", "2024-01-01"], "早于"),
    (["pins", "remove", "7"], "没有编号为 7 的置顶"),
    (["validity", "set", "vendor-10", "差不多"], "有效性只能是"),
    (["validity", "clear", "vendor-10"], "没有为 vendor-10 设置过有效性"),
    (["synonyms", "add", "华宇", "華宇"], "至少要有两个不同的词"),
])
def test_bad_input_is_a_message_and_a_non_zero_exit(index, args, said):
    result = run(index, *args)
    assert result.exit_code != 0 and said in result.output
    assert "Traceback" not in result.output
    assert open_index(index).search("华宇").pinned == []


def test_validity_set_and_clear(index):
    assert run(index, "validity", "set", "vendor-10", "废止").exit_code == 0
    assert open_index(index).document("vendor-10")["validity"] == "已废止"
    assert "已废止  [编辑设置]" in run(index, "validity", "list").output
    assert run(index, "validity", "clear", "vendor-10").exit_code == 0
    assert open_index(index).document("vendor-10")["validity"] is None


def test_synonyms_check_add_and_list(index):
    checked = run(index, "synonyms", "check", "遮天蔽日", "华宇")
    assert checked.exit_code == 0, checked.output
    assert "“遮天蔽日”：原来找到 0 篇" in checked.output and "vendor-10" in checked.output
    assert open_index(index).search("遮天蔽日").total == 0  # a check adds nothing
    assert run(index, "synonyms", "add", "遮天蔽日", "华宇").exit_code == 0
    assert "遮天蔽日 华宇" in run(index, "synonyms", "list").output
    assert "vendor-10" in [hit.id for hit in open_index(index).search("遮天蔽日").hits]
    again = run(index, "synonyms", "add", "华宇", "遮天蔽日")
    assert again.exit_code != 0 and "已有这一组" in again.output


def test_aliases_add_drop_and_list(index):
    assert run(index, "aliases", "add", "人力资源社会保障部", "人社部", "人力资源和社会保障部").exit_code == 0
    assert run(index, "aliases", "drop", "南京日报").exit_code == 0
    listed = run(index, "aliases", "list")
    assert listed.exit_code == 0 and "3 个名称，1 个不作为发布机构" in listed.output
    bad = run(index, "aliases", "add", "财政部", "人社部")  # a form may name one office only
    assert bad.exit_code != 0 and "Traceback" not in bad.output
