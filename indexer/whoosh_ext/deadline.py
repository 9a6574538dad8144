"""A collector with a deadline, checked between matched documents: past it, the search stops
and keeps what it collected. It may be wrapped by others (a ``FilterCollector``): they take
the matches from it. The clock is the thread's CPU time by default, so the deadline bounds
the work of one search, not the time it waited for other threads of a busy server.
Whoosh's own ``TimeLimitCollector`` starts a timer thread per search and uses ``SIGALRM``,
which only the main thread may set; a server answers from many.

>>> from whoosh import fields, query
>>> from whoosh.filedb.filestore import RamStorage
>>> ix = RamStorage().create_index(fields.Schema(t=fields.KEYWORD))
>>> with ix.writer() as w:
...     for _ in range(5):
...         w.add_document(t="a")
>>> with ix.searcher() as s:
...     late = DeadlineCollector(s.collector(limit=None), deadline=0.0)  # already past
...     s.search_with_collector(query.Term("t", "a"), late)
...     late.expired, len(late.results())
(True, 0)
"""

from __future__ import annotations

import time
from collections.abc import Callable

from whoosh.collectors import Collector, WrappingCollector


class DeadlineCollector(WrappingCollector):
    """Collects through ``child`` until ``clock()`` passes ``deadline``."""

    def __init__(self, child: Collector, deadline: float, clock: Callable[[], float] = time.thread_time):
        super().__init__(child)
        self.deadline, self.clock = deadline, clock
        self.expired = False

    def matches(self):
        deadline, clock = self.deadline, self.clock
        for docnum in self.child.matches():
            if clock() > deadline:
                self.expired = True
                return
            yield docnum

    def collect_matches(self) -> None:
        for docnum in self.matches():
            self.child.collect(docnum)
