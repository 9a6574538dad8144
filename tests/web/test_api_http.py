"""The JSON API over HTTP from a real server (waitress) on the government collection: errors
as ``{"error": {"code", "param", "message"}}``, every filter value checked, pages linked,
stable codes, one document shape, an overview of this collection, CORS for the configured
origins, and ETag / Cache-Control with 304."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from live_server import request, running_server

from indexer import ConfigError, build_index
from webui import create_app
from webui.cli import main

CHINESE = ("\u4e00", "\u9fff")


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, dict]:
    """Status, decoded JSON (None when there is no body) and lower-cased headers."""
    status, body, raw = request(port, path, headers=headers)
    named = {name.lower(): value for name, value in raw.items()}
    if named.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return status, json.loads(body) if body else None, named


def chinese(text: str) -> bool:
    return any(CHINESE[0] <= char <= CHINESE[1] for char in text)


@pytest.fixture(scope="module")
def port(api_server) -> int:
    return api_server["port"]


@pytest.fixture(scope="module")
def origin(api_server) -> str:
    """The origin the server lets read the API."""
    return api_server["origin"]


@pytest.mark.parametrize(("query", "param"), [
    ("kind=foo", "kind"), ("kind=page&kind=bogus", "kind"), ("year=abcd", "year"), ("year=20211", "year"),
    ("from=2021-02-30", "from"), ("to=2021-W01-1", "to"), ("exact=maybe", "exact"), ("answer=no", "answer"),
    ("limit=%EF%BC%91%EF%BC%90", "limit"),  # full-width digits are not a number here
])
def test_every_filter_value_is_checked(port, query, param):
    status, answer, _ = get(port, f"/api/search?q={quote('公积金')}&{query}")
    error = answer["error"]
    assert status == 400 and (error["code"], error["param"]) == ("invalid_parameter", param)
    assert param in error["message"] and chinese(error["message"]) and " / " not in error["message"]


@pytest.mark.parametrize("query", ["kind=page", "kind=PAGE", "kind=attachment&kind=page", "year=2023",
                                   "year=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%93", "exact=1", "answer=0"])
def test_valid_filter_values_still_work(port, query):
    status, answer, _ = get(port, f"/api/search?q={quote('公积金')}&{query}")
    assert status == 200 and answer["total"] > 0


def test_errors_name_their_code_and_parameter_or_null(port):
    status, answer, _ = get(port, "/api/documents/no-such-document")
    assert status == 404 and answer == {"error": {"code": "not_found", "param": None,
                                                  "message": "找不到文档 no-such-document"}}
    status, answer, _ = get(port, "/api/suggest")
    assert status == 400
    assert answer["error"] == {"code": "missing_parameter", "param": "q", "message": "缺少参数 q"}


def test_results_link_their_pages_and_keep_the_filters(port):
    base = f"/api/search?q={quote('公积金')}&kind=page"
    _, everything, _ = get(port, f"{base}&limit=100")
    seen, url, before = [], f"{base}&limit=3", None
    while url:
        status, answer, _ = get(port, url)
        assert status == 200 and answer["pages"] == -(-everything["total"] // 3) > 2
        assert answer["filters"] == {"kind": ["page"]} and answer["limit"] == 3
        if before is None:
            assert answer["prev"] is None
        else:
            assert get(port, answer["prev"])[1]["hits"] == before["hits"]
        seen += [hit["id"] for hit in answer["hits"]]
        before, url = answer, answer["next"]
    assert seen == [hit["id"] for hit in everything["hits"]] and before["page"] == before["pages"]
    _, beyond, _ = get(port, f"{base}&limit=3&page=999")
    assert beyond["hits"] == [] and beyond["next"] is None
    assert get(port, beyond["prev"])[1]["page"] == beyond["pages"]


def test_suggest_types_and_notices_are_stable_codes_with_chinese_beside(port):
    _, suggested, _ = get(port, f"/api/suggest?q={quote('公积金')}")
    labels = {"title": "名称", "section": "段落标题", "word": "词"}
    items = suggested["items"]
    assert items and all(labels[item["type"]] == item["type_label"] for item in items)
    _, partial, _ = get(port, f"/api/search?q={quote('公积金 提取 量子纠缠')}")
    assert partial["notices"] and all(notice["code"].isascii() and chinese(notice["message"])
                                      for notice in partial["notices"])


def test_a_document_has_one_shape(port):
    _, found, _ = get(port, f"/api/search?q={quote('公积金')}&limit=1")
    doc_id = quote(found["hits"][0]["id"], safe="/")
    _, plain, _ = get(port, f"/api/documents/{doc_id}")
    _, page, _ = get(port, f"/api/doc/{doc_id}?q={quote('公积金')}")
    assert plain["document"] == page["document"] and "body" not in plain["document"]
    assert plain["document"]["id"] == found["hits"][0]["id"] and plain["body"]
    assert set(plain["part"]) == set(page["part"]) >= {"number", "of", "previous", "next"}


def test_hits_say_their_snippet_is_html(port):
    _, found, _ = get(port, f"/api/search?q={quote('公积金')}")
    hit = found["hits"][0]
    assert "<mark>" in hit["snippet_html"] and "snippet" not in hit


def test_the_overview_describes_this_collection(port):
    _, overview, _ = get(port, "/api/overview")
    _, everything, _ = get(port, "/api/search?q=")
    assert not {"vendors", "ranking_title", "ranking_source", "sections", "article_title", "ranking",
                "article"} & set(overview)
    assert overview["documents"] == everything["total"] and overview["kinds"] == everything["facets"]["kind"]
    years = sorted(everything["facets"]["year"])
    assert overview["years"] == {"first": years[0], "last": years[-1]}


def test_the_configured_origin_may_read_the_api(port, origin):
    status, _, headers = get(port, f"/api/search?q={quote('公积金')}", {"Origin": origin})
    assert status == 200 and headers["access-control-allow-origin"] == origin
    assert "Origin" in headers["vary"] and "ETag" in headers["access-control-expose-headers"]
    status, _, headers = get(port, "/api/search?q=x", {"Origin": f"{origin}.evil.com"})
    assert status == 200 and "access-control-allow-origin" not in headers


def test_a_preflight_is_answered_for_the_configured_origin_only(port, origin):
    asking = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "if-none-match"}
    status, _, headers = get_options(port, "/api/search?q=x", {"Origin": origin, **asking})
    assert status == 200 and headers["access-control-allow-origin"] == origin
    methods = headers["access-control-allow-methods"]
    assert "GET" in methods and "POST" not in methods
    assert "if-none-match" in headers["access-control-allow-headers"].lower()
    assert get_options(port, "/api/search?q=x", {"Origin": "https://other.example", **asking})[0] == 405
    for refused in ("/api/admin/popular", "/?q=x"):  # not the admin endpoints, nor the pages
        status, _, headers = get_options(port, refused, {"Origin": origin, **asking})
        assert status in (404, 405) and "access-control-allow-origin" not in headers


def get_options(port: int, path: str, headers: dict) -> tuple[int, bytes, dict]:
    status, body, raw = request(port, path, method="OPTIONS", headers=headers)
    return status, body, {name.lower(): value for name, value in raw.items()}


@pytest.mark.parametrize("origins", ["*", "https://*.gov.cn", "https://www.example.gov.cn/x", "www.gov.cn"])
def test_only_exact_origins_are_accepted(gov_index: Path, origins):
    with pytest.raises(ConfigError, match="EGOV_CORS_ORIGINS"):
        create_app({"TESTING": True, "INDEX": str(gov_index), "CORS_ORIGINS": origins})


@pytest.mark.parametrize("encoding", [None, "gzip"])
def test_a_repeated_get_is_304_on_its_etag(port, encoding):
    asked = {"Accept-Encoding": encoding} if encoding else {}
    path = f"/api/search?q={quote('公积金')}&limit=50"
    status, _, headers = get(port, path, asked)
    assert status == 200 and headers["etag"].startswith('W/"')
    assert headers["cache-control"] == "public, max-age=60"
    assert (headers.get("content-encoding") == "gzip") == (encoding == "gzip")
    status, again, renewed = get(port, path, {**asked, "If-None-Match": headers["etag"]})
    assert status == 304 and again is None and renewed["etag"] == headers["etag"]
    assert get(port, path.replace("limit=50", "limit=49"))[2]["etag"] != headers["etag"]
    assert request(port, path, headers={"If-None-Match": 'W/"other"'})[0] == 200


def test_health_and_admin_answers_are_never_cached(port):
    _, _, headers = get(port, "/healthz")
    assert headers["cache-control"] == "no-store" and "etag" not in headers


def test_the_etag_changes_with_the_index_generation(index_dir: Path, tmp_path: Path):
    shutil.copytree(index_dir, tmp_path / "ix", symlinks=True)
    with running_server(tmp_path / "ix", tmp_path / "serve.log", workers=1) as server:
        path = f"/api/search?q={quote('华宇')}"
        _, before, headers = get(server["port"], path)
        corpus = tmp_path / "one.jsonl"
        record = {"id": "n1", "title": "华宇新闻", "body": "政务"}
        corpus.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
        build_index([corpus], tmp_path / "ix")
        status, after, renewed = get(server["port"], path, {"If-None-Match": headers["etag"]})
        assert status == 200 and renewed["etag"] != headers["etag"]
        assert before["hits"][0]["id"] == "vendor-10" and after["hits"][0]["id"] == "n1"


def test_the_etag_changes_when_an_editor_pins_an_answer(index_dir: Path, tmp_path: Path):
    # a pin changes the answer without a new generation: a 304 would keep the stale one
    shutil.copytree(index_dir, tmp_path / "ix", symlinks=True)
    with running_server(tmp_path / "ix", tmp_path / "serve.log", workers=1) as server:
        path = f"/api/search?q={quote('华宇')}"
        _, before, headers = get(server["port"], path)
        pinned = CliRunner().invoke(main, ["pins", "add", "华宇", "--doc", "vendor-10", "--index",
                                           str(tmp_path / "ix")])
        assert pinned.exit_code == 0, pinned.output
        status, after, renewed = get(server["port"], path, {"If-None-Match": headers["etag"]})
        assert status == 200 and renewed["etag"] != headers["etag"]
        assert before["pinned"] == [] and [pin["doc_id"] for pin in after["pinned"]] == ["vendor-10"]
