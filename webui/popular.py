"""热门搜索 and 相关搜索: searches taken from requests, written and counted off the request path.

A request only appends its search to a bounded list in memory and reads the lists computed
last (:meth:`QueryLog.add`, :meth:`QueryLog.popular`, :meth:`QueryLog.related`). One background
thread per process writes the searches in one transaction a second, and every
``refresh_seconds`` checks that the file is still the one it opened, deletes what is past its
time, keeps at most ``max_queries`` queries and computes the lists again with bounded, indexed
queries (:mod:`.querylog`). So what a request costs never depends on what clients sent before.

A query is shown once ``min_clients`` distinct clients (:mod:`.visitors`) searched it within
:data:`WINDOW_DAYS` days and its last search found something, unless it holds a blocked term
(compared after :func:`compact`) or an editor hid it; pinned queries come first; with
``EGOV_POPULAR=approved`` only what an editor approved or pinned is shown.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import re
import secrets
import sqlite3
import threading
import time
import unicodedata
import weakref
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from indexer.analysis.normalize import normalize_text
from indexer.analysis.question import content_fragments

from .querylog import DAY, Candidate, Click, Event, LogFile, Search
from .throttle import RecentEvents
from .visitors import Keys

LOG = logging.getLogger("egov_search")
WINDOW_DAYS = 30
POPULAR_SHOWN, RELATED_SHOWN = 10, 8
POOL = 200  # queries 相关搜索 chooses from: the most popular shown ones
MAX_PENDING = 10_000  # searches waiting to be written, per process; more are dropped, and counted
FLUSH_SECONDS = 1.0
CLIENTS_REMEMBERED = 100_000  # for the rate per client; the quietest forgotten first
WORD = re.compile(r"[\u3400-\u9fff]{2,}|[a-z0-9]{2,}")
DROPPED_CATEGORIES = ("Z", "P", "S", "C")  # spaces, punctuation, symbols, control and zero-width


@dataclass(frozen=True)
class Shown:
    """A query others may see, with the character pairs 相关搜索 compares."""

    key: str
    pairs: frozenset[str]


@dataclass(frozen=True)
class Entry:
    """A query as the editor sees it: counts, decision, and whether and why it is (not) shown."""

    key: str
    clients: int
    searches: int
    state: str | None
    shown: bool
    reason: str


def query_key(text: str) -> str:
    """A query as search normalises it (Traditional→Simplified, NFKC, lower case), with its
    white space collapsed: one key for every way of typing it, and what is shown.

    >>> query_key("  公積金　ＡＰＰ ")
    '公积金 app'
    """
    return " ".join(normalize_text(text).split())


def compact(text: str) -> str:
    """``text`` normalised, without any white space, punctuation, symbol or invisible
    character: what the block list compares, so that 騙 子, 骗\\u200b子 and 骗-子 all hold 骗子.

    >>> compact("騙\\u200b 子！ＶＸ：１３８")
    '骗子vx138'
    """
    return "".join(char for char in normalize_text(text)
                   if not unicodedata.category(char).startswith(DROPPED_CATEGORIES))


def pairs(text: str) -> frozenset[str]:
    """The two-character pieces of each word (two Han characters or more, or Latin and digits)
    once a question's scaffolding and function words are taken out: 相关搜索 shares content,
    so 医保怎么报销 and 怎么办理居住证 have nothing in common.

    >>> sorted(pairs("医保怎么报销")), sorted(pairs("可以办理居住证吗"))
    (['医保', '报销'], ['住证', '办理', '居住', '理居'])
    """
    return frozenset(word[i:i + 2] for part in content_fragments(text) for word in WORD.findall(part)
                     for i in range(len(word) - 1))


@dataclass(frozen=True)
class Settings:
    """What the lists need to know; see the README's settings table."""

    path: Path
    mode: str = "1"  # "1": shown when popular, "approved": only once approved, "0": never
    blocklist: Path | None = None
    min_clients: int = 5
    refresh_seconds: float = 60.0
    max_queries: int = 10_000
    rate_per_minute: int = 20


class QueryLog:
    """The query log of one app in this process: the searches waiting to be written, the lists
    computed last, and the thread that does the work."""

    def __init__(self, settings: Settings, secret: bytes | None = None):
        self.settings = settings
        self.keys = Keys(secret or secrets.token_bytes(32))
        self._pid: int | None = None
        self._lists: tuple[Shown, ...] = ()

    def _start(self) -> None:
        """Begin this process's state and thread (again after a fork: threads and files do not
        survive one)."""
        self._pid = os.getpid()
        self._pending: deque[Event] = deque()
        self._dropped = 0
        # searches (with their refinements) and clicks each have the rate per client
        self._rates = {kind: RecentEvents(self.settings.rate_per_minute, 60, CLIENTS_REMEMBERED)
                       for kind in ("searches", "clicks")}
        self._file = LogFile(self.settings.path)
        self._work = threading.Lock()
        self._refreshed = float("-inf")
        self._failing = False
        threading.Thread(target=_run, args=(weakref.ref(self),), name="egov-querylog", daemon=True).start()

    def _ready(self) -> None:
        if self._pid != os.getpid():
            with _start_lock:
                if self._pid != os.getpid():
                    self._start()

    def add(self, event: Event, address: str) -> bool:
        """Queue a search, a refinement or a click from ``address`` to be written; ``False`` when
        that client is past its rate or the queue is full (then it is not logged)."""
        self._ready()
        client = self.keys.client(address, event.at).hex()
        rate = self._rates["clicks" if isinstance(event, Click) else "searches"]
        if rate.retry_after(client):
            return False
        rate.add(client)
        if len(self._pending) >= MAX_PENDING:
            self._dropped += 1
            return False
        if isinstance(event, Search):
            event = dataclasses.replace(event, visitor=self.keys.client(address, event.at, event.key))
        self._pending.append(event)
        return True

    def popular(self) -> list[str]:
        """热门搜索, as computed last."""
        self._ready()
        return [shown.key for shown in self._lists[:POPULAR_SHOWN]]

    def related(self, query: str) -> list[str]:
        """相关搜索: shown queries that share a two-character piece with ``query``, those sharing
        most first (at most :data:`POOL` compared)."""
        self._ready()
        key = query_key(query)
        mine = pairs(key)
        if not mine:
            return []
        scored = sorted((-len(mine & shown.pairs), order, shown.key)
                        for order, shown in enumerate(self._lists) if shown.key != key and mine & shown.pairs)
        return [other for _, _, other in scored[:RELATED_SHOWN]]

    def tick(self) -> None:
        """The thread's work each second: write what waits, and refresh when it is time; a log
        that cannot be used is reported once (searches go on unlogged) until it can again."""
        try:
            if time.monotonic() - self._refreshed >= self.settings.refresh_seconds:
                self.refresh()
            else:
                with self._work:
                    self._flush()
        except (sqlite3.Error, OSError) as err:
            if not self._failing:
                LOG.warning("query log %s unusable (searches go on unlogged): %s", self.settings.path, err)
            self._failing = True
            self._pending.clear()
            self._file.close()
        else:
            self._failing = False

    def _flush(self) -> None:
        if self._dropped:
            LOG.warning("query log %s: %d searches or clicks not logged (more than %d waiting)",
                        self.settings.path, self._dropped, MAX_PENDING)
            self._dropped = 0
        batch = list(self._pending)  # requests only append; taken off once written
        if batch:
            self._file.write(batch)
            for _ in batch:
                self._pending.popleft()

    def refresh(self, now: float | None = None) -> None:
        """Write what waits, delete what is past its time, and compute the lists again."""
        self._ready()
        now = time.time() if now is None else now
        with self._work:
            self._refreshed = time.monotonic()
            self._flush()
            today = int(now // DAY)
            self._file.maintain(now, today, WINDOW_DAYS, self.settings.max_queries)
            self._lists = self._compute(today)

    def _compute(self, today: int) -> tuple[Shown, ...]:
        if self.settings.mode == "0":
            return ()
        decisions = self._file.decisions()
        candidates = self._file.candidates(today - WINDOW_DAYS + 1, self.settings.min_clients, 5 * POOL)
        blocked = blocked_terms(self.settings.blocklist)
        keys = [key for key, state in decisions.items() if state == "pinned"]
        keys += [c.key for c in candidates if c.found and decisions.get(c.key) != "pinned"
                 and decisions.get(c.key) != "hidden"
                 and (self.settings.mode != "approved" or decisions.get(c.key) == "approved")]
        return tuple(Shown(key, pairs(key)) for key in keys if not is_blocked(key, blocked))[:POOL]

    def entries(self, limit: int, now: float | None = None) -> list[Entry]:
        """The most searched queries of the window and every decided one, as the editor sees them."""
        self._ready()
        today = int((time.time() if now is None else now) // DAY)
        with self._work:
            self._flush()
            decisions = self._file.decisions()
            found = {c.key: c for c in self._file.candidates(today - WINDOW_DAYS + 1, 1, limit)}
            for key, (clients, searches) in self._file.counts([k for k in decisions if k not in found],
                                                              today - WINDOW_DAYS + 1).items():
                found[key] = Candidate(key, clients, searches, True)
            shown = {entry.key for entry in self._compute(today)}
        blocked = blocked_terms(self.settings.blocklist)
        listed = [*found.values(), *(Candidate(key, 0, 0, True) for key in decisions if key not in found)]
        return [Entry(c.key, c.clients, c.searches, decisions.get(c.key), c.key in shown,
                      self._reason(c, decisions.get(c.key), c.key in shown, is_blocked(c.key, blocked)))
                for c in listed]

    def _reason(self, candidate: Candidate, state: str | None, shown: bool, blocked: bool) -> str:
        """Why a query is shown or not, in Chinese."""
        if blocked:
            return "含屏蔽词"
        if state == "hidden":
            return "已隐藏"
        if shown:
            return "置顶" if state == "pinned" else "已显示"
        if self.settings.mode == "0":
            return "热门搜索已关闭"
        if candidate.clients < self.settings.min_clients:
            return f"搜索人数不足（{candidate.clients}/{self.settings.min_clients}）"
        if not candidate.found:
            return "最近一次搜索无结果"
        if self.settings.mode == "approved" and state != "approved":
            return "待批准"
        return "排名靠后"

    @contextlib.contextmanager
    def flushed(self) -> Iterator[sqlite3.Connection]:
        """The file's connection with everything queued written, for the editor's report; the
        log's thread waits until the block ends."""
        self._ready()
        with self._work:
            self._flush()
            yield self._file.db()

    def decide(self, query: str, state: str | None, now: float | None = None) -> str:
        """Record an editor's decision on ``query`` (approved, hidden, pinned; ``None`` forgets
        it) and compute the lists again; the query's key."""
        key = query_key(query)
        self._ready()
        with self._work:
            self._file.decide(key, state, time.time() if now is None else now)
        self.refresh(now)
        return key


_start_lock = threading.Lock()


def _run(log: weakref.ref[QueryLog]) -> None:
    """The background thread: it ends with its app (a test's, say)."""
    while True:
        time.sleep(FLUSH_SECONDS)
        current = log()
        if current is None:
            return
        try:
            current.tick()
        except Exception:  # the log must never stop its thread: say so, try again later
            LOG.exception("query log %s: writing or refreshing failed", current.settings.path)
        del current


def blocked_terms(source: Path | None) -> list[str]:
    """The block list's terms, each :func:`compact` (one a line, ``#`` starts a comment line);
    none if the file is missing."""
    try:
        lines = source.read_text(encoding="utf-8").splitlines() if source else []
    except OSError:
        return []
    terms = (compact(line) for line in lines if not line.lstrip().startswith("#"))
    return [term for term in terms if term]


def is_blocked(text: str, blocked: list[str]) -> bool:
    """Whether ``text`` holds a blocked term anywhere, once both are :func:`compact`."""
    held = compact(text)
    return any(term in held for term in blocked)
