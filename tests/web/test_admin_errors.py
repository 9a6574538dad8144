"""``POST /api/admin/rebuild`` never answers 500: a bad corpus is a 422 naming ``FILE:LINE``,
a folder it cannot write a 503 (read-only) or 507 (full disk) naming the folder; the live
index goes on answering as before."""

from __future__ import annotations

import os
import shutil

import pytest
from faults import WRITE_FAILURES, break_writes

from webui import create_app

TOKEN = "admin-errors-token"
GOOD = '{"id": "a", "title": "标题", "body": "正文"}'
BAD_CORPORA = {
    "lone surrogate": ('{"id": "b", "title": "x\\ud800", "body": "y"}', "'title' holds the lone surrogate"),
    "rank past 64 bits": ('{"id": "b", "title": "x", "body": "y", "rank": 9223372036854775808}',
                          "'rank' must be an integer from"),
    "deep nesting": ('{"id": "b", "title": "x", "body": "y", "m": ' + "[" * 50_000 + "]" * 50_000 + "}",
                     "malformed JSON: nested too deeply"),
    "id with a newline": ('{"id": "a\\nb", "title": "x", "body": "y"}',
                          "id 'a\\nb' holds the control character"),
}
STATUS = {"read-only folder": 503, "full disk": 507}


@pytest.fixture
def index(index_dir, tmp_path):
    """A private copy of the seed index."""
    shutil.copytree(index_dir, tmp_path / "ix", symlinks=True)
    return tmp_path / "ix"


def rebuild(index, corpus):
    """The client after its rebuild, and the rebuild's answer."""
    client = create_app({"INDEX": str(index), "ADMIN_TOKEN": TOKEN, "CORPUS": [str(corpus)]}).test_client()
    assert client.get("/api/search?q=华宇").get_json()["total"] == 1  # the engine is open
    return client, client.post("/api/admin/rebuild", headers={"Authorization": f"Bearer {TOKEN}"})


def assert_live_index_answers(client, index, live: str) -> None:
    assert os.readlink(index / "current") == live
    assert client.get("/api/search?q=华宇").get_json()["total"] == 1


@pytest.mark.parametrize("case", BAD_CORPORA)
def test_bad_corpus_is_a_422_with_file_and_line(index, tmp_path, case):
    line, reason = BAD_CORPORA[case]
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text(f"{GOOD}\n{line}\n", encoding="utf-8")
    live = os.readlink(index / "current")
    client, response = rebuild(index, corpus)
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert f"当前索引未改动：{corpus}:2: {reason}" in response.get_json()["error"]["message"]
    assert_live_index_answers(client, index, live)


def test_rank_past_32_bits_is_indexed(index, tmp_path):
    corpus = tmp_path / "big.jsonl"
    corpus.write_text('{"id": "b", "title": "大数", "body": "y", "rank": 2147483648}\n', encoding="utf-8")
    client, response = rebuild(index, corpus)
    assert response.status_code == 200
    assert client.get("/api/documents/b").get_json()["document"]["rank"] == 2**31


@pytest.mark.parametrize("failure", WRITE_FAILURES)
def test_unwritable_index_folder_is_an_operator_error(index, tmp_path, monkeypatch, failure):
    corpus = tmp_path / "ok.jsonl"
    corpus.write_text(GOOD + "\n", encoding="utf-8")
    live = os.readlink(index / "current")
    reason = break_writes(monkeypatch, failure)
    client, response = rebuild(index, corpus)
    assert response.status_code == STATUS[failure]
    error = response.get_json()["error"]["message"]
    assert f"当前索引未改动：{index}: cannot write the index: {reason}" in error
    assert_live_index_answers(client, index, live)
