"""What the document page shows beside the text: its known fields in Chinese, its attachments
with their download links, the page an attachment belongs to, and the way back to the search."""

from __future__ import annotations

from collections.abc import Mapping

from flask import url_for

from indexer import FIELDS, attachments_by_page

from .engine import get_engine

# the fields a citizen can read, in the order shown; anything else a reader found (site_domain,
# column_type, format, encoding, parent, …) is for programs, at /api/documents/<id>
SHOWN_FIELDS = ("published", "written", "publisher", "doc_number", "index_number", "doctype", "topic",
                "keywords", "column", "site", "author", "cites", "list", "source", "article")
EXTRA_LABELS = {"list": "榜单", "source": "来源", "article": "所属文章", "doctype": "文种",
                "author": "作者"}
FORMAT_LABELS = {"pdf": "PDF 文件", "docx": "Word 文件", "doc": "Word 文件"}


def field_label(name: str) -> str:
    """The Chinese name of a document's field: the table's label, else a known extra one."""
    field = FIELDS.get(name)
    return field.label if field else EXTRA_LABELS.get(name, name)


def known_fields(doc: Mapping) -> list[tuple[str, object]]:
    """(Chinese label, value) of each field of ``doc`` a citizen can read, that has a value."""
    return [(field_label(name), doc[name]) for name in SHOWN_FIELDS if doc.get(name) not in (None, "", [])]


def attachments(doc_id: str) -> list[dict]:
    """The attachments of page ``doc_id``: title, page here, download address and file type."""
    engine = get_engine()
    listed = engine.cached("attachments", lambda: attachments_by_page(engine)).get(doc_id, [])
    return [{**item, "doc_url": url_for("pages.document", doc_id=item["id"]),
             "format_label": FORMAT_LABELS.get(item["format"] or "", "文件")} for item in listed]


def parent_page(doc: Mapping) -> dict | None:
    """The page that links attachment ``doc`` (its title and page here), if it is in the index."""
    parent = get_engine().document(doc["parent"]) if doc.get("parent") else None
    if parent is None:
        return None
    return {"title": parent["title"], "doc_url": url_for("pages.document", doc_id=parent["id"])}
