"""``egov-search report`` and ``/api/admin/report``: every figure checked on a log written here,
in Chinese, as JSON and CSV; and, through the pages, a search's refinements counted as that
one search."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_pages import Tags, hrefs, search_id
from test_querylog import refresh

from webui import create_app, querylog
from webui.cli import main
from webui.querylog import Click, Refinement, Search, new_search_id

TOKEN = "report-token-for-tests"
AGENCY = "南京市医疗保障局"


def noon(days_ago: int) -> float:
    """Local noon ``days_ago`` days before today, as Unix time."""
    day = date.today() - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, 12).timestamp()


def day(days_ago: int) -> str:
    return (date.today() - timedelta(days=days_ago)).isoformat()


@pytest.fixture
def known_log(log: Path) -> Path:
    """Nine searches over three days, their refinements and clicks, and one search too old."""
    searches = {  # name: (days ago, query, results, correction, from the autocomplete, filters)
        "s1": (2, "医保报销", 12, None, False, {}), "s2": (2, "医保报销", 12, None, False, {}),
        "s3": (1, "医保报销", 12, None, False, {}),
        "s4": (1, "公积金提取", 5, None, False, {"kind": ["page"]}),
        "s5": (1, "量子纠缠", 0, None, False, {}), "s6": (0, "量子纠缠", 0, None, False, {}),
        "s7": (0, "華雨軟件", 3, "华宇软件", False, {}), "s8": (0, "華雨軟件", 3, "华宇软件", False, {}),
        "s9": (0, "社保卡", 7, None, True, {}), "old": (40, "很久以前", 4, None, False, {}),
    }
    ids = {name: new_search_id(noon(ago) + n) for n, (name, (ago, *_)) in enumerate(searches.items())}
    events: list = [Search(noon(ago) + n, query, query, filters, total, correction,
                           from_autocomplete=picked, id=ids[name])
                    for n, (name, (ago, query, total, correction, picked, filters))
                    in enumerate(searches.items())]
    later = noon(0) + 600
    events += [
        Refinement(later, ids["s1"], {"publisher": [AGENCY]}, 1, False),
        Refinement(later, ids["s1"], {"publisher": [AGENCY], "sort": "-published"}, 2, False),
        Refinement(later, ids["s3"], {"publisher": [AGENCY]}, 1, False),
        Refinement(later, ids["s4"], {"kind": ["page"], "from": "2023-01-01"}, 1, False),
        Refinement(later, ids["s7"], {}, 1, True),  # 仍然搜索
        Click(later, ids["s1"], 1, "doc-a"), Click(later, ids["s1"], 1, "doc-a"),  # once per document
        Click(later, ids["s1"], 3, "doc-b"), Click(later, ids["s3"], 1, "doc-a"),
        Click(later, ids["s4"], 2, "doc-c"), Click(later, ids["s8"], 1, "doc-d"),
        Click(later, new_search_id(later), 1, "doc-e"),  # a search nobody logged: counted nowhere
        Click(later, ids["old"], 1, "doc-f"),
    ]
    querylog.LogFile(log).write(events)
    return log


EXPECTED = {
    "days": 30, "since": day(30), "until": day(0),
    "searches": 9, "found_nothing": 2, "with_results": 7, "clicked": 4, "refined": 4, "paged": 1,
    "corrected": 2, "searched_as_typed": 1, "from_autocomplete": 1, "clicks": 5, "click_rate": 0.5714,
    "by_day": [{"date": day(2), "searches": 2, "found_nothing": 0, "clicked": 1},
               {"date": day(1), "searches": 3, "found_nothing": 1, "clicked": 2},
               {"date": day(0), "searches": 4, "found_nothing": 1, "clicked": 1}],
    "top_queries": [{"query": "医保报销", "searches": 3, "clicked": 2},
                    {"query": "華雨軟件", "searches": 2, "clicked": 1},
                    {"query": "量子纠缠", "searches": 2, "clicked": 0},
                    {"query": "公积金提取", "searches": 1, "clicked": 1},
                    {"query": "社保卡", "searches": 1, "clicked": 0}],
    "found_nothing_queries": [{"query": "量子纠缠", "searches": 2}],
    "unopened_queries": [{"query": "医保报销", "searches": 3, "unopened": 1},
                         {"query": "華雨軟件", "searches": 2, "unopened": 1},
                         {"query": "社保卡", "searches": 1, "unopened": 1}],
    "corrections": [{"query": "華雨軟件", "suggestion": "华宇软件", "shown": 2, "searched_as_typed": 1,
                     "kept": 1}],
    "autocomplete": [{"query": "社保卡", "searches": 1}],
    "positions": [{"position": 1, "clicks": 3, "share": 0.6, "rate": 0.4286},
                  {"position": 2, "clicks": 1, "share": 0.2, "rate": 0.1429},
                  {"position": 3, "clicks": 1, "share": 0.2, "rate": 0.1429}],
    "filters": [{"filter": "kind", "label": "类型", "value": None, "searches": 1},
                {"filter": "kind", "label": "类型", "value": "网页", "searches": 1},
                {"filter": "publisher", "label": "发布机构", "value": None, "searches": 2},
                {"filter": "publisher", "label": "发布机构", "value": AGENCY, "searches": 2},
                {"filter": "time", "label": "发布时间", "value": None, "searches": 1},
                {"filter": "time", "label": "发布时间", "value": "2023-01-01 至 今", "searches": 1},
                {"filter": "sort", "label": "排序", "value": None, "searches": 1},
                {"filter": "sort", "label": "排序", "value": "按时间", "searches": 1}],
}


def report(*args: str) -> str:
    result = CliRunner().invoke(main, ["report", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_report_figures_on_a_known_log(known_log):
    assert json.loads(report("--log", str(known_log), "--json")) == EXPECTED


def test_report_in_chinese(known_log):
    text = report("--log", str(known_log))
    lines = text.splitlines()
    assert lines[0] == f"搜索报告：{day(30)} 至 {day(0)}（最近 30 天），查询日志 {known_log}"
    assert "搜索 9 次（一次搜索的筛选、排序、翻页和时间筛选不另算：细化过的搜索 4 次，其中翻页 1 次）" \
        in lines
    assert "没有结果 2 次；有结果的搜索中有点击的 4/7 次（57.1%），共点击 5 次" in lines
    assert "纠错 2 次，仍然搜索 1 次；从自动补全选择 1 次" in lines

    def section(title: str) -> list[list[str]]:
        block = text.split(f"\n{title}：\n", 1)[1].split("\n\n", 1)[0]
        return [line.split() for line in block.splitlines()]

    assert section("按日统计") == [["日期", "搜索", "无结果", "有点击"], [day(2), "2", "0", "1"],
                                   [day(1), "3", "1", "2"], [day(0), "4", "1", "1"]]
    assert [row[-1] for row in section("搜索最多的查询")[1:]] == ["医保报销", "華雨軟件", "量子纠缠",
                                                                 "公积金提取", "社保卡"]
    assert section("没有结果的查询")[1:] == [["2", "量子纠缠"]]
    assert section("有结果但没人点开的查询")[1:] == [["3", "1", "医保报销"], ["2", "1", "華雨軟件"],
                                                     ["1", "1", "社保卡"]]
    assert section("各位置的点击")[1:] == [["1", "3", "60.0%", "42.9%"], ["2", "1", "20.0%", "14.3%"],
                                           ["3", "1", "20.0%", "14.3%"]]
    assert section("纠错：接受或仍然搜索") == [["纠错", "接受", "仍然搜索", "查询", "纠正为"],
                                              ["2", "1", "1", "華雨軟件", "华宇软件"]]
    assert section("从自动补全选择的查询")[1:] == [["1", "社保卡"]]
    assert ["2", "发布机构", AGENCY] in section("使用的筛选（按搜索计）")
    assert not [line for line in lines[1:] if "search" in line.lower() or "quer" in line.lower()]


def test_report_looks_back_as_far_as_asked_and_lists_as_many_as_asked(known_log):
    found = json.loads(report("--log", str(known_log), "--json", "--days", "60", "--top", "1"))
    assert found["searches"] == 10
    assert found["top_queries"] == [{"query": "医保报销", "searches": 3, "clicked": 2}]
    assert found["clicks"] == 6  # the old search's click counts with it
    assert "很久以前" not in report("--log", str(known_log))


def test_report_as_csv_for_a_spreadsheet(known_log):
    text = report("--log", str(known_log), "--csv")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["搜索报告", day(30), day(0)] and ["搜索", "9"] in rows and ["点击率", "57.1%"] in rows
    start = rows.index(["有结果但没人点开的查询"])
    assert rows[start + 1:start + 5] == [["有结果的搜索", "无点击", "查询"], ["3", "1", "医保报销"],
                                         ["2", "1", "華雨軟件"], ["1", "1", "社保卡"]]


def test_a_query_that_looks_like_a_formula_stays_text_in_the_csv(log):
    querylog.LogFile(log).write([Search(time.time(), "=HYPERLINK(1)", "=hyperlink(1)", {}, 0,
                                       id=new_search_id(time.time()))])
    rows = list(csv.reader(io.StringIO(report("--log", str(log), "--csv").lstrip("\ufeff"))))
    assert ["1", "'=HYPERLINK(1)"] in rows


def test_report_options_and_errors(tmp_path, known_log):
    both = CliRunner().invoke(main, ["report", "--log", str(known_log), "--json", "--csv"])
    assert both.exit_code == 2 and "--json 和 --csv 只能选一个" in both.output
    missing = CliRunner().invoke(main, ["report", "--log", str(tmp_path / "none.sqlite3")])
    assert missing.exit_code == 1 and f"没有查询日志 {tmp_path / 'none.sqlite3'}" in missing.output
    help_text = CliRunner().invoke(main, ["report", "--help"]).output
    assert "queries whose results nobody opened" in help_text and "--csv" in help_text


def test_the_admin_api_serves_the_same_report(index_dir, known_log):
    site = create_app({"TESTING": True, "INDEX": str(index_dir), "QUERY_LOG": str(known_log),
                       "ADMIN_TOKEN": TOKEN}).test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert site.get("/api/admin/report").status_code == 401
    assert site.get("/api/admin/report", headers=auth).get_json() == EXPECTED
    assert site.get("/api/admin/report?top=1&days=60", headers=auth).get_json()["searches"] == 10
    table = site.get("/api/admin/report.csv", headers=auth)
    assert table.mimetype == "text/csv"
    assert table.get_data(as_text=True).splitlines() == report("--log", str(known_log), "--csv").splitlines()
    bad = site.get("/api/admin/report?days=0", headers=auth)
    assert bad.status_code == 400 and bad.get_json()["error"]["param"] == "days"


def test_refinements_of_a_search_count_as_that_one_search(gov_index, log):
    site = create_app({"TESTING": True, "INDEX": str(gov_index), "QUERY_LOG": str(log),
                       "POPULAR_REFRESH": 3600}).test_client()

    def follow(url: str) -> Tags:
        return Tags(site.get(url.replace("&amp;", "&")).get_data(as_text=True))

    first = follow("/?q=医疗保险")
    logged = search_id(first)
    later = follow(next(href for href in hrefs(first, r"page=2")))
    by_date = follow(next(href for href in hrefs(later, r"sort=-published")))
    facet_url = next(a["href"] for a in by_date.find("a") if a.get("data-facet") == "publisher")
    facet = follow(facet_url)
    # the custom dates, as the form on the page sends them (the presets count back from today,
    # so on this older collection they are greyed, not links)
    this_year = follow(facet_url + "&from=2021-01-01")
    assert {search_id(page) for page in (later, by_date, facet, this_year)} == {logged}
    follow("/?q=医疗保险")  # the same query typed again is a search of its own
    site.get(f"/?q=医疗保险&s={logged}&topic=社会保障", headers={"Sec-Purpose": "prefetch"})  # not a person
    refresh(site)
    found = json.loads(report("--log", str(log), "--json"))
    assert (found["searches"], found["refined"], found["paged"]) == (2, 1, 1)
    assert found["top_queries"] == [{"query": "医疗保险", "searches": 2, "clicked": 0}]
    used = {row["filter"] for row in found["filters"]}
    assert used == {"publisher", "sort", "time"}
    assert {row["searches"] for row in found["filters"]} == {1}


def test_a_refinement_long_after_its_search_is_a_search_of_its_own(gov_index, log):
    site = create_app({"TESTING": True, "INDEX": str(gov_index), "QUERY_LOG": str(log),
                       "POPULAR_REFRESH": 3600}).test_client()
    stale = new_search_id(time.time() - 2 * 3600)  # a results page left open for two hours
    tags = Tags(site.get(f"/?q=医疗保险&sort=-published&s={stale}").get_data(as_text=True))
    assert search_id(tags) != str(stale)
    refresh(site)
    assert json.loads(report("--log", str(log), "--json"))["searches"] == 1


def test_correction_refused_through_the_page(index_dir, log):
    site = create_app({"TESTING": True, "INDEX": str(index_dir), "QUERY_LOG": str(log),
                       "POPULAR_REFRESH": 3600}).test_client()
    tags = Tags(site.get("/?q=華雨軟件").get_data(as_text=True))
    site.get(tags.find("a", **{"class": "as-typed"})[0]["href"])
    site.get("/?q=華雨軟件")
    refresh(site)
    found = json.loads(report("--log", str(log), "--json"))
    assert found["corrections"] == [{"query": "華雨軟件", "suggestion": "华宇软件", "shown": 2,
                                     "searched_as_typed": 1, "kept": 1}]
