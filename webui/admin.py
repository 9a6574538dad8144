"""Rebuild over HTTP: ``POST /api/admin/rebuild`` with the token from ``$EGOV_ADMIN_TOKEN``.

Without a configured token the endpoint does not exist (404). The rebuild is the same atomic
``build_index`` as ``egov-search build``: searches keep being answered from the live index
until the new one is swapped in. The corpus is the server's own (``$EGOV_CORPUS``, paths
separated by ``os.pathsep``; default: the seed), never one named in the request.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Flask, abort, current_app, jsonify, request

from indexer import BuildError, ConfigError, CorpusError, build_index, config

bp = Blueprint("admin", __name__)


def init_app(app: Flask) -> None:
    """Read the token and corpus from the environment; register the endpoint only with a token."""
    app.config.setdefault("ADMIN_TOKEN", config.admin_token())
    app.config.setdefault("CORPUS", config.served_corpus())
    if app.config["ADMIN_TOKEN"]:
        app.register_blueprint(bp)


@bp.post("/api/admin/rebuild")
def rebuild():
    """Build the server's corpus into a new generation and swap it in; answer the summary."""
    _require_token()
    try:
        summary = build_index(current_app.config["CORPUS"], current_app.config["INDEX"])
    except (CorpusError, BuildError, ConfigError) as err:
        abort(422, f"重建中止，当前索引未改动 / build aborted, live index untouched: {err}")
    return jsonify(status="ok", documents=summary.documents, size_bytes=summary.size_bytes,
                   seconds=round(summary.seconds, 2), generation=summary.generation.name)


def _require_token() -> None:
    """401 unless ``Authorization: Bearer <token>`` matches, compared in constant time."""
    expected = current_app.config["ADMIN_TOKEN"].encode()
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
        abort(401, "需要有效的管理令牌 / a valid admin token is required "
                   "(Authorization: Bearer $EGOV_ADMIN_TOKEN)")
