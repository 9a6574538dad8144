"""A government website made of the real documents of ``gov-dev.jsonl.gz``, for the crawler's
benchmark and tests: each document one HTML page with the 《政府网站发展指引》 metas and a 政府信息公开
table, under one host; column listings of 10 documents a page with their pagination; a home
page; robots.txt and a sitemap. The site's header, navigation and footer repeat on every page,
as on a real site.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from html import escape

from .corpora import GOV_DEV, read_records, shared
from .loopback_site import LoopbackSite

PER_LISTING = 10
COLUMNS = {"policy": "政策文件", "transcript": "新闻发布", "report": "政府工作报告"}
HEADER = """<div class="header"><img class="logo" src="/images/logo.png" alt="政务服务网">
<form action="/search"><input name="q"><button>搜索</button></form><a href="/">首页</a> 无障碍 长者模式</div>
<div class="nav"><ul>{columns}</ul></div>"""
FOOTER = """<div class="footer"><p>主办：某省人民政府办公厅 承办：某省大数据中心</p>
<p>网站标识码：3300000001 ICP备案号：某ICP备05012345号 公网安备 33010602000001号</p>
<p>政府网站找错</p></div>"""
PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}_某省人民政府</title>
<meta name="SiteName" content="某省人民政府"><meta name="ColumnName" content="{column}">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{published}">
<meta name="ContentSource" content="{publisher}"></head>
<body>{header}
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/{kind}/index.html">{column}</a></div>
<table class="xxgk"><tr><td>发布机构：</td><td>{publisher}</td>
<td>发布日期：</td><td>{published}</td></tr></table>
<h1>{title}</h1>
<div class="TRS_Editor">{body}</div>
<div class="share">分享到：微信 微博</div>
{footer}</body></html>"""
LISTING = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{column}（第{number}页）_某省人民政府</title></head>
<body>{header}<div class="list"><h1>{column}</h1><ul>{items}</ul></div>
<div class="pager">{pager}</div>{footer}</body></html>"""


def gov_records(limit: int | None = None) -> list[dict]:
    """The first ``limit`` records of gov-dev (all by default)."""
    return list(itertools.islice(read_records(shared(GOV_DEV)), limit))


def page_path(record: dict) -> str:
    """The path of a record's page: its column, the month it was published, its id."""
    return f"/{record['kind']}/{record['published'][:7].replace('-', '')}/t{record['id']}.html"


def render_page(record: dict, kinds: list[str], extra: str = "") -> bytes:
    """One document's page, its navigation linking the columns ``kinds`` (``extra``: a paragraph
    added to its body, for an edit)."""
    paragraphs = [*record["body"].split("\n"), *([extra] if extra else [])]
    body = "".join(f"<p>{escape(text)}</p>" for text in paragraphs if text.strip())
    column = COLUMNS.get(record["kind"], record["kind"])
    return PAGE.format(title=escape(record["title"]), column=column, kind=record["kind"], body=body,
                       published=record["published"],
                       publisher=escape(record.get("publisher") or "某省人民政府"),
                       header=_header(kinds), footer=FOOTER).encode()


def _header(kinds: list[str]) -> str:
    return HEADER.format(columns="".join(f'<li><a href="/{kind}/index.html">{COLUMNS[kind]}</a></li>'
                                         for kind in kinds))


def kinds_of(records: list[dict]) -> list[str]:
    """The columns that ``records`` fill."""
    return [kind for kind in COLUMNS if any(record["kind"] == kind for record in records)]


def _listings(kind: str, records: list[dict], kinds: list[str]) -> Iterator[tuple[str, bytes]]:
    """The column listing pages of ``records``, ``/kind/index.html``, ``/kind/index_1.html``, …"""
    pages = max(1, -(-len(records) // PER_LISTING))
    for number in range(pages):
        chunk = records[number * PER_LISTING:(number + 1) * PER_LISTING]
        items = "".join(f'<li><a href="{page_path(r)}">{escape(r["title"])}</a>'
                        f'<span>{r["published"]}</span></li>' for r in chunk)
        pager = " ".join(f'<a href="/{kind}/{_listing_name(n)}">{n + 1}</a>'
                         for n in (number - 1, number + 1) if 0 <= n < pages)
        yield f"/{kind}/{_listing_name(number)}", LISTING.format(
            column=COLUMNS.get(kind, kind), number=number + 1, items=items, pager=pager,
            header=_header(kinds), footer=FOOTER).encode()


def _listing_name(number: int) -> str:
    return "index.html" if number == 0 else f"index_{number}.html"


def site_files(records: list[dict]) -> dict[str, bytes]:
    """Every file of the site: pages, listings, home page, robots.txt and sitemap (whose
    ``{origin}`` the server fills in)."""
    kinds = kinds_of(records)
    files = {page_path(record): render_page(record, kinds) for record in records}
    for kind in kinds:
        files.update(_listings(kind, [record for record in records if record["kind"] == kind], kinds))
    files["/index.html"] = LISTING.format(column="首页", number=1, items="", pager="", header=_header(kinds),
                                          footer=FOOTER).encode()
    return files


def sitemap(files: dict[str, bytes], origin: str) -> bytes:
    """A sitemap of the site's pages."""
    paths = sorted(path.removesuffix("index.html") if path == "/index.html" else path
                   for path in files if path.endswith(".html"))
    entries = "".join(f"<url><loc>{origin}{path}</loc></url>" for path in paths)
    return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{entries}</urlset>").encode()


def gov_site(records: list[dict]) -> LoopbackSite:
    """The site of ``records`` on a loopback port (not yet serving: use it in a ``with``)."""
    site = LoopbackSite(files=site_files(records))
    site.files["/sitemap.xml"] = sitemap(site.files, site.origin)
    rules = f"User-agent: *\nDisallow: /search\nSitemap: {site.origin}/sitemap.xml\n"
    site.files["/robots.txt"] = rules.encode()
    return site
