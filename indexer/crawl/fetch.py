"""One request, within its bounds, with ``httpx``: conditional when the store holds a copy, the
body streamed under a byte cap, and a deadline on the whole answer (a read timeout alone never
ends a body that trickles in a byte at a time). Redirects are not followed here: the crawler
checks each target against its scope.

Every failure is an :class:`Answer` with a reason, never an exception: ``timeout``, ``too
slow`` (the whole answer's deadline), ``too large``, ``connection failed``, ``bad encoding``,
``invalid address``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx

from .settings import Limits

TIMEOUT, TOO_SLOW, TOO_LARGE = "timeout", "too slow", "too large"
CONNECTION, BAD_ENCODING, INVALID = "connection failed", "bad encoding", "invalid address"
DRAINED = 64 << 10  # the body of an error or redirect read (and dropped) at most


@dataclass
class Answer:
    """What a server answered (``status`` 0: no answer, see ``error``)."""

    url: str
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None

    def header(self, name: str) -> str:
        """A response header's value, ``""`` if absent."""
        return self.headers.get(name.lower(), "")


def client(limits: Limits, user_agent: str) -> httpx.AsyncClient:
    """The crawl's HTTP client: our User-Agent, the timeouts, no redirects followed."""
    return httpx.AsyncClient(
        headers={"User-Agent": user_agent, "Accept-Language": "zh-CN,zh;q=0.9",
                 "Accept": "text/html,application/xhtml+xml,application/pdf,*/*;q=0.8"},
        timeout=httpx.Timeout(limits.timeout), follow_redirects=False,
        limits=httpx.Limits(max_connections=limits.max_connections,
                            max_keepalive_connections=limits.max_connections))


async def fetch(http: httpx.AsyncClient, url: str, limits: Limits, *, etag: str | None = None,
                last_modified: str | None = None, max_bytes: int | None = None, truncate: bool = False,
                follow_redirects: bool = False) -> Answer:
    """GET ``url``; conditional on ``etag``/``last_modified``; a body of at most ``max_bytes``
    (default: the limit) is read for a 2xx answer only, and a longer one is too large (or cut
    there, with ``truncate``)."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    cap = limits.max_bytes if max_bytes is None else max_bytes
    answer = Answer(url)
    try:
        async with asyncio.timeout(limits.fetch_seconds):
            request = http.stream("GET", url, headers=headers, follow_redirects=follow_redirects)
            async with request as response:
                answer.status = response.status_code
                answer.headers = {name.lower(): value for name, value in response.headers.items()}
                if 200 <= response.status_code < 300:
                    answer.body, answer.error = await _body(response, cap, truncate)
                else:  # read a short body so the connection is kept for the next request
                    await _body(response, DRAINED, truncate=True)
    except TimeoutError:
        answer.error = TOO_SLOW
    except httpx.TimeoutException:
        answer.error = TIMEOUT
    except httpx.DecodingError:
        answer.error = BAD_ENCODING
    except (httpx.InvalidURL, httpx.UnsupportedProtocol):
        answer.error = INVALID
    except httpx.HTTPError as err:  # refused, reset, a malformed answer
        answer.error = f"{CONNECTION} ({type(err).__name__})"
    if answer.error:
        answer.body = b""
    return answer


async def _body(response: httpx.Response, cap: int, truncate: bool) -> tuple[bytes, str | None]:
    """The decoded body, or ``(b"", "too large")`` as soon as it passes ``cap`` bytes (its
    first ``cap`` bytes, with ``truncate``)."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap and "content-encoding" not in response.headers \
            and not truncate:
        return b"", TOO_LARGE
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > cap:
            return (b"".join(chunks)[:cap], None) if truncate else (b"", TOO_LARGE)
    return b"".join(chunks), None


def retry_after(answer: Answer, default: float) -> float:
    """Seconds to wait before asking the host again after a 429 or 503 (``Retry-After`` in
    seconds, at most 10 minutes), else ``default``."""
    value = answer.header("retry-after").strip()
    return min(float(value), 600.0) if value.isdigit() else default
