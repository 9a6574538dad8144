"""The report of a crawl for a site's editors, in Chinese: pages found, new, changed, unchanged,
gone; dead links (the page that links, the dead target, its status); what was skipped or failed
and why. The same data as text, as CSV (UTF-8 with a byte-order mark, so that spreadsheet
programs read the Chinese) and as JSON for the admin API.

A dead link is a link (or a sitemap entry) found in the crawl whose target, after its redirects,
answered 4xx or 5xx, did not answer, or redirects in a loop. Targets the crawl did not request
(outside its scope, disallowed by robots.txt) are not judged.
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass, field

from .store import Store

OUTCOMES = {"new": "新增", "changed": "更新", "unchanged": "未变", "gone": "删除", "dead": "失效",
            "redirect": "跳转", "duplicate": "重复", "skipped": "跳过", "error": "出错", "read": "站点地图"}
REASONS = {
    "timeout": "超时无响应", "too slow": "响应过慢，超过整体时限", "too large": "文件过大",
    "connection failed": "连接失败", "bad encoding": "压缩编码错误", "invalid address": "网址无效",
    "disallowed by robots.txt": "robots.txt 禁止抓取", "noindex": "网页声明不收录（noindex）",
    "canonical is": "规范网址为", "same as": "内容与此网址相同：", "not a page or document": "不是网页或文档",
    "too many redirects": "跳转次数过多", "redirect loop": "循环跳转",
    "redirect without a valid Location": "跳转地址无效",
    "to": "跳转到", "no longer linked": "已无链接指向", "no reader": "暂不支持此类文件",
    "URL too long": "网址过长", "path too deep": "路径层级过深", "repeating path": "路径循环重复",
    "too many query variants": "同一路径的查询参数过多", "too deep": "链接层级过深",
    "undecodable": "无法识别文字编码", "no text layer (scanned?)": "无文字层（扫描件？）",
    "encrypted": "文件已加密",
    "corrupt": "文件已损坏", "empty": "没有正文", "unreadable": "无法读取",
}
DEAD = ("dead", "gone", "error")  # outcomes of a target that may make a link dead
LISTED = ("new", "changed", "gone", "dead", "duplicate", "skipped", "error")
TEXT_ROWS = 20  # pages listed per outcome in the text report; the CSV lists them all
SUMMED = ("new", "changed", "unchanged", "gone", "skipped", "error")
STATES = {"finished": "已完成", "interrupted": "已中断，下次抓取时继续", "running": "进行中"}
CSV_HEADER = ["类别", "网址", "状态码", "原因", "所在页面", "链接文字"]


def reason_zh(reason: str | None) -> str:
    """A reason in Chinese (the longest known English start translated, the rest kept).

    >>> reason_zh("HTTP 404"), reason_zh("too slow"), reason_zh("connection failed (ReadError)")
    ('服务器返回 404', '响应过慢，超过整体时限', '连接失败 (ReadError)')
    """
    if not reason:
        return ""
    if reason.startswith("HTTP "):
        return f"服务器返回 {reason[5:]}"
    known = max((english for english in REASONS if reason == english or reason.startswith(english + " ")),
                key=len, default=None)
    return REASONS[known] + reason[len(known):] if known else reason


@dataclass
class DeadLink:
    """A link whose target does not work."""

    source: str
    target: str
    status: int | None
    reason: str
    text: str = ""


@dataclass
class Report:
    """What one crawl found."""

    run: int
    state: str
    started: float
    finished: float | None
    seeds: list[str]
    found: int
    counts: dict[str, int]
    dead: list[DeadLink] = field(default_factory=list)
    rows: list[tuple[str, str, int | None, str]] = field(default_factory=list)  # outcome, url, status, reason
    unread: list[tuple[str, str]] = field(default_factory=list)  # (url, reason): kept, but no text

    def to_dict(self) -> dict:
        """The report as JSON-ready data."""
        return {"run": self.run, "state": self.state, "started": _moment(self.started),
                "finished": _moment(self.finished), "seeds": self.seeds, "found": self.found,
                "counts": self.counts,
                "dead_links": [vars(link) for link in self.dead],
                "pages": [{"outcome": outcome, "url": url, "status": status, "reason": reason}
                          for outcome, url, status, reason in self.rows],
                "unreadable": [{"url": url, "reason": reason} for url, reason in self.unread]}


def _moment(stamp: float | None) -> str | None:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp)) if stamp else None


def crawl_report(store: Store, run: int | None = None) -> Report | None:
    """The report of crawl ``run`` (default: the last one), or ``None`` before any crawl."""
    row = store.run(run)
    if row is None:
        return None
    run = row["id"]
    records = {r["url"]: r for r in store.db.execute(
        "SELECT url, kind, seen_run, done_run, status, target, outcome, reason FROM urls")}
    pages = [r for r in records.values() if r["kind"] == "page" and r["seen_run"] == run]
    counts = dict.fromkeys(SUMMED, 0)
    rows = []
    for record in records.values():
        if record["kind"] == "page" and record["done_run"] == run and record["outcome"]:
            counts[record["outcome"]] = counts.get(record["outcome"], 0) + 1
            if record["outcome"] in LISTED:
                rows.append((record["outcome"], record["url"], record["status"], record["reason"] or ""))
    scope = store.get("scope", {})
    report = Report(run, row["state"], row["started"], row["finished"], scope.get("seeds", []), len(pages),
                    counts, _dead_links(store, run, records),
                    sorted(rows, key=lambda r: (LISTED.index(r[0]), r[1])),
                    [tuple(item) for item in store.get("unread", [])])
    return report


def _dead_links(store: Store, run: int, records: dict) -> list[DeadLink]:
    """The links found in crawl ``run`` whose targets do not work."""
    dead = []
    for source, target, text in store.db.execute(
            "SELECT links.source, links.target, links.text FROM links JOIN urls ON urls.url = links.source "
            "WHERE urls.seen_run = ? AND links.kind = 'page' ORDER BY links.source, links.target", (run,)):
        final, hops = records.get(target), 0
        while final is not None and final["outcome"] == "redirect" and final["target"] and hops < 10:
            final, hops = records.get(final["target"]), hops + 1
        if final is None or final["done_run"] != run:
            continue
        failed = final["outcome"] == "error" and final["reason"] != "too large"
        broken = (final["status"] or 0) >= 400 or failed
        if final["outcome"] in DEAD and broken:
            dead.append(DeadLink(source, target, final["status"], final["reason"] or "", text or ""))
    return dead


def report_text(report: Report) -> str:
    """The report as text for the terminal, in Chinese."""
    state = STATES.get(report.state, report.state)
    took = f"，用时 {report.finished - report.started:.0f} 秒" if report.finished else ""
    counts = report.counts
    lines = [f"网站抓取报告：第 {report.run} 次抓取（{_moment(report.started)} 开始{took}，{state}）",
             f"入口：{'、'.join(report.seeds)}",
             f"发现网页和附件 {report.found} 个：" + "，".join(
                 f"{OUTCOMES[name]} {counts.get(name, 0)}" for name in SUMMED),
             "", f"死链 {len(report.dead)} 个" + ("：" if report.dead else "。")]
    lines += [f"  {link.source} → {link.target}（{reason_zh(link.reason) or link.status}）"
              for link in report.dead]
    for outcome in LISTED:
        listed = [row for row in report.rows if row[0] == outcome]
        if listed:
            lines += ["", f"{OUTCOMES[outcome]} {len(listed)} 个："]
            lines += [f"  {url}" + (f"（{reason_zh(reason)}）" if reason else "")
                      for _, url, _, reason in listed[:TEXT_ROWS]]
            if len(listed) > TEXT_ROWS:
                lines.append(f"  …… 另有 {len(listed) - TEXT_ROWS} 个，见 CSV 报告（--csv）")
    if report.unread:
        lines += ["", f"已抓取但无法读取正文 {len(report.unread)} 个："]
        lines += [f"  {url}（{reason_zh(reason)}）" for url, reason in report.unread]
    return "\n".join(lines)


def _cell(value: object) -> object:
    """A text cell that a spreadsheet program would run as a formula, quoted as text.

    >>> _cell("=HYPERLINK(1)"), _cell("通知"), _cell(404)
    ("'=HYPERLINK(1)", '通知', 404)
    """
    return f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def report_csv(report: Report) -> str:
    """The report as CSV: one row per dead link, listed page and unreadable file (link texts
    come from the site's pages: a cell that opens like a formula is quoted)."""
    rows = [CSV_HEADER]
    rows += [["死链", link.target, link.status or "", reason_zh(link.reason), link.source, link.text]
             for link in report.dead]
    rows += [[OUTCOMES[outcome], url, status or "", reason_zh(reason), "", ""]
             for outcome, url, status, reason in report.rows]
    rows += [["无法读取", url, "", reason_zh(reason), "", ""] for url, reason in report.unread]
    return spreadsheet_csv(rows)


def spreadsheet_csv(rows: list[list]) -> str:
    """``rows`` as CSV that spreadsheet programs open safely: UTF-8 with a byte-order mark (so
    they read the Chinese), and a text cell that opens like a formula quoted as text."""
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out).writerows([[_cell(value) for value in row] for row in rows])
    return out.getvalue()
