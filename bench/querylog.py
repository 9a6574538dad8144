"""The query log under a flood: do 热门搜索 and 相关搜索 cost a request more after it?

``python -m bench.querylog`` builds the seed index, starts ``egov-search serve`` with the
loopback address as its trusted proxy, and measures the home page and a results page (p95 of
``--samples`` requests each, for at least ``--seconds``: a stall once a minute shows in the
slowest). Then it floods ``--queries`` distinct queries over HTTP, each searched by
``--repeat`` of ``--clients`` client addresses (in ``X-Forwarded-For``, from 198.18.0.0/15,
the range kept for benchmarks; nothing is sent there), every 40th by enough clients to be
shown, waits for the log's refresh, and measures both pages again in the same run. It prints a
Markdown table with the p95s and their ratio, and what the log kept. ``--smoke`` is a small
run for CI: 500 queries, 50 requests per page.
"""

from __future__ import annotations

import http.client
import os
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import click

from indexer import build_index

from .http import HOST, SERVE, free_port, load, stop_server, wait_until_up
from .run import percentile

PAGES = {"home page": "/", "results page": "/?q=" + quote("智慧城市")}
WORDS = ("智慧城市", "云计算", "政务服务", "数据中心", "软件", "大数据", "人工智能", "网络安全")
REFRESH_SECONDS = 60  # the server's default: a refresh falls inside each measurement
WARM_UP = 20  # requests per page before measuring
LONGEST = 3  # a measurement ends after this many times --seconds, whatever it counted


def address(number: int) -> str:
    """The ``number``-th client address, in 198.18.0.0/15."""
    return f"198.{18 + (number >> 16) % 2}.{(number >> 8) & 255}.{number & 255}"


def latencies(port: int, samples: int, seconds: float) -> dict[str, list[float]]:
    """Each page's latencies in ms, sorted: GETs of the pages in turn on one connection, at
    least ``samples`` of each and for at least ``seconds`` (a stall that comes once a refresh
    period falls inside), but no longer than :data:`LONGEST` times ``seconds`` (a server that
    stalls answers fewer)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=300)
    took: dict[str, list[float]] = {name: [] for name in PAGES}
    started = time.perf_counter()
    while ((min(map(len, took.values())) < samples or time.perf_counter() - started < seconds)
           and (not seconds or time.perf_counter() - started < LONGEST * seconds)):
        for name, path in PAGES.items():
            sent = time.perf_counter()
            connection.request("GET", path, headers={"X-Forwarded-For": address(0)})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")
            took[name].append((time.perf_counter() - sent) * 1000)
    connection.close()
    return {name: sorted(values) for name, values in took.items()}


def flood(port: int, queries: int, clients: int, threads: int, repeat: int) -> tuple[float, int]:
    """Search ``queries`` distinct queries, each from ``repeat`` clients (as a planter would, and
    as the old 热门搜索 query was slowest for), and every 40th from six, so that some are shown;
    the searches a second and the failures."""
    jobs = [(f"{WORDS[n % len(WORDS)]} {n}", address(1 + (n * 7 + k) % clients))
            for n in range(queries) for k in range(6 if n % 40 == 0 else repeat)]
    done = load(port, [], len(jobs), threads,
                lambda n: ("/?q=" + quote(jobs[n][0]), {"X-Forwarded-For": jobs[n][1]}))
    return done.per_second, done.errors


def kept(log: Path) -> tuple[int, int]:
    """Searches and distinct queries in the log file."""
    with sqlite3.connect(log) as db:
        return (db.execute("SELECT COUNT(*) FROM searches").fetchone()[0],
                db.execute("SELECT COUNT(*) FROM queries").fetchone()[0])


@click.command()
@click.option("--queries", default=20_000, show_default=True, help="Distinct queries in the flood.")
@click.option("--clients", default=4_000, show_default=True, help="Client addresses they come from.")
@click.option("--threads", default=8, show_default=True, help="Concurrent flooding connections.")
@click.option("--samples", default=200, show_default=True,
              help="Requests per page and measurement (at least).")
@click.option("--seconds", default=65.0, show_default=True,
              help="Each measurement lasts at least this long: a once-a-minute stall falls inside.")
@click.option("--repeat", default=3, show_default=True, help="Clients that search each query.")
@click.option("--workers", default=2, show_default=True, help="Server processes.")
@click.option("--smoke", is_flag=True, help="A small run for CI: 500 queries, 50 samples.")
def main(queries: int, clients: int, threads: int, samples: int, seconds: float, repeat: int, workers: int,
         smoke: bool) -> None:
    """Flood the query log over HTTP; print the pages' p95 before and after."""
    refresh = REFRESH_SECONDS
    if smoke:
        queries, samples, seconds, refresh = 500, 50, 0.0, 2
    with tempfile.TemporaryDirectory(prefix="bench-querylog-") as folder:
        index, log, port = Path(folder) / "index", Path(folder) / "queries.sqlite3", free_port()
        build_index(index_dir=index)
        env = {**os.environ, "EGOV_QUERY_LOG": str(log), "EGOV_TRUSTED_PROXIES": HOST,
               "EGOV_POPULAR_REFRESH": str(refresh), "EGOV_CLIENT_CONNECTIONS": "0"}
        server = subprocess.Popen([*SERVE, "--index", str(index), "--host", HOST, "--port", str(port),
                                   "--workers", str(workers)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_up(port)
            latencies(port, WARM_UP, 0)  # first requests open the index and compute the overview
            before = latencies(port, samples, seconds)
            rate, failures = flood(port, queries, clients, threads, repeat)
            time.sleep(refresh + 1)  # every worker has written and refreshed since
            after = latencies(port, samples, seconds)
            shown = _get(port, "/").partition('id="popular-title"')[2].partition("</nav>")[0].count("<li>")
        finally:
            stop_server(server)
        searches, distinct = kept(log)
    click.echo(f"flood: {queries:,} distinct queries, each from {repeat} of {clients:,} clients, "
               f"{rate:.0f} searches/s, {failures} failed; the log kept {searches:,} searches of "
               f"{distinct:,} queries; 热门搜索 shows {shown}")
    click.echo("\n| page | requests before, after | p95 before (ms) | p95 after (ms) | after / before "
               "| slowest before (ms) | slowest after (ms) |\n|---|---|---|---|---|---|---|")
    for name in PAGES:
        was, now = percentile(before[name], 0.95), percentile(after[name], 0.95)
        click.echo(f"| {name} | {len(before[name])}, {len(after[name])} | {was:.1f} | {now:.1f} "
                   f"| {now / was:.2f} | {before[name][-1]:.1f} | {after[name][-1]:.1f} |")


def _get(port: int, path: str) -> str:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    connection.request("GET", path)
    body = connection.getresponse().read().decode()
    connection.close()
    return body


if __name__ == "__main__":
    main()
