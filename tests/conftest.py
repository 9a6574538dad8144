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


GOV_SITE = Path(__file__).parent / "relevance" / "gov" / "site"


@pytest.fixture(scope="session")
def gov_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real index of our government website collection (pages, PDF and DOCX, UTF-8 and GBK)."""
    path = tmp_path_factory.mktemp("gov")
    build_index([GOV_SITE], path)
    return path


@pytest.fixture(scope="session")
def gov(gov_index: Path):
    """A search engine over the government collection."""
    return open_index(gov_index)


@pytest.fixture(scope="session")
def large_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real index of a 1 MB document, ``large-1`` (the texts of consecutive records of the
    benchmark corpus joined, as in a long 政策文件 or attachment), among 150 ordinary ones."""
    from bench.large import write_large

    path = tmp_path_factory.mktemp("large")
    write_large(path / "corpus.jsonl", docs=1, ordinary=150)
    build_index([path / "corpus.jsonl"], path / "index")
    return path / "index"


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
