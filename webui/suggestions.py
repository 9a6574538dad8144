"""Typed autocomplete items: each completion says what it is, and a title says where it goes."""

from __future__ import annotations

from flask import url_for

from .engine import get_engine

TYPE_LABELS = {"title": "名称", "section": "段落标题", "word": "词"}


def suggestion_items(suggestions: list[str]) -> list[dict]:
    """``{"text", "type", "type_label", "url"}`` for each completion, ``type`` a stable code
    and ``type_label`` its Chinese: a document's title (``title``, 名称; ``section``, 段落标题
    for an article section) opens that document; any other completion is a word (``word``,
    词) with ``url`` null."""
    titled = get_engine().titled(suggestions)
    items = []
    for text in suggestions:
        stored = titled.get(text)
        if stored and stored.get("title") == text:
            kind = "section" if stored.get("kind") == "section" else "title"
            items.append({"text": text, "type": kind, "type_label": TYPE_LABELS[kind],
                          "url": url_for("pages.document", doc_id=stored["id"])})
        else:
            items.append({"text": text, "type": "word", "type_label": TYPE_LABELS["word"], "url": None})
    return items
