"""Progress of long jobs on stderr: a live bar on a terminal, plain lines in logs and pipes."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

LINE_SECONDS = 5.0  # off a terminal, at most one line per this many seconds (plus the last)


@contextmanager
def progress_reporter(label: str, stream=None) -> Iterator[Callable[[int, int], None]]:
    """Yield a ``progress(done, total)`` callback that reports documents/s and time remaining."""
    stream = stream or sys.stderr
    if stream.isatty():
        from tqdm import tqdm

        bar = tqdm(desc=label, unit="doc", file=stream, dynamic_ncols=True)

        def update(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            yield update
        finally:
            bar.close()
        return
    started = time.monotonic()
    last = [-LINE_SECONDS]

    def line(done: int, total: int) -> None:
        elapsed = time.monotonic() - started
        if done < total and elapsed - last[0] < LINE_SECONDS:
            return
        last[0] = elapsed
        rate = done / elapsed if elapsed > 0 else 0.0
        remaining = (total - done) / rate if rate > 0 else 0.0
        print(f"{label}: {done}/{total} documents ({done / total:.0%}), {rate:,.0f} docs/s, "
              f"{remaining:,.0f} s left", file=stream, flush=True)

    yield line
