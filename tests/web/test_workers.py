"""``egov-search serve --workers N``: processes sharing one port, supervised by the parent."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from live_server import get_json, running_server

from bench.measure import child_pids


def children(pid: int) -> set[int]:
    """The live processes whose parent is ``pid``."""
    return set(child_pids(pid))


def wait_for(condition, timeout: float = 30.0) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` (a bound for a hang, not a measurement)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def searches(port: int, count: int) -> list[tuple[int, str]]:
    """Status and first title of ``count`` searches for 华宇, from 8 clients at once."""
    def one(_):
        status, body = get_json(port, "/api/search?q=%E5%8D%8E%E5%AE%87&limit=1")
        return status, body["hits"][0]["title"]
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(count)))


@pytest.mark.slow  # over 2 s on its own: `make test`, not `make test-fast`
def test_workers_share_the_port_and_a_killed_worker_is_replaced(index_dir, tmp_path):
    with running_server(index_dir, tmp_path / "serve.log", workers=2) as server:
        parent = server["process"].pid
        assert wait_for(lambda: len(children(parent)) == 2)
        first = children(parent)
        assert set(searches(server["port"], 40)) == {(200, "华宇软件")}
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        # the other worker keeps answering while the parent starts a replacement
        assert set(searches(server["port"], 40)) == {(200, "华宇软件")}
        assert wait_for(lambda: len(children(parent)) == 2 and victim not in children(parent))
        assert set(searches(server["port"], 20)) == {(200, "华宇软件")}
        log = server["log"].read_text()
        assert f"worker {victim} ended (signal SIGKILL)" in log
        assert "--workers 2 --threads 4" in log
        workers = children(parent)
    # leaving the block sent SIGTERM to the parent: it stopped and reaped every worker, then exited
    assert server["process"].returncode == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def test_one_worker_answers_in_the_serving_process(index_dir, tmp_path):
    with running_server(index_dir, tmp_path / "serve.log", workers=1) as server:
        assert set(searches(server["port"], 10)) == {(200, "华宇软件")}
        assert not children(server["process"].pid)
        assert "--workers 1 --threads 4" in server["log"].read_text()
