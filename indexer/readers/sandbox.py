"""Each page and attachment read in a child process, within a time and a memory budget.

:class:`Sandbox` keeps up to ``procs`` child processes, forked (so they start with the readers
imported and cost no memory until they write), each reading one file at a time:

- a child may grow its address space by :attr:`~indexer.config.ReadLimits.read_megabytes`
  beyond what it had when it started (``RLIMIT_AS``), so a file that needs more fails in the
  child: ``too large``, when the error is ``MemoryError`` or the file had taken more than half
  the budget when it failed (a C library may report a failed allocation as something else:
  lxml's XPath gives ``XPathEvalError: unknown error``); the child is then replaced, so that
  the next file starts from a small heap;
- a child still on one file when :attr:`~indexer.config.ReadLimits.read_seconds` have passed is
  killed and replaced: ``too slow``;
- a child that dies any other way (a crash in a C library) gives ``crashed its reader``.

Results come back in the order the files were given, with a bounded number read ahead, so the
parent's memory stays flat however many files there are. Children get SIGKILL when their parent
dies (:func:`indexer.children.end_with`), so a killed build leaves none behind, and close the
sockets they inherit: a rebuild asked of the web server must not keep its clients' connections
open. (Forking from ``multiprocessing``'s fork server instead would start them clean, but it
runs the caller's main module again in each child, which a script that calls ``build_index``
without ``if __name__ == "__main__"`` does not survive.)

>>> with Sandbox(ReadLimits(read_megabytes=64), procs=2) as sandbox:
...     [read.reason or len(read.value) for read in sandbox.map(bytearray, [(3,), (100 << 20,), (0,)])]
[3, 'too large', 0]
>>> with Sandbox(ReadLimits(read_seconds=1)) as sandbox:
...     [read.reason for read in sandbox.map(time.sleep, [(0,), (600,), (0,)])]
[None, 'too slow', None]
>>> with Sandbox(ReadLimits()) as sandbox:
...     [read.reason for read in sandbox.map(os.abort, [()])]
['crashed its reader']
"""

from __future__ import annotations

import faulthandler
import gc
import logging
import multiprocessing
import os
import resource
import signal
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import NamedTuple

from ..children import end_with
from ..config import ReadLimits
from .skipped import CORRUPT, CRASHED, TOO_LARGE, TOO_SLOW, SkipFile

LOG = logging.getLogger("egov_search.readers")
AHEAD = 8  # files handed out per child beyond the next result due, so a slow file never stalls the rest
_CONTEXT = multiprocessing.get_context("fork")


class Read(NamedTuple):
    """What reading one file gave: its ``value``, or the ``reason`` it was skipped."""

    value: object
    reason: str | None


def _vm_bytes() -> int:
    """This process's address-space size."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _close_sockets(keep: int) -> None:
    """Close every socket this process inherited but ``keep``; the objects that held them are
    frozen, so that no collection of theirs closes a descriptor number used again."""
    gc.freeze()
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            if fd != keep and stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:  # the listing's own descriptor, gone by now
            pass


def _serve(conn: Connection, parent: int, megabytes: int) -> None:
    """A child: read files as the parent asks, until it closes the pipe or sends ``None``."""
    if not end_with(parent, signal.SIGKILL):
        return
    _close_sockets(conn.fileno())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    faulthandler.disable()  # a child that dies is a reason in the parent's report, not a stack dump
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limits = (_vm_bytes() + (megabytes << 20), soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (min(n for n in limits if n != resource.RLIM_INFINITY), hard))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        function, args = task
        before = _vm_bytes()
        try:
            conn.send(Read(function(*args), None))
            continue
        except SkipFile as skip:
            read = Read(None, skip.reason)
        except MemoryError:
            read = Read(None, TOO_LARGE)
        except Exception:  # a bad file is never a traceback; the log keeps it for debugging
            LOG.debug("%s: cannot be read", args[0] if args else "?", exc_info=True)
            read = Read(None, TOO_LARGE if _vm_bytes() - before > megabytes << 19 else CORRUPT)
        conn.send(read)


class _Child:
    """One child process and the file it is reading, if any."""

    def __init__(self, megabytes: int):
        self.conn, theirs = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_serve, args=(theirs, os.getpid(), megabytes), daemon=True)
        self.process.start()
        theirs.close()
        self.number: int | None = None
        self.deadline = 0.0

    def give(self, number: int, task: tuple, seconds: float) -> None:
        self.conn.send(task)
        self.number, self.deadline = number, time.monotonic() + seconds

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(None if kill else 5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class Sandbox:
    """Up to ``procs`` children that read files within ``limits``; a context manager."""

    def __init__(self, limits: ReadLimits, procs: int = 1):
        self.limits, self.procs = limits, max(1, procs)
        self.children: list[_Child] = []

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop every child."""
        for child in self.children:
            child.stop()
        self.children = []

    def map(self, function: Callable, tasks: Iterable[tuple]) -> Iterator[Read]:
        """``function(*task)`` of each task, each in a child within the limits, in order.

        ``function`` must be importable by name (it is sent to a child), and so must what it
        returns; a :class:`~.skipped.SkipFile` it raises is a skip with its reason."""
        tasks = iter(tasks)
        done: dict[int, Read] = {}
        handed = due = 0
        exhausted = False
        while not exhausted or due < handed:
            idle = [child for child in self.children if child.number is None]
            while handed - due < AHEAD * self.procs and (idle or len(self.children) < self.procs):
                task = next(tasks, None)
                if task is None:
                    exhausted = True
                    break
                child = idle.pop() if idle else self._start()
                if not child.process.is_alive():  # killed from outside while it waited
                    self._retire(child)
                    child = self._start()
                child.give(handed, (function, task), self.limits.read_seconds)
                handed += 1
            if due not in done and due < handed:
                self._collect(done)
            while due in done:
                yield done.pop(due)
                due += 1

    def _collect(self, done: dict[int, Read]) -> None:
        """Wait for a child to finish its file, or for the first deadline; record what came."""
        busy = {child.conn: child for child in self.children if child.number is not None}
        first = min(child.deadline for child in busy.values())
        for conn in wait(list(busy), timeout=max(0.0, first - time.monotonic())):
            child = busy[conn]
            try:
                read = conn.recv()
            except (EOFError, OSError):  # it died on this file
                self._replace(child, done, CRASHED)
                continue
            if read.reason == TOO_LARGE:
                self._replace(child, done, TOO_LARGE)
            else:
                done[child.number], child.number = read, None
        now = time.monotonic()
        for child in busy.values():
            if child.number is not None and child.deadline <= now:
                self._replace(child, done, TOO_SLOW)

    def _replace(self, child: _Child, done: dict[int, Read], reason: str) -> None:
        """Record ``reason`` for the child's file and stop the child; the next file starts a new one."""
        done[child.number], child.number = Read(None, reason), None
        self._retire(child)

    def _start(self) -> _Child:
        """A new child, counted among ours."""
        self.children.append(_Child(self.limits.read_megabytes))
        return self.children[-1]

    def _retire(self, child: _Child) -> None:
        """Kill a child and forget it."""
        child.stop(kill=True)
        self.children.remove(child)
