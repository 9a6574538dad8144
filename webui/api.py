"""The JSON API: every page's data, plus autocomplete and a health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from . import data
from .engine import get_engine
from .errors import bad_parameter

bp = Blueprint("api", __name__)


@bp.get("/api")
def index():
    """What the API offers."""
    return jsonify(endpoints={
        "/api/search?q=&kind=&year=&publisher=&topic=&column=&site=&from=&to=&sort=&in=&exact=&page=&limit=":
            "ranked, faceted results (limit 1–100, default 10)",
        "/api/suggest?q=&limit=": "up to 8 completions for a search box",
        "/api/documents/<id>?part=": "one document, its body in parts of at most 20,000 characters",
        "/api/doc/<id>?q=": "the document page: the document highlighted for q, and related documents",
        "/api/related?id=": "documents that mention it, and similar documents",
        "/api/overview?sort=rank|-rank|name|-name": "the home page: ranking and sections",
        "/healthz": "status and document count",
    })


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
    """The home page's data: the ranking (``?sort=rank|-rank|name|-name``) and the sections."""
    return jsonify(data.overview_data(request.args))


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
    doc_id = request.args.get("id", "")
    if not doc_id:
        bad_parameter("id", "缺少参数 id / missing parameter id", "missing_parameter")
    return jsonify(data.related_data(data.document_data(doc_id)))


@bp.get("/healthz")
def healthz():
    """``{"status": "ok", "documents": N}``, or 503 when there is no usable index."""
    return jsonify(status="ok", documents=get_engine().doc_count())
