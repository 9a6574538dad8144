"""A bounded loopback load test: 16 concurrent clients, 5,000 mixed requests, no errors."""

from __future__ import annotations

import http.client
import random
import statistics
import threading
import time
from urllib.parse import quote

import pytest
from live_server import request, running_server

pytestmark = pytest.mark.slow  # minutes of load, builds or SIGKILLs: `make test`, not `make test-fast`

CONCURRENCY = 16
REQUESTS = 5_000
WORDS = ["华宇", "智慧城市", "区块链", "云", "政务 服务", "数字政通", "电子政务", "平安", "大数据",
         "医疗", "OA", "神州数码", '"城市 大脑"', "-平安 智慧", "rank:1-10", "不存在的词"]


def mixed_paths(count: int, seed: int = 6) -> list[str]:
    """Searches, facets, result pages, suggestions and documents, as the site's users send them."""
    rng = random.Random(seed)
    makers = [
        lambda: f"/api/search?q={quote(rng.choice(WORDS))}",
        lambda: f"/api/search?q={quote(rng.choice(WORDS))}&kind={rng.choice(['vendor', 'section'])}",
        lambda: f"/api/search?q={quote(rng.choice(WORDS))}&page={rng.randint(1, 4)}&limit=5",
        lambda: f"/api/suggest?q={quote(rng.choice(WORDS)[:rng.randint(1, 2)])}",
        lambda: f"/api/documents/vendor-{rng.randint(1, 50)}",
        lambda: f"/api/documents/section-{rng.randint(1, 7)}",
        lambda: f"/?q={quote(rng.choice(WORDS))}",
        lambda: f"/doc/vendor-{rng.randint(1, 50)}",
    ]
    return [rng.choice(makers)() for _ in range(count)]


def test_load(index_dir, tmp_path, capsys):
    paths = mixed_paths(REQUESTS)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(share: list[str], port: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for path in share:
            started = time.perf_counter()
            try:
                status, body, _ = request(port, path, connection=conn)
            except (OSError, http.client.HTTPException) as err:
                status, body = 0, repr(err).encode()
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                if status != 200:
                    errors.append(f"{path}: {status} {body[:100]!r}")
        conn.close()

    with running_server(index_dir, tmp_path / "serve.log", threads=CONCURRENCY) as server:
        port = server["port"]
        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(paths[n::CONCURRENCY], port))
                   for n in range(CONCURRENCY)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    with capsys.disabled():
        print(f"\nload: {len(latencies)} requests, concurrency {CONCURRENCY}, {len(errors)} errors, "
              f"{len(latencies) / elapsed:.0f} req/s, p50 {cuts[49] * 1000:.1f} ms, "
              f"p99 {cuts[98] * 1000:.1f} ms")
    assert len(latencies) == REQUESTS
    assert not errors, errors[:5]
