"""The admin API, with the token from ``$EGOV_ADMIN_TOKEN``: ``POST /api/admin/rebuild``;
``GET /api/admin/popular`` and ``POST /api/admin/popular/approve|hide|pin|unpin?q=`` for the
editor of 热门搜索; the search report (``egov-search report``): ``GET /api/admin/report``
(JSON) and ``GET /api/admin/report.csv``; the last crawl's report for editors:
``GET /api/admin/crawl`` (JSON) and ``GET /api/admin/crawl.csv``; pinned answers and
validity (:mod:`.admin_editors`).

Without a configured token the endpoint does not exist (404). The rebuild is the same atomic
``build_index`` as ``egov-search build``: searches keep being answered from the live index
until the new one is swapped in. The corpus is the server's own (``$EGOV_CORPUS``, paths
separated by ``os.pathsep``; default: the seed), never one named in the request.

A wrong or missing token is logged (the client's address, never the token) and answered 401
with ``WWW-Authenticate: Bearer``; an address with :data:`MAX_FAILURES` of them in the last
:data:`FAILURE_WINDOW` seconds gets 429 and ``Retry-After`` until the oldest leaves the window.
The count is per worker process, in memory, for at most :data:`MAX_CLIENTS` addresses.
"""

from __future__ import annotations

import dataclasses
import hmac
import logging

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, request

from indexer import BuildError, ConfigError, CorpusError, StorageError, backends, config
from indexer.crawl.report import Report, crawl_report, report_csv
from indexer.crawl.store import Store

from . import params, recording
from .errors import bad_parameter, error_response
from .logs import printable
from .popular import QueryLog
from .report import search_report, search_report_csv
from .throttle import RecentEvents

LOG = logging.getLogger("egov_search.admin")
MAX_FAILURES = 5  # wrong tokens an address may send per window before it has to wait
FAILURE_WINDOW = 60  # seconds
MAX_CLIENTS = 10_000  # addresses remembered; the one that failed least recently is forgotten first
DECISIONS = {"approve": "approved", "hide": "hidden", "pin": "pinned", "unpin": "approved"}
REFUSED = "需要有效的管理令牌（Authorization: Bearer $EGOV_ADMIN_TOKEN）"

bp = Blueprint("admin", __name__)


def init_app(app: Flask) -> None:
    """Read the token and corpus from the environment; register the endpoint only with a token."""
    app.config.setdefault("ADMIN_TOKEN", config.admin_token())
    app.config.setdefault("CORPUS", config.served_corpus())
    app.config.setdefault("CRAWL_STORE", str(config.crawl_store(None, app.config["INDEX"])))
    if app.config["ADMIN_TOKEN"]:
        app.extensions["admin_failures"] = RecentEvents(MAX_FAILURES, FAILURE_WINDOW, MAX_CLIENTS)
        app.register_blueprint(bp)


@bp.post("/api/admin/rebuild")
def rebuild():
    """Build the server's corpus into a new generation (or OpenSearch index) and swap it in;
    answer the summary."""
    require_token()
    try:
        summary = backends.build(current_app.config["CORPUS"], current_app.config["INDEX"])
    except StorageError as err:
        LOG.error("rebuild failed: %s", err)
        _refuse(507 if err.full else 503,
                f"索引目录无法写入，当前索引未改动：{err}", {})
    except (CorpusError, BuildError, ConfigError) as err:
        abort(422, f"重建中止，当前索引未改动：{err}")
    return jsonify(status="ok", documents=summary.documents, size_bytes=summary.size_bytes,
                   seconds=round(summary.seconds, 2), generation=summary.live)


@bp.get("/api/admin/popular")
def popular_entries():
    """The most searched queries of the window (``?top=``, default 50) and every decided one:
    distinct clients, searches, decision, and whether each is shown and why."""
    require_token()
    log = _query_log()
    top = params.read("admin_popular", request.args)["top"]
    return jsonify(mode=log.settings.mode, min_clients=log.settings.min_clients,
                   entries=[dataclasses.asdict(entry) for entry in log.entries(top)])


@bp.post("/api/admin/popular/<any(approve, hide, pin, unpin):action>")
def popular_decision(action: str):
    """Approve, hide, pin or unpin the query ``?q=``; this worker shows it at once, the others
    at their next refresh."""
    require_token()
    log = _query_log()
    query = params.read("admin_decision", request.args)["q"]
    if not query.split():
        bad_parameter("q", "缺少参数 q", "missing_parameter")
    state = DECISIONS[action]
    return jsonify(query=log.decide(query, state), state=state)


@bp.get("/api/admin/report")
def report():
    """The search report of the last ``?days=`` (30), each list at most ``?top=`` rows (20)."""
    require_token()
    return jsonify(_report_asked())


@bp.get("/api/admin/report.csv")
def report_spreadsheet():
    """The search report as CSV (UTF-8 with a byte-order mark, for spreadsheets)."""
    require_token()
    return _spreadsheet(search_report_csv(_report_asked()), "search-report.csv")


def _report_asked() -> dict:
    """The search report over the days and rows the request asks for."""
    asked = params.read("admin_report", request.args)
    days, top = asked["days"], asked["top"]
    with _query_log().flushed() as db:
        return search_report(db, days, top)


def _query_log() -> QueryLog:
    """The app's query log, or 404 when logging is off."""
    log = recording.query_log()
    if log is None:
        abort(404, "查询日志已关闭（EGOV_QUERY_LOG=0）")
    return log


@bp.get("/api/admin/crawl")
def crawl():
    """The last crawl's report: pages found, new, changed, gone; dead links; skipped and failed."""
    require_token()
    return jsonify(_crawl_report().to_dict())


@bp.get("/api/admin/crawl.csv")
def crawl_csv():
    """The last crawl's report as CSV (UTF-8 with a byte-order mark, for spreadsheets)."""
    require_token()
    return _spreadsheet(report_csv(_crawl_report()), "crawl-report.csv")


def _spreadsheet(text: str, filename: str) -> Response:
    """``text`` as a CSV file to download as ``filename``."""
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


def _crawl_report() -> Report:
    """The report of the server's crawl store, or 404 before any crawl."""
    try:
        with Store(current_app.config["CRAWL_STORE"], lock=False) as store:
            report = crawl_report(store)
    except FileNotFoundError:
        report = None
    if report is None:
        abort(404, "还没有抓取记录：请先运行 egov-search crawl 网址")
    return report


def require_token() -> None:
    """401 unless ``Authorization: Bearer <token>`` matches, compared in constant time; 429 while
    this client address has too many recent failures."""
    client = request.remote_addr or "-"
    failures: RecentEvents = current_app.extensions["admin_failures"]
    wait = failures.retry_after(client)
    if wait:
        _refuse(429, f"尝试次数过多，请 {wait} 秒后再试",
                {"Retry-After": str(wait)})
    expected = current_app.config["ADMIN_TOKEN"].encode()
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
        count = failures.add(client)
        LOG.warning("wrong or missing admin token from %s (%d in %d s)", printable(client), count,
                    failures.window)
        _refuse(401, REFUSED, {"WWW-Authenticate": 'Bearer realm="egov-search admin"'})


def _refuse(code: int, message: str, headers: dict[str, str]) -> None:
    """Stop the request with the error ``code`` and these extra ``headers``."""
    response = error_response(code, message)
    response.headers.update(headers)
    abort(response)
