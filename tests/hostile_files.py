"""Hostile files for the reading tests, each made in a second or two by the test that uses it:
a PDF whose pages share one heavy content stream, DOCX paragraph and zip bombs, a 50 MB page,
pages nested deep or with one huge text node, a page with 20,000 topics, odd file names and a
deep folder tree. Pages and DOCX files are real ones (python-docx makes the DOCX package)."""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

import docx

TEXT = "根据《中华人民共和国社会保险法》和国务院有关规定，现就进一步做好城乡居民基本医疗保险工作通知如下。"


def page(title: str, body: str, head: str = "") -> str:
    """A government page: its title and main text in the CMS container."""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
            f'<body><div class="nav">首页 政务公开</div><div id="zoom">{body}</div></body></html>')


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1; the first is the catalogue), with its xref table."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


TEXT_LINE = b"BT /F1 9 Tf 40 780 Td (Shared template line of the notice) Tj ET\n"
DRAWN_LINE = b"40 780 m 555 780 l 40 760 m 555 760 l 40 740 m 555 740 l S\n"  # parsed, no text


def _stream(marker: str, size: int, line: bytes = TEXT_LINE) -> bytes:
    """A compressed content stream of about ``size`` bytes of ``line`` operators, ``marker`` first."""
    ops = b"BT /F1 9 Tf 40 800 Td (%s) Tj ET\n" % marker.encode("ascii")
    ops += line * (size // len(line))
    content = zlib.compress(ops, 9)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream"


def heavy_pdf(pages: int, stream_bytes: int, marker: str, shared: bool = True) -> bytes:
    """A PDF of ``pages`` pages drawing a content stream of about ``stream_bytes`` each: one
    stream of text for all (``shared``), else one of their own (each costs a parse to read) that
    draws lines and little text, so that the text budget never ends the read before the time does."""
    first = 5 if shared else 4
    kids = b" ".join(b"%d 0 R" % (first + n) for n in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d /Resources << /Font << /F1 3 0 R >> >> "
               b"/MediaBox [0 0 595 842] >>" % (kids, pages),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    if shared:
        objects.append(_stream(marker, stream_bytes))
        objects += [b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>"] * pages
    else:
        streams = first + pages
        objects += [b"<< /Type /Page /Parent 2 0 R /Contents %d 0 R >>" % (streams + n) for n in range(pages)]
        objects += [_stream(f"{marker} {n}", stream_bytes, DRAWN_LINE) for n in range(pages)]
    return _pdf(objects)


def docx_with_body(path: Path, chunks) -> Path:
    """A DOCX made by python-docx whose body is the XML ``chunks`` (bytes), streamed into the zip."""
    document = docx.Document()
    document.add_paragraph("占位")
    document.save(str(path))
    original = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:  # fast to make
        for info in source.infolist():
            data = source.read(info)
            if info.filename != "word/document.xml":
                target.writestr(info, data)
                continue
            head, _, tail = data.partition(b"<w:body>")
            with target.open("word/document.xml", "w", force_zip64=True) as part:
                part.write(head + b"<w:body>")
                for chunk in chunks:
                    part.write(chunk)
                part.write(tail[tail.index(b"<w:sectPr"):])  # the placeholder paragraph goes
    return path


def paragraph_bomb(path: Path, paragraphs: int) -> Path:
    """A DOCX of ``paragraphs`` one-character paragraphs (python-docx builds an object for each)."""
    paragraph = "<w:p><w:r><w:t>字</w:t></w:r></w:p>".encode()
    return docx_with_body(path, (paragraph * 10_000 for _ in range(paragraphs // 10_000)))


def zip_bomb(path: Path, megabytes: int) -> Path:
    """A DOCX whose document part inflates to ``megabytes`` of blank space."""
    blank = b" " * (1 << 20)
    return docx_with_body(path, (blank for _ in range(megabytes)))


def big_page(megabytes: int) -> bytes:
    """A page of about ``megabytes`` MB of paragraphs."""
    paragraph = f"<p>{TEXT * 4}</p>\n"
    count = (megabytes << 20) // len(paragraph.encode())
    return page("大页面", paragraph * count).encode()


def deep_page(depth: int, text: str) -> str:
    """A page whose text sits ``depth`` elements deep, with a paragraph after it."""
    return page("深层页面", "<div>" * depth + text + "</div>" * depth + f"<p>{TEXT}</p>")


def many_values_page(topics: int, keywords: int) -> str:
    """A page labelled with ``topics`` 主题分类 and ``keywords`` 主题词."""
    table = ("<table><tr><td>主题分类：</td><td>" + "、".join(f"主题{n}" for n in range(topics))
             + "</td></tr><tr><td>主题词：</td><td>" + "，".join(f"词{n}" for n in range(keywords))
             + "</td></tr><tr><td>发布机构：</td><td>某市人民政府办公厅</td></tr></table>")
    return page("关于医疗保险的通知", f"{table}<p>{TEXT}</p>")


def odd_names(folder: Path) -> dict[bytes, str]:
    """Pages whose names a URL cannot carry as they are, by their name's bytes: a tab, a newline,
    a GBK name and the bytes of a lone surrogate; each page's title is what it is."""
    titles = {b"tab\tname.html": "制表符文件名", b"new\nline.html": "换行文件名",
              "公告".encode("gbk") + b".html": "国标码文件名", b"lone\xed\xa0\x80.html": "代理项文件名"}
    for name, title in titles.items():
        with open(os.fsencode(folder) + b"/" + name, "w", encoding="utf-8") as out:
            out.write(page(title, f"<p>{title}：{TEXT}</p>"))
    return titles


def deep_tree(folder: Path, depth: int, title: str) -> str:
    """A page ``depth`` folders below ``folder`` (made one level at a time: ``Path.mkdir`` recurses);
    its id."""
    path = os.fspath(folder)
    for _ in range(depth):
        path = os.path.join(path, "d")
        os.mkdir(path)
    with open(os.path.join(path, "deep.html"), "w", encoding="utf-8") as out:
        out.write(page(title, f"<p>{title}：{TEXT}</p>"))
    return "d/" * depth + "deep.html"


def understate(path: Path, member: str, size: int) -> Path:
    """Rewrite the zip at ``path`` so that ``member`` declares ``size`` bytes uncompressed, in
    its local header and in the central directory (a bomb that lies about its size)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    struct.pack_into("<I", data, info.header_offset + 22, size)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + length] == member.encode():
            struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    return path


def remove_deep_tree(folder: Path) -> None:
    """Remove the tree of :func:`deep_tree` under ``folder`` (``shutil.rmtree`` recurses, and a
    tree 1,000 folders deep is past Python's recursion limit)."""
    path = os.path.join(os.fspath(folder), "d")
    depth = 0
    while os.path.isdir(os.path.join(path, "d")):
        path, depth = os.path.join(path, "d"), depth + 1
    for name in os.listdir(path):
        os.unlink(os.path.join(path, name))
    for _ in range(depth + 1):
        os.rmdir(path)
        path = os.path.dirname(path)
