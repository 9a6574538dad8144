"""Who searched, as far as 热门搜索 needs to know: distinct clients, never who they are.

A client is its address (``X-Forwarded-For`` only when the connection comes from a trusted
proxy), turned at once into a keyed hash: HMAC-SHA256 under a key derived from a random secret
and the day's number, so that the hashes of one day cannot be linked to another day's, and
the secret lives only in the server's memory (a restart draws a new one). The hash stored for
a search also mixes in the query, so two searches of one client cannot be linked to each
other either. The address itself is never written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Iterable

from flask import Request

from .querylog import DAY

HASH_BYTES = 8  # enough that two clients of one query on one day practically never share a hash
NetworkList = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


def trusted_proxies(setting: str | None) -> NetworkList:
    """The proxies whose ``X-Forwarded-For`` is believed: addresses or networks separated by
    commas or spaces; ``ValueError`` names one that is neither.

    >>> trusted_proxies("127.0.0.1, 10.0.0.0/8")
    (IPv4Network('127.0.0.1/32'), IPv4Network('10.0.0.0/8'))
    """
    items = (setting or "").replace(",", " ").split()
    return tuple(ipaddress.ip_network(item, strict=False) for item in items)


def client_address(request: Request, proxies: NetworkList) -> str:
    """The client's address: the connection's, or behind trusted proxies the last address in
    ``X-Forwarded-For`` that is not one of them (what a client writes there itself comes
    before it, and is ignored)."""
    address = request.remote_addr or "-"
    if not proxies or not _within(address, proxies):
        return address
    forwarded = [part.strip() for part in ",".join(request.headers.getlist("X-Forwarded-For")).split(",")]
    for hop in reversed(forwarded):
        if not hop:
            continue
        if not _within(hop, proxies):
            return hop
        address = hop
    return address


def typed_search(request: Request) -> bool:
    """Whether the request is a search a person made: a GET (not HEAD) that a browser did not
    send as a subresource (``Sec-Fetch-Dest`` other than ``document``), a prefetch, or a
    navigation another site started without the person's click or keystroke."""
    headers = request.headers
    if request.method != "GET" or headers.get("Sec-Fetch-Dest", "document") != "document":
        return False
    if "prefetch" in (headers.get("Sec-Purpose", "") + headers.get("Purpose", "")).lower():
        return False
    return not (headers.get("Sec-Fetch-Site") == "cross-site" and headers.get("Sec-Fetch-User") != "?1")


def typed_click(request: Request) -> bool:
    """Whether the request is a result a person opened: a navigation counted as a search is
    (:func:`typed_search`), or a beacon the page sent (a POST not from another site)."""
    if request.method == "POST":
        return request.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin"
    return typed_search(request)


class Keys:
    """The day's hashing keys, derived from ``secret``."""

    def __init__(self, secret: bytes):
        self._secret = secret
        self._day: tuple[int, bytes] | None = None

    def day_key(self, now: float) -> bytes:
        """The key of the day that ``now`` (Unix time) falls in."""
        day = int(now // DAY)
        if self._day is None or self._day[0] != day:
            self._day = (day, hmac.new(self._secret, str(day).encode(), hashlib.sha256).digest())
        return self._day[1]

    def client(self, address: str, now: float, *more: str) -> bytes:
        """The keyed hash of ``address`` (and of ``more``, such as a query) on this day."""
        return _keyed(self.day_key(now), [address, *more])


def _keyed(key: bytes, parts: Iterable[str]) -> bytes:
    text = "\0".join(parts).encode("utf-8", "surrogatepass")
    return hmac.new(key, text, hashlib.sha256).digest()[:HASH_BYTES]


def _within(address: str, networks: NetworkList) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)
