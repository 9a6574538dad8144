"""What a crawl may do: every limit with a default sized for a government site, each one set by
``EGOV_CRAWL_<NAME>`` in the environment or by the ``crawl`` command's option of the same name.

>>> Limits.from_environ({"EGOV_CRAWL_DELAY": "0.5", "EGOV_CRAWL_MAX_PAGES": "200"}).delay
0.5
>>> parse_duration("6h"), parse_duration("90s"), parse_duration("1d"), parse_duration("45")
(21600.0, 90.0, 86400.0, 45.0)
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from .. import config

MB = 1 << 20


@dataclasses.dataclass(frozen=True)
class Limits:
    """Politeness and bounds of one crawl (seconds, bytes, counts)."""

    delay: float = 1.0  # between two requests to one host; a longer robots.txt Crawl-delay wins
    max_crawl_delay: float = 30.0  # a Crawl-delay above this is cut to it (and logged)
    concurrency: int = 2  # requests in flight to one host
    max_connections: int = 16  # requests in flight to all hosts
    timeout: float = 30.0  # connecting, or waiting for the next bytes of an answer
    fetch_seconds: float = 120.0  # one answer, first byte to last: a body that never ends stops here
    max_pages: int = 100_000  # requests in one crawl (pages, attachments, sitemaps)
    max_bytes: int = 50 * MB  # one answer's body; a larger file is skipped as too large
    max_total_bytes: int = 20_000 * MB  # all bodies of one crawl
    max_depth: int = 30  # links followed from an entry point
    max_redirects: int = 5  # redirects in a row
    max_url_length: int = 1024
    max_path_segments: int = 24  # /a/b/c/… deeper than this is an endless path
    max_segment_repeats: int = 3  # a path segment repeated more often is a loop (/a/b/a/b/a/b)
    max_query_variants: int = 10_000  # distinct query strings of one path (calendars, filters)
    max_links: int = 2_000  # links taken from one page
    max_sitemap_urls: int = 50_000  # addresses taken from one sitemap file (the protocol's own cap)
    retries: int = 2  # again after a timeout, a lost connection, 429 or a 5xx
    gone_after: int = 3  # complete recrawls that no longer find a page before it leaves the index
    robots_bytes: int = 500 << 10  # a longer robots.txt is read up to here (as Google does)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None, **chosen) -> Limits:
        """The defaults, then ``EGOV_CRAWL_<NAME>`` from ``environ``, then ``chosen`` (not ``None``)."""
        values = {}
        for field in dataclasses.fields(cls):
            variable = f"EGOV_CRAWL_{field.name.upper()}"
            read = config.decimal_number if field.type == "float" else config.whole_number
            values[field.name] = read(variable, field.default, environ)
            if values[field.name] < 0:
                raise config.ConfigError(f"{variable} must be 0 or more")
        values.update({name: value for name, value in chosen.items() if value is not None})
        return cls(**values)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """Seconds in ``90s``, ``30m``, ``6h``, ``1d`` or a plain number of seconds; ``ValueError``."""
    found = _DURATION.match(text)
    if not found or float(found.group(1)) <= 0:
        raise ValueError(f"not a duration: {text!r} (write 30m, 6h or 1d)")
    return float(found.group(1)) * _UNITS[found.group(2).lower()]
