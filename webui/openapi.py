"""The OpenAPI 3.1 description of the JSON API, made from the parameter table
(:mod:`webui.params`) the endpoints check their input with, and from the field table for the
fields of hits and documents; ``kind``'s allowed values are those of the served index.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.fields import FIELDS, hit_fields
from indexer.search.notices import MESSAGES as NOTICES

from . import params
from .errors import CODES
from .suggestions import TYPE_LABELS

NULLABLE = {"date": ["string", "null"], "number": ["integer", "null"], "keyword": ["string", "null"],
            "stored": ["string", "null"]}


@dataclass(frozen=True)
class Endpoint:
    """One operation: where, which rows of the parameter table, what it answers."""

    path: str  # in OpenAPI's form: ``/api/doc/{doc_id}``
    summary: str  # Chinese
    response: str  # a schema of :func:`schemas`
    table: str | None = None  # a key of ``params.TABLE``
    method: str = "get"
    admin: bool = False  # needs ``Authorization: Bearer $EGOV_ADMIN_TOKEN``
    media: str = "application/json"


ENDPOINTS = (
    Endpoint("/api", "接口列表", "ApiIndex"),
    Endpoint("/api/openapi.json", "本接口的 OpenAPI 3.1 描述", "OpenApi"),
    Endpoint("/api/search", "搜索：排序、分页、分面，问题给出最佳答案", "SearchResults", "search"),
    Endpoint("/api/suggest", "搜索框的自动补全（至多 8 条）", "Suggestions", "suggest"),
    Endpoint("/api/documents/{doc_id}", "一篇文档：字段和正文的一部分（纯文本）", "DocumentPart", "document"),
    Endpoint("/api/doc/{doc_id}", "文档页的数据：按查询高亮的一部分正文，以及相关文档", "DocumentPage",
             "document_page"),
    Endpoint("/api/related", "提到该文档的文档，以及相似文档", "Related", "related"),
    Endpoint("/api/overview", "所服务的文档集：篇数、类型、年份、分面（种子数据另有排行榜和文章）",
             "Overview", "overview"),
    Endpoint("/api/admin/rebuild", "重建索引并切换", "Object", method="post", admin=True),
    Endpoint("/api/admin/popular", "热门搜索的候选和决定", "Object", "admin_popular", admin=True),
    Endpoint("/api/admin/popular/{action}", "批准、隐藏、置顶或取消置顶一个查询", "Object",
             "admin_decision", method="post", admin=True),
    Endpoint("/api/admin/report", "搜索报告", "Object", "admin_report", admin=True),
    Endpoint("/api/admin/report.csv", "搜索报告（CSV）", "Csv", "admin_report", admin=True, media="text/csv"),
    Endpoint("/api/admin/crawl", "上次抓取的报告", "Object", admin=True),
    Endpoint("/api/admin/crawl.csv", "上次抓取的报告（CSV）", "Csv", admin=True, media="text/csv"),
    Endpoint("/api/admin/pins", "服务直达：全部置顶及今天是否显示", "Object", admin=True),
    Endpoint("/api/admin/pins", "置顶一篇文档或一个外部链接（JSON 请求体：query、match、"
             "doc_id 或 title 和 url、description、starts、expires）", "Object", method="post", admin=True),
    Endpoint("/api/admin/pins/{pin_id}", "取消一个置顶", "Object", method="delete", admin=True),
    Endpoint("/api/admin/validity", "编辑设置的有效性和文档声明的有效性", "Object", admin=True),
    Endpoint("/api/admin/validity/{doc_id}", "设置一篇文档的有效性（JSON 请求体：value）", "Object",
             method="put", admin=True),
    Endpoint("/api/admin/validity/{doc_id}", "恢复索引读到的有效性", "Object", method="delete", admin=True),
    Endpoint("/healthz", "服务状态和文档数", "Health"),
)
PATH_PARAMS = {
    "doc_id": {"name": "doc_id", "in": "path", "required": True, "schema": {"type": "string"},
               "description": "文档编号；可以含 /，其他保留字符需转义（# → %23）"},
    "pin_id": {"name": "pin_id", "in": "path", "required": True, "schema": {"type": "integer"},
               "description": "置顶的编号"},
    "action": {"name": "action", "in": "path", "required": True,
               "schema": {"type": "string", "enum": ["approve", "hide", "pin", "unpin"]}},
}
ERRORS = {"400": "参数无效（error.param 指出是哪个参数）", "404": "没有该文档或路径",
          "503": "索引不可用：请运行 egov-search build"}


def document(title: str, admin: bool) -> dict:
    """The whole description, for the served index; the admin endpoints when they are on."""
    paths: dict = {}
    for endpoint in ENDPOINTS:
        if endpoint.admin and not admin:
            continue
        paths.setdefault(endpoint.path, {})[endpoint.method] = _operation(endpoint)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "1", "description": "政务搜索的 JSON 接口。错误一律为 "
                 '{"error": {"code", "param", "message"}}：code 为稳定的英文代码，message 为中文。'},
        "paths": paths,
        "components": {"schemas": schemas(), "securitySchemes": {
            "admin": {"type": "http", "scheme": "bearer", "description": "EGOV_ADMIN_TOKEN"}}},
    }


def _operation(endpoint: Endpoint) -> dict:
    rows = params.TABLE[endpoint.table].values() if endpoint.table else ()
    in_path = [PATH_PARAMS[name] for name in PATH_PARAMS if f"{{{name}}}" in endpoint.path]
    answers = {"200": {"description": "成功",
                       "content": {endpoint.media: {"schema": _ref(endpoint.response)}}}}
    for status, description in ERRORS.items():
        answers[status] = {"description": description,
                           "content": {"application/json": {"schema": _ref("Error")}}}
    if endpoint.method == "get":
        answers["304"] = {"description": "未改动（If-None-Match 与 ETag 相同）"}
    operation = {"summary": endpoint.summary, "parameters": in_path + [_parameter(row) for row in rows],
                 "responses": answers}
    if endpoint.admin:
        operation["security"] = [{"admin": []}]
        answers["401"] = {"description": "缺少或错误的管理令牌",
                          "content": {"application/json": {"schema": _ref("Error")}}}
    return operation


def _parameter(param: params.Param) -> dict:
    """A row of the parameter table as an OpenAPI parameter."""
    schema: dict = {"type": "integer" if param.type == "integer" else "string"}
    if param.type == "integer":
        schema["minimum"] = param.low
        if param.high is not None:
            schema["maximum"] = param.high
    elif param.type == "flag":
        schema["enum"] = list(params.FLAGS)
    elif param.type == "date":
        schema["format"] = "date"
    if param.allowed() is not None:
        schema["enum"] = list(param.allowed())
    if param.pattern is not None and param.type != "date":
        schema["pattern"] = param.pattern.pattern
    if param.max_chars is not None:
        schema["maxLength"] = param.max_chars
    if param.default is not None:
        schema["default"] = param.default
    if param.repeatable:
        schema = {"type": "array", "items": schema, "maxItems": params.MAX_FILTER_VALUES}
    description = param.description + (f"（{param.hint}）" if param.hint else "")
    return {"name": param.name, "in": "query", "required": param.required, "description": description,
            "schema": schema, **({"explode": True} if param.repeatable else {})}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(required: dict, optional: dict | None = None, more: bool = False) -> dict:
    """An object schema whose ``required`` properties are always there."""
    return {"type": "object", "required": list(required), "properties": {**required, **(optional or {})},
            "additionalProperties": more}


def _field(name: str) -> dict:
    field = FIELDS[name]
    if field.multi:
        return {"type": ["array", "null"], "items": {"type": "string"}}
    return {"type": NULLABLE.get(field.type, "string")}


STRING, INTEGER, NULL_STRING = {"type": "string"}, {"type": "integer"}, {"type": ["string", "null"]}
RANK = {"type": ["integer", "null"]}
COUNTS = {"type": "object", "additionalProperties": INTEGER}


def schemas() -> dict:
    """The answers' JSON Schemas (draft 2020-12, as OpenAPI 3.1 takes them)."""
    hit = _object({"id": STRING, "kind": STRING, "title": STRING, "rank": RANK,
                   "score": {"type": "number"}, "snippet_html": STRING, "title_html": STRING,
                   "doc_url": STRING, **{f.name: _field(f.name) for f in hit_fields()}}, more=True)
    part = _object({"number": INTEGER, "of": INTEGER, "start": INTEGER, "end": INTEGER, "chars": INTEGER,
                    "previous": NULL_STRING, "next": NULL_STRING})
    hits = {"type": "array", "items": _ref("Hit")}
    listed = {"type": "array", "items": _object({"id": STRING, "title": STRING, "rank": RANK,
                                                 "body": STRING, "url": STRING})}
    notice = _object({"code": {"type": "string", "enum": list(NOTICES)}, "message": STRING,
                      "english": STRING, "params": {"type": "object"}})
    answer = {"oneOf": [{"type": "null"}, _object({
        "text": STRING, "doc_id": STRING, "start": INTEGER, "end": INTEGER, "confidence": {"type": "number"},
        "title": STRING, "published": NULL_STRING, "publisher": _field("publisher"), "doc_url": STRING})]}
    pinned = {"type": "array", "items": _object({
        "pin": INTEGER, "title": STRING, "description": STRING, "url": NULL_STRING, "doc_id": NULL_STRING,
        "validity": NULL_STRING, "doc_url": NULL_STRING})}
    return {
        "Error": _object({"error": _object({
            "code": {"type": "string", "examples": sorted(set(CODES.values()))},
            "param": NULL_STRING, "message": STRING})}),
        "Hit": hit, "Part": part,
        "Document": _object({"id": STRING, "kind": STRING, "title": STRING, "rank": RANK}, more=True),
        "SearchResults": _object({
            "query": STRING, "kind": NULL_STRING,
            "filters": {"type": "object", "additionalProperties": {"type": "array", "items": STRING}},
            "from": NULL_STRING, "to": NULL_STRING, "sort": STRING, "in": STRING, "total": INTEGER,
            "page": INTEGER, "limit": INTEGER, "pages": INTEGER, "prev": NULL_STRING, "next": NULL_STRING,
            "took_ms": {"type": "number"}, "hits": hits,
            "facets": {"type": "object", "additionalProperties": COUNTS}, "suggestion": NULL_STRING,
            "mode": {"type": "string", "enum": ["all", "any", "question", "corrected"]},
            "notices": {"type": "array", "items": notice}, "answer": answer, "pinned": pinned}, more=True),
        "Suggestions": _object({"query": STRING, "suggestions": {"type": "array", "items": STRING},
                                "items": {"type": "array", "items": _object({
                                    "text": STRING, "type": {"type": "string", "enum": list(TYPE_LABELS)},
                                    "type_label": STRING, "url": NULL_STRING})}}),
        "DocumentPart": _object({"document": _ref("Document"), "part": _ref("Part"), "body": STRING}),
        "DocumentPage": _object({
            "document": _ref("Document"), "query": STRING, "title_html": STRING, "description": STRING,
            "part": _ref("Part"), "paragraphs_html": {"type": "array", "items": STRING},
            "answer_paragraph": {"type": ["integer", "null"]}, "id": STRING, "mentions": hits,
            "similar": hits}),
        "Related": _object({"id": STRING, "mentions": hits, "similar": hits}),
        "Overview": _object(
            {"sort": STRING, "documents": INTEGER, "kinds": COUNTS,
             "years": {"oneOf": [{"type": "null"}, _object({"first": STRING, "last": STRING})]},
             "facets": {"type": "object", "additionalProperties": COUNTS}},
            {"ranking": _object({"title": STRING, "source": NULL_STRING, "items": listed}),
             "article": _object({"title": STRING, "sections": listed})}),
        "ApiIndex": _object({"endpoints": {"type": "object", "additionalProperties": STRING},
                             "openapi": STRING}),
        "OpenApi": {"type": "object", "required": ["openapi", "paths"]},
        "Health": _object({"status": {"const": "ok"}, "documents": INTEGER}),
        "Object": {"type": "object"},
        "Csv": STRING,
    }
