"""The API's parameters in one table: what each endpoint takes, checked here and described
in the OpenAPI document (:mod:`webui.openapi`) from the same rows.

A bad value stops the request with a 400 that names the parameter, says in Chinese what is
allowed, and carries a stable code (``invalid_parameter``, ``missing_parameter``,
``too_many_values``, ``too_long``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from indexer import MAX_FILTER_VALUES, SORTS, facets
from indexer.analysis.normalize import normalize_text

from .engine import get_engine
from .errors import bad_parameter
from .querylog import RETENTION_DAYS

MAX_FILTER_CHARS = 200
FLAGS = ("0", "1", "true", "false")
DIGITS = re.compile(r"^[0-9]{1,19}$")
YEAR = re.compile(r"^[0-9]{4}$")
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
DATE_HINT = "日期，如 2021-03-05"


@dataclass(frozen=True)
class Param:
    """One query parameter: its type (``string``, ``integer``, ``date``, ``flag``), what it
    allows, its default and its Chinese description."""

    name: str
    description: str
    type: str = "string"
    default: object = None
    choices: tuple[str, ...] | Callable[[], tuple[str, ...]] | None = None  # a callable: the index's
    low: int | None = None
    high: int | None = None  # None: bounded by the document (``part``, ``at``)
    pattern: re.Pattern | None = None  # what a value must match (after normalising)
    hint: str | None = None  # what a value looks like, for the 400 and the description
    repeatable: bool = False
    required: bool = False
    max_chars: int | None = None

    def allowed(self) -> tuple[str, ...] | None:
        """The values allowed, for a parameter with a closed set."""
        return self.choices() if callable(self.choices) else self.choices


def collection_kinds() -> tuple[str, ...]:
    """The kinds of document the served index holds (``kind``'s allowed values)."""
    engine = get_engine()
    return engine.cached(
        "kinds", lambda: tuple(sorted(engine.search("", answer=False).facets.get("kind") or {})))


def _filter(field) -> Param:
    """A facet filter: repeatable, values of one field ORed."""
    description = f"按{field.label}筛选，可重复（同一参数的多个值为“或”，不同参数为“且”）"
    if field.name == "kind":
        return Param("kind", description, choices=collection_kinds, repeatable=True,
                     max_chars=MAX_FILTER_CHARS)
    if field.name == "year":
        return Param("year", description, pattern=YEAR, hint="四位年份，如 2021", repeatable=True)
    return Param(field.name, description, repeatable=True, max_chars=MAX_FILTER_CHARS)


QUERY = Param("q", "查询词（可以为空：全部文档）", required=True)
PAGE = Param("page", "页码", type="integer", default=1, low=1, high=1000)
LIMIT = Param("limit", "每页条数", type="integer", default=10, low=1, high=100)
FILTERS = tuple(_filter(field) for field in facets())
SEARCH = (
    QUERY, *FILTERS,
    Param("from", "发布日期不早于", type="date", pattern=ISO_DATE, hint=DATE_HINT),
    Param("to", "发布日期不晚于", type="date", pattern=ISO_DATE, hint=DATE_HINT),
    Param("sort", "排序：相关度、发布日期从新到旧、从旧到新", default="relevance", choices=SORTS),
    Param("in", "搜索范围：全文或仅标题", default="all", choices=("all", "title")),
    Param("exact", "1：按输入搜索，不纠错", type="flag", default="0"),
    Param("answer", "0：不找最佳答案", type="flag", default="1"),
    PAGE, LIMIT,
)
SUGGEST = (Param("q", "已输入的文字", required=True),
           Param("limit", "最多几条", type="integer", default=8, low=1, high=8))
PART = Param("part", "正文的第几部分（每部分至多 20,000 字）", type="integer", low=1)
DOCUMENT = (PART,)
AT = Param("at", "正文中的字符位置：打开它所在的部分和段落", type="integer", low=0)
DOCUMENT_PAGE = (Param("q", "要高亮的查询词"), PART, AT)
RELATED = (Param("id", "文档编号", required=True),)
OVERVIEW = (Param("sort", "排行榜的顺序：名次或名称，- 为倒序", default="rank",
                  choices=("rank", "-rank", "name", "-name")),)
MAX_SEARCH_ID = 2**63 - 1  # a logged search's id
SEARCH_ID = Param("s", "记录该次搜索的编号（结果页和点击）", type="integer", low=1, high=MAX_SEARCH_ID)
CLICK = (replace(SEARCH_ID, required=True),
         Param("p", "结果的位置（从 1 起）", type="integer", low=1,
               high=PAGE.high * LIMIT.high, required=True),
         Param("d", "文档编号", required=True),
         Param("to", "去向：本站的文档页或原文", default="page", choices=("page", "source")),
         Param("q", "文档页要高亮的查询词"))
ADMIN_REPORT = (Param("days", "统计最近几天", type="integer", default=30, low=1, high=RETENTION_DAYS),
                Param("top", "每个列表至多几行", type="integer", default=20, low=1, high=1000))
ADMIN_POPULAR = (Param("top", "列出搜索最多的前几条", type="integer", default=50, low=1, high=10_000),)
ADMIN_DECISION = (Param("q", "要决定的查询", required=True),)
TABLE = {name: {param.name: param for param in params} for name, params in (
    ("search", SEARCH), ("suggest", SUGGEST), ("document", DOCUMENT), ("document_page", DOCUMENT_PAGE),
    ("related", RELATED), ("overview", OVERVIEW), ("click", CLICK), ("admin_popular", ADMIN_POPULAR),
    ("admin_decision", ADMIN_DECISION), ("admin_report", ADMIN_REPORT))}


def read(endpoint: str, args, lenient: bool = False) -> dict:
    """Every parameter of ``endpoint`` (a key of :data:`TABLE`) but those bounded by a document,
    checked: integers as ``int``, flags as ``bool``, repeatable ones as lists, absent ones as
    their default. ``lenient``: a page may leave out what the API requires, and may ask for a
    value the index does not hold (a bookmarked ``kind``), which then finds nothing."""
    return {name: value(param, args, lenient) for name, param in TABLE[endpoint].items()
            if not (param.type == "integer" and param.high is None)}


def value(param: Param, args, lenient: bool = False):
    """One parameter's checked value (see :func:`read`)."""
    if param.repeatable:
        values = [raw.strip() for raw in args.getlist(param.name) if raw.strip()]
        if len(values) > MAX_FILTER_VALUES:
            bad_parameter(param.name, f"参数 {param.name} 最多 {MAX_FILTER_VALUES} 个", "too_many_values")
        return [_checked(param, raw, lenient) for raw in values]
    if param.name not in args and param.required and not lenient:
        bad_parameter(param.name, f"缺少参数 {param.name}", "missing_parameter")
    raw = args.get(param.name, "")
    if param.type == "string" and param.choices is None:
        return _checked(param, raw)  # free text: spaces may matter (a query)
    if raw.strip():
        return _checked(param, raw.strip())
    return param.default == "1" if param.type == "flag" else param.default


def bounded(param: Param, args: Mapping[str, str], default: int, high: int) -> int:
    """An integer parameter whose upper bound is the document's (``part``, ``at``)."""
    raw = args.get(param.name, "").strip()
    return _checked(replace(param, high=high), raw) if raw else default


def _checked(param: Param, raw: str, lenient: bool = False):
    """``raw`` (not empty, stripped unless free text) as the parameter's value, or a 400."""
    name = param.name
    if param.type == "integer":
        if not (DIGITS.match(raw) and param.low <= int(raw) <= param.high):
            bad_parameter(name, f"参数 {name} 必须是 {param.low} 到 {param.high} 之间的整数")
        return int(raw)
    if param.type == "flag":
        if raw not in FLAGS:
            bad_parameter(name, f"参数 {name} 只能是 {'、'.join(FLAGS)}")
        return raw in ("1", "true")
    if param.max_chars is not None and len(raw) > param.max_chars:
        bad_parameter(name, f"参数 {name} 最长 {param.max_chars} 个字符", "too_long")
    if param.pattern is not None and not (param.pattern.match(normalize_text(raw)) and _real(param, raw)):
        bad_parameter(name, f"参数 {name} 必须是{param.hint}")
    allowed = None if lenient and callable(param.choices) else param.allowed()
    if allowed is not None:
        key = normalize_text(raw) if param.repeatable else raw  # kind=PAGE is kind=page
        if key not in allowed:
            bad_parameter(name, f"参数 {name} 只能是 {'、'.join(allowed) or '（索引为空）'}")
        return key
    return raw


def _real(param: Param, raw: str) -> bool:
    """A date that exists (2021-02-30 does not); other patterns need no more."""
    if param.type != "date":
        return True
    try:
        date.fromisoformat(raw)
    except ValueError:
        return False
    return True
