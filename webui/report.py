"""``egov-search report`` and ``GET /api/admin/report``: what people searched and opened, from the
query log, for a site's editors. The same figures as JSON (English keys), as text and as CSV
(both in Chinese).

A search is counted once with its refinements (another facet, sort, page or time filter on
its results page, or 仍然搜索): they are logged against the search's id, not as searches. A
search "found results but nobody opened one" when no click refers to it; searches logged
before clicks were (ids not made by the request, :func:`.querylog.first_search_id`) count in
neither the click rate nor that list. Days are the server's local dates.
"""

from __future__ import annotations

import json
import sqlite3
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable
from datetime import date

from indexer.crawl.report import spreadsheet_csv

from .pages import FILTER_LABELS, SCOPE_LABELS, SORT_LABELS, kind_label
from .querylog import DAY, first_search_id

ANY_VALUE = "（任一）"
FILTER_ORDER = (*FILTER_LABELS, "time", "sort", "in")
NAMES = {**FILTER_LABELS, "time": "发布时间", "sort": "排序", "in": "搜索范围"}
SECTIONS = (  # key, title, columns (field, header)
    ("by_day", "按日统计", (("date", "日期"), ("searches", "搜索"), ("found_nothing", "无结果"),
                          ("clicked", "有点击"))),
    ("top_queries", "搜索最多的查询", (("searches", "搜索"), ("clicked", "有点击"), ("query", "查询"))),
    ("found_nothing_queries", "没有结果的查询", (("searches", "搜索"), ("query", "查询"))),
    ("unopened_queries", "有结果但没人点开的查询",
     (("searches", "有结果的搜索"), ("unopened", "无点击"), ("query", "查询"))),
    ("positions", "各位置的点击", (("position", "位置"), ("clicks", "点击"), ("share", "占全部点击"),
                               ("rate", "点击率"))),
    ("corrections", "纠错：接受或仍然搜索",
     (("shown", "纠错"), ("kept", "接受"), ("searched_as_typed", "仍然搜索"), ("query", "查询"),
      ("suggestion", "纠正为"))),
    ("autocomplete", "从自动补全选择的查询", (("searches", "搜索"), ("query", "查询"))),
    ("filters", "使用的筛选（按搜索计）", (("searches", "搜索"), ("label", "筛选"), ("value", "取值"))),
)
PERCENT = ("share", "rate", "click_rate")
TEXT_FIELDS = ("date", "query", "suggestion", "label", "value")  # left-aligned; the figures right
SUMMARY_LABELS = {"searches": "搜索", "found_nothing": "没有结果", "with_results": "有结果",
                  "clicked": "有点击", "refined": "细化过", "paged": "翻过页", "corrected": "纠错",
                  "searched_as_typed": "仍然搜索", "from_autocomplete": "从自动补全选择", "clicks": "点击",
                  "click_rate": "点击率"}
VALUE_NAMES = {"kind": kind_label, "sort": lambda value: SORT_LABELS.get(value, value),
               "in": lambda value: SCOPE_LABELS.get(value, value)}
SUMMARY_KEYS = ("searches", "found_nothing", "with_results", "clicked", "refined", "paged", "corrected",
                "searched_as_typed", "from_autocomplete")
SEARCHES = """CREATE TEMP TABLE report AS SELECT
    s.id, date(s.at, 'unixepoch', 'localtime') AS day, s.query, s.total, s.suggestion,
    s.from_autocomplete AS autocomplete,
    s.id >= :first AS clickable,  -- made by a request that could also log its clicks
    EXISTS (SELECT 1 FROM clicks c WHERE c.search_id = s.id) AS clicked,
    s.kept_typed OR EXISTS (SELECT 1 FROM refinements r WHERE r.search_id = s.id AND r.exact) AS refused,
    EXISTS (SELECT 1 FROM refinements r WHERE r.search_id = s.id) AS refined,
    EXISTS (SELECT 1 FROM refinements r WHERE r.search_id = s.id AND r.page > 1) AS paged
    FROM searches s WHERE s.at >= :since"""
SUMMARY = ("SELECT COUNT(*), SUM(total = 0), SUM(total > 0 AND clickable), SUM(clicked), SUM(refined), "
           "SUM(paged), SUM(suggestion IS NOT NULL), SUM(refused), SUM(autocomplete) FROM temp.report")
LISTS = {  # each list's query and its columns
    "by_day": ("SELECT day, COUNT(*), SUM(total = 0), SUM(clicked) FROM temp.report GROUP BY day "
               "ORDER BY day", ("date", "searches", "found_nothing", "clicked")),
    "top_queries": ("SELECT query, COUNT(*) n, SUM(clicked) FROM temp.report GROUP BY query "
                    "ORDER BY n DESC, query LIMIT :top", ("query", "searches", "clicked")),
    "found_nothing_queries": ("SELECT query, COUNT(*) n FROM temp.report WHERE total = 0 GROUP BY query "
                              "ORDER BY n DESC, query LIMIT :top", ("query", "searches")),
    "unopened_queries": ("SELECT query, COUNT(*) n, SUM(NOT clicked) u FROM temp.report "
                         "WHERE total > 0 AND clickable GROUP BY query HAVING u > 0 "
                         "ORDER BY u DESC, n DESC, query LIMIT :top",
                         ("query", "searches", "unopened")),
    "corrections": ("SELECT query, MAX(suggestion), SUM(suggestion IS NOT NULL) n, SUM(refused) "
                    "FROM temp.report WHERE suggestion IS NOT NULL OR refused GROUP BY query "
                    "ORDER BY n DESC, query LIMIT :top",
                    ("query", "suggestion", "shown", "searched_as_typed")),
    "autocomplete": ("SELECT query, COUNT(*) n FROM temp.report WHERE autocomplete GROUP BY query "
                     "ORDER BY n DESC, query LIMIT :top", ("query", "searches")),
}
FILTERS_USED = ("SELECT s.id, s.filters FROM searches s JOIN temp.report t ON t.id = s.id "
                "WHERE s.filters != '{}' UNION ALL SELECT r.search_id, r.filters FROM refinements r "
                "JOIN temp.report t ON t.id = r.search_id WHERE r.filters != '{}'")


def search_report(db: sqlite3.Connection, days: int, top: int, now: float | None = None) -> dict:
    """The report of the searches of the last ``days`` (each list at most ``top`` rows)."""
    now = time.time() if now is None else now
    since = now - days * DAY
    db.execute("DROP TABLE IF EXISTS temp.report")
    db.execute(SEARCHES, {"since": since, "first": first_search_id(since)})
    try:
        found = dict(zip(SUMMARY_KEYS, (value or 0 for value in db.execute(SUMMARY).fetchone()), strict=True))
        lists = {key: [dict(zip(columns, row, strict=True)) for row in db.execute(sql, {"top": top})]
                 for key, (sql, columns) in LISTS.items()}
        clicks = dict(db.execute("SELECT c.position, COUNT(*) FROM clicks c JOIN temp.report r "
                                 "ON r.id = c.search_id GROUP BY c.position"))
        filters = _filters(db.execute(FILTERS_USED), top)
    finally:
        db.execute("DROP TABLE temp.report")
    found["clicks"] = sum(clicks.values())
    found["click_rate"] = _ratio(found["clicked"], found["with_results"])
    for row in lists["corrections"]:
        row["kept"] = max(row["shown"] - row["searched_as_typed"], 0)
    lists["positions"] = [{"position": position, "clicks": count, "share": _ratio(count, found["clicks"]),
                           "rate": _ratio(count, found["with_results"])}
                          for position, count in sorted(clicks.items())[:top]]
    return {"days": days, "since": date.fromtimestamp(since).isoformat(),
            "until": date.fromtimestamp(now).isoformat(), **found, **lists, "filters": filters}


def _filters(logged: Iterable[tuple[int, str]], top: int) -> list[dict]:
    """Each filter, and each of its values, with the searches that used it (``logged``: search
    id and filters, of the search or of any of its refinements: a search counts once); at most
    ``top`` values a filter."""
    used: dict[int, set[tuple[str, str]]] = {}
    for search_id, filters in logged:
        used.setdefault(search_id, set()).update(_filter_values(json.loads(filters)))
    values = Counter(item for items in used.values() for item in items)
    names = Counter(name for items in used.values() for name in {name for name, _ in items})
    listed = []
    for name in sorted(names, key=_filter_order):
        label = NAMES.get(name, name)
        listed.append({"filter": name, "label": label, "value": None, "searches": names[name]})
        mine = sorted(((-count, value) for (key, value), count in values.items() if key == name))[:top]
        listed += [{"filter": name, "label": label, "value": value, "searches": -count}
                   for count, value in mine]
    return listed


def _filter_order(name: str) -> tuple:
    return (FILTER_ORDER.index(name), "") if name in FILTER_ORDER else (len(FILTER_ORDER), name)


def _filter_values(filters: dict) -> set[tuple[str, str]]:
    """A logged search's filters as (filter, value shown) pairs: facet values one by one, the
    time filter as one range, sort and scope by their Chinese names."""
    pairs = set()
    for name, value in filters.items():
        if name in ("from", "to"):
            continue
        for item in value if isinstance(value, list) else [value]:
            pairs.add((name, VALUE_NAMES.get(name, str)(str(item))))
    if filters.get("from") or filters.get("to"):
        pairs.add(("time", f"{filters.get('from') or '不限'} 至 {filters.get('to') or '今'}"))
    return pairs


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def search_report_text(report: dict, source: str) -> str:
    """The report for the terminal, in Chinese; ``source`` names the log it was read from."""
    r = report
    lines = [
        f"搜索报告：{r['since']} 至 {r['until']}（最近 {r['days']} 天），查询日志 {source}",
        f"搜索 {r['searches']} 次（一次搜索的筛选、排序、翻页和时间筛选不另算："
        f"细化过的搜索 {r['refined']} 次，其中翻页 {r['paged']} 次）",
        f"没有结果 {r['found_nothing']} 次；有结果的搜索中有点击的 {r['clicked']}/{r['with_results']} 次"
        f"（{_percent(r['click_rate'])}），共点击 {r['clicks']} 次",
        f"纠错 {r['corrected']} 次，仍然搜索 {r['searched_as_typed']} 次；"
        f"从自动补全选择 {r['from_autocomplete']} 次",
    ]
    for key, title, columns in SECTIONS:
        lines += ["", f"{title}："]
        lines += text_table([header for _, header in columns],
                            [[_shown(field, row[field]) for field, _ in columns] for row in r[key]],
                            [field not in TEXT_FIELDS for field, _ in columns])
    return "\n".join(lines)


def search_report_csv(report: dict) -> str:
    """The report as CSV for a spreadsheet: the figures, then each list under its title."""
    rows: list[list] = [["搜索报告", report["since"], report["until"]]]
    rows += [[label, _shown(key, report[key])] for key, label in SUMMARY_LABELS.items()]
    for key, title, columns in SECTIONS:
        rows += [[], [title], [header for _, header in columns]]
        rows += [[_shown(field, row[field]) for field, _ in columns] for row in report[key]]
    return spreadsheet_csv(rows)


def _shown(field: str, value: object) -> object:
    if field in PERCENT:
        return _percent(value)
    return ANY_VALUE if field == "value" and value is None else value


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def text_table(header: list[str], rows: list[list], right: list[bool]) -> list[str]:
    """Lines of a plain-text table, the ``right`` columns right-aligned, each as wide as its
    widest cell (a Chinese character is two columns); ``（无）`` when there are no rows."""
    if not rows:
        return ["  （无）"]
    table = [header, *rows]
    widths = [max(_width(str(row[i])) for row in table) for i in range(len(header))]
    lines = []
    for row in table:
        cells = [_pad(str(value), width, flush)
                 for value, width, flush in zip(row, widths, right, strict=True)]
        lines.append(("  " + "  ".join(cells)).rstrip())
    return lines


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * (width - _width(text))
    return space + text if right else text + space
