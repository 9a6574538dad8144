"""Log lines that carry what clients sent, made safe to write and to read on a terminal."""

from __future__ import annotations

import logging
import re

ACCESS_LOG = logging.getLogger("egov_search.access")
UNPRINTABLE = re.compile(r"[^ -\[\]-~]")  # all but printable ASCII, and the backslash that escapes


def log_access(client: str, method: str, target: str, status: int, took_ms: float) -> None:
    """One access-log line, ``client method target status 1.2ms``, its fields :func:`printable`."""
    ACCESS_LOG.info("%s %s %s %d %.1fms", printable(client), printable(method), printable(target),
                    status, took_ms)


def printable(text: str) -> str:
    r"""``text`` (a WSGI string: one character per byte as sent) in printable ASCII, every other
    byte and the backslash as ``\xNN``, so that it can neither end a log line nor drive a terminal.

    >>> print(printable("q=\x1b[2J\x0bfake\\line\xe5"))
    q=\x1b[2J\x0bfake\x5cline\xe5
    """
    return UNPRINTABLE.sub(lambda match: f"\\x{ord(match[0]):02x}", text)
