"""Progress of long jobs on stderr: a live bar on a terminal, plain lines in logs and pipes."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

LINE_SECONDS = 5.0  # off a terminal, at most one line per this many seconds (plus the last)


@contextmanager
def progress_reporter(label: str, stream=None, unit: str = "document",
                      short: str = "doc") -> Iterator[Callable[[int, int], None]]:
    """Yield a ``progress(done, total)`` callback that reports how many of ``unit`` (``short``
    in rates) a second and the time remaining, timed from its first call (a job starts with
    ``progress(0, total)``, which shows nothing)."""
    stream = stream or sys.stderr
    if stream.isatty():
        from tqdm import tqdm

        bars = []

        def update(done: int, total: int) -> None:
            if not bars:
                bars.append(tqdm(desc=label, unit=short, file=stream, dynamic_ncols=True))
            bars[0].total = total
            bars[0].update(done - bars[0].n)

        try:
            yield update
        finally:
            for bar in bars:
                bar.close()
        return
    started: list[float] = []
    last = [-LINE_SECONDS]

    def line(done: int, total: int) -> None:
        if not started:  # the clock starts with the job, not with the command
            started.append(time.monotonic())
        elapsed = time.monotonic() - started[0]
        if done < total and (elapsed - last[0] < LINE_SECONDS or not done):
            return
        last[0] = elapsed
        rate = done / elapsed if elapsed > 0 else 0.0
        remaining = (total - done) / rate if rate > 0 else 0.0
        print(f"{label}: {done}/{total} {unit}s ({done / total:.0%}), {rate:,.0f} {short}s/s, "
              f"{remaining:,.0f} s left", file=stream, flush=True)

    yield line
