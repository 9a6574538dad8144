"""A missing, incomplete or damaged index is reported with the fix, never half-read."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import IndexMissingError, open_index
from indexer.index.store import MANIFEST
from webui.cli import main


def _live(index: Path) -> Path:
    return index / os.readlink(index / "current")


def _segment(index: Path) -> Path:
    return next(_live(index).glob("*.seg"))


def _overwrite_middle(path: Path) -> None:
    """Garbage over the middle of a file, keeping its size."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(range(64))
    path.write_bytes(bytes(data))


DAMAGE = {
    "no index folder": lambda index: shutil.rmtree(index),
    "no current link": lambda index: (index / "current").unlink(),
    "dangling current link": lambda index: shutil.rmtree(_live(index)),
    "current is a loop": lambda index: ((index / "current").unlink(),
                                        os.symlink("current", index / "current")),
    "current points at an empty folder": lambda index: [
        path.unlink() for path in _live(index).iterdir()],
    "segment truncated": lambda index: _segment(index).write_bytes(
        _segment(index).read_bytes()[:1000]),
    "garbage in a segment": lambda index: _overwrite_middle(_segment(index)),
    "table of contents emptied": lambda index: next(_live(index).glob("*.toc")).write_bytes(b""),
    "dictionary missing": lambda index: (_live(index) / "dictionary.txt").unlink(),
    "manifest missing": lambda index: (_live(index) / MANIFEST).unlink(),
    "manifest garbage": lambda index: (_live(index) / MANIFEST).write_bytes(b"\xff\x00{"),
}


@pytest.fixture
def index_copy(index_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the seed index to damage."""
    copy = tmp_path / "ix"
    shutil.copytree(index_dir, copy, symlinks=True)
    return copy


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_index_names_the_fix(index_copy, damage):
    DAMAGE[damage](index_copy)
    with pytest.raises(IndexMissingError, match=r"egov-search build --index .*ix"):
        open_index(index_copy)
    result = CliRunner().invoke(main, ["search", "华宇", "--index", str(index_copy)])
    assert result.exit_code == 1
    assert "egov-search build" in result.output and "Traceback" not in result.output


def test_open_engine_reports_a_damaged_generation_it_swaps_to(index_copy, tmp_path):
    engine = open_index(index_copy)
    assert engine.search("华宇").total == 1
    broken = index_copy / "gen-broken"
    shutil.copytree(_live(index_copy), broken)
    _overwrite_middle(next(broken.glob("*.seg")))
    (index_copy / "current").unlink()
    os.symlink(broken.name, index_copy / "current")
    for call in (lambda: engine.search("华宇"), lambda: engine.suggest("华"),
                 lambda: engine.document("vendor-1")):
        with pytest.raises(IndexMissingError, match="truncated or overwritten"):
            call()


def test_manifest_lists_every_index_file(index_dir):
    live = _live(index_dir)
    listed = json.loads((live / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert set(listed) == {p.name for p in live.iterdir()
                           if p.name != MANIFEST and not p.name.endswith("LOCK")}
    assert {"dictionary.txt"} < set(listed)
    assert all(size == (live / name).stat().st_size for name, (size, _) in listed.items())
