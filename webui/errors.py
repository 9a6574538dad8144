"""Every error is an answer, never a traceback: JSON under /api and /healthz, a Chinese page elsewhere."""

from __future__ import annotations

import html
import json
import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from indexer import IndexMissingError

LOG = logging.getLogger("egov_search")
JSON_PATHS = ("/api/", "/healthz/")
MESSAGES = {
    400: "请求参数无效 / bad request",
    404: "找不到该页面或文档 / not found",
    405: "不支持该请求方法 / method not allowed",
    413: "请求太大 / request too large",
    414: "网址太长 / URL too long",
    431: "请求头太大 / request header fields too large",
    500: "服务器内部错误，请稍后再试 / internal server error",
    501: "不支持该传输编码 / transfer coding not implemented",
    503: "搜索索引暂不可用：请运行 egov-search build 建立索引 / "
         "the search index is missing or damaged: run `egov-search build`",
}


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(IndexMissingError, _index_missing)
    app.register_error_handler(Exception, _unexpected)


def error_response(code: int, message: str) -> Response:
    """``{"error": message}`` for the API, the error page for people."""
    if (request.path + "/").startswith(JSON_PATHS):
        response = jsonify(error=message)
    else:
        chinese = message.partition(" / ")[0]  # the page is Chinese; the API keeps both
        response = make_response(render_template("error.html", code=code, message=chinese))
    response.status_code = code
    return response


def plain_error(code: int, path: str) -> tuple[str, bytes]:
    """Content type and body of an error answered outside the app (by waitress): JSON for
    the API, a short page like ``error.html`` for people."""
    message = MESSAGES.get(code, f"请求无效 / HTTP {code}")
    if (path + "/").startswith(JSON_PATHS):
        return "application/json", json.dumps({"error": message}, ensure_ascii=False).encode()
    chinese = html.escape(message.partition(" / ")[0])
    page = (f'<!doctype html>\n<html lang="zh-CN"><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{chinese} - 政务搜索</title><link rel="stylesheet" href="/static/style.css">'
            f'<main id="main"><section class="error">'
            f'<h1>{chinese}</h1><p class="muted">错误代码 {code}</p>'
            f'<p><a href="/">返回首页</a></p></section></main></html>\n')
    return "text/html; charset=utf-8", page.encode()


def _http_error(err: HTTPException):
    """Werkzeug's own errors get our bilingual wording; ours keep their description."""
    if err.code is None:
        return err
    custom = err.description != type(err).description
    message = err.description if custom else MESSAGES.get(err.code, f"{err.name} / {err.name}")
    response = error_response(err.code, message)
    if getattr(err, "valid_methods", None):
        response.headers["Allow"] = ", ".join(err.valid_methods)
    return response


def _index_missing(err: IndexMissingError):
    LOG.error("%s", err)  # the full message, with the path, goes to the server log only
    return error_response(503, MESSAGES[503])


def _unexpected(err: Exception):
    if isinstance(err, InternalServerError) and err.original_exception is not None:
        err = err.original_exception
    LOG.exception("unexpected error on %s %s", request.method, request.full_path, exc_info=err)
    return error_response(500, MESSAGES[500])
