"""Every error is an answer, never a traceback: JSON under /api and /healthz, a Chinese page elsewhere.

The JSON is ``{"error": {"code": code, "param": name or null, "message": message}}``: the
message in Chinese for people, the code (:data:`CODES`, or what :func:`bad_parameter` was
given) stable for programs, and the parameter at fault when there is one.
"""

from __future__ import annotations

import html
import json
import logging
from typing import NoReturn

from flask import Flask, Response, jsonify, make_response, render_template, request
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError

from indexer import IndexMissingError, IndexUnavailableError

LOG = logging.getLogger("egov_search")
JSON_PATHS = ("/api/", "/healthz/")
MESSAGES = {
    400: "请求参数无效",
    401: "需要管理令牌",
    404: "找不到该页面或文档",
    405: "不支持该请求方法",
    413: "请求太大",
    414: "网址太长",
    429: "请求太频繁，请稍后再试",
    431: "请求头太大",
    500: "服务器内部错误，请稍后再试",
    501: "不支持该传输编码",
    503: "搜索索引暂不可用：请运行 egov-search build 建立索引",
}
UNAVAILABLE = "搜索服务暂时不可用，请稍后再试"  # the index (an OpenSearch cluster) does not answer

CODES = {400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed",
         413: "body_too_large", 414: "uri_too_long", 422: "build_aborted", 429: "too_many_requests",
         431: "headers_too_large", 500: "internal_error", 501: "not_implemented",
         503: "index_unavailable", 507: "insufficient_storage"}
UNAVAILABLE_CODE = "search_unavailable"


class ParameterError(BadRequest):
    """A 400 with a stable code (``invalid_parameter``, …), about one parameter or (``None``)
    the request's parameters as a whole."""

    def __init__(self, param: str | None, message: str, code: str):
        super().__init__(message)
        self.param, self.error_code = param, code


def bad_parameter(param: str | None, message: str, code: str = "invalid_parameter") -> NoReturn:
    """Stop the request with a 400 that names ``param``."""
    raise ParameterError(param, message, code)


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(IndexMissingError, _index_missing)
    app.register_error_handler(IndexUnavailableError, _index_unavailable)
    app.register_error_handler(Exception, _unexpected)


def error_body(code: int, message: str, error_code: str | None = None, param: str | None = None) -> dict:
    """``{"error": {"code", "param", "message"}}``: the JSON of every API error."""
    return {"error": {"code": error_code or CODES.get(code, f"http_{code}"), "param": param,
                      "message": message}}


def error_response(code: int, message: str, error_code: str | None = None,
                   param: str | None = None) -> Response:
    """:func:`error_body` for the API, the error page for people."""
    if (request.path + "/").startswith(JSON_PATHS):
        response = jsonify(error_body(code, message, error_code, param))
    else:
        query = request.args.get("q", "") if code == 400 else ""  # a search to go back to
        response = make_response(render_template("error.html", code=code, message=message, query=query))
    response.status_code = code
    return response


def plain_error(code: int, path: str) -> tuple[str, bytes]:
    """Content type and body of an error answered outside the app (by waitress): JSON for
    the API, a short page like ``error.html`` for people."""
    message = MESSAGES.get(code, f"请求无效（HTTP {code}）")
    if (path + "/").startswith(JSON_PATHS):
        return "application/json", json.dumps(error_body(code, message), ensure_ascii=False).encode()
    chinese = html.escape(message)
    page = (f'<!doctype html>\n<html lang="zh-CN"><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{chinese} - 政务搜索</title><link rel="stylesheet" href="/static/style.css">'
            f'<main id="main"><section class="error">'
            f'<h1>{chinese}</h1><p class="muted">错误代码 {code}</p>'
            f'<p><a href="/">返回首页</a></p></section></main></html>\n')
    return "text/html; charset=utf-8", page.encode()


def _http_error(err: HTTPException):
    """Werkzeug's own errors get our Chinese wording; ours keep their description."""
    if err.code is None:
        return err
    custom = err.description != type(err).description
    message = err.description if custom else MESSAGES.get(err.code, f"请求无效（HTTP {err.code}）")
    response = error_response(err.code, message, getattr(err, "error_code", None),
                              getattr(err, "param", None))
    if getattr(err, "valid_methods", None):
        response.headers["Allow"] = ", ".join(m for m in err.valid_methods if m != "OPTIONS")
    return response


def _index_missing(err: IndexMissingError):
    LOG.error("%s", err)  # the full message, with the path, goes to the server log only
    return error_response(503, MESSAGES[503])


def _index_unavailable(err: IndexUnavailableError):
    LOG.error("%s", err)  # which cluster, and why, goes to the server log only
    response = error_response(503, UNAVAILABLE, UNAVAILABLE_CODE)
    response.headers["Retry-After"] = "10"
    return response


def _unexpected(err: Exception):
    if isinstance(err, InternalServerError) and err.original_exception is not None:
        err = err.original_exception
    LOG.exception("unexpected error on %s %s", request.method, request.full_path, exc_info=err)
    return error_response(500, MESSAGES[500])
