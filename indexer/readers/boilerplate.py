"""Site-wide boilerplate: lines that repeat on most pages of one site are not body text.

Two passes over the already extracted lines of a site's pages: :meth:`Boilerplate.add` counts
each page's distinct lines (only a hash of each is kept, so memory grows with the number of
distinct lines, not with the text), then :meth:`Boilerplate.strip` drops from a page the lines
found on at least :data:`SHARE` of the site's pages, once the site has :data:`MIN_PAGES` pages.

>>> sites = Boilerplate()
>>> pages = [["首页 > 政务公开", f"第{n}篇正文。", "版权所有：某市人民政府"] for n in range(6)]
>>> for page in pages:
...     sites.add("www.example.gov.cn", page)
>>> sites.strip("www.example.gov.cn", pages[0])
['第0篇正文。']
>>> sites.strip("other-site", pages[0]) == pages[0]
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

SHARE = 0.6
MIN_PAGES = 5


def line_key(line: str) -> int:
    """The hash a line is counted by: whitespace-insensitive."""
    return hash("".join(line.split()))


class Boilerplate:
    """Counts of line hashes per site, and the filter they make."""

    def __init__(self, share: float = SHARE, min_pages: int = MIN_PAGES):
        self.share, self.min_pages = share, min_pages
        self.pages: Counter[str] = Counter()
        self.lines: dict[str, Counter[int]] = {}

    def add(self, site: str, lines: Iterable[str]) -> None:
        """Count one page's lines (each distinct line once) for ``site``."""
        self.pages[site] += 1
        self.lines.setdefault(site, Counter()).update({line_key(line) for line in lines if line.strip()})

    def is_boilerplate(self, site: str, line: str) -> bool:
        """Whether ``line`` is on at least :attr:`share` of the pages of a large enough site."""
        pages = self.pages[site]
        if pages < self.min_pages or site not in self.lines:
            return False
        return self.lines[site][line_key(line)] >= self.share * pages

    def strip(self, site: str, lines: Iterable[str]) -> list[str]:
        """The lines of a page of ``site`` that are not boilerplate."""
        return [line for line in lines if not self.is_boilerplate(site, line)]
