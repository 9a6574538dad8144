"""An index of another format, or one whose pickled classes no longer load, asks for a
rebuild: never a traceback."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from indexer import IndexMissingError, open_index
from indexer.index import store
from webui.cli import main


@pytest.fixture
def live(index_dir, tmp_path):
    """A private copy of the seed index and its live generation."""
    copy = tmp_path / "ix"
    shutil.copytree(index_dir, copy, symlinks=True)
    return copy, store.current_generation(copy)


def _search_fails_with(index, pattern: str) -> None:
    with pytest.raises(IndexMissingError, match=pattern):
        open_index(index)
    result = CliRunner().invoke(main, ["search", "华宇", "--index", str(index)])
    assert result.exit_code == 1 and "rebuild" in result.output and "Traceback" not in result.output


def test_the_manifest_records_the_format(live):
    _, generation = live
    assert json.loads((generation / store.MANIFEST).read_text())["format"] == store.FORMAT_VERSION


def test_an_index_from_before_format_versions_asks_for_a_rebuild(live):
    index, generation = live
    manifest = json.loads((generation / store.MANIFEST).read_text())
    (generation / store.MANIFEST).write_text(json.dumps(manifest["files"]))  # the old, flat manifest
    _search_fails_with(index, r"another version of egov-search \(index format 1; .*rebuild it with")


def test_an_index_whose_classes_moved_asks_for_a_rebuild(live):
    index, generation = live
    toc = next(generation.glob("_MAIN_*.toc"))
    data = toc.read_bytes()
    assert b"indexer.analysis.tokenizers" in data
    toc.write_bytes(data.replace(b"indexer.analysis.tokenizers", b"indexer.analysis.tokenizerz"))
    store.write_manifest(generation)  # the files match their manifest: only the module moved
    _search_fails_with(index, r"cannot be read \(ModuleNotFoundError.*rebuild it with")
