"""The frontier: the addresses one crawl has found, queued per host.

An address joins once per crawl, if it is in scope and not a trap (:class:`~.urls.Traps`), not
deeper than the limit, and worth a request (not an image; a ``.doc`` is recorded as skipped
since no reader reads it). What it found is in the store as it goes, so a stopped crawl
resumes with the same queue.
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from dataclasses import dataclass, field

from .robots import Robots
from .settings import Limits
from .store import Store
from .urls import Scope, Traps, host_of, skipped_type

LOG = logging.getLogger("egov_search.crawl")


@dataclass
class Item:
    """One address to request: a ``page`` (or attachment) or a ``sitemap``."""

    url: str
    kind: str
    depth: int
    hops: int = 0  # redirects that led here
    tries: int = 0  # requests that failed and may be tried again


@dataclass
class Host:
    """One host's queue and politeness: the delay between requests, requests in flight, rules."""

    name: str
    scheme: str
    delay: float
    pending: deque[Item] = field(default_factory=deque)
    next_start: float = 0.0
    active: int = 0
    robots: Robots | None = None  # None until its robots.txt is read
    robots_asked: bool = False


class Frontier:
    """The queue of one crawl, with the rules that admit an address to it."""

    def __init__(self, store: Store, scope: Scope, limits: Limits, run: int):
        self.store, self.scope, self.limits, self.run = store, scope, limits, run
        self.hosts: dict[str, Host] = {}
        self.traps = Traps(limits)
        self.seen: set[str] = set()
        self.skipped: Counter[str] = Counter()
        for url in store.seen(run):  # a resumed crawl: what it had found, its query strings counted
            self.seen.add(url)
            self.traps.reason(url)
        for row in store.queued(run):
            self.host(row["url"]).pending.append(Item(row["url"], row["kind"], row["depth"]))

    def host(self, url: str) -> Host:
        """The queue of the host of ``url`` (made with its scheme, for its robots.txt)."""
        name = host_of(url)
        if name not in self.hosts:
            self.hosts[name] = Host(name, url.split("://", 1)[0], self.limits.delay)
        return self.hosts[name]

    def add(self, url: str, kind: str, depth: int, hops: int = 0) -> bool:
        """Queue ``url`` if this crawl may and has not yet; whether it was queued."""
        if url in self.seen:
            return False
        in_scope = host_of(url) in self.scope.hosts if kind == "sitemap" else self.scope.allows(url)
        if not in_scope:
            return False
        self.seen.add(url)
        reason = skipped_type(url) if kind == "page" else None
        if reason == "media":
            self.skipped[reason] += 1
            return False
        reason = reason or self.traps.reason(url)
        if reason is None and depth > self.limits.max_depth:
            reason = "too deep"
        self.store.discover(url, self.run, depth, kind)
        if reason:
            LOG.info("%s: skipped: %s", url, reason)
            self.skipped[reason] += 1
            self.store.settle(url, self.run, outcome="skipped", reason=reason)
            return False
        self.host(url).pending.append(Item(url, kind, depth, hops))
        return True

    def requeue(self, item: Item) -> None:
        """Put ``item`` back first in its host's queue, to try again once the host's wait is over."""
        self.host(item.url).pending.appendleft(item)

    def waiting(self) -> int:
        """Addresses queued and not yet requested."""
        return sum(len(host.pending) for host in self.hosts.values())
