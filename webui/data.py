"""The data behind each page, built once and served as JSON or rendered as HTML.

Each function here reads request arguments, validates them (bad input is a 400 with a
message in Chinese and English), asks the engine, and returns a JSON-ready dict.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from flask import abort, url_for
from pypinyin import lazy_pinyin

from indexer import (
    MAX_FILTER_VALUES,
    MAX_QUERY_CHARS,
    Hit,
    Pinned,
    SearchEngine,
    date_range,
    documents_of_kind,
    facets,
    first_match,
    highlight,
    marked_lines,
    mentions,
    similar,
)
from indexer import (
    SORTS as SEARCH_SORTS,
)
from indexer.analysis.normalize import normalize_text
from indexer.search.results import LINKED

from . import parts
from .engine import get_engine
from .errors import bad_parameter
from .suggestions import suggestion_items

DEFAULT_LIMIT, MAX_LIMIT = 10, 100
MAX_PAGE = 1000
SUGGEST_LIMIT = 8
KIND = re.compile(r"^[\w.-]{1,64}$")
SORTS = ("rank", "-rank", "name", "-name")
SCOPES = ("all", "title")
FILTER_PARAMS = tuple(field.name for field in facets())  # kind, year, publisher, …, validity
MAX_FILTER_CHARS = 200
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
YEAR = re.compile(r"^\d{4}$")
DESCRIPTION_CHARS = 110  # of a document's text in its page's meta description


def int_arg(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """An integer argument in [low, high], or a 400 that says what is allowed."""
    raw = args.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        bad_parameter(name, f"参数 {name} 必须是 {low} 到 {high} 之间的整数 / "
                            f"{name} must be an integer from {low} to {high}")
    return value


def query_arg(args: Mapping[str, str], required: bool = True) -> str:
    """The ``q`` argument; a 400 when an API call leaves it out."""
    if "q" not in args and required:
        bad_parameter("q", "缺少查询参数 q / missing query parameter q", "missing_parameter")
    return args.get("q", "")


def kind_arg(args: Mapping[str, str]) -> str | None:
    """The ``kind`` filter, or ``None`` for every kind."""
    kind = args.get("kind", "").strip()
    if kind and not KIND.match(kind):
        bad_parameter("kind", "参数 kind 只能包含字母、数字、-、_ 或 . / "
                              "kind must be letters, digits, '-', '_' or '.'")
    return kind or None


def document_url(doc_id: str, q: str = "") -> str:
    """The page of a document, carrying the query so the page can highlight it."""
    return url_for("pages.document", doc_id=doc_id, q=q or None)


def hit_data(hit: Hit, q: str = "") -> dict:
    """A hit as JSON: its fields (``url`` is the document's own address, or null) and
    ``doc_url``, its page here, carrying the query; its 相关解读 and 解读的文件 with theirs."""
    data = {**hit.to_dict(), "doc_url": document_url(hit.id, q)}
    return {**data, **{name: linked(data[name]) for name in LINKED}}


def linked(documents: list[dict]) -> list[dict]:
    """Linked documents (``{"id", "title"}``) with ``doc_url``, their pages here."""
    return [{**doc, "doc_url": document_url(doc["id"])} for doc in documents]


def pinned_data(pinned: Pinned) -> dict:
    """A pinned answer as JSON: ``doc_url`` is the page here of a pinned document (null for
    an outside link, whose address is ``url``)."""
    return {**pinned.to_dict(), "doc_url": document_url(pinned.doc_id) if pinned.doc_id else None}


def filter_args(args) -> dict[str, list[str]]:
    """The facet filters of a request: each repeatable, values of one field ORed."""
    filters = {}
    for name in FILTER_PARAMS:
        values = [value.strip() for value in args.getlist(name) if value.strip()]
        if len(values) > MAX_FILTER_VALUES:
            bad_parameter(name, f"参数 {name} 最多 {MAX_FILTER_VALUES} 个 / "
                                f"at most {MAX_FILTER_VALUES} values of {name}", "too_many_values")
        for value in values:
            if len(value) > MAX_FILTER_CHARS:
                bad_parameter(name, f"参数 {name} 太长 / {name} is longer than {MAX_FILTER_CHARS} characters",
                              "too_long")
            if name == "year" and not YEAR.match(normalize_text(value)):
                bad_parameter(name, "参数 year 必须是年份，如 2021 / year must be a year such as 2021")
        if name == "kind":
            values = [kind for kind in (kind_arg({"kind": value}) for value in values) if kind]
        if values:
            filters[name] = values
    return filters


def date_arg(args: Mapping[str, str], name: str) -> str | None:
    """An ISO date argument (``from``, ``to``), or a 400 that says the form."""
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        date.fromisoformat(raw)
    except ValueError:
        raw = ""
    if not ISO_DATE.match(raw):
        bad_parameter(name, f"参数 {name} 必须是日期，如 2021-03-05 / "
                            f"{name} must be a date such as 2021-03-05")
    return raw


def choice_arg(args: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (the first is the default), or a 400 that lists them."""
    value = args.get(name, "").strip() or choices[0]
    if value not in choices:
        bad_parameter(name, f"参数 {name} 只能是 {'、'.join(choices)} / "
                            f"{name} must be one of {', '.join(choices)}")
    return value


def search_data(args, required: bool = True) -> dict:
    """``/api/search`` and the results page."""
    q = query_arg(args, required)
    filters = filter_args(args)
    start, end = date_arg(args, "from"), date_arg(args, "to")
    sort = choice_arg(args, "sort", SEARCH_SORTS)
    scope = choice_arg(args, "in", SCOPES)
    page = int_arg(args, "page", 1, 1, MAX_PAGE)
    limit = int_arg(args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    exact = args.get("exact", "") in ("1", "true")  # 仍然搜索: the query as typed, uncorrected
    wanted = args.get("answer", "1") not in ("0", "false")  # 最佳答案, unless turned off
    dated = {"published": [date_range(start, end)]} if start or end else {}
    try:
        result = get_engine().search(q, page=page, per_page=limit, filters={**filters, **dated},
                                     sort=None if sort == "relevance" else sort, scope=scope,
                                     correct=not exact, answer=wanted)
    except ValueError as err:  # a filter value that does not fit its field
        abort(400, f"筛选条件无效 / invalid filter: {err}")  # the checks above leave no known case
    searched = searched_query(result.query, result.mode, result.suggestion)
    return {
        "query": result.query, "kind": (filters.get("kind") or [None])[0], "filters": filters,
        "from": start, "to": end, "sort": sort, "in": scope,
        "total": result.total, "page": page, "limit": limit,
        "took_ms": result.took_ms, "hits": [hit_data(hit, searched) for hit in result.hits],
        "facets": result.facets, "suggestion": result.suggestion, "mode": result.mode,
        "notices": [notice.to_dict() for notice in result.notices],
        "answer": answer_data(result, searched),
        "pinned": [pinned_data(pinned) for pinned in result.pinned],
    }


def searched_query(query: str, mode: str, suggestion: str | None) -> str:
    """What a search's results are for: its correction when it was corrected, else the query."""
    return suggestion if mode == "corrected" and suggestion else query


def answer_data(result, q: str) -> dict | None:
    """The 最佳答案 of a search, with the title, date and publisher of its document and
    ``doc_url``, the passage in the document page."""
    answer = result.answer
    if answer is None:
        return None
    hit = next(hit for hit in result.hits if hit.id == answer.doc_id)
    return {**answer.to_dict(), "title": hit.title, "published": hit.fields.get("published"),
            "publisher": hit.fields.get("publisher"),
            "doc_url": url_for("pages.document", doc_id=answer.doc_id, q=q or None, at=answer.start,
                               _anchor="answer")}


def suggest_data(args: Mapping[str, str]) -> dict:
    """``/api/suggest``: completions for what is typed so far."""
    q = query_arg(args)
    limit = int_arg(args, "limit", SUGGEST_LIMIT, 1, SUGGEST_LIMIT)
    suggestions = get_engine().suggest(q, limit)
    return {"query": q, "suggestions": suggestions, "items": suggestion_items(suggestions)}


def overview_data(args: Mapping[str, str]) -> dict:
    """The home page: the ranking table (sorted as asked) and the article's sections. Computed
    once per index generation and sort, so it costs the same at any collection size after the
    first request; every request gets the same dict, to read and never to change."""
    sort = args.get("sort", "rank")
    if sort not in SORTS:
        bad_parameter("sort", f"参数 sort 只能是 {'、'.join(SORTS)} / sort must be one of {', '.join(SORTS)}")
    engine = get_engine()
    return engine.cached(("overview", sort), lambda: _sorted_overview(engine, sort))


def _sorted_overview(engine: SearchEngine, sort: str) -> dict:
    overview = engine.cached("overview", lambda: _overview(engine))
    listed = sorted(overview["vendors"], key=_sort_key(sort.lstrip("-")), reverse=sort.startswith("-"))
    return {"sort": sort, **overview, "vendors": listed}


def _overview(engine: SearchEngine) -> dict:
    """What the home page shows in any order: counts, facets, the ranking and the sections."""
    vendors = documents_of_kind(engine, "vendor")
    sections = documents_of_kind(engine, "section")
    return {
        "documents": engine.doc_count(), "facets": engine.search("").facets,
        "ranking_title": vendors[0].get("list", "提供商") if vendors else None,
        "ranking_source": vendors[0].get("source") if vendors else None,
        "vendors": [_listed(doc) for doc in vendors],
        "article_title": sections[0].get("article", "文章") if sections else None,
        "sections": [_listed(doc) for doc in sections],
    }


def _listed(doc: dict) -> dict:
    return {"id": doc["id"], "title": doc["title"], "rank": doc["rank"], "body": doc["body"],
            "url": document_url(doc["id"])}


def _sort_key(column: str):
    """Rank order (unranked last), or names in pinyin order as a Chinese reader expects."""
    if column == "rank":
        return lambda doc: (doc["rank"] is None, doc["rank"] or 0)
    return lambda doc: ("".join(lazy_pinyin(doc["title"])).lower(), doc["title"])


def document_data(doc_id: str) -> dict:
    """``/api/documents/<id>``: the whole stored document."""
    doc = get_engine().document(doc_id)
    if doc is None:
        abort(404, f"找不到文档 {doc_id} / no document with id {doc_id}")
    return doc


def related_data(doc: dict) -> dict:
    """``/api/related?id=``: who mentions the entity of stored document ``doc``, and similar
    documents."""
    engine = get_engine()
    mentioned = mentions(engine, doc)
    alike = similar(engine, doc, exclude=[hit.id for hit in mentioned])
    return {"id": doc["id"], "mentions": [hit_data(hit) for hit in mentioned],
            "similar": [hit_data(hit) for hit in alike]}


def document_page_data(doc_id: str, args: Mapping[str, str]) -> dict:
    """The document page: the document, one part of its text highlighted for ``q``, and related
    documents. ``part`` (from 1) picks the part; by default the first that holds a match of
    ``q`` as written, else the first. Only that part is read, marked and sent: the whole text
    is at ``/api/documents/<id>``."""
    q = query_arg(args, required=False)[:MAX_QUERY_CHARS]
    doc = document_data(doc_id)
    marks = get_engine().marks(q, title=doc["title"]) if q else []
    body = doc["body"]
    starts = parts.part_starts(body)
    at = int_arg(args, "at", -1, 0, max(len(body) - 1, 0))  # a 最佳答案's passage starts here
    found = at if at >= 0 else first_match(body, marks)
    part = part_arg(args, starts, len(body), 1 if found is None else parts.part_at(starts, found))
    shown = body[part["start"]:part["end"]]
    return {
        "document": {name: linked(value) if name in LINKED else value for name, value in doc.items()
                     if name != "body"},
        "query": q, "title_html": highlight(doc["title"], marks),
        "description": body if len(body) <= DESCRIPTION_CHARS else body[:DESCRIPTION_CHARS - 1] + "…",
        "part": part, "paragraphs_html": marked_lines(shown, marks),
        "answer_paragraph": parts.line_at(shown, at - part["start"])
        if part["start"] <= at < part["end"] else None,
        **related_data(doc),
    }


def document_part_data(doc_id: str, args: Mapping[str, str]) -> dict:
    """``/api/documents/<id>``: the stored document with one part of its body (``part``, from
    1, default 1), and where it lies: ``part`` as on the document page, with the addresses of
    the previous and next parts (``null`` at either end)."""
    doc = document_data(doc_id)
    body = doc["body"]
    starts = parts.part_starts(body)
    part = part_arg(args, starts, len(body), 1)

    def link(number: int) -> str | None:
        return url_for("api.document", doc_id=doc_id, part=number) if 1 <= number <= len(starts) else None

    return {**doc, "body": body[part["start"]:part["end"]],
            "part": {**part, "previous": link(part["number"] - 1), "next": link(part["number"] + 1)}}


def part_arg(args: Mapping[str, str], starts: list[int], chars: int, default: int) -> dict:
    """The part ``?part=`` asks for (1 to the number of parts, else a 400): its number, the
    number of parts, where it starts and ends in the body, and the body's length."""
    number = int_arg(args, "part", default, 1, len(starts))
    end = starts[number] if number < len(starts) else chars
    return {"number": number, "of": len(starts), "start": starts[number - 1], "end": end, "chars": chars}
