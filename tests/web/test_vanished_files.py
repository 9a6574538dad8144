"""An index file deleted under a running server: every request is answered from what a
thread has open or with a 503 that names the fix, never a 500, until the next build."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from hammer import Hammer
from live_server import COMMAND, request, running_server

from indexer import build_index
from indexer.index.store import current_generation

pytestmark = pytest.mark.slow  # servers and builds of seconds each: `make test`, not `make test-fast`

SECONDS = 3  # of hammering after each deletion
SERVER_THREADS = 8  # most of them open their searcher only after the file is gone
PATHS = [f"/api/search?q={quote('华宇')}", f"/api/suggest?q={quote('华')}", "/api/documents/vendor-10",
         f"/?q={quote('服务')}", "/doc/vendor-10", "/api/related?id=vendor-13", "/api/overview",
         "/healthz"]


def delete(index: Path, pattern: str) -> None:
    """Remove the live generation's files that match ``pattern``."""
    files = list(current_generation(index).glob(pattern))
    assert files, pattern
    for path in files:
        path.unlink()


def rebuild(index: Path) -> None:
    subprocess.run([*COMMAND, "build", "--index", str(index)], check=True, capture_output=True,
                   timeout=300)


@pytest.mark.parametrize("pattern", ["*.seg", "_MAIN_*.toc"], ids=["segment", "table of contents"])
def test_a_deleted_index_file_gives_503s_then_recovers_after_a_build(tmp_path, pattern):
    index = tmp_path / "ix"
    build_index(index_dir=index)
    with running_server(index, tmp_path / "serve.log", threads=SERVER_THREADS, workers=1) as server:
        port = server["port"]
        delete(index, pattern)
        with Hammer(port, PATHS, clients=4) as hammer:
            time.sleep(SECONDS)
        assert not hammer.server_errors, hammer.server_errors
        assert set(hammer.statuses) <= {200, 503} and hammer.statuses[503] > 0
        assert "rebuild it with `egov-search build --index" in server["log"].read_text()
        rebuild(index)
        after = [request(port, path)[0] for _ in range(2 * SERVER_THREADS) for path in PATHS]
        assert set(after) == {200}
