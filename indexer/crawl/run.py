"""``crawl_site``: one crawl of a store's site, then the index brought up to date.

The scope (entry points, ``--allow``, ``--deny``, ``--sitemap``) is kept in the store, so a
recrawl needs no address. A crawl that was stopped (Ctrl-C, a kill) is resumed by the next one,
with the queue it had. Only a crawl that ran to its end (no limit reached) counts towards
removing pages that are no longer linked (:attr:`Limits.gone_after` crawls in a row).
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..readers.skipped import describe
from .crawler import Crawler, Progress, Tally
from .indexing import IndexUpdate, index_store
from .settings import Limits
from .store import Store, StoreBusy
from .urls import Scope, canonical

LINE_SECONDS = 5.0  # off a terminal, one progress line at most this often


class CrawlError(ValueError):
    """A crawl that cannot start or cannot be indexed; the message says why."""


class CrawlInterrupted(KeyboardInterrupt):
    """Ctrl-C: the crawl stopped cleanly; the next one resumes it."""


@dataclass
class CrawlSummary:
    """What a crawl did."""

    run: int
    resumed: bool
    tally: Tally
    seconds: float  # fetching
    index: IndexUpdate | None = None
    index_seconds: float = 0.0
    removed: list[str] = field(default_factory=list)  # no longer linked: out of the index

    def __str__(self) -> str:
        counts = ", ".join(f"{count} {outcome}" for outcome, count in self.tally.outcomes.most_common())
        limit = f"; stopped by the limit {self.tally.limit}" if self.tally.limit else ""
        return (f"crawl {self.run}{' (resumed)' if self.resumed else ''}: {self.tally.requests} requests, "
                f"{self.tally.bytes / 1e6:.1f} MB in {self.seconds:.1f} s ({counts or 'nothing'}){limit}"
                + (f"\n{self.index} ({self.index_seconds:.1f} s)" if self.index else ""))


def scope_settings(store: Store, urls: list[str], allow: list[str], deny: list[str],
                   sitemaps: list[str]) -> dict:
    """The crawl's scope: the one given, else the one the store keeps; checked."""
    if urls:
        settings = {"seeds": urls, "allow": allow, "deny": deny, "sitemaps": sitemaps}
    else:
        settings = store.get("scope")
        if settings is None:
            raise CrawlError(f"{store.folder}: no site crawled here yet: give its address "
                             "(egov-search crawl https://www.example.gov.cn/)")
    for url in [*settings["seeds"], *settings["allow"], *settings["sitemaps"]]:
        if not re.match(r"^https?://[^/\s]+", url):
            raise CrawlError(f"not a web address: {url!r} (it must begin with http:// or https://)")
    for pattern in settings["deny"]:
        try:
            re.compile(pattern)
        except re.error as err:
            raise CrawlError(f"--deny {pattern!r} is not a regular expression: {err}") from None
    return settings


def crawl_site(urls: list[str] = (), *, store_dir: Path, index_dir: Path | None = None,
               allow: list[str] = (), deny: list[str] = (), sitemaps: list[str] = (),
               limits: Limits | None = None, user_agent: str, rebuild: bool = False, procs: int = 1,
               progress: Progress | None = None) -> CrawlSummary:
    """Crawl (or resume, or recrawl) the site of ``store_dir`` and update the index."""
    limits = limits or Limits.from_environ()
    started = time.monotonic()
    try:
        store = Store(store_dir)
    except StoreBusy as err:
        raise CrawlError(str(err)) from None
    with store:
        settings = scope_settings(store, list(urls), list(allow), list(deny), list(sitemaps))
        store.put("scope", settings)
        scope = Scope(settings["seeds"], settings["allow"], settings["deny"])
        run = store.unfinished_run()
        resumed = run is not None
        if run is None:
            run = store.start_run(time.time())
        store.commit()
        sitemaps = [canonical(url) for url in settings["sitemaps"]]
        crawler = Crawler(store, scope, limits, user_agent, run, sitemaps, progress)
        try:
            tally = asyncio.run(crawler.crawl(resumed))
        except KeyboardInterrupt:
            store.end_run(run, "interrupted", time.time(), "Ctrl-C", dict(crawler.tally.outcomes))
            raise CrawlInterrupted(f"crawl {run} stopped; run the crawl again to resume it "
                                   f"({crawler.frontier.waiting()} addresses queued)") from None
        summary = CrawlSummary(run, resumed, tally, time.monotonic() - started)
        if tally.limit is None:
            summary.removed = _remove_unlinked(store, run, limits.gone_after, tally)
        skipped = describe(crawler.frontier.skipped) if crawler.frontier.skipped else ""
        store.end_run(run, "finished", time.time(), tally.limit or skipped, dict(tally.outcomes))
        indexing = time.monotonic()
        try:
            summary.index = index_store(store, scope, index_dir, rebuild=rebuild, procs=procs)
        except KeyboardInterrupt:
            raise CrawlInterrupted(f"crawl {run} finished, its indexing stopped (the live index is "
                                   "untouched); the next crawl indexes it") from None
        summary.index_seconds = time.monotonic() - indexing
        return summary


def _remove_unlinked(store: Store, run: int, after: int, tally: Tally) -> list[str]:
    """Count a miss for every kept page this complete crawl did not find; drop those missed
    ``after`` times in a row."""
    store.db.execute("UPDATE urls SET missed = CASE WHEN seen_run = ? THEN 0 ELSE missed + 1 END "
                     "WHERE kind = 'page'", (run,))
    rows = store.db.execute("SELECT url, file FROM urls WHERE missed >= ? AND file IS NOT NULL",
                            (after,)).fetchall()
    for url, path in rows:
        store.remove_file(path)
        store.settle(url, run, outcome="gone", reason="no longer linked", file=None, hash=None,
                     etag=None, last_modified=None)
        tally.outcomes["gone"] += 1
    if rows:
        store.put("dirty", True)
    store.commit()
    return [url for url, _ in rows]


@contextmanager
def crawl_progress(stream=None) -> Iterator[Progress]:
    """A ``progress(requests, bytes, queued)`` callback: a live bar on a terminal (pages, MB,
    rate, queue), a line every few seconds elsewhere."""
    stream = stream or sys.stderr
    started, last = time.monotonic(), [0.0]
    if stream.isatty():
        from tqdm import tqdm

        bar = tqdm(desc="crawling", unit="page", file=stream, dynamic_ncols=True)

        def update(requests: int, size: int, queued: int) -> None:
            bar.update(requests - bar.n)
            bar.set_postfix_str(f"{size / 1e6:.1f} MB, {queued} queued", refresh=False)

        try:
            yield update
        finally:
            bar.close()
        return

    def line(requests: int, size: int, queued: int) -> None:
        elapsed = time.monotonic() - started
        if elapsed - last[0] < LINE_SECONDS:
            return
        last[0] = elapsed
        print(f"crawling: {requests} requests, {size / 1e6:.1f} MB, {requests / elapsed:,.1f} pages/s, "
              f"{queued} queued", file=stream, flush=True)

    yield line
