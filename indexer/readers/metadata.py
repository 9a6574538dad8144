"""Page metadata to :class:`Document` fields: one general mapping, never per site.

Sources, by order of preference when several give one field (the first that has it wins):

1. the labelled fields of 政府信息公开 pages, in a ``<table>`` (label cell, value cell, several
   pairs a row, colon optional) or as ``标签：值`` lines of the text, or of any list item or
   other block of the page outside the text (``<li>文号：苏政发〔2021〕87号</li>``); labels may
   be spaced out (``索 引 号``, ``标　　题``) and the colon full-width or ASCII. The labelled block is
   removed from the body text;
2. the ``<meta name=…>`` of 《政府网站发展指引》;
3. common ``<meta>``: Open Graph and ``article:published_time``.

| field | 1. labelled (政府信息公开) | 2. 《指引》 meta | 3. common meta |
| --- | --- | --- | --- |
| ``index_number`` | 索引号 | | |
| ``topic`` (list) | 主题分类, 分类 | | |
| ``publisher`` | 发文机关, 发布机构, 发布单位, 发文单位, 来源, 信息来源, 公开主体 | ContentSource | |
| ``written`` (ISO) | 成文日期, 发文日期 | | |
| ``title`` | 标题, 名称 (after ArticleTitle) | ArticleTitle (first) | og:title |
| ``doc_number`` | 发文字号, 文号 | | |
| ``published`` (ISO) | 发布日期, 发布时间 | PubDate | article:published_time |
| ``keywords`` (list) | 主题词 | Keywords | keywords |
| ``validity`` | 有效性 | | |
| ``site`` | | SiteName | og:site_name |
| ``site_domain`` | | SiteDomain | |
| ``site_id`` | | SiteIDCode | |
| ``column`` | | ColumnName | |
| ``column_type`` | | ColumnType | |
| ``column_description`` | | ColumnDescription | |
| ``author`` | | Author | |
| ``description`` | | Description | description, og:description |
| ``url`` | | Url (after ``<link rel="canonical">``) | og:url |

Meta names are case-insensitive. The title alone has its own order, ``ArticleTitle`` first (see
:mod:`indexer.readers.html`). Values are cleaned: dates become ISO ``YYYY-MM-DD`` (an unreadable
date is left out), a 文号 its canonical form (:func:`indexer.analysis.docnumber.cleaned`), and the
multi-valued ``topic`` (split on ``、 \\ / ； ;``) and ``keywords`` (split on ``, ， ; ； 、`` and
spaces) are Python lists of strings.

``doctype`` is guessed by :data:`DOCTYPE_RULES`, from the column name, else the title; a page
with a 文号 and no rule is a 政策文件.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

from ..fields import FIELDS

GUIDE_META = {
    "sitename": "site", "sitedomain": "site_domain", "siteidcode": "site_id", "columnname": "column",
    "columntype": "column_type", "columndescription": "column_description", "articletitle": "title",
    "pubdate": "published", "contentsource": "publisher", "keywords": "keywords", "author": "author",
    "description": "description", "url": "url",
}
COMMON_META = {
    "og:title": "title", "og:url": "url", "og:site_name": "site", "og:description": "description",
    "article:published_time": "published",
}
LABELS = {
    "索引号": "index_number", "主题分类": "topic", "分类": "topic", "发文机关": "publisher",
    "发布机构": "publisher", "发布单位": "publisher", "发文单位": "publisher", "来源": "publisher",
    "信息来源": "publisher", "公开主体": "publisher", "成文日期": "written", "发文日期": "written",
    "标题": "title", "名称": "title", "发文字号": "doc_number", "文号": "doc_number",
    "发布日期": "published", "发布时间": "published", "主题词": "keywords", "有效性": "validity",
}
LIST_SPLITS = {"topic": r"[、\\/；;]", "keywords": r"[,，;；、\s]"}
#: (words in the column name or title, doctype), the first rule that matches wins.
DOCTYPE_RULES = (
    (("解读",), "政策解读"),
    (("办事指南", "服务指南", "办事服务"), "办事指南"),
    (("政策文件", "规范性文件", "政府文件", "文件库", "法规"), "政策文件"),
    (("通知公告", "公告", "公示", "通知"), "通知公告"),
    (("新闻", "要闻", "动态", "资讯"), "新闻"),
)

_SPACE = "[\\s\u3000\u00a0]*"
_LABEL_RE = "|".join(_SPACE.join(map(re.escape, label)) for label in sorted(LABELS, key=len, reverse=True))
_LABEL_AT = re.compile(rf"(?:^|(?<=\s))({_LABEL_RE}){_SPACE}[:：]{_SPACE}")
_ANY_LABEL = re.compile(rf"\s[\u4e00-\u9fff]{{2,6}}{_SPACE}[:：]")
_LINES_SCANNED = 40


def label_of(text: str) -> str | None:
    """The known label a cell or line start spells, spaces and colon aside.

    >>> label_of("索 引 号："), label_of("标\u3000\u3000题"), label_of("发文字号:"), label_of("正文")
    ('索引号', '标题', '发文字号', None)
    """
    key = re.sub(r"[\s\u3000\u00a0]+", "", text).rstrip(":：")
    return key if key in LABELS else None


def meta_tags(tree: lxml_html.HtmlElement) -> dict[str, str]:
    """``{lower-case name: content}`` of the page's ``<meta name|property=… content=…>``, first wins."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = " ".join((meta.get("content") or "").split())
        if name and content and name not in found:
            found[name] = content
    return found


def _cell_text(cell: lxml_html.HtmlElement) -> str:
    return " ".join(cell.text_content().split())


def take_labelled_rows(tree: lxml_html.HtmlElement) -> dict[str, str]:
    """The labelled fields of the page's tables; their rows are removed from ``tree``.

    A row counts when it has a known label and every non-empty cell is a label (known, or
    short and ending in a colon) or the value after one.
    """
    fields: dict[str, str] = {}
    ranks: dict[str, int] = {}
    for row in list(tree.iter("tr")):
        if row.find(".//tr") is not None:
            continue
        cells = [_cell_text(cell) for cell in row if cell.tag in ("td", "th")]
        pairs, known, index = [], False, 0
        while index < len(cells):
            text = cells[index]
            label = label_of(text)
            inline = _LABEL_AT.match(text)
            if label or (text.endswith((":", "：")) and len(text) <= 10):
                value = cells[index + 1] if index + 1 < len(cells) else ""
                pairs.append((label, value))
                index += 2
            elif inline:
                pairs.append((label_of(inline.group(1)), text[inline.end():]))
                index += 1
            elif not text:
                index += 1
            else:
                break
            known = known or bool(pairs) and pairs[-1][0] is not None
        else:
            if not known:
                continue
            for label, value in pairs:
                if label and value:
                    _keep(fields, ranks, label, value)
            row.drop_tree()
    return fields


_RANK = {label: rank for rank, label in enumerate(LABELS)}


def _keep(fields: dict[str, str], ranks: dict[str, int], label: str, value: str) -> None:
    """Record ``value`` under ``label``'s field unless a label earlier in :data:`LABELS` (发文机关
    before 来源) already gave that field a value (``ranks``: field → rank of its label); the
    first of equal labels wins."""
    name = LABELS[label]
    if name not in ranks or _RANK[label] < ranks[name]:
        fields[name], ranks[name] = value, _RANK[label]


def starts_with_label(text: str) -> bool:
    """Whether ``text`` starts with a known label and its colon.

    >>> starts_with_label("文号：苏政发〔2021〕87号"), starts_with_label("来源说明很长的一段话")
    (True, False)
    """
    return _LABEL_AT.match(text.strip()) is not None


def take_labelled_lines(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """The ``标签：值`` fields among the first lines of a text, and the lines left without them.

    >>> fields, rest = take_labelled_lines([
    ...     "索 引 号：000014349/2021-00012  主题分类：城乡建设、环境保护",
    ...     "标\u3000\u3000题：关于印发方案的通知", "发文字号：", "京政发〔2021〕12号",
    ...     "各区人民政府：", "现将方案印发给你们。"])
    >>> fields["index_number"], fields["topic"], fields["title"], fields["doc_number"]
    ('000014349/2021-00012', '城乡建设、环境保护', '关于印发方案的通知', '京政发〔2021〕12号')
    >>> rest
    ['各区人民政府：', '现将方案印发给你们。']
    """
    fields: dict[str, str] = {}
    kept: list[str] = []
    ranks: dict[str, int] = {}
    waiting: str | None = None
    for number, line in enumerate(lines):
        if waiting is not None:
            _keep(fields, ranks, waiting, line.strip())
            waiting = None
            continue
        first = _LABEL_AT.match(line.strip()) if number < _LINES_SCANNED else None
        if not first:
            kept.append(line)
            continue
        text = line.strip()
        starts = [match for match in _LABEL_AT.finditer(text)]
        for at, match in enumerate(starts):
            end = starts[at + 1].start() if at + 1 < len(starts) else len(text)
            value = text[match.end():end]
            other = _ANY_LABEL.search(value)
            value = (value[:other.start()] if other else value).strip()
            label = label_of(match.group(1))
            if label and value:
                _keep(fields, ranks, label, value)
            elif label and at == len(starts) - 1 and not text[match.end():].strip():
                waiting = label
    return fields, kept


def split_values(name: str, value: str) -> list[str]:
    """The values of a multi-valued field (``topic``, ``keywords``), empty ones dropped.

    >>> split_values("topic", "城乡建设、环境保护\\\\其他"), split_values("keywords", "营商环境，改革 通知")
    (['城乡建设', '环境保护', '其他'], ['营商环境', '改革', '通知'])
    """
    return [part.strip() for part in re.split(LIST_SPLITS[name], value) if part.strip()]


def clean(fields: dict[str, str]) -> dict[str, str | list[str]]:
    """Each value by its field's ``clean`` in the field table (dates to ISO, the 文号 canonical;
    dropped where that gives nothing), ``topic``/``keywords`` as lists."""
    cleaned: dict[str, str | list[str]] = {}
    for name, value in fields.items():
        value = " ".join(value.split())
        field = FIELDS.get(name)
        if value and field is not None and field.clean is not None:
            value = field.clean(value)
        if not value:
            continue
        if name in LIST_SPLITS:
            values = split_values(name, value)
            if values:
                cleaned[name] = values
        else:
            cleaned[name] = value
    return cleaned


def page_fields(meta: dict[str, str], labelled: dict[str, str]) -> dict[str, str | list[str]]:
    """The fields of a page from its meta tags and labelled fields, by the order of preference.

    ``title`` is not merged here: it has its own order (:func:`indexer.readers.html.page_title`).

    >>> meta = {"sitename": "北京市人民政府", "og:site_name": "首都之窗", "pubdate": "2021-03-05 10:00",
    ...         "keywords": "营商环境,改革", "columnname": "政策文件"}
    >>> fields = page_fields(meta, {"published": "2021年03月04日", "doc_number": "京政发(2021)12号"})
    >>> fields["site"], fields["published"], fields["keywords"], fields["doc_number"]
    ('北京市人民政府', '2021-03-04', ['营商环境', '改革'], '京政发〔2021〕12号')
    """
    fields: dict[str, str] = dict(labelled)
    for table in (GUIDE_META, COMMON_META):
        for name, field in table.items():
            if name in meta and field not in fields and field != "title":
                fields[field] = meta[name]
    fields.pop("title", None)
    return clean(fields)


def guess_doctype(column: str | None, title: str | None, doc_number: str | None) -> str | None:
    """The doctype by :data:`DOCTYPE_RULES` on the column, else a 文号, else the title.

    >>> guess_doctype("政策解读", "", None), guess_doctype(None, "关于开展检查的通知", "京政发〔2021〕1号")
    ('政策解读', '政策文件')
    >>> guess_doctype("图片", "某某会议召开", None) is None
    True
    """
    def rule(text: str | None) -> str | None:
        for words, doctype in DOCTYPE_RULES:
            if text and any(word in text for word in words):
                return doctype
        return None

    return rule(column) or ("政策文件" if doc_number else None) or rule(title)
