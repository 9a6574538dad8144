"""``ETag`` and ``Cache-Control`` on the public API's GETs, and 304 before any work.

The answer to a GET depends on its path and query string and on the index generation it
reads (a rebuild is a new generation), so those make the tag. It is weak: two answers with
one tag differ only in ``took_ms`` (and in their content coding), never in what they say.
Whatever comes to change an answer without a new generation (an editor's pinned answers, a
reloaded synonym file) must join the key, or a client would be told 304 about a stale answer.
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, request

from .cors import PUBLIC_API
from .engine import get_engine

MAX_AGE = 60  # seconds a client may reuse an answer before asking again with If-None-Match
NOT_CACHED = ("/healthz", "/api/admin")


def init_app(app: Flask) -> None:
    """Answer 304 before the view when the tag matches; tag and mark every cacheable answer."""
    app.before_request(_not_modified)
    app.after_request(_tag)


def _cacheable() -> bool:
    return request.method in ("GET", "HEAD") and PUBLIC_API.match(request.path) is not None


def etag() -> str:
    """This request's tag on the generation it reads."""
    key = f"{get_engine().generation()}\n{request.path}\n{request.query_string.decode('latin-1')}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _not_modified() -> Response | None:
    if not _cacheable() or not request.if_none_match:
        return None
    tag = etag()
    if not request.if_none_match.contains_weak(tag):
        return None
    response = Response(status=304)
    response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def _tag(response: Response) -> Response:
    if request.path.startswith(NOT_CACHED):
        response.headers["Cache-Control"] = "no-store"
    elif _cacheable() and response.status_code == 200:
        response.set_etag(etag(), weak=True)
        response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response
