"""Gzip for text responses, as an ``after_request`` hook."""

from __future__ import annotations

import gzip

from flask import Response, request

COMPRESS_MIN_BYTES = 1024
COMPRESSED_TYPES = ("text/html", "text/css", "text/javascript", "application/javascript",
                    "application/json", "text/plain", "image/svg+xml")


def compress(response: Response) -> Response:
    """Gzip a text response over ``COMPRESS_MIN_BYTES`` when the client accepts gzip."""
    response.vary.add("Accept-Encoding")
    if (response.status_code != 200 or "Content-Encoding" in response.headers
            or (response.mimetype or "") not in COMPRESSED_TYPES
            or "gzip" not in request.accept_encodings or request.method == "HEAD"):
        return response
    response.direct_passthrough = False  # a static file: read it here
    body = response.get_data()
    if len(body) < COMPRESS_MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.headers.pop("Accept-Ranges", None)  # ranges of the gzip body are not offered
    if response.headers.get("ETag"):
        response.headers["ETag"] = response.headers["ETag"].rstrip('"') + '-gz"'
    return response
