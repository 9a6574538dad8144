"""How often each client did something lately: the admin token's throttle and the query log's
rate per client."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class RecentEvents:
    """Recent events per client (failed token checks, logged searches): at most ``limit`` times
    each within ``window`` seconds, for at most ``capacity`` clients (the one quiet longest is
    forgotten first), thread-safe."""

    def __init__(self, limit: int, window: float, capacity: int, clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self.capacity, self.clock = limit, window, capacity, clock
        self._times: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._times)

    def retry_after(self, client: str) -> int:
        """Whole seconds until ``client`` may try again: 0 if it may now."""
        with self._lock:
            times = self._recent(client)
            if len(times) < self.limit:
                return 0
            return max(1, math.ceil(times[0] + self.window - self.clock()))

    def add(self, client: str) -> int:
        """Count an event of ``client``; its events within the window, this one included."""
        with self._lock:
            times = [*self._recent(client), self.clock()][-self.limit:]
            self._times[client] = times
            self._times.move_to_end(client)
            if len(self._times) > self.capacity:
                self._times.popitem(last=False)
            return len(times)

    def _recent(self, client: str) -> list[float]:
        cutoff = self.clock() - self.window
        return [moment for moment in self._times.get(client, ()) if moment > cutoff]
