"""The HTML pages: each renders the same data dict that its JSON twin returns."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from indexer import FIELDS

from . import data

bp = Blueprint("pages", __name__)

KIND_LABELS = {"vendor": "提供商", "section": "文章段落", "document": "文档"}
FIELD_LABELS = {"list": "榜单", "source": "来源", "article": "所属文章"}
PAGE_WINDOW = 2  # page links shown on each side of the current page


@bp.app_template_filter("kind_label")
def kind_label(kind: str) -> str:
    """The Chinese name of a document kind."""
    return KIND_LABELS.get(kind, kind)


@bp.app_template_filter("field_label")
def field_label(name: str) -> str:
    """The Chinese name of a document's field: the table's label, else a known extra one."""
    field = FIELDS.get(name)
    return field.label if field else FIELD_LABELS.get(name, name)


@bp.get("/")
def index():
    """The home page, or the results page when there is a query."""
    if "q" in request.args:
        return results()
    page = data.overview_data(request.args)
    return _render("index.html", url_for("api.overview", sort=page["sort"]), page=page)


def results():
    """Results for ``?q=``, with facets and pagination."""
    page = data.search_data(request.args)
    params = {"q": page["query"], "kind": page["kind"], "page": page["page"] if page["page"] > 1 else None,
              "limit": page["limit"] if page["limit"] != data.DEFAULT_LIMIT else None}
    return _render("results.html", url_for("api.search", **params), page=page,
                   query=page["query"], pages=page_links(page, params),
                   facet_links=facet_links(page, params))


@bp.get("/doc/<docid:doc_id>")
def document(doc_id: str):
    """A whole document, highlighted for ``?q=``, with related documents."""
    page = data.document_page_data(doc_id, request.args)
    html, headers = _render("document.html", url_for("api.document_page", doc_id=doc_id,
                                                     q=page["query"] or None),
                            page=page, query=page["query"])
    headers["Link"] += f', <{url_for("api.related", id=doc_id)}>; rel="related"; type="application/json"'
    return html, headers


def facet_links(page: dict, params: dict) -> list[dict]:
    """全部 and one link per kind, each with its count; the active one marked."""
    counts = page["facets"]["kind"]
    links = [{"label": "全部", "kind": None, "count": sum(counts.values())}]
    ordered = [k for k in KIND_LABELS if k in counts] + sorted(k for k in counts if k not in KIND_LABELS)
    links += [{"label": kind_label(kind), "kind": kind, "count": counts[kind]} for kind in ordered]
    for link in links:
        link["url"] = _url(params, kind=link["kind"], page=None)
        link["active"] = link["kind"] == page["kind"]
    return links


def page_links(page: dict, params: dict) -> dict:
    """Previous/next and a window of page numbers around the current one."""
    last = max(1, -(-page["total"] // page["limit"]))
    current = page["page"]
    numbers = sorted({1, last, *range(max(1, current - PAGE_WINDOW), min(last, current + PAGE_WINDOW) + 1)})
    shown, previous = [], 0
    for number in numbers:
        if number - previous > 1:
            shown.append(None)  # a gap: …
        shown.append({"number": number, "url": _url(params, page=number), "current": number == current})
        previous = number
    return {
        "numbers": shown if last > 1 else [],
        "previous": _url(params, page=current - 1) if 1 < current <= last + 1 else None,
        "next": _url(params, page=current + 1) if current < last else None,
    }


def _url(params: dict, **changes) -> str:
    """The results URL with some parameters changed; ``None`` values and page 1 are left out."""
    merged = {**params, **changes}
    if merged.get("page") == 1:
        merged["page"] = None
    return url_for("pages.index", **merged)


def _render(template: str, json_url: str, **context):
    """The page, linking its JSON twin in the HTML and in a ``Link`` header."""
    html = render_template(template, json_url=json_url, **context)
    return html, {"Link": f'<{json_url}>; rel="alternate"; type="application/json"'}
