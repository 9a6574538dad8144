"""robots.txt, read by ``protego`` (Scrapy's parser: RFC 9309 and Google's reading of it, with
``Crawl-delay`` and ``Sitemap:`` lines).

What a fetch of robots.txt means, by RFC 9309: 2xx, the rules; 4xx, no rules (everything
allowed); 5xx or no answer, everything disallowed for this crawl (a server in trouble).

>>> rules = Robots.parse("User-agent: *\\nDisallow: /private/\\nCrawl-delay: 2", "egov-search/1")
>>> rules.allows("http://x.gov.cn/private/a.html"), rules.allows("http://x.gov.cn/a.html"), rules.crawl_delay
(False, True, 2.0)
>>> Robots.unreachable().allows("http://x.gov.cn/a.html"), Robots.missing().allows("http://x.gov.cn/")
(False, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from protego import Protego


@dataclass
class Robots:
    """The rules of one host for our user agent."""

    parser: Protego | None
    token: str = "*"
    allow_all: bool = True
    sitemaps: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str, user_agent: str) -> Robots:
        """The rules of a robots.txt text, for the product token of ``user_agent``."""
        parser = Protego.parse(text)
        return cls(parser, user_agent.split("/", 1)[0].strip() or "*", True, list(parser.sitemaps))

    @classmethod
    def missing(cls) -> Robots:
        """No robots.txt (a 4xx): everything allowed."""
        return cls(None, allow_all=True)

    @classmethod
    def unreachable(cls) -> Robots:
        """robots.txt answered 5xx or not at all: nothing allowed."""
        return cls(None, allow_all=False)

    def allows(self, url: str) -> bool:
        """Whether our user agent may fetch ``url``."""
        if self.parser is None:
            return self.allow_all
        return self.parser.can_fetch(url, self.token)

    @property
    def crawl_delay(self) -> float | None:
        """The ``Crawl-delay`` for our user agent, in seconds, if the file gives one."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(self.token)
        return float(delay) if delay is not None else None
