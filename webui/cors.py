"""Cross-origin reads of the public JSON API, for the exact origins of ``$EGOV_CORS_ORIGINS``.

flask-cors sets the headers and answers preflights; this module reads and checks the setting
(origins only, never patterns: flask-cors would read ``*`` or ``^…`` as a regular expression)
and lets an allowed origin's preflight through the app's screen, which refuses OPTIONS.
"""

from __future__ import annotations

import os
import re

from flask import Flask, Response, current_app, request
from flask_cors import CORS

from indexer import ConfigError

ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")
PUBLIC_API = re.compile(r"^/api(/(?!admin(/|$)).*)?$")  # not the admin endpoints
MAX_AGE = 600  # seconds a browser may keep a preflight's answer


def init_app(app: Flask) -> None:
    """Allow the configured origins (``CORS_ORIGINS`` or ``$EGOV_CORS_ORIGINS``, comma-separated)."""
    raw = app.config.get("CORS_ORIGINS") or os.environ.get("EGOV_CORS_ORIGINS") or ""
    origins = [origin.strip() for origin in raw.split(",") if origin.strip()]
    for origin in origins:
        if not ORIGIN.match(origin):
            raise ConfigError(f"EGOV_CORS_ORIGINS: {origin!r} is not an origin such as "
                              "https://www.example.gov.cn (scheme, host and port only)")
    app.config["CORS_ALLOWED"] = frozenset(origin.lower() for origin in origins)
    if origins:
        CORS(app, resources={PUBLIC_API: {}}, origins=origins, methods=["GET", "HEAD"],
             allow_headers=["If-None-Match"], expose_headers=["ETag", "Link"], max_age=MAX_AGE,
             vary_header=False, always_send=False)
        app.after_request(_vary)


def _vary(response: Response) -> Response:
    """``Vary: Origin`` on the public API, in the one ``Vary`` header (flask-cors adds a second)."""
    if PUBLIC_API.match(request.path):
        response.vary.add("Origin")
    return response


def preflight() -> bool:
    """Whether this request is an allowed origin's preflight of a public API route."""
    return (request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
            and request.headers.get("Origin", "").lower() in current_app.config["CORS_ALLOWED"]
            and PUBLIC_API.match(request.path) is not None)
