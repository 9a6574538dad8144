"""A 1 MB document on its page, its JSON twin and /api/related: the work is bounded by a part
of the text, not by the document (counted on the real functions, never timed), and its parts
show all of it, once."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from indexer.analysis.segment import Segmenter
from indexer.search import highlight, related
from webui import create_app
from webui.parts import PART_CHARS, part_starts

MARK = re.compile(r"</?mark>")


@pytest.fixture
def large_client(large_index: Path):
    return create_app({"TESTING": True, "INDEX": str(large_index), "QUERY_LOG": "0"}).test_client()


@pytest.fixture
def body(large_client) -> str:
    """The whole body, from ``/api/documents/large-1`` part after part."""
    pieces, url = [], "/api/documents/large-1"
    while url:
        answer = large_client.get(url).get_json()
        assert answer["part"]["start"] == sum(map(len, pieces)) and len(answer["body"]) <= PART_CHARS
        pieces.append(answer["body"])
        url = answer["part"]["next"]
    assert len(pieces) == answer["part"]["of"] > 1
    return "".join(pieces)


@pytest.fixture
def normalised(monkeypatch) -> list[int]:
    """The length of each text the highlighter normalises (and then marks)."""
    sizes: list[int] = []
    real = highlight.normalize

    def spy(text: str):
        sizes.append(len(text))
        return real(text)

    monkeypatch.setattr(highlight, "normalize", spy)
    return sizes


@pytest.fixture
def segmented(monkeypatch) -> list[int]:
    """The length of each text given to jieba."""
    sizes: list[int] = []
    real = Segmenter.tokens

    def spy(self, text: str, search: bool = False):
        sizes.append(len(text))
        return real(self, text, search)

    monkeypatch.setattr(Segmenter, "tokens", spy)
    return sizes


def text_of(paragraphs: list[str]) -> list[str]:
    return [html.unescape(MARK.sub("", paragraph)) for paragraph in paragraphs]


def test_the_page_of_a_1_mb_document_marks_and_sends_one_part(large_client, body, normalised):
    assert len(body) > 1_000_000
    page = large_client.get("/doc/large-1?q=服务")
    twin = large_client.get("/api/doc/large-1?q=服务").get_json()
    assert page.status_code == 200 and "<mark>服务</mark>" in page.get_data(as_text=True)
    # both requests together: two parts, two titles and the snippets of five similar documents
    assert sum(normalised) <= 2 * (PART_CHARS + 100) + 10 * highlight.MAX_SCAN
    assert max(normalised) <= PART_CHARS
    assert len(page.data) < 300_000 and "body" not in twin["document"]
    assert twin["part"]["number"] == 1 and twin["part"]["of"] == len(part_starts(body)) > 1


def test_the_parts_show_the_whole_document_once_and_link_each_other(large_client, body):
    count = len(part_starts(body))
    twins = [large_client.get(f"/api/doc/large-1?part={number}").get_json() for number in range(1, count + 1)]
    end = 0
    for number, twin in enumerate(twins, 1):
        part = twin["part"]
        assert (part["number"], part["of"], part["start"]) == (number, count, end)
        end = part["end"]
    assert end == len(body)
    shown = [line for twin in twins for line in text_of(twin["paragraphs_html"])]
    assert shown == [line for line in body.split("\n") if line.strip()]

    for number in (2, count):
        page = large_client.get(f"/doc/large-1?part={number}").get_data(as_text=True)
        assert all(paragraph in page for paragraph in twins[number - 1]["paragraphs_html"])
        assert f"第 {number} 部分 - 政务搜索</title>" in page and "全文共" in page
        assert f'href="/doc/large-1?part={number - 1}" rel="prev"' in page
    second = large_client.get("/doc/large-1?part=2").get_data(as_text=True)
    assert 'href="/doc/large-1?part=3" rel="next"' in second
    assert 'rel="next"' not in page  # the last part
    assert large_client.get(f"/api/doc/large-1?part={count + 1}").status_code == 400


def test_a_query_opens_the_part_of_its_first_match_and_the_pager_keeps_it(large_client, body):
    first = body.find("打印机")
    assert first > PART_CHARS
    twin = large_client.get("/api/doc/large-1?q=打印机").get_json()
    assert twin["part"]["start"] <= first < twin["part"]["end"]
    assert any("<mark>打印机</mark>" in paragraph for paragraph in twin["paragraphs_html"])
    page = large_client.get("/doc/large-1?q=打印机").get_data(as_text=True)
    assert "?q=%E6%89%93%E5%8D%B0%E6%9C%BA&amp;part=1" in page  # part 1 named, not the match's
    assert large_client.get("/api/doc/large-1?q=打印机&part=1").get_json()["part"]["number"] == 1


def test_a_text_without_line_breaks_is_cut_at_sentence_ends_into_whole_parts(body):
    text = body.replace("\n", "")
    starts = part_starts(text)
    pieces = [text[start:end] for start, end in zip(starts, [*starts[1:], len(text)], strict=True)]
    assert "".join(pieces) == text and max(map(len, pieces)) <= PART_CHARS
    assert all(piece[-1] in "。！？；!?;" for piece in pieces[:-1])


def test_related_documents_read_a_bounded_opening_of_a_1_mb_document(large_client, segmented):
    found = large_client.get("/api/related?id=large-1").get_json()
    assert found["similar"] and "large-1" not in {hit["id"] for hit in found["similar"]}
    assert sum(segmented) <= related.KEY_TEXT_CHARS + 100
