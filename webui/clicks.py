"""A result opened from a results page: ``/go?s=<search id>&p=<position>&d=<document id>``.

Without JavaScript a result's links point here (GET): the click is taken down and the reader
sent on with a 303 to the document's page here, or with ``to=source`` to its 原文 address as
the index stores it (http or https only). The target comes from the index, never from the
request, so ``/go`` cannot send anyone elsewhere. Where JavaScript runs, ``static/clicks.js``
puts the document's own address back into each link and sends the same URL as a beacon
(POST, answered 204) when the link is followed.
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, request, url_for

from indexer import FIELDS

from . import params, recording
from .data import document_data, searched_query
from .errors import bad_parameter

bp = Blueprint("clicks", __name__)


@bp.route("/go", methods=["GET", "POST"])
def go() -> Response:
    """Take the click down, then send the reader to the document (a beacon gets 204)."""
    args = request.args
    for name in ("s", "p", "d"):
        if not args.get(name, "").strip():
            bad_parameter(name, f"缺少参数 {name}", "missing_parameter")
    asked = params.read("click", args)
    search_id, position, target = asked["s"], asked["p"], asked["to"]
    doc = document_data(asked["d"])  # a 404 for a document the index does not have
    recording.record_click(search_id, position, doc["id"])
    if request.method == "POST":
        return Response(status=204)
    source = FIELDS["url"].clean(doc.get("url") or "") if target == "source" else None
    if source is None:  # also when the document lost its address since the page was made
        source = url_for("pages.document", doc_id=doc["id"], q=args.get("q") or None)
    response = redirect(source, 303)
    response.headers["Cache-Control"] = "no-store"  # no cache between may answer in our place
    return response


def result_links(page: dict, search_id: int | None, first: int) -> list[dict]:
    """For each hit of a logged search (``first``: the position of the page's first hit), the
    ``/go`` addresses of its title (``page``) and 原文链接 (``source``, or ``None``); none when
    the search is not logged."""
    if search_id is None:
        return []
    q = searched_query(page["query"], page["mode"], page["suggestion"]) or None
    links = []
    for position, hit in enumerate(page["hits"], start=first):
        clicked = {"s": search_id, "p": position, "d": hit["id"]}
        links.append({"page": url_for("clicks.go", **clicked, q=q),
                      "source": url_for("clicks.go", **clicked, to="source") if hit["url"] else None})
    return links
