"""Documents carrying markup are shown as text in results, snippets, suggestions and their page.

(test_pages covers hostile *queries* over the seed and the headers of every page; here the
hostile text is in the indexed documents themselves.)
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from test_pages import Tags

from indexer import build_index
from webui import create_app

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
DOCUMENTS = [
    {"id": "xss-script", "title": f"{SCRIPT}智慧政务", "body": f"正文 {SCRIPT} 智慧政务 {IMG}",
     "url": JS_URL, "source": JS_URL},
    {"id": "xss-img", "title": f"智慧{IMG}", "body": f"智慧政务 {IMG} 链接 {JS_URL}"},
    {"id": "xss-js", "title": JS_URL, "body": f"智慧政务 <a href=\"{JS_URL}\">点我</a>",
     "kind": "link", "link": f"{JS_URL}//"},
]
URL_ATTRIBUTES = ("href", "src", "action", "formaction")


def inert_text(html: str) -> str:
    """The page's visible text, after checking that no injected markup became a tag or link."""
    tags = Tags(html)
    for tag, attrs in tags.tags:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        assert tag not in ("img", "iframe", "object", "embed", "svg"), (tag, attrs)
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), attrs
        for name in URL_ATTRIBUTES:
            assert not (attrs.get(name) or "").strip().lower().startswith("javascript:"), attrs
    return "".join(tags.text)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """The app over an index of documents that carry markup."""
    folder = tmp_path_factory.mktemp("xss")
    corpus = folder / "xss.jsonl"
    corpus.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in DOCUMENTS),
                      encoding="utf-8")
    build_index([corpus], index_dir=folder / "ix")
    return create_app({"INDEX": str(folder / "ix")}).test_client()


@pytest.mark.parametrize("query", ["智慧", "智慧政务 " + SCRIPT, SCRIPT + " 正文", IMG, JS_URL])
def test_results_show_hostile_titles_and_snippets_as_text(client, query):
    response = client.get(f"/?q={quote(query)}")
    assert response.status_code == 200
    text = inert_text(response.get_data(as_text=True))
    hits = client.get(f"/api/search?q={quote(query)}").get_json()["hits"]
    assert hits and all(hit["title"] in text for hit in hits)  # titles shown as written


@pytest.mark.parametrize("doc_id", [d["id"] for d in DOCUMENTS])
@pytest.mark.parametrize("query", ["", "智慧", SCRIPT, IMG])
def test_document_page_shows_everything_as_text(client, doc_id, query):
    response = client.get(f"/doc/{doc_id}?q={quote(query)}")
    assert response.status_code == 200
    text = inert_text(response.get_data(as_text=True))
    document = next(d for d in DOCUMENTS if d["id"] == doc_id)
    assert document["title"] in text and JS_URL in text


def test_an_address_that_is_not_http_is_never_kept(client):
    document = client.get("/api/documents/xss-script").get_json()["document"]
    assert document["url"] is None and document["source"] == JS_URL
    hits = client.get("/api/search?q=智慧政务").get_json()["hits"]
    assert all(hit["url"] is None for hit in hits)


def test_home_lists_hostile_documents_as_text(client):
    inert_text(client.get("/").get_data(as_text=True))


def test_snippets_hold_only_marks(client):
    hits = client.get(f"/api/search?q={quote('智慧政务')}").get_json()["hits"]
    assert len(hits) == len(DOCUMENTS)
    for hit in hits:
        for html in (hit["snippet_html"], hit["title_html"]):
            assert {tag for tag, _ in Tags(html).tags} <= {"mark"}, html


def test_suggestions_are_json_text(client):
    response = client.get(f"/api/suggest?q={quote('<scr')}")
    assert response.headers["Content-Type"].startswith("application/json")
    assert f"{SCRIPT}智慧政务" in response.get_json()["suggestions"]
