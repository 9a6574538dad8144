"""Render tests/relevance/gov/site/ from the page sources in tools/pages/*.txt.

Each source file holds the pages of one host. A page is a block:

    @@ path/below/the/host.html
    key: value          (enc, decl, title, column, ctype, pubdate, shown, source,
                         keywords, author, desc, gov, container, crumb, nometa,
                         canonical, attach, h1)
    ~label：value       (政府信息公开 fields, label text written exactly as shown)
    ---
    body lines (one <p> each; "# x" a centred bold line, "> x" right-aligned)

enc is utf-8 (default), gbk, gb2312 or gb18030; decl is meta (default:
<meta charset>), http (http-equiv Content-Type) or none (no declaration).
The host templates (navigation, sidebars, footers) are below; they repeat on
every page of a host, as a CMS writes them.

Run: python tests/relevance/gov/tools/build_site.py   (standard library only)
"""
from __future__ import annotations

import html
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE = HERE.parent / "site"

SITES = {
    "www.ndrc.gov.cn": dict(
        name="国家发展和改革委员会", idcode="bm04000007", container="div.TRS_Editor",
        nav=["首页", "机构设置", "新闻动态", "政务公开", "政务服务", "发展改革工作", "互动交流", "专题专栏"],
        footer=("主办单位：国家发展和改革委员会　地址：北京市西城区月坛南街38号　邮编：100824",
                "网站标识码：bm04000007　京ICP备05052393号　京公网安备11010202000033号"),
        side=["发展改革委令", "规范性文件", "公告", "规划文本", "通知", "政策解读"],
        wrap="ndrc"),
    "www.mohrss.gov.cn": dict(
        name="中华人民共和国人力资源和社会保障部", idcode="bm05000001", container="div#zoom",
        nav=["首页", "机构", "新闻", "政务公开", "政务服务", "互动交流", "专题", "数据"],
        footer=("主办：中华人民共和国人力资源和社会保障部　版权所有：人力资源和社会保障部",
                "网站标识码：bm05000001　京ICP备05015592号　京公网安备 11010502035433号　政府网站找错"),
        side=["就业创业", "社会保障", "人才人事", "劳动关系", "政策法规", "12333"],
        wrap="mohrss"),
    "www.jiangsu.gov.cn": dict(
        name="江苏省人民政府", idcode="3200000001", container="div#zoom",
        nav=["首页", "江苏概况", "省政府", "政务公开", "政务服务", "互动交流", "数据开放", "走进江苏"],
        footer=("主办：江苏省人民政府办公厅　承办：江苏省大数据管理中心",
                "网站标识码：3200000001　苏ICP备05001898号-1　苏公网安备 32010202010159号　政府网站找错"),
        side=["省政府文件", "省政府办公厅文件", "部门文件", "政策解读", "新闻发布会"],
        wrap="hanweb"),
    "www.nanjing.gov.cn": dict(
        name="南京市人民政府", idcode="3201000006", container="div.TRS_Editor",
        nav=["首页", "南京概况", "政务公开", "政务服务", "互动交流", "专题专栏", "数说南京"],
        footer=("主办：南京市人民政府办公厅　承办：南京市大数据管理局",
                "网站标识码：3201000006　苏ICP备05004896号　苏公网安备 32010202000016号　政府网站找错"),
        side=["办事指南", "通知公告", "政策文件", "政策解读", "部门动态", "区县动态"],
        wrap="nanjing"),
    "gjj.nanjing.gov.cn": dict(
        name="南京住房公积金管理中心", idcode="3201000037", container="div.article-content",
        nav=["首页", "中心概况", "信息公开", "政策法规", "办事指南", "网上服务", "互动交流"],
        footer=("主办单位：南京住房公积金管理中心　服务热线：12329",
                "网站标识码：3201000037　苏ICP备11028946号　政府网站找错"),
        side=["缴存", "提取", "贷款", "通知公告", "政策解读", "常见问题"],
        wrap="plain"),
    "ybj.nanjing.gov.cn": dict(
        name="南京市医疗保障局", idcode="3201000152", container="div#UCAP-CONTENT",
        nav=["首页", "机构概况", "政务公开", "医保服务", "政策文件", "互动交流"],
        footer=("主办单位：南京市医疗保障局　咨询电话：12345",
                "网站标识码：3201000152　苏ICP备19036025号　政府网站找错"),
        side=["参保缴费", "待遇享受", "异地就医", "定点机构", "办事指南"],
        wrap="plain"),
    "www.pudong.gov.cn": dict(
        name="上海市浦东新区人民政府", idcode="3101150001", container="div.pages_content",
        nav=["首页", "浦东概览", "政务公开", "一网通办", "政民互动", "专题"],
        footer=("主办：上海市浦东新区人民政府办公室　承办：浦东新区大数据中心",
                "网站标识码：3101150001　沪ICP备10026015号　沪公网安备31011502000143号"),
        side=["新区要闻", "通知公告", "政策文件", "办事指南", "街镇动态"],
        wrap="old"),
}


def parse(text: str):
    pages = []
    for block in re.split(r"^@@ ", text, flags=re.M)[1:]:
        head, _, body = block.partition("\n---\n")
        lines = head.splitlines()
        page = {"path": lines[0].strip(), "gov": [], "attach": []}
        for line in lines[1:]:
            if not line.strip():
                continue
            if line.startswith("~"):
                page["gov"].append(line[1:])
                continue
            key, _, value = line.partition(":")
            key, value = key.strip(), value.strip()
            if key == "attach":
                page["attach"].append(value)
            else:
                page[key] = value
        page["body"] = [b for b in body.strip().splitlines() if b.strip()]
        pages.append(page)
    return pages


def e(s: str) -> str:
    return html.escape(s, quote=True)


def body_html(lines):
    out = []
    for line in lines:
        if line.startswith("# "):
            out.append(f'<p style="text-align: center;"><strong>{e(line[2:])}</strong></p>')
        elif line.startswith("> "):
            out.append(f'<p style="text-align: right;">{e(line[2:])}</p>')
        else:
            out.append(f'<p style="text-indent: 2em;">{e(line)}</p>')
    return "\n".join(out)


def gov_html(p):
    if not p["gov"]:
        return ""
    if p.get("govstyle", "table") == "lines":
        rows = "\n".join(f"<li>{e(g)}</li>" for g in p["gov"])
        return f'<div class="xxgk-info"><ul>\n{rows}\n</ul></div>'
    cells = []
    for g in p["gov"]:
        m = re.match(r"(.+?[：:])(.*)", g)
        label, value = (m.group(1), m.group(2)) if m else (g, "")
        cells.append(f"<td class=\"t1\"><b>{e(label)}</b></td><td class=\"t2\">{e(value.strip())}</td>")
    rows = []
    for i in range(0, len(cells), 2):
        rows.append("<tr>" + "".join(cells[i:i + 2]) + "</tr>")
    return ('<table class="xxgk-table" width="100%" border="0" cellspacing="1" cellpadding="0">\n'
            + "\n".join(rows) + "\n</table>")


def render(host: str, p: dict) -> str:
    s = SITES[host]
    enc = p.get("enc", "utf-8")
    decl = p.get("decl", "meta")
    title = p["title"]
    head = []
    if decl == "meta":
        head.append(f'<meta charset="{enc}">')
    elif decl == "http":
        head.append(f'<meta http-equiv="Content-Type" content="text/html; charset={enc}" />')
    head.append('<meta http-equiv="X-UA-Compatible" content="IE=edge">')
    if not p.get("nometa"):
        meta = [("SiteName", s["name"]), ("SiteDomain", host), ("SiteIDCode", s["idcode"]),
                ("ColumnName", p.get("column", "")), ("ColumnType", p.get("ctype", p.get("column", ""))),
                ("ArticleTitle", p.get("meta_title", title)), ("PubDate", p.get("pubdate", "")),
                ("ContentSource", p.get("source", s["name"]))]
        for k in ("keywords", "author", "desc"):
            if p.get(k):
                meta.append(({"keywords": "Keywords", "author": "Author", "desc": "Description"}[k], p[k]))
        meta.append(("Url", f"http://{host}/{p['path']}"))
        head += [f'<meta name="{k}" content="{e(v)}">' for k, v in meta if v]
    if p.get("canonical"):
        head.append(f'<link rel="canonical" href="https://{host}/{p["path"]}">')
    head.append('<link rel="stylesheet" type="text/css" href="/images/common.css">')
    head.append('<script type="text/javascript" src="/js/jquery-1.12.4.min.js"></script>')
    page_title = p.get("page_title", f"{title}_{s['name']}")

    nav = "".join(f'<li><a href="/">{e(n)}</a></li>' for n in s["nav"])
    crumb = " &gt; ".join(f'<a href="/">{e(c.strip())}</a>' for c in ["首页"] + p.get("crumb", p.get("column", "")).split(">"))
    side = "".join(f'<li><a href="/">{e(n)}</a></li>' for n in s["side"])
    shown = p.get("shown", "")
    source = p.get("source", s["name"])
    cont = p.get("container", s["container"])
    if "#" in cont:
        tag, cid = cont.split("#")
        open_c = f'<{tag} id="{cid}">'
    else:
        tag, ccls = cont.split(".")
        open_c = f'<{tag} class="{ccls}">'
    attach = ""
    if p["attach"]:
        items = []
        for a in p["attach"]:
            text, _, href = a.partition("|")
            items.append(f'<p><a href="{e(href.strip())}" target="_blank">{e(text.strip())}</a></p>')
        attach = '<div class="fujian">\n' + "\n".join(items) + "\n</div>"
    h1 = p.get("h1", title)
    info = f'<span>发布日期：{e(shown)}</span><span>来源：{e(source)}</span>' if shown else f'<span>来源：{e(source)}</span>'
    share = ('<div class="share">分享到：<a class="bds_weixin" title="分享到微信">微信</a>'
             '<a class="bds_tsina" title="分享到新浪微博">微博</a><a class="bds_qzone">QQ空间</a></div>')
    tools = '<div class="tools">【字体：<a>大</a> <a>中</a> <a>小</a>】 <a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>'
    footer = "".join(f"<p>{e(f)}</p>" for f in s["footer"])
    wrap = s["wrap"]
    main = f"""<div class="article">
<h1 class="title">{e(h1)}</h1>
<div class="info">{info}<span>浏览次数：<script>document.write(Math.floor(Math.random()*900+100))</script></span></div>
{gov_html(p)}
{open_c}
{body_html(p['body'])}
</{tag}>
{attach}
{share}
{tools}
</div>"""
    if wrap == "old":
        # old table layout (浦东)
        layout = f"""<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td class="top"><img src="/images/logo.gif" alt="{e(s['name'])}"></td></tr>
<tr><td class="nav"><ul>{nav}</ul></td></tr>
<tr><td class="weizhi">您现在的位置：{crumb}</td></tr>
<tr><td valign="top">
<table width="100%"><tr><td width="220" valign="top" class="left"><ul>{side}</ul></td>
<td valign="top">{main}</td></tr></table>
</td></tr>
<tr><td class="bottom">{footer}</td></tr>
</table>"""
    else:
        cls = {"ndrc": "container", "mohrss": "main_box", "hanweb": "bt-main", "nanjing": "w1200", "plain": "wrap"}[wrap]
        layout = f"""<div class="header"><div class="{cls}"><a class="logo" href="/"><img src="/images/logo.png" alt="{e(s['name'])}"></a>
<div class="search"><form action="/search/" method="get"><input type="text" name="q" placeholder="请输入关键词"><button type="submit">搜索</button></form></div>
<div class="top-links"><a href="/">无障碍</a> | <a href="/">长者模式</a> | <a href="/">English</a></div></div></div>
<div class="nav"><div class="{cls}"><ul>{nav}</ul></div></div>
<div class="{cls}">
<div class="position">当前位置：{crumb}</div>
<div class="main clearfix">
<div class="sidebar"><h3>{e(p.get('column', ''))}</h3><ul>{side}</ul></div>
<div class="content">
{main}
</div>
</div>
</div>
<div class="footer"><div class="{cls}"><div class="links">相关链接：<a href="/">中国政府网</a> <a href="/">国务院部门网站</a> <a href="/">省级政府网站</a></div>
{footer}<p><a href="/"><img src="/images/jiucuo.png" alt="政府网站找错"></a> <img src="/images/dzjg.png" alt="党政机关"></p></div></div>"""
    doctype = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">' if wrap == "old" else "<!DOCTYPE html>"
    return f"""{doctype}
<html>
<head>
{chr(10).join(head)}
<title>{e(page_title)}</title>
</head>
<body>
{layout}
<script type="text/javascript">
var _hmt = _hmt || [];
(function() {{ var hm = document.createElement("script"); hm.src = "/js/tongji.js"; document.body.appendChild(hm); }})();
</script>
</body>
</html>
"""


def main():
    n = 0
    for src in sorted((HERE / "pages").glob("*.txt")):
        host = src.stem
        for p in parse(src.read_text(encoding="utf-8")):
            out = SITE / host / p["path"]
            out.parent.mkdir(parents=True, exist_ok=True)
            enc = p.get("enc", "utf-8")
            out.write_bytes(render(host, p).encode(enc))
            n += 1
    print(f"{n} pages")


if __name__ == "__main__":
    main()
