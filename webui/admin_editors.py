"""The editors' admin API, with the admin token (see :mod:`.admin`): pinned answers and
validity set by hand, kept in the index's editors' file (``<index>.editors.sqlite3``). Every
worker process shows a change in its next search.

- ``GET /api/admin/pins``: every pin, and whether each is shown today;
- ``POST /api/admin/pins``: a new pin, from a JSON object (or form fields): ``query``,
  ``match`` (``exact`` or ``contains``), ``doc_id`` or ``title`` and ``url``, and optional
  ``description``, ``starts`` and ``expires`` (ISO dates); 201 with the pin;
- ``DELETE /api/admin/pins/<number>``;
- ``GET /api/admin/validity``: the validity set by hand and that documents declare;
- ``PUT /api/admin/validity/<id>`` with ``value`` (现行有效, 已修改, 已废止, 已失效);
  ``DELETE /api/admin/validity/<id>`` to go back to the index's own.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Flask, abort, current_app, jsonify, request

from indexer import config
from indexer.analysis.validity import VALUES, canonical
from indexer.editors.pins import PinError
from indexer.editors.state import EDITORS
from indexer.editors.store import EditorsFile

from .admin import require_token
from .engine import get_engine
from .errors import bad_parameter

bp = Blueprint("admin_editors", __name__)
PIN_FIELDS = ("query", "match", "doc_id", "title", "description", "url", "starts", "expires")


def init_app(app: Flask) -> None:
    """Register the endpoints where the admin API exists (a token is configured)."""
    if app.config["ADMIN_TOKEN"]:
        app.register_blueprint(bp)


def editors_file() -> EditorsFile:
    """The editors' file of the app's index."""
    return EditorsFile(config.beside_index(EDITORS, current_app.config["INDEX"]))


def _given() -> dict:
    """The request's fields: a JSON object, else form fields and arguments."""
    if request.is_json:
        given = request.get_json(silent=True)
        if not isinstance(given, dict):
            bad_parameter(None, "请求体必须是 JSON 对象 / the body must be a JSON object", "invalid_body")
        return given
    return request.values.to_dict()


def _text(given: dict, name: str) -> str | None:
    """Field ``name`` of the request, a string or absent; a 400 for any other JSON value."""
    value = given.get(name)
    if value is not None and not isinstance(value, str):
        bad_parameter(name, f"参数 {name} 必须是字符串 / {name} must be a string")
    return value or None


@bp.get("/api/admin/pins")
def pins():
    """Every pin, with ``shown``: whether it is shown today (its document still indexed)."""
    require_token()
    engine, today = get_engine(), date.today()
    found = []
    for pin in editors_file().pins():
        indexed = pin.doc_id is None or engine.document(pin.doc_id) is not None
        found.append({**pin.to_dict(), "shown": indexed and pin.active(today)})
    return jsonify(pins=found)


@bp.post("/api/admin/pins")
def add_pin():
    """Pin a document or an outside link to a query; 201 with the pin."""
    require_token()
    given = _given()
    fields = {name: _text(given, name) for name in PIN_FIELDS}
    fields["match"] = fields["match"] or "exact"
    if fields["doc_id"] and get_engine().document(fields["doc_id"]) is None:
        bad_parameter("doc_id", f"索引中没有文档 {fields['doc_id']} / no document with id {fields['doc_id']}",
                      "unknown_document")
    try:
        pin = editors_file().add_pin(**fields)
    except PinError as err:
        bad_parameter(err.param, str(err))
    return jsonify(pin=pin.to_dict()), 201


@bp.delete("/api/admin/pins/<int:pin_id>")
def remove_pin(pin_id: int):
    """Remove a pin; 404 if there is none of that number."""
    require_token()
    pin = editors_file().remove_pin(pin_id)
    if pin is None:
        abort(404, f"没有编号为 {pin_id} 的置顶 / no pin {pin_id}")
    return jsonify(removed=pin.to_dict())


@bp.get("/api/admin/validity")
def validity():
    """The validity editors set (``set``) and that documents of the index declare (``declared``)."""
    require_token()
    return jsonify(set=editors_file().validity(), declared=get_engine().declared_validity())


@bp.put("/api/admin/validity/<docid:doc_id>")
def set_validity(doc_id: str):
    """Set a document's validity (``value``); 404 for a document not in the index."""
    require_token()
    value = canonical(_text(_given(), "value") or "")
    if value not in VALUES:
        bad_parameter("value", f"有效性只能是 {'、'.join(VALUES)} / value must be one of {', '.join(VALUES)}")
    if get_engine().document(doc_id) is None:
        abort(404, f"找不到文档 {doc_id} / no document with id {doc_id}")
    editors_file().set_validity(doc_id, value)
    return jsonify(id=doc_id, validity=value)


@bp.delete("/api/admin/validity/<docid:doc_id>")
def clear_validity(doc_id: str):
    """Go back to the validity the index read; 404 if none was set."""
    require_token()
    if not editors_file().set_validity(doc_id, None):
        abort(404, f"没有为 {doc_id} 设置过有效性 / no validity set for {doc_id}")
    doc = get_engine().document(doc_id)
    return jsonify(id=doc_id, validity=doc["validity"] if doc else None)
