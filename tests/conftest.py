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


@pytest.fixture
def app(index_dir: Path):
    """The web app over the seed index (flaskr style)."""
    from webui import create_app

    return create_app({"TESTING": True, "INDEX": str(index_dir)})


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory):
    """A real ``egov-search serve`` on a free port, started with no index so it builds one."""
    import shutil
    import subprocess
    import sys
    import time
    import urllib.request

    folder = tmp_path_factory.mktemp("live")
    port, log_path = free_port(), folder / "serve.log"
    command = shutil.which("egov-search", path=str(Path(sys.executable).parent))
    args = [command] if command else [sys.executable, "-c", "from indexer.cli import main; main()"]
    args += ["serve", "--index", str(folder / "index"), "--port", str(port), "--threads", "4"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a bound for a hung start, not a measurement
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"egov-search serve did not start:\n{log_path.read_text()}")
        time.sleep(0.2)
    yield {"url": url, "port": port, "log": log_path, "process": process}
    process.terminate()
    process.wait(timeout=20)
