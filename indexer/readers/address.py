"""Where a file of a site folder lives on the web: its host folder, and its address.

>>> site_of("www.beijing.gov.cn/zw/a.html"), site_of("zw/a.html"), site_of("a.html")
('www.beijing.gov.cn', '', '')
>>> address("www.beijing.gov.cn/zw/a b.html", None), address("zw/a.html", "https://x.gov.cn")
('https://www.beijing.gov.cn/zw/a%20b.html', 'https://x.gov.cn/zw/a.html')
>>> address("www.beijing.gov.cn/zw/a.html", "http://www.beijing.gov.cn/"), address("a.html", None)
('http://www.beijing.gov.cn/zw/a.html', None)
"""

from __future__ import annotations

from urllib.parse import quote, urljoin


def site_of(doc_id: str) -> str:
    """The site a file belongs to: its host folder in a mirror (``wget --mirror`` names the
    first folder after the host), else ``""``."""
    first, sep, _ = doc_id.partition("/")
    return first if sep and "." in first else ""


def address(doc_id: str, base_url: str | None) -> str | None:
    """The address of a file that does not give its own: ``base_url`` joined with its path
    (below its host folder, in a mirror), else ``https://`` and the path of a mirror, else
    ``None``."""
    host = site_of(doc_id)
    path = doc_id[len(host) + 1:] if host else doc_id
    if base_url:
        return urljoin(base_url.rstrip("/") + "/", quote(path))
    return f"https://{host}/{quote(path)}" if host else None
