"""Fixtures for the page tests: a client and a live server over the government collection
(``gov_index``, from tests/conftest.py), and one Chromium for every browser test."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_setup import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from live_server import running_server


@pytest.fixture
def gov_client(gov_index: Path, tmp_path: Path):
    """A test client over the government index, with a query log of its own."""
    from webui import create_app

    app = create_app({"TESTING": True, "INDEX": str(gov_index), "QUERY_LOG": str(tmp_path / "q.sqlite3")})
    return app.test_client()


@pytest.fixture
def log(tmp_path: Path) -> Path:
    """A query log file of the test's own."""
    return tmp_path / "queries.sqlite3"


@pytest.fixture
def site(index_dir: Path, log: Path, tmp_path: Path):
    """A client of the app over the seed index logging to ``log`` (block list ``blocklist.txt``
    beside it); its 热门搜索 and 相关搜索 change only when a test refreshes them."""
    from webui import create_app

    return create_app({"TESTING": True, "INDEX": str(index_dir), "QUERY_LOG": str(log),
                       "BLOCKLIST": str(tmp_path / "blocklist.txt"), "POPULAR_REFRESH": 3600}).test_client()


@pytest.fixture(scope="session")
def gov_server(gov_index: Path, tmp_path_factory: pytest.TempPathFactory):
    """A real ``egov-search serve`` over the government index."""
    folder = tmp_path_factory.mktemp("gov-live")
    with running_server(gov_index, folder / "serve.log",
                        env={"EGOV_QUERY_LOG": str(folder / "queries.sqlite3")}, workers=1) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, shared by the browser tests."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: sudo apt-get install chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def api_server(gov_index: Path, tmp_path_factory: pytest.TempPathFactory):
    """A real ``egov-search serve`` over the government index that lets one origin (``origin``)
    read the API from a browser."""
    folder = tmp_path_factory.mktemp("api-live")
    origin = "https://www.example.gov.cn"
    env = {"EGOV_QUERY_LOG": str(folder / "queries.sqlite3"), "EGOV_CORS_ORIGINS": origin}
    with running_server(gov_index, folder / "serve.log", env=env, workers=1) as server:
        yield {**server, "origin": origin}
