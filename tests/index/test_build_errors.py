"""A build or update that cannot go ahead says why in one line, ``FILE:LINE: reason`` for a
bad record and the folder for a write that failed, exits non-zero without a traceback (from
any process), and leaves the live index as it was."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from faults import WRITE_FAILURES, break_writes
from live_server import COMMAND

from indexer.index import store
from webui.cli import main

GOOD = {"id": "a", "title": "标题", "body": "正文"}
BAD_LINES = {
    "lone surrogate in a title": ('{"id": "b", "title": "x\\ud800", "body": "y"}',
                                  "'title' holds the lone surrogate '\\ud800'"),
    "lone surrogate in an id": ('{"id": "b\\udfff", "title": "x", "body": "y"}',
                                "'id' holds the lone surrogate '\\udfff'"),
    "rank past 64 bits": ('{"id": "b", "title": "x", "body": "y", "rank": 9223372036854775808}',
                          "'rank' must be an integer from -9223372036854775808 to 9223372036854775807"),
    "deep nesting": ('{"id": "b", "title": "x", "body": "y", "m": ' + "[" * 50_000 + "]" * 50_000 + "}",
                     "malformed JSON: nested too deeply"),
    "id with a '..' segment": ('{"id": "a/../b", "title": "x", "body": "y"}',
                               "id 'a/../b' has a '..' segment"),
    "duplicate id": (json.dumps(GOOD), "duplicate document id 'a' (first at {path}:1)"),
}


@pytest.fixture
def live(index_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the seed index."""
    shutil.copytree(index_dir, tmp_path / "ix", symlinks=True)
    return tmp_path / "ix"


def snapshot(index: Path) -> tuple[str, dict[str, bytes]]:
    """The live generation's name and files, to show that nothing changed."""
    live = store.current_generation(index)
    return live.name, {p.name: p.read_bytes() for p in live.iterdir()}


def assert_untouched(index: Path, before: tuple[str, dict[str, bytes]]) -> None:
    assert snapshot(index) == before
    assert [p.name for p in index.glob("gen-*")] == [before[0]]  # no half-written generation


@pytest.mark.slow  # over 2 s on its own: `make test`, not `make test-fast`
@pytest.mark.parametrize("case", BAD_LINES)
def test_bad_record_stops_a_two_process_build_with_file_and_line(live, tmp_path, case):
    line, reason = BAD_LINES[case]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(f"{json.dumps(GOOD)}\n{line}\n", encoding="utf-8")
    before = snapshot(live)
    done = subprocess.run([*COMMAND, "build", "--corpus", str(corpus), "--index", str(live),
                           "--procs", "2"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    output = done.stdout + done.stderr
    expected = f"build aborted, live index untouched: {corpus}:2: {reason.format(path=corpus)}"
    assert expected in output
    assert "Traceback" not in output and "documents were indexed" not in output
    assert_untouched(live, before)


def test_duplicate_id_names_both_places_across_files(live, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# 一\n正文\n\n# 二\n正文\n", encoding="utf-8")
    records = tmp_path / "more.jsonl"
    records.write_text(json.dumps({"id": "a.md#2", "title": "t", "body": "b"}) + "\n", encoding="utf-8")
    before = snapshot(live)
    result = CliRunner().invoke(main, ["build", "--corpus", str(records), "--corpus",
                                       str(tmp_path / "docs"), "--index", str(live)])
    assert result.exit_code == 1
    assert (f"{tmp_path / 'docs' / 'a.md'}:4: duplicate document id 'a.md#2' "
            f"(first at {records}:1)") in result.output
    assert_untouched(live, before)


@pytest.mark.parametrize("command", ["build", "add"])
@pytest.mark.parametrize("failure", WRITE_FAILURES)
def test_failed_write_is_one_line_naming_the_folder(live, tmp_path, monkeypatch, failure, command):
    corpus = tmp_path / "new.jsonl"
    corpus.write_text(json.dumps(GOOD) + "\n", encoding="utf-8")
    before = snapshot(live)
    reason = break_writes(monkeypatch, failure)
    args = ["build", "--corpus", str(corpus)] if command == "build" else ["add", str(corpus)]
    result = CliRunner().invoke(main, [*args, "--index", str(live)])
    assert result.exit_code == 1 and result.exception.__class__ is SystemExit
    verb = "build" if command == "build" else "update"
    assert re.search(rf"{verb} aborted, live index untouched: {re.escape(str(live))}: "
                     rf"cannot write the index: {reason}", result.output)
    assert_untouched(live, before)


@pytest.mark.slow  # over 2 s on its own: `make test`, not `make test-fast`
def test_full_disk_in_an_indexing_subprocess_is_one_line(live, tmp_path):
    corpus = tmp_path / "new.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{n}", "title": "医保通知", "body": "医保报销" * 50},
                                         ensure_ascii=False) + "\n" for n in range(300)), encoding="utf-8")
    before = snapshot(live)
    script = ("import sys, faults; faults.break_writes_in_subprocesses('full disk'); "
              "from webui.cli import main; sys.argv = ['egov-search', *sys.argv[1:]]; main()")
    tests = Path(__file__).resolve().parent.parent
    args = ["build", "--corpus", str(corpus), "--index", str(live), "--procs", "2"]
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tests), *sys.path])})
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert f"build aborted, live index untouched: {live}: cannot write the index: No space left" in output
    assert "Traceback" not in output and "documents were indexed" not in output
    assert_untouched(live, before)
