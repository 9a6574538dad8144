"""The data behind each page, built once and served as JSON or rendered as HTML.

Each function here reads request arguments, checks them against the parameter table
(:mod:`webui.params`: bad input is a 400 naming the parameter), asks the engine, and returns
a JSON-ready dict.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import urlencode

from flask import abort, url_for

from indexer import (
    MAX_QUERY_CHARS,
    Hit,
    Pinned,
    date_range,
    first_match,
    highlight,
    marked_lines,
    mentions,
    similar,
)
from indexer.search.results import LINKED

from . import params, parts
from .engine import get_engine
from .errors import bad_parameter
from .suggestions import suggestion_items

DESCRIPTION_CHARS = 110  # of a document's text in its page's meta description


def document_url(doc_id: str, q: str = "") -> str:
    """The page of a document, carrying the query so the page can highlight it."""
    return url_for("pages.document", doc_id=doc_id, q=q or None)


def hit_data(hit: Hit, q: str = "") -> dict:
    """A hit as JSON: its fields (``url`` is the document's own address, or null),
    ``snippet_html`` (escaped text, matches in ``<mark>``), ``doc_url``, its page here,
    carrying the query, and its 相关解读 and 解读的文件 with theirs."""
    fields = hit.to_dict()
    fields["snippet_html"] = fields.pop("snippet")
    return {**fields, "doc_url": document_url(hit.id, q), **{name: linked(fields[name]) for name in LINKED}}


def linked(documents: list[dict]) -> list[dict]:
    """Linked documents (``{"id", "title"}``) with ``doc_url``, their pages here."""
    return [{**doc, "doc_url": document_url(doc["id"])} for doc in documents]


def pinned_data(pinned: Pinned) -> dict:
    """A pinned answer as JSON: ``doc_url`` is the page here of a pinned document (null for
    an outside link, whose address is ``url``)."""
    return {**pinned.to_dict(), "doc_url": document_url(pinned.doc_id) if pinned.doc_id else None}


def search_link(asked: dict, page: int) -> str:
    """``/api/search`` with the same checked parameters, on ``page``; defaults left out."""
    pairs = []
    for param in params.SEARCH:
        value = page if param.name == "page" else asked[param.name]
        if param.type == "flag":
            value = ("1" if value else "0") if value != (param.default == "1") else None
        for item in value if isinstance(value, list) else [value]:
            if param.name == "q" or item not in (None, "", param.default):
                pairs.append((param.name, str(item)))
    return url_for("api.search") + "?" + urlencode(pairs)


def search_data(args, lenient: bool = False) -> dict:
    """``/api/search`` and (``lenient``, see :func:`webui.params.read`) the results page."""
    asked = params.read("search", args, lenient)
    q, start, end, sort, scope, page, limit = (asked[name] for name in (
        "q", "from", "to", "sort", "in", "page", "limit"))
    filters = {param.name: asked[param.name] for param in params.FILTERS if asked[param.name]}
    exact, wanted = asked["exact"], asked["answer"]  # 仍然搜索: as typed; 最佳答案 unless turned off
    if start and end and start > end:
        bad_parameter("to", f"开始日期 {start} 晚于结束日期 {end}，请把开始日期改早或把结束日期改晚",
                      "reversed_range")
    dated = {"published": [date_range(start, end)]} if start or end else {}
    try:
        result = get_engine().search(q, page=page, per_page=limit, filters={**filters, **dated},
                                     sort=None if sort == "relevance" else sort, scope=scope,
                                     correct=not exact, answer=wanted)
    except ValueError as err:  # a filter value that does not fit its field
        abort(400, f"筛选条件无效：{err}")  # the checks above leave no known case
    searched = searched_query(result.query, result.mode, result.suggestion)
    pages = -(-result.total // limit)
    return {
        "query": result.query, "kind": (filters.get("kind") or [None])[0], "filters": filters,
        "from": start, "to": end, "sort": sort, "in": scope,
        "total": result.total, "page": page, "limit": limit, "pages": pages,
        "prev": search_link(asked, min(page - 1, max(pages, 1))) if page > 1 else None,
        "next": search_link(asked, page + 1) if page < pages else None,
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
    asked = params.read("suggest", args)
    q, limit = asked["q"], asked["limit"]
    suggestions = get_engine().suggest(q, limit)
    return {"query": q, "suggestions": suggestions, "items": suggestion_items(suggestions)}


def document_data(doc_id: str) -> dict:
    """``/api/documents/<id>``: the whole stored document."""
    doc = get_engine().document(doc_id)
    if doc is None:
        abort(404, f"找不到文档 {doc_id}")
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
    q = params.read("document_page", args)["q"][:MAX_QUERY_CHARS]
    doc = document_data(doc_id)
    marks = get_engine().marks(q, title=doc["title"]) if q else []
    body = doc["body"]
    starts = parts.part_starts(body)
    at = params.bounded(params.AT, args, -1, max(len(body) - 1, 0))  # where a 最佳答案 starts
    found = at if at >= 0 else first_match(body, marks)
    part = part_arg(args, starts, len(body), 1 if found is None else parts.part_at(starts, found),
                    lambda number: url_for("api.document_page", doc_id=doc_id, q=q or None, part=number))
    shown = body[part["start"]:part["end"]]
    return {
        "document": fields_of(doc),
        "query": q, "title_html": highlight(doc["title"], marks),
        "description": body if len(body) <= DESCRIPTION_CHARS else body[:DESCRIPTION_CHARS - 1] + "…",
        "part": part, "paragraphs_html": marked_lines(shown, marks),
        "answer_paragraph": parts.line_at(shown, at - part["start"])
        if part["start"] <= at < part["end"] else None,
        **related_data(doc),
    }


def document_part_data(doc_id: str, args: Mapping[str, str]) -> dict:
    """``/api/documents/<id>``: the document as ``/api/doc`` gives it, and one part of its
    body as plain text (``part``, from 1, default 1)."""
    doc = document_data(doc_id)
    body = doc["body"]
    part = part_arg(args, parts.part_starts(body), len(body), 1, lambda number: url_for(
        "api.document", doc_id=doc_id, part=number))
    return {"document": fields_of(doc), "part": part, "body": body[part["start"]:part["end"]]}


def fields_of(doc: dict) -> dict:
    """A stored document's fields but its body (sent a part at a time): the one shape of a
    document in the API."""
    return {name: linked(value) if name in LINKED else value for name, value in doc.items() if name != "body"}


def part_arg(args: Mapping[str, str], starts: list[int], chars: int, default: int,
             link: Callable[[int], str]) -> dict:
    """The part ``?part=`` asks for (1 to the number of parts, else a 400): its number, the
    number of parts, where it starts and ends in the body, the body's length, and the
    addresses (``link(number)``) of the previous and next parts (``null`` at either end)."""
    number = params.bounded(params.PART, args, default, len(starts))
    end = starts[number] if number < len(starts) else chars
    return {"number": number, "of": len(starts), "start": starts[number - 1], "end": end, "chars": chars,
            "previous": link(number - 1) if number > 1 else None,
            "next": link(number + 1) if number < len(starts) else None}
