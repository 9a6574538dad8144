"""One crawl: requests dispatched per host under its delay and concurrency, robots.txt read
first, failures tried again, until the frontier is empty, a limit is reached or Ctrl-C.

A single asyncio loop owns the store: requests run as tasks, and their answers are handled
(:mod:`.answers`) in the loop, one at a time. Ctrl-C cancels the requests in flight; what was
handled is committed, the rest stays queued for the next run.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from . import answers, fetch
from .frontier import Frontier, Host, Item
from .robots import Robots
from .settings import Limits
from .store import Store
from .urls import Scope, host_of

LOG = logging.getLogger("egov_search.crawl")
RETRY_STATUSES = (429, 500, 502, 503, 504)
NOT_RETRIED = (fetch.TOO_LARGE, fetch.TOO_SLOW, fetch.INVALID)
COMMIT_SECONDS = 2.0

Progress = Callable[[int, int, int], None]  # (requests, bytes, queued)


@dataclass
class Tally:
    """What one crawl did, for its summary and report."""

    requests: int = 0
    bytes: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    limit: str | None = None  # the limit that stopped the crawl, if one did


class Crawler:
    """Runs crawl ``run`` of ``store`` within ``scope`` and ``limits``."""

    def __init__(self, store: Store, scope: Scope, limits: Limits, user_agent: str, run: int,
                 sitemaps: list[str], progress: Progress | None = None):
        self.store, self.scope, self.limits, self.user_agent, self.run = store, scope, limits, user_agent, run
        self.frontier = Frontier(store, scope, limits, run)
        self.sitemaps, self.progress = sitemaps, progress
        self.tally = Tally()
        self.active: dict[asyncio.Task, tuple[Host, Item | None]] = {}
        self.last_commit = time.monotonic()

    async def crawl(self, resumed: bool) -> Tally:
        """Crawl until done; ``CancelledError`` (Ctrl-C) once the requests in flight are stopped."""
        if not resumed:
            for seed in self.scope.seeds:
                self.frontier.add(seed, "page", 0)
            for sitemap in self.sitemaps:
                self.frontier.add(sitemap, "sitemap", 0)
        async with fetch.client(self.limits, self.user_agent) as http:
            self.http = http
            try:
                await self._loop()
            finally:
                for task in self.active:
                    task.cancel()
                if self.active:
                    await asyncio.wait(self.active)
                self.store.commit()
        return self.tally

    async def _loop(self) -> None:
        """Start what is ready, handle what comes back, sleep until the next host is ready."""
        while True:
            wake = self._start_ready()
            if not self.active:
                if wake is None:
                    return
                await asyncio.sleep(max(0.0, wake - time.monotonic()))
                continue
            timeout = None if wake is None else max(0.0, wake - time.monotonic())
            done, _ = await asyncio.wait(self.active, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                host, item = self.active.pop(task)
                host.active -= 1
                self._answered(host, item, task.result())
            if time.monotonic() - self.last_commit > COMMIT_SECONDS:
                self.store.commit()
                self.last_commit = time.monotonic()
            if self.progress:
                self.progress(self.tally.requests, self.tally.bytes, self.frontier.waiting())

    def _start_ready(self) -> float | None:
        """Start every request a host may make now; when the next one may start (``None``: no
        queued address can ever start, or a limit stopped the crawl)."""
        wake = None
        for host in list(self.frontier.hosts.values()):
            while host.pending or not host.robots_asked:
                if self.tally.limit is not None:
                    return None
                if host.active >= self.limits.concurrency or len(self.active) >= self.limits.max_connections:
                    break
                now = time.monotonic()
                if host.next_start > now:
                    wake = host.next_start if wake is None else min(wake, host.next_start)
                    break
                if not host.robots_asked:
                    self._start(host, None)
                    continue
                if host.robots is None:
                    break  # its robots.txt is on its way
                if self.tally.requests >= self.limits.max_pages:
                    self._stop("max_pages")
                    return None
                item = host.pending.popleft()
                if host.robots.allows(item.url):
                    self._start(host, item)
                else:
                    answers.disallowed(self, item)
        return wake

    def _start(self, host: Host, item: Item | None) -> None:
        """Send the request for ``item`` (``None``: the host's robots.txt)."""
        host.active += 1
        host.next_start = time.monotonic() + host.delay
        if item is None:
            host.robots_asked = True
            coroutine = self._robots(host)
        else:
            self.tally.requests += 1
            record = self.store.record(item.url)
            validators = answers.validators(record)
            coroutine = fetch.fetch(self.http, item.url, self.limits, **validators)
        self.active[asyncio.ensure_future(coroutine)] = (host, item)

    def _robots(self, host: Host):
        """The request for ``host``'s robots.txt: conditional on the copy kept, redirects
        followed (RFC 9309), read up to its size limit."""
        kept = self.store.robots(host.name)
        return fetch.fetch(self.http, f"{host.scheme}://{host.name}/robots.txt", self.limits,
                           etag=kept and kept["etag"], last_modified=kept and kept["last_modified"],
                           max_bytes=self.limits.robots_bytes, truncate=True, follow_redirects=True)

    def _answered(self, host: Host, item: Item | None, answer: fetch.Answer) -> None:
        """Handle an answer: robots rules, a retry, or what the answer means for the address."""
        self.tally.bytes += len(answer.body)
        if item is None:
            self._read_robots(host, answer)
            return
        if self.tally.bytes > self.limits.max_total_bytes:
            self._stop("max_total_bytes")
        failed = answer.error not in (None, *NOT_RETRIED) or answer.status in RETRY_STATUSES
        if failed and item.tries < self.limits.retries:
            item.tries += 1
            wait = fetch.retry_after(answer, max(host.delay, 0.5) * 2 ** item.tries)
            host.next_start = max(host.next_start, time.monotonic() + wait)
            why = answer.error or f"HTTP {answer.status}"
            LOG.info("%s: %s; trying again in %.1f s", item.url, why, wait)
            self.frontier.requeue(item)
            return
        answers.answer(self, item, answer)

    def _read_robots(self, host: Host, answer: fetch.Answer) -> None:
        """Set ``host``'s rules and delay from its robots.txt, and queue the sitemaps it names."""
        kept = self.store.robots(host.name)
        if answer.status == 304 and kept:
            host.robots = Robots.parse(kept["text"], self.user_agent)
        elif 200 <= answer.status < 300:
            text = answer.body.decode("utf-8", "replace")
            host.robots = Robots.parse(text, self.user_agent)
            self.store.put_robots(host.name, text, answer.header("etag"), answer.header("last-modified"))
        elif 400 <= answer.status < 500 and answer.status != 429:
            host.robots = Robots.missing()
        else:
            LOG.warning("%s: %s: nothing on %s is fetched in this crawl (RFC 9309)", answer.url,
                        answer.error or f"HTTP {answer.status}", host.name)
            host.robots = Robots.unreachable()
        delay = host.robots.crawl_delay
        if delay is not None and delay > self.limits.delay:
            if delay > self.limits.max_crawl_delay:
                LOG.warning("%s: Crawl-delay %g s cut to %g s", answer.url, delay,
                            self.limits.max_crawl_delay)
            host.delay = min(delay, self.limits.max_crawl_delay)
        named = [url for url in host.robots.sitemaps if host_of(url) == host.name]
        if not named and not any(host_of(url) == host.name for url in self.sitemaps):
            named = [answer.url.rsplit("/", 1)[0] + "/sitemap.xml"]
        for url in named:
            answers.add_sitemap(self, url, None)

    def _stop(self, limit: str) -> None:
        """Stop starting requests: ``limit`` was reached."""
        if self.tally.limit is None:
            LOG.warning("crawl limit %s reached: %s; stopping", limit, getattr(self.limits, limit))
            self.tally.limit = limit
