"""Shared fixtures: the real seed index, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from live_server import running_server

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


@pytest.fixture
def app(index_dir: Path):
    """The web app over the seed index (flaskr style)."""
    from webui import create_app

    return create_app({"TESTING": True, "INDEX": str(index_dir)})


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory):
    """A real ``egov-search serve`` on a free port, started with no index so it builds one."""
    folder = tmp_path_factory.mktemp("live")
    with running_server(folder / "index", folder / "serve.log") as server:
        yield server
