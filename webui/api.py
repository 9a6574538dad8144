"""The JSON API: every page's data, plus autocomplete and a health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for

from . import data, openapi, params
from .engine import get_engine
from .errors import bad_parameter
from .overview import overview_data

bp = Blueprint("api", __name__)


@bp.get("/api")
def index():
    """What the API offers: each endpoint and what it answers, and the OpenAPI description."""
    return jsonify(endpoints={e.path: e.summary for e in openapi.ENDPOINTS if not e.admin},
                   openapi=url_for("api.description"))


@bp.get("/api/openapi.json")
def description():
    """The OpenAPI 3.1 description, from the parameter table the endpoints check with."""
    admin = bool(current_app.config.get("ADMIN_TOKEN"))
    engine = get_engine()
    return jsonify(engine.cached(("openapi", admin), lambda: openapi.document("政务搜索 API", admin)))


@bp.get("/api/search")
def search():
    """Ranked, faceted, paginated results: ``?q=&kind=&page=&limit=``."""
    return jsonify(data.search_data(request.args))


@bp.get("/api/suggest")
def suggest():
    """Up to 8 completions for ``?q=``."""
    return jsonify(data.suggest_data(request.args))


@bp.get("/api/overview")
def overview():
    """The served collection: its size, kinds, years, facets; the seed's ranking and article."""
    return jsonify(overview_data(request.args))


@bp.get("/api/documents/<docid:doc_id>")
def document(doc_id: str):
    """One document with its body a part at a time (``?part=``), or 404."""
    return jsonify(data.document_part_data(doc_id, request.args))


@bp.get("/api/doc/<docid:doc_id>")
def document_page(doc_id: str):
    """The document page's data: the document highlighted for ``?q=``, and related documents."""
    return jsonify(data.document_page_data(doc_id, request.args))


@bp.get("/api/related")
def related():
    """Documents that mention ``?id=`` (for a vendor) and documents similar to it."""
    doc_id = params.read("related", request.args)["id"]
    if not doc_id:
        bad_parameter("id", "缺少参数 id", "missing_parameter")
    return jsonify(data.related_data(data.document_data(doc_id)))


@bp.get("/healthz")
def healthz():
    """``{"status": "ok", "documents": N}``, or 503 when there is no usable index."""
    return jsonify(status="ok", documents=get_engine().doc_count())
