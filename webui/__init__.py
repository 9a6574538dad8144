"""The search site and its JSON API.

``create_app()`` builds the Flask app (the flaskr pattern): defaults, then the environment
(``EGOV_INDEX``), then the mapping a test passes. Pages and API live in two blueprints and
share one :class:`indexer.SearchEngine` per app.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from urllib.parse import quote

from flask import Flask, Response, g, request
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.routing import PathConverter

from indexer import config

from . import admin, admin_editors, api, caching, clicks, cors, engine, errors, pages, recording, wsgi
from .logs import log_access

MAX_PARAMETERS = 200  # a search's filters take at most 6 × 20 values, and a few options
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(test_config: Mapping | None = None) -> Flask:
    """Build the app; ``INDEX`` is the index folder (default ``$EGOV_INDEX`` or ``.egov-index``)."""
    app = Flask(__name__)
    app.config.from_mapping(INDEX=str(config.index_dir()))
    if test_config is not None:
        app.config.from_mapping(test_config)
    app.json.ensure_ascii = False  # readable Chinese in curl output
    app.json.sort_keys = False
    app.url_map.converters["docid"] = DocumentIdConverter
    app.url_map.merge_slashes = False  # "a//b" and "/a" are ids of their own
    engine.init_app(app)
    recording.init_app(app)
    errors.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(clicks.bp)
    admin.init_app(app)
    cors.init_app(app)
    admin_editors.init_app(app)
    app.before_request(_start_timer)
    app.before_request(_screen)
    caching.init_app(app)  # after the screen: a 304 still needs a sound request
    app.after_request(_finish)
    app.after_request(wsgi.compress)  # after_request hooks run last-registered first: the tag
    # is set on the compressed answer, and stays weak and the same for both codings
    return app


class DocumentIdConverter(PathConverter):
    """A document id in a URL path: any text, slashes included (leading, doubled, trailing)."""

    regex = ".+"
    part_isolating = False  # it spans slashes; Werkzeug infers this only from a "/" in the regex


def _start_timer() -> None:
    g.started = time.perf_counter()


def _screen() -> None:
    """Refuse, before any work, what no page or endpoint takes: OPTIONS (405 with ``Allow``, as
    for any method a route does not take) but an allowed origin's preflight, and more than
    :data:`MAX_PARAMETERS` parameters (counted in the raw query string: parsing a million of
    them would be the work)."""
    if request.method == "OPTIONS" and request.url_rule is not None and not cors.preflight():
        raise MethodNotAllowed(valid_methods=sorted(request.url_rule.methods - {"OPTIONS"}))
    if request.query_string.count(b"&") >= MAX_PARAMETERS:
        errors.bad_parameter(None, f"参数太多（最多 {MAX_PARAMETERS} 个）", "too_many_parameters")


def _finish(response: Response) -> Response:
    """Add the security headers and write one access-log line."""
    response.headers.update(SECURITY_HEADERS)
    took = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    target = quote(request.path) + (f"?{request.query_string.decode('latin-1')}"
                                    if request.query_string else "")  # as sent
    log_access(request.remote_addr or "-", request.method, target, response.status_code, took)
    return response
