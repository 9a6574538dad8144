"""Settings come from one place, the shipped word lists travel with the package, and a
configured file that is missing is a clear error."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import BuildError, build_index, config
from webui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_argument_then_environment_then_default(monkeypatch):
    monkeypatch.delenv("EGOV_INDEX", raising=False)
    assert config.index_dir() == Path(".egov-index")
    monkeypatch.setenv("EGOV_INDEX", "/tmp/from-env")
    assert config.index_dir() == Path("/tmp/from-env")
    assert config.index_dir("/tmp/given") == Path("/tmp/given")


@pytest.mark.parametrize("variable", ["EGOV_USERDICT", "EGOV_SYNONYMS"])
def test_a_missing_configured_file_stops_the_build(monkeypatch, tmp_path, variable):
    monkeypatch.setenv(variable, str(tmp_path / "nope.txt"))
    with pytest.raises(BuildError, match=f"nope.txt: no such file .*{variable}"):
        build_index(index_dir=tmp_path / "ix")
    assert not (tmp_path / "ix" / "current").exists()
    result = CliRunner().invoke(main, ["build", "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1 and "nope.txt: no such file" in result.output


def test_the_wheel_carries_the_seed_and_word_lists(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("egov_search-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("2020-egov-top50.txt", "userdict.txt", "synonyms.txt"):
        assert f"egov_corpus/{name}" in names
    assert {"indexer/fields.py", "indexer/search/pipeline.py", "webui/templates/base.html"} <= names


def test_python_m_indexer_lists_the_index_commands():
    out = subprocess.run([sys.executable, "-m", "indexer", "--help"], capture_output=True, text=True,
                         check=True).stdout
    assert all(command in out for command in ("build", "search", "add", "delete", "eval"))
