"""``POST /api/admin/rebuild``: off without a token, POST only, token required, same atomic build."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from webui import create_app

TOKEN = "s3cret-token-for-tests"
EXTRA = {"id": "new-1", "title": "新增文档", "body": "重建之后才能搜到的内容"}


@pytest.fixture
def index(index_dir, tmp_path):
    """A private copy of the seed index, since these tests rebuild it."""
    shutil.copytree(index_dir, tmp_path / "ix", symlinks=True)
    return tmp_path / "ix"


def _client(index, **config):
    return create_app({"INDEX": str(index), **config}).test_client()


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _error(response) -> str:
    assert response.headers["Content-Type"].startswith("application/json")
    return response.get_json()["error"]["message"]


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
def test_without_a_token_the_endpoint_is_off(index, monkeypatch, method):
    monkeypatch.delenv("EGOV_ADMIN_TOKEN", raising=False)
    response = _client(index).open("/api/admin/rebuild", method=method, headers=_bearer(""))
    assert response.status_code == 404 and _error(response)


def test_token_comes_from_the_environment(index, monkeypatch):
    monkeypatch.setenv("EGOV_ADMIN_TOKEN", TOKEN)
    client = _client(index)
    assert client.post("/api/admin/rebuild").status_code == 401
    assert client.post("/api/admin/rebuild", headers=_bearer(TOKEN)).status_code == 200


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_only_post(index, method):
    response = _client(index, ADMIN_TOKEN=TOKEN).open(
        "/api/admin/rebuild", method=method, headers=_bearer(TOKEN))
    assert response.status_code == 405 and _error(response)
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize("headers", [
    {}, _bearer(""), _bearer("wrong"), _bearer(TOKEN[:-1]), _bearer(TOKEN + "x"),
    {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"}, {"X-Token": TOKEN},
])
def test_wrong_or_missing_token_is_refused_and_nothing_is_built(index, headers):
    live = os.readlink(index / "current")
    response = _client(index, ADMIN_TOKEN=TOKEN).post("/api/admin/rebuild", headers=headers)
    assert response.status_code == 401 and "EGOV_ADMIN_TOKEN" in _error(response)
    assert os.readlink(index / "current") == live


def test_rebuild_swaps_in_the_servers_corpus(index, tmp_path):
    corpus = tmp_path / "extra.jsonl"
    corpus.write_text(json.dumps(EXTRA, ensure_ascii=False) + "\n", encoding="utf-8")
    client = _client(index, ADMIN_TOKEN=TOKEN, CORPUS=[str(corpus)])
    before = client.get("/api/search?q=重建之后").get_json()["hits"]
    assert "new-1" not in [hit["id"] for hit in before]
    live = os.readlink(index / "current")
    response = client.post("/api/admin/rebuild", headers=_bearer(TOKEN))
    assert response.status_code == 200
    summary = response.get_json()
    assert summary["documents"] == {"document": 1} and summary["generation"] != live
    assert os.readlink(index / "current") == summary["generation"]
    assert [hit["id"] for hit in client.get("/api/search?q=重建之后").get_json()["hits"]] == ["new-1"]


def test_bad_corpus_aborts_with_file_line_and_keeps_the_live_index(index, tmp_path):
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text('{"id": "a", "title": "t", "body": "b"}\n{"id": \n', encoding="utf-8")
    client = _client(index, ADMIN_TOKEN=TOKEN, CORPUS=[str(corpus)])
    live = os.readlink(index / "current")
    response = client.post("/api/admin/rebuild", headers=_bearer(TOKEN))
    assert response.status_code == 422
    assert "bad.jsonl:2: malformed JSON" in _error(response)
    assert os.readlink(index / "current") == live
    assert client.get("/api/search?q=华宇").get_json()["total"] == 1
