"""The HTML pages: each renders the same data dict that its JSON twin returns."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, render_template, request, url_for
from markupsafe import Markup

from . import clicks, data, document_view, examples, overview, params, recording, timefilter

bp = Blueprint("pages", __name__)

KIND_LABELS = {"vendor": "提供商", "section": "文章段落", "document": "文档", "page": "网页",
               "attachment": "附件"}
KIND_TIPS = {"page": "网站上的网页", "attachment": "网页所附的文件（PDF 或 Word），可下载",
             "vendor": "榜单中的一家企业", "section": "文章中的一节"}
FACETS = {"publisher": "发布机构", "validity": "有效性", "topic": "主题分类", "column": "栏目",
          "site": "网站"}
VALIDITY_CLASSES = {"现行有效": "valid", "已修改": "amended", "已废止": "repealed", "已失效": "expired"}
FILTERS = ("kind", "year", *FACETS)  # repeatable parameters: values of one ORed, filters ANDed
FILTER_LABELS = {"kind": "类型", "year": "年份", **FACETS}
PASSED = ("from", "to", "sort", "in", "limit", "exact")  # single parameters a new search keeps
SORT_LABELS = {"relevance": "按相关度", "-published": "按时间"}
SCOPE_LABELS = {"all": "全文", "title": "标题"}
FACET_SHOWN = 8  # values listed per facet; the rest behind 更多
VALUES_SHOWN = 10  # values of a document's several-valued field shown; the rest folded
PAGE_WINDOW = 2  # page links shown on each side of the current page
TYPED_FILTER = re.compile(r"(?<!\S)(kind|publisher|validity|topic|column|site):(\S+)")
CARE_COOKIE = "care"
CARE_MAX_AGE = 365 * 24 * 3600


@bp.app_template_filter("kind_label")
def kind_label(kind: str) -> str:
    """The Chinese name of a document kind."""
    return KIND_LABELS.get(kind, kind)


@bp.app_template_filter("duration")
def duration(ms: float) -> str:
    """How long a search took, as a person reads it: 446 毫秒, 1.2 秒."""
    return f"{max(1, round(ms))} 毫秒" if ms < 1000 else f"{ms / 1000:.1f} 秒"


@bp.app_template_filter("kind_tip")
def kind_tip(kind: str) -> str:
    """What a document kind's badge means, for those who do not know the word."""
    return KIND_TIPS.get(kind, "")


@bp.app_template_filter("validity_class")
def validity_class(value: str) -> str:
    """The badge class of a validity (``validity-repealed`` …)."""
    return f"validity-{VALIDITY_CLASSES.get(value, 'other')}"


@bp.app_template_filter("shared")
def shared(html: str) -> Markup:
    """Escaped HTML with the engine's ``<mark>`` turned into a quieter ``<b class="shared">``:
    for related results, whose marks are words the user did not type."""
    return Markup(html.replace("<mark>", '<b class="shared">').replace("</mark>", "</b>"))


@bp.app_context_processor
def care_mode() -> dict:
    """``care``: the large, high-contrast 长者模式, from its cookie or ``?care=1``."""
    on = request.cookies.get(CARE_COOKIE) == "1" or request.args.get("care") == "1"
    return {"care": on, "care_url": url_for("pages.care", on=0 if on else 1, next=_here())}


@bp.get("/")
def index():
    """The home page, or the results page when there is a query."""
    if "q" in request.args:
        return results()
    page = overview.overview_data(request.args)
    return _render("index.html", url_for("api.overview", sort=page["sort"]), page=page,
                   popular=recording.popular())


@bp.get("/care")
def care():
    """Switch 长者模式 on (``on=1``) or off and go back to ``next`` (a path on this site)."""
    target = request.args.get("next", "/")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = "/"
    response = redirect(target, 303)
    if request.args.get("on") == "1":
        response.set_cookie(CARE_COOKIE, "1", max_age=CARE_MAX_AGE, samesite="Lax", httponly=True)
    else:
        response.delete_cookie(CARE_COOKIE, samesite="Lax", httponly=True)
    return response


@bp.get("/robots.txt")
def robots() -> Response:
    """Crawlers may read the pages; the JSON twins are for programs."""
    return Response("User-agent: *\nDisallow: /api/\n", mimetype="text/plain")


def results():
    """Results for ``?q=``, with filters, facets, time filter, sort and pagination."""
    page = data.search_data(request.args, lenient=True)
    state = search_state(page)
    state["s"] = recording.record_search(page, state, took=request.args.get("sug") == "1")
    typed = typed_filters(state["q"])
    for hit in page["hits"]:
        hit["doc_url"] = with_filters(hit["doc_url"], state)
    years = year_links(page, state)
    dated = bool(years or state["from"] or state["to"] or state["sort"])
    count = (lambda start: timefilter.count_since(page, bool(state["exact"]), start)) if dated else None
    times = timefilter.time_links(state, lambda **changes: _url(state, page=None, **changes), count)
    pages = page_links(page, state)
    return _render("results.html", url_for("api.search", **_api_params(state)), page=page,
                   query=state["q"], state=state, hidden=hidden_inputs(state),
                   pages=pages, clicks=clicks.result_links(page, state["s"], pages["first"]),
                   kinds=kind_links(page, state, typed),
                   facet_groups=facet_groups(page, state), year_links=years, dated=dated,
                   times=times, sorts=option_links(state, "sort", SORT_LABELS, "relevance"),
                   scopes=option_links(state, "in", SCOPE_LABELS, "all"),
                   chips=filter_chips(state), conflicts=typed_conflicts(state, typed),
                   exact_url=_url(state, q=page["query"], exact="1", page=None),
                   title=results_title(page, state, typed),
                   related=recording.related(page["query"]) if page["total"] else [])


@bp.get("/doc/<docid:doc_id>")
def document(doc_id: str):
    """A document (a long one a part at a time), highlighted for ``?q=``, with related documents."""
    page = data.document_page_data(doc_id, request.args)
    part = page["part"]["number"] if page["part"]["of"] > 1 else None
    doc = page["document"]
    html, headers = _render("document.html", url_for("api.document_page", doc_id=doc_id,
                                                     q=page["query"] or None, part=part),
                            page=page, query=page["query"], parts=part_links(page),
                            fields=document_view.known_fields(doc), values_shown=VALUES_SHOWN,
                            attachments=document_view.attachments(doc_id),
                            parent=document_view.parent_page(doc), back_url=search_back_url(page["query"]))
    headers["Link"] += f', <{url_for("api.related", id=doc_id)}>; rel="related"; type="application/json"'
    return html, headers


def search_back_url(q: str) -> str:
    """The results page a document was opened from: its query with the filters and options
    the result's link carried (:func:`with_filters`)."""
    state = {name: [v for v in request.args.getlist(name) if v.strip()] for name in FILTERS}
    state.update({name: request.args.get(name) or None for name in PASSED if name != "exact"})
    return _url({**state, "q": q})


def with_filters(doc_url: str, state: dict) -> str:
    """A result's page address carrying the search's filters, for its 搜索“…” breadcrumb."""
    pairs = hidden_inputs(state)
    return doc_url + ("&" if "?" in doc_url else "?") + urlencode(pairs) if pairs else doc_url


def search_state(page: dict) -> dict:
    """What this results page was asked for: the query, each filter's values and the single
    options, from the page's data where it says (else from the request)."""
    args = request.args
    state: dict = {"q": page["query"], "page": page["page"]}
    for name in FILTERS:
        if "filters" in page:
            values = page["filters"].get(name) or []
        else:
            values = [v for v in args.getlist(name) if v.strip()]
        state[name] = [values] if isinstance(values, str) else list(values)
    for name in PASSED:
        value = page.get(name) if name in page and name != "exact" else args.get(name)
        state[name] = None if value in (None, "") else str(value)
    if state["sort"] == "relevance":
        state["sort"] = None
    if state["in"] == "all":
        state["in"] = None
    if state["limit"] == str(params.LIMIT.default):
        state["limit"] = None
    return state


def _url(state: dict, **changes) -> str:
    """The results URL for ``state`` with some parameters changed; empty values and page 1
    are left out, lists repeat their parameter, and the search id (``s``) rides along: the
    page it leads to refines the same search."""
    merged = {**state, **changes}
    if merged.get("page") == 1:
        merged["page"] = None
    pairs: list[tuple[str, str]] = [("q", merged.get("q") or "")]
    for name in (*FILTERS, *PASSED, "page", "s"):
        value = merged.get(name)
        for item in value if isinstance(value, list) else [value]:
            if item not in (None, ""):
                pairs.append((name, str(item)))
    return url_for("pages.index") + "?" + urlencode(pairs)


def _api_params(state: dict) -> dict:
    """The JSON twin's parameters: the same search."""
    params = {name: state[name] or None for name in (*FILTERS, *PASSED)}
    return {"q": state["q"], **params, "page": state["page"] if state["page"] > 1 else None}


def hidden_inputs(state: dict) -> list[tuple[str, str]]:
    """The filters and options a new search from the box keeps, as (name, value) pairs."""
    pairs = [(name, value) for name in FILTERS for value in state[name]]
    return pairs + [(name, state[name]) for name in PASSED if name != "exact" and state[name]]


def typed_filters(q: str) -> dict[str, str]:
    """Filters typed into the query (``kind:vendor``), by field."""
    return {match.group(1): match.group(2) for match in TYPED_FILTER.finditer(q)}


def _without_typed(q: str, name: str) -> str:
    """The query without its typed ``name:`` filter."""
    return " ".join(TYPED_FILTER.sub(lambda m: "" if m.group(1) == name else m.group(0), q).split())


def kind_links(page: dict, state: dict, typed: dict[str, str]) -> list[dict]:
    """全部 and one pill per kind, with counts; the one that applies is marked (a typed
    ``kind:`` applies unless the ``kind`` parameter overrides it)."""
    counts = page["facets"].get("kind", {})
    applied = state["kind"] or ([typed["kind"]] if "kind" in typed else [])
    q = _without_typed(state["q"], "kind")
    links = [{"label": "全部", "kind": None, "count": sum(counts.values()), "active": not applied,
              "url": _url(state, q=q, kind=[], page=None)}]
    ordered = [k for k in KIND_LABELS if k in counts] + sorted(k for k in counts if k not in KIND_LABELS)
    for kind in ordered:
        links.append({"label": kind_label(kind), "kind": kind, "count": counts[kind],
                      "active": applied == [kind], "url": _url(state, q=q, kind=[kind], page=None)})
    return links


def typed_conflicts(state: dict, typed: dict[str, str]) -> list[str]:
    """A sentence for each typed filter that a filter parameter overrides."""
    notes = []
    for name, value in typed.items():
        if state.get(name) and value not in state[name]:
            shown = "、".join(f"“{kind_label(v) if name == 'kind' else v}”" for v in state[name])
            notes.append(f"查询中的“{name}:{value}”未生效：当前按{_filter_label(name)}{shown}筛选。")
    return notes


def _filter_label(name: str) -> str:
    return FILTER_LABELS.get(name, name)


def facet_groups(page: dict, state: dict) -> list[dict]:
    """发布机构, 主题分类, 栏目 and 网站: each value with its count, a link that toggles it."""
    groups = []
    for name, label in FACETS.items():
        counts = dict(page["facets"].get(name) or {})
        for value in state[name]:
            counts.setdefault(value, 0)  # a chosen value stays listed, to be unticked
        if not counts:
            continue
        values = sorted(counts, key=lambda v: (v not in state[name], -counts[v], v))
        items = []
        for value in values:
            chosen = value in state[name]
            toggled = [v for v in state[name] if v != value] if chosen else [*state[name], value]
            items.append({"value": value, "count": counts[value], "active": chosen,
                          "url": _url(state, **{name: toggled}, page=None)})
        groups.append({"name": name, "label": label, "items": items[:FACET_SHOWN],
                       "more": items[FACET_SHOWN:]})
    return groups


def year_links(page: dict, state: dict) -> list[dict]:
    """年份: each year with its count, newest first; a link that toggles the ``year`` filter."""
    years = dict(page["facets"].get("year") or {})
    for year in state["year"]:
        years.setdefault(year, 0)
    links = []
    for year in sorted(years, reverse=True):
        chosen = year in state["year"]
        toggled = [y for y in state["year"] if y != year] if chosen else [*state["year"], year]
        links.append({"value": year, "count": years[year], "active": chosen,
                      "url": _url(state, year=toggled, page=None)})
    return links


def option_links(state: dict, name: str, labels: dict[str, str], default: str) -> list[dict]:
    """One link per value of a single option (sort, scope); the current one marked."""
    current = state[name] or default
    return [{"label": label, "active": value == current,
             "url": _url(state, page=None, **{name: None if value == default else value})}
            for value, label in labels.items()]


def filter_chips(state: dict) -> list[dict]:
    """Each filter in force, with a link that removes it and the control (its ``data-focus``)
    that gets the focus on the page it leads to."""
    chips = []
    for name in FILTERS:
        for value in state[name]:
            shown = kind_label(value) if name == "kind" else value
            chips.append({"label": f"{_filter_label(name)}：{shown}", "focus": f"{name}:{value}",
                          "url": _url(state, **{name: [v for v in state[name] if v != value]}, page=None)})
    if state["from"] or state["to"]:
        chips.append({"label": f"时间：{state['from'] or '不限'} 至 {state['to'] or '今'}",
                      "focus": "发布时间:时间不限",
                      "url": _url(state, page=None, **{"from": None, "to": None})})
    if state["in"] == "title":
        chips.append({"label": "只搜标题", "focus": "搜索范围:全文",
                      "url": _url(state, page=None, **{"in": None})})
    return chips


def results_title(page: dict, state: dict, typed: dict[str, str]) -> str:
    """The ``<title>``: the query, the filters that apply, and the page number."""
    parts = [page["query"] or "全部文档"]
    kinds = state["kind"] or ([typed["kind"]] if "kind" in typed else [])
    parts += [kind_label(kind) for kind in kinds]
    parts += [f"{year} 年" for year in state["year"]]
    parts += [value for name in FACETS for value in state[name]]
    if state["from"] or state["to"]:
        parts.append(f"{state['from'] or ''}至{state['to'] or ''}")
    if page["page"] > 1:
        parts.append(f"第 {page['page']} 页")
    return " · ".join(parts) + " - 政务搜索"


def page_links(page: dict, state: dict) -> dict:
    """The results' pager, and which results this page shows (第 11–20 条)."""
    last = max(1, -(-page["total"] // page["limit"]))
    current = page["page"]
    return {**pager(current, last, lambda number: _url(state, page=number)),
            "first": (current - 1) * page["limit"] + 1,
            "last": min(current * page["limit"], page["total"])}


def part_links(page: dict) -> dict:
    """The pager of a long document's parts; each link keeps the query, and names its part
    (without one, a query opens the part of its first match)."""
    doc_id, q = page["document"]["id"], page["query"] or None
    return pager(page["part"]["number"], page["part"]["of"],
                 lambda number: url_for("pages.document", doc_id=doc_id, q=q, part=number))


def pager(current: int, last: int, url: Callable[[int], str]) -> dict:
    """Previous/next and a window of numbers around ``current`` in 1..``last`` (``url`` of
    each); a gap of one number shows that number rather than "…"."""
    numbers = set(range(max(1, current - PAGE_WINDOW), min(last, current + PAGE_WINDOW) + 1)) | {1, last}
    for number in sorted(numbers):
        if number + 2 in numbers and number + 1 not in numbers:
            numbers.add(number + 1)
    shown, previous = [], 0
    for number in sorted(numbers):
        if number - previous > 1:
            shown.append(None)  # a gap: …
        shown.append({"number": number, "url": url(number), "current": number == current})
        previous = number
    return {
        "numbers": shown if last > 1 else [],
        "previous": url(current - 1) if 1 < current <= last + 1 else None,
        "next": url(current + 1) if current < last else None,
    }


def template_names(page: dict) -> dict:
    """The page's data with the names the templates read beside the API's: ``snippet`` for
    ``snippet_html``, and the home page's ``vendors``, ``ranking_title``, ``ranking_source``,
    ``sections`` and ``article_title`` from ``ranking`` and ``article``."""
    named = {name: [{**hit, "snippet": hit["snippet_html"]} for hit in page[name]]
             for name in ("hits", "mentions", "similar") if name in page}
    ranking, article = page.get("ranking") or {}, page.get("article") or {}
    if "documents" in page and "kinds" in page:  # the overview
        named |= {"vendors": ranking.get("items", []), "ranking_title": ranking.get("title"),
                  "ranking_source": ranking.get("source"), "sections": article.get("sections", []),
                  "article_title": article.get("title")}
    return {**page, **named}


def _here() -> str:
    """This page's path and query, to come back to."""
    query = request.query_string.decode("utf-8", "replace")
    return request.path + (f"?{query}" if query else "")


def _render(template: str, json_url: str, **context):
    """The page, linking its JSON twin in the HTML and in a ``Link`` header."""
    if "page" in context:
        context["page"] = template_names(context["page"])
    shown = examples.example_queries()
    html = render_template(template, json_url=json_url, examples=shown,
                           placeholder=examples.placeholder(shown), **context)
    return html, {"Link": f'<{json_url}>; rel="alternate"; type="application/json"', "Vary": "Cookie"}
