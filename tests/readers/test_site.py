"""A government website folder read end to end: real files in real encodings."""

from __future__ import annotations

import logging
import shutil
import zipfile
from pathlib import Path

import docx
import pytest

from indexer.readers import Skipped, load_documents, read_folder
from indexer.readers.document import Document

FIXTURES = Path(__file__).parent / "fixtures"
BODY = "现将《北京市优化营商环境实施方案》印发给你们，请认真贯彻落实。本方案自发布之日起施行。"


def page(title: str, body: str, head: str = "", charset: str | None = "utf-8", extra: str = "") -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    return (f"<!DOCTYPE html><html><head>{meta}{head}<title>{title}</title>"
            "<script>var tracker = '不要索引';</script></head><body>"
            '<div class="header"><h1 class="logo">北京市人民政府</h1>'
            '<ul class="nav"><li>首页</li><li>政务公开</li></ul></div>'
            '<div class="breadcrumb">首页 &gt; 政务公开 &gt; 通知公告</div>'
            f'{extra}<div id="zoom"><div class="TRS_Editor">{body}</div></div>'
            '<div class="bdsharebuttonbox">分享到：微信 微博</div>'
            '<div class="footer">主办：北京市人民政府办公厅 京ICP备05060933号</div></body></html>')


def read(folder: Path, **options) -> tuple[dict[str, Document], Skipped]:
    skipped = Skipped(log=False)
    docs = {doc.id: doc for doc in read_folder(folder, skipped=skipped, **options)}
    return docs, skipped


def write(path: Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def test_utf8_page_main_text_without_navigation(tmp_path: Path) -> None:
    write(tmp_path / "zw/notice.html", page("关于印发方案的通知_北京市人民政府",
                                             f"<p>各区人民政府：</p><p>　　{BODY}</p>",
                                             '<meta name="SiteName" content="北京市人民政府">'))
    docs, skipped = read(tmp_path)
    doc = docs["zw/notice.html"]
    assert doc.kind == "page" and doc.title == "关于印发方案的通知"
    assert doc.body == f"各区人民政府：\n{BODY}"
    for noise in ("首页", "分享", "主办", "不要索引", "tracker"):
        assert noise not in doc.body
    assert doc.fields["site"] == "北京市人民政府" and doc.fields["encoding"] == "utf-8"
    assert len(skipped) == 0


def test_gbk_declared_page(tmp_path: Path) -> None:
    write(tmp_path / "a.htm", page("通知公告", f"<p>{BODY}</p>", charset="gbk"), "gbk")
    doc = read(tmp_path)[0]["a.htm"]
    assert doc.body == BODY and doc.fields["encoding"] == "gb18030"


def test_gb2312_undeclared_page_is_detected(tmp_path: Path) -> None:
    text = "<html><body><div id='content'>" + "".join(f"<p>{BODY}第{n}条。</p>" for n in range(3))
    write(tmp_path / "b.shtml", text + "</div></body></html>", "gb2312")
    doc = read(tmp_path)[0]["b.shtml"]
    assert doc.body.startswith(BODY) and doc.fields["encoding"] == "gb18030"


def test_bom_page(tmp_path: Path) -> None:
    write(tmp_path / "c.html", b"\xef\xbb\xbf" + page("通知", f"<p>{BODY}</p>", charset=None).encode())
    doc = read(tmp_path)[0]["c.html"]
    assert doc.body == BODY and doc.title == "通知"


def test_wrongly_declared_charset(tmp_path: Path) -> None:
    write(tmp_path / "says-utf8.html", page("通知", f"<p>{BODY}</p>", charset="utf-8"), "gb18030")
    write(tmp_path / "says-gbk.html", page("通知", f"<p>{BODY}</p>", charset="gb2312"), "utf-8")
    docs = read(tmp_path)[0]
    assert docs["says-utf8.html"].body == BODY == docs["says-gbk.html"].body
    assert docs["says-utf8.html"].fields["encoding"] == "gb18030"
    assert docs["says-gbk.html"].fields["encoding"] == "utf-8"


def test_mojibake_page_is_skipped_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    mixed = page("通知", f"<p>{BODY}</p>").encode("utf-8") + f"<p>{BODY}</p>".encode("gbk")
    write(tmp_path / "bad.html", mixed)
    write(tmp_path / "good.html", page("好的", f"<p>{BODY}</p>"))
    with caplog.at_level(logging.WARNING, logger="egov_search.readers"):
        docs = {doc.id: doc for doc in load_documents([tmp_path])}
    assert list(docs) == ["good.html"]
    assert "bad.html: skipped: undecodable" in caplog.text
    assert "Traceback" not in caplog.text


def test_table_metadata_page(tmp_path: Path) -> None:
    table = ('<table class="xxgk"><tr><td><b>索 引 号：</b></td><td>000014349/2021-00012</td>'
             "<td><b>主题分类：</b></td><td>城乡建设、环境保护</td></tr>"
             "<tr><td>发文机关</td><td>北京市人民政府</td><td>成文日期：</td><td>2021年03月01日</td></tr>"
             "<tr><td>标　　题：</td><td>北京市人民政府关于印发方案的通知</td></tr>"
             "<tr><td>发文字号:</td><td>京政发(2021)12号</td><td>发布日期：</td><td>2021-03-05</td></tr>"
             "<tr><td>主 题 词：</td><td>营商环境，改革</td><td>有 效 性：</td><td>有效</td></tr></table>")
    head = ('<meta name="ColumnName" content="政策文件"><meta name="PubDate" content="2021-03-04 09:00">'
            '<meta name="SiteName" content="北京市人民政府"><meta property="og:title" content="别的标题">')
    body = f"<p>{BODY}</p><p>依据国办发〔2020〕3号和国家发展改革委令第10号制定。</p>"
    write(tmp_path / "www.beijing.gov.cn/zhengce/t1.html", page("页面标题", body, head, extra=table))
    doc = read(tmp_path)[0]["www.beijing.gov.cn/zhengce/t1.html"]
    assert doc.title == "北京市人民政府关于印发方案的通知"
    assert doc.fields["index_number"] == "000014349/2021-00012"
    assert doc.fields["topic"] == ["城乡建设", "环境保护"]
    assert doc.fields["publisher"] == "北京市人民政府"
    assert doc.fields["written"] == "2021-03-01" and doc.fields["published"] == "2021-03-05"
    assert doc.fields["doc_number"] == "京政发〔2021〕12号"
    assert doc.fields["keywords"] == ["营商环境", "改革"] and doc.fields["validity"] == "现行有效"
    assert doc.fields["column"] == "政策文件" and doc.fields["doctype"] == "政策文件"
    assert doc.fields["cites"] == ["国办发〔2020〕3号", "国家发展改革委令第10号"]
    assert "索引号" not in doc.body and "000014349" not in doc.body and doc.body.startswith(BODY)


def test_table_rows_starting_with_an_empty_cell(tmp_path: Path) -> None:
    table = ('<table><tr><td></td><td>发布机构：</td><td>浦东新区人民政府</td></tr>'
             '<tr><td>&nbsp;</td><td>新闻正文的一部分</td></tr></table>')
    write(tmp_path / "www.pudong.gov.cn/news/a.htm", page("浦东新闻", f"<p>{BODY}</p>", extra=table))
    doc = read(tmp_path)[0]["www.pudong.gov.cn/news/a.htm"]
    assert doc.fields["publisher"] == "浦东新区人民政府"


def test_labelled_lines_with_spaced_labels(tmp_path: Path) -> None:
    body = ("<p>索\u3000引\u3000号：11110000000000000X/2021-00456　 发布日期：2021年3月5日</p>"
            "<p>发布机构：北京市发展和改革委员会</p><p>名 称: 关于开展检查工作的通知</p>"
            f"<p>文　　号：京发改〔２０２１〕７号</p><p>各有关单位：</p><p>{BODY}</p>")
    write(tmp_path / "x.html", page("无关", body))
    doc = read(tmp_path)[0]["x.html"]
    assert doc.title == "关于开展检查工作的通知"
    assert doc.fields["index_number"] == "11110000000000000X/2021-00456"
    assert doc.fields["published"] == "2021-03-05"
    assert doc.fields["publisher"] == "北京市发展和改革委员会"
    assert doc.fields["doc_number"] == "京发改〔2021〕7号"
    assert doc.body == f"各有关单位：\n{BODY}"


def test_title_order_and_url(tmp_path: Path) -> None:
    write(tmp_path / "a/one.html", page("标题一 - 首都之窗", f"<p>{BODY}</p>",
                                        '<meta property="og:site_name" content="首都之窗">'))
    write(tmp_path / "a/two.html", page("x", f"<p>{BODY}</p>",
                                        '<meta name="ArticleTitle" content="文章标题">'
                                        '<link rel="canonical" href="https://www.beijing.gov.cn/two.html">'))
    write(tmp_path / "a/three.html", "<html><body><div class='content'><h1>第一标题</h1>"
                                     f"<p>{BODY}</p></div></body></html>")
    write(tmp_path / "a/四.html", f"<html><body><p>{BODY}</p></body></html>")
    docs = read(tmp_path, base_url="https://www.beijing.gov.cn/")[0]
    assert docs["a/one.html"].title == "标题一"
    assert docs["a/one.html"].fields["url"] == "https://www.beijing.gov.cn/a/one.html"
    assert docs["a/two.html"].title == "文章标题"
    assert docs["a/two.html"].fields["url"] == "https://www.beijing.gov.cn/two.html"
    assert docs["a/three.html"].title == "第一标题" and docs["a/three.html"].body == BODY
    assert docs["a/四.html"].title == "四" and docs["a/四.html"].body == BODY


def test_boilerplate_over_six_pages_of_one_site(tmp_path: Path) -> None:
    site = tmp_path / "www.example.gov.cn"
    for n in range(6):
        body = (f"<p>第{n}号文章的正文，内容各不相同，编号{n}。</p><p>相关链接：市政府 市人大 市政协</p>"
                "<p>【打印本页】【关闭窗口】</p>")
        write(site / f"art/{n}.html", f"<html><body><div id='content'>{body}</div></body></html>")
    docs = read(tmp_path)[0]
    assert len(docs) == 6
    for n in range(6):
        assert docs[f"www.example.gov.cn/art/{n}.html"].body == f"第{n}号文章的正文，内容各不相同，编号{n}。"


def test_too_few_pages_keep_their_repeated_lines(tmp_path: Path) -> None:
    for n in range(4):
        write(tmp_path / f"www.s.gov.cn/{n}.html",
              f"<html><body><div id='content'><p>正文{n}。</p><p>相关链接：市政府</p></div></body></html>")
    docs = read(tmp_path)[0]
    assert docs["www.s.gov.cn/0.html"].body == "正文0。\n相关链接：市政府"


def test_symlink_outside_the_folder_is_skipped(tmp_path: Path) -> None:
    outside, root = tmp_path / "outside", tmp_path / "site"
    write(outside / "secret.html", page("秘密", f"<p>{BODY}</p>"))
    write(root / "in.html", page("内部", f"<p>{BODY}</p>"))
    (root / "leak.html").symlink_to(outside / "secret.html")
    (root / "leakdir").symlink_to(outside, target_is_directory=True)
    (root / "alias.html").symlink_to(root / "in.html")
    docs, skipped = read(root)
    assert sorted(docs) == ["alias.html", "in.html"]
    assert sorted(skipped.files) == [("leak.html", "symlink outside the folder"),
                                     ("leakdir", "symlink outside the folder")]


def test_pdf_attachment_gets_link_text_and_parent(tmp_path: Path) -> None:
    links = ('<p>附件：<a href="../files/notice.pdf">北京市优化营商环境实施方案（全文）</a></p>'
             '<p><a href="/files/untitled.pdf?v=2">解读材料</a></p>')
    write(tmp_path / "www.bj.gov.cn/zw/p.html", page("通知", f"<p>{BODY}</p>{links}"))
    write(tmp_path / "www.bj.gov.cn/zw/q.html", page("另一页", f"<p>{BODY}。</p>"
                                                      '<a href="../files/untitled.pdf">解读全文</a>'))
    (tmp_path / "www.bj.gov.cn/files").mkdir()
    for name in ("notice.pdf", "untitled.pdf"):
        shutil.copy(FIXTURES / name, tmp_path / "www.bj.gov.cn/files" / name)
    docs, skipped = read(tmp_path)
    notice, untitled = docs["www.bj.gov.cn/files/notice.pdf"], docs["www.bj.gov.cn/files/untitled.pdf"]
    assert notice.kind == "attachment" and notice.title == "北京市优化营商环境实施方案"
    assert notice.body.splitlines()[1] == "京政发〔2021〕12号"
    assert notice.fields["link_text"] == "北京市优化营商环境实施方案（全文）"
    assert notice.fields["parent"] == "www.bj.gov.cn/zw/p.html"
    assert untitled.title == "解读材料" and untitled.fields["link_text"] == "解读材料\n解读全文"
    assert list(docs)[-2:] == ["www.bj.gov.cn/files/notice.pdf", "www.bj.gov.cn/files/untitled.pdf"]
    assert len(skipped) == 0


def test_bad_pdfs_are_skipped(tmp_path: Path) -> None:
    for name in ("encrypted.pdf", "scan.pdf", "owner-locked.pdf"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    write(tmp_path / "broken.pdf", (FIXTURES / "notice.pdf").read_bytes()[:700])
    write(tmp_path / "zero.pdf", b"")
    docs, skipped = read(tmp_path)
    assert list(docs) == ["owner-locked.pdf"] and "京政发〔2021〕12号" in docs["owner-locked.pdf"].body
    assert dict(skipped.files) == {"broken.pdf": "corrupt", "encrypted.pdf": "encrypted",
                                   "scan.pdf": "no text layer (scanned?)", "zero.pdf": "corrupt"}


def _docx(path: Path, title: str | None, heading: str | None) -> Path:
    document = docx.Document()
    if title:
        document.core_properties.title = title
    if heading:
        document.add_heading(heading, level=1)
    document.add_paragraph(BODY)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "联系人", "张三"
    document.save(str(path))
    return path


def test_docx_titles_and_corrupt_docx(tmp_path: Path) -> None:
    _docx(tmp_path / "with-title.docx", "核心属性标题", "正文标题")
    _docx(tmp_path / "heading.docx", None, "一级标题")
    write(tmp_path / "corrupt.docx", b"PK\x03\x04 this is not a zip archive")
    with zipfile.ZipFile(tmp_path / "notword.docx", "w") as archive:
        archive.writestr("hello.txt", "不是 Word 文档")
    docs, skipped = read(tmp_path)
    assert docs["with-title.docx"].title == "核心属性标题"
    assert docs["heading.docx"].title == "一级标题"
    assert docs["heading.docx"].body == f"一级标题\n{BODY}\n联系人 张三"
    assert docs["heading.docx"].kind == "attachment" and docs["heading.docx"].fields["format"] == "docx"
    assert dict(skipped.files) == {"corrupt.docx": "corrupt", "notword.docx": "corrupt"}


def test_text_jsonl_and_summary(tmp_path: Path) -> None:
    write(tmp_path / "notes.md", "# 说明\n本站说明。\n")
    write(tmp_path / "data.jsonl", '{"id": "r1", "title": "记录", "body": "内容"}\n')
    write(tmp_path / "gbk.txt", "不是UTF-8的文本", "gbk")
    write(tmp_path / "empty.html", "<html><body><div class='nav'>首页</div></body></html>")
    skipped = Skipped(log=False)
    docs = list(load_documents([tmp_path], skipped=skipped))
    assert [doc.id for doc in docs] == ["r1", "notes.md"]
    assert skipped.summary() == "2 files skipped: 1 empty, 1 undecodable"


def test_single_files(tmp_path: Path) -> None:
    path = write(tmp_path / "one.html", page("单页", f"<p>{BODY}</p>"))
    docs = list(load_documents([path, FIXTURES / "notice.pdf"], base_url="https://x.gov.cn"))
    assert [(doc.id, doc.kind) for doc in docs] == [("one.html", "page"), ("notice.pdf", "attachment")]
    assert docs[1].fields["url"] == "https://x.gov.cn/notice.pdf"
