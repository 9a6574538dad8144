"""Shared fixtures: the real seed index, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import build_index, open_index


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real index of the seed corpus."""
    path = tmp_path_factory.mktemp("index")
    build_index(index_dir=path)
    return path


@pytest.fixture(scope="session")
def engine(index_dir: Path):
    """A search engine over the seed index."""
    return open_index(index_dir)


def titles(result) -> list[str]:
    """Titles of a result's hits, in rank order."""
    return [hit.title for hit in result.hits]
