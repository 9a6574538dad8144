"""The JSON API through the Flask test client: the contract, every route, every error."""

from __future__ import annotations

import json
import shutil
import urllib.parse

import pytest

from indexer import build_index
from webui import create_app

CONTRACT = {"query", "total", "page", "limit", "took_ms", "hits", "facets", "suggestion"}
HIT_KEYS = {"id", "kind", "title", "rank", "score", "snippet_html", "url", "doc_url"}
# ids with a "." or ".." segment are refused at build time (browsers resolve them away)
ODD_IDS = ["man/zh_CN/ls.1#2", "a b/中文?x=1&y=2", "..etc/.passwd", "<script>x</script>", "/abs//x/", "100%"]


def get_json(client, url, status=200, **params):
    response = client.get(url, query_string=params or None)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def test_search_follows_the_contract(client):
    data = get_json(client, "/api/search", q="華宇")
    assert CONTRACT <= set(data)
    assert (data["query"], data["page"], data["limit"]) == ("華宇", 1, 10)
    assert data["suggestion"] is None and data["took_ms"] >= 0
    hit = data["hits"][0]
    assert HIT_KEYS <= set(hit)
    assert (hit["id"], hit["kind"], hit["title"], hit["rank"]) == ("vendor-10", "vendor", "华宇软件", 10)
    assert hit["doc_url"] == "/doc/vendor-10?q=%E8%8F%AF%E5%AE%87"
    assert "<mark>" in hit["title_html"]


def test_search_counts_facets_and_ranks(client):
    data = get_json(client, "/api/search", q="政务", limit=100)
    assert data["total"] == len(data["hits"]) == sum(data["facets"]["kind"].values())
    for hit in data["hits"]:
        assert (hit["rank"] is None) == (hit["kind"] == "section")


def test_kind_filter_keeps_all_facets(client):
    everything = get_json(client, "/api/search", q="政务")
    vendors = get_json(client, "/api/search", q="政务", kind="vendor")
    assert {hit["kind"] for hit in vendors["hits"]} == {"vendor"}
    assert vendors["total"] == everything["facets"]["kind"]["vendor"]
    assert vendors["facets"] == everything["facets"]


def test_pages_are_disjoint_and_a_page_past_the_end_is_empty(client):
    first = get_json(client, "/api/search", q="服务", limit=5)
    second = get_json(client, "/api/search", q="服务", limit=5, page=2)
    assert len(first["hits"]) == len(second["hits"]) == 5
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}
    beyond = get_json(client, "/api/search", q="服务", limit=5, page=1000)
    assert beyond["hits"] == [] and beyond["total"] == first["total"] and beyond["page"] == 1000


def test_limit_bounds(client):
    assert len(get_json(client, "/api/search", q="服务", limit=1)["hits"]) == 1
    assert len(get_json(client, "/api/search", q="服务", limit=100)["hits"]) == \
        get_json(client, "/api/search", q="服务")["total"]


@pytest.mark.parametrize("name, value", [
    ("limit", "0"), ("limit", "-1"), ("limit", str(10**9)), ("limit", "abc"), ("limit", "101"),
    ("limit", "1.5"), ("page", "0"), ("page", "-1"), ("page", "abc"), ("page", str(10**9)),
    ("page", "9" * 5000), ("kind", "<script>"), ("kind", "a" * 65),
])
def test_invalid_parameters_are_a_clear_400(client, name, value):
    error = get_json(client, "/api/search", 400, q="华宇", **{name: value})["error"]
    assert (error["code"], error["param"]) == ("invalid_parameter", name) and name in error["message"]
    assert any("\u4e00" <= char <= "\u9fff" for char in error["message"])  # in Chinese


def test_missing_query_is_400(client):
    assert get_json(client, "/api/search", 400)["error"]["param"] == "q"
    assert get_json(client, "/api/suggest", 400)["error"]["param"] == "q"


@pytest.mark.parametrize("q", ["", "\x00", "%ff", "AND OR NOT", '"', "kind:", "rank:abc", "-", "*",
                               "\ufffd" * 3, "𠀀𪚥", "../../etc"])
def test_odd_queries_answer_200(client, q):
    assert get_json(client, "/api/search", q=q)["total"] >= 0


def test_invalid_utf8_in_the_url_is_not_an_error(client):
    response = client.get("/api/search?q=%ff%fe%ed%a0%80")
    assert response.status_code == 200 and response.get_json()["total"] >= 0


def test_long_query_is_truncated_with_a_notice(client):
    data = get_json(client, "/api/search", q="华" * 100_000)
    assert len(data["query"]) == 256 and data["notices"]


def test_any_term_fallback_is_reported(client):
    data = get_json(client, "/api/search", q="华宇 量子纠缠")
    assert data["mode"] == "any" and data["notices"] and data["hits"][0]["title"] == "华宇软件"


def test_corrected_query_links_documents_with_the_correction(client):
    data = get_json(client, "/api/search", q="华雨软件")
    assert data["mode"] == "corrected"
    assert data["suggestion"] == "华宇软件" and data["notices"]
    corrected = urllib.parse.quote(data["suggestion"])
    assert data["hits"] and all(hit["doc_url"].endswith(f"?q={corrected}") for hit in data["hits"])


def test_suggest(client):
    data = get_json(client, "/api/suggest", q="华")
    assert data["query"] == "华" and data["suggestions"][:2] == ["华云数据", "华宇软件"]
    assert len(data["suggestions"]) <= 8
    assert len(get_json(client, "/api/suggest", q="数", limit=3)["suggestions"]) == 3
    assert get_json(client, "/api/suggest", q="")["suggestions"] == []
    assert get_json(client, "/api/suggest", 400, q="数", limit=9)["error"]["param"] == "limit"


def test_document(client):
    answer = get_json(client, "/api/documents/vendor-49")
    doc = answer["document"]
    assert {k: doc[k] for k in ("id", "kind", "title", "rank")} == \
        {"id": "vendor-49", "kind": "vendor", "title": "联科集团", "rank": 49}
    assert answer["body"] and doc["source"] == "&eNet研究院" and "body" not in doc


@pytest.mark.parametrize("doc_id", ["nope", "vendor-999", "../vendor-1", "%2e%2e/vendor-1", "vendor-1/"])
def test_unknown_document_is_404_json(client, doc_id):
    assert "error" in get_json(client, f"/api/documents/{doc_id}", 404)


def test_related_finds_mentions_and_similar_documents(client):
    vendor = get_json(client, "/api/search", q="神州数码", kind="vendor")["hits"][0]
    related = get_json(client, "/api/related", id=vendor["id"])
    assert [hit["title"] for hit in related["mentions"]] == \
        ["案例三 北京地坛医院、神州数码：“新冠病毒应急存储系统”"]
    shown = {hit["id"] for hit in related["similar"]}
    assert shown and vendor["id"] not in shown and related["mentions"][0]["id"] not in shown
    assert HIT_KEYS <= set(related["similar"][0])
    section = get_json(client, "/api/related", id="section-4")
    assert section["mentions"] == [] and section["similar"][0]["title"] == "神州数码"


def test_related_errors(client):
    assert get_json(client, "/api/related", 400)["error"]["param"] == "id"
    assert "error" in get_json(client, "/api/related", 404, id="nope")


def test_overview_sorts_the_ranking(client):
    by_rank = get_json(client, "/api/overview")
    assert [v["rank"] for v in by_rank["ranking"]["items"]] == list(range(1, 51))
    assert by_rank["documents"] == 57 and by_rank["ranking"]["title"] == "2020电子政务提供商50强"
    assert [s["id"] for s in by_rank["article"]["sections"]] == [f"section-{n}" for n in range(1, 8)]
    reverse = get_json(client, "/api/overview", sort="-rank")
    assert [v["rank"] for v in reverse["ranking"]["items"]] == list(range(50, 0, -1))
    names = [v["title"] for v in get_json(client, "/api/overview", sort="name")["ranking"]["items"]]
    assert names[0] == "安元科技" and names.index("华宇软件") < names.index("浪潮软件") < names.index("用友")
    assert get_json(client, "/api/overview", 400, sort="bogus")["error"]["param"] == "sort"


def test_api_root_lists_the_endpoints(client):
    root = get_json(client, "/api")
    assert "/api/search" in root["endpoints"] and all(root["endpoints"].values())
    assert root["openapi"] == "/api/openapi.json" and get_json(client, root["openapi"])["paths"]


def test_healthz(client):
    assert get_json(client, "/healthz") == {"status": "ok", "documents": 57}


@pytest.mark.parametrize("url", ["/api/nope", "/api/search/extra", "/api/", "/healthz/x"])
def test_unknown_api_route_is_404_json(client, url):
    assert get_json(client, url, 404)["error"]["code"] == "not_found"


def test_wrong_method_is_405_json(client):
    response = client.post("/api/search", data={"q": "华宇"})
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_unexpected_error_is_500_json_without_traceback(app):
    def broken():
        raise RuntimeError("secret detail")

    app.add_url_rule("/api/broken", view_func=broken)
    response = app.test_client().get("/api/broken")
    assert response.status_code == 500
    assert "secret" not in response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "internal_error"


@pytest.mark.parametrize("url", ["/api/search?q=华宇", "/api/suggest?q=华", "/api/documents/vendor-1",
                                 "/api/overview", "/api/related?id=vendor-1", "/healthz"])
def test_missing_index_is_503_json_naming_the_fix(tmp_path, url):
    client = create_app({"TESTING": True, "INDEX": str(tmp_path / "none")}).test_client()
    data = get_json(client, url, 503)
    assert "egov-search build" in data["error"]["message"] and str(tmp_path) not in json.dumps(data)


def test_damaged_index_is_503_json(tmp_path):
    build_index(index_dir=tmp_path)
    generation = (tmp_path / "current").resolve()
    for segment in generation.glob("*.seg"):
        segment.write_bytes(b"garbage")
    for toc in generation.glob("*.toc"):
        toc.write_bytes(b"garbage")
    client = create_app({"TESTING": True, "INDEX": str(tmp_path)}).test_client()
    assert "egov-search build" in get_json(client, "/api/search", 503, q="华宇")["error"]["message"]


def test_index_deleted_under_a_running_app_is_503(tmp_path):
    build_index(index_dir=tmp_path)
    client = create_app({"TESTING": True, "INDEX": str(tmp_path)}).test_client()
    assert get_json(client, "/healthz")["documents"] == 57
    shutil.rmtree(tmp_path)
    assert "error" in get_json(client, "/healthz", 503)


def test_one_engine_serves_every_request(app):
    client = app.test_client()
    assert app.extensions["egov_search"] is None  # opened lazily, on the first request
    get_json(client, "/api/search", q="华宇")
    engine = app.extensions["egov_search"]
    get_json(client, "/api/suggest", q="华")
    client.get("/doc/vendor-1")
    assert engine is not None and app.extensions["egov_search"] is engine


def test_a_rebuild_is_seen_without_restart(tmp_path):
    index = tmp_path / "ix"
    build_index(index_dir=index)
    client = create_app({"TESTING": True, "INDEX": str(index)}).test_client()
    assert get_json(client, "/api/search", q="量子纠缠")["total"] == 0
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text(json.dumps({"id": "q1", "title": "量子纠缠通信网络", "body": "政务外网"},
                                 ensure_ascii=False) + "\n", encoding="utf-8")
    build_index([corpus], index)
    assert get_json(client, "/api/search", q="量子纠缠")["hits"][0]["id"] == "q1"
    assert get_json(client, "/healthz")["documents"] == 1


@pytest.fixture(scope="module")
def odd_client(tmp_path_factory):
    """An app over a collection whose ids hold slashes, spaces, queries and markup."""
    folder = tmp_path_factory.mktemp("odd")
    corpus = folder / "odd.jsonl"
    corpus.write_text("".join(
        json.dumps({"id": doc_id, "title": f"手册 {n} <b>粗体</b>", "body": "列出目录内容 ls 命令"},
                   ensure_ascii=False) + "\n" for n, doc_id in enumerate(ODD_IDS)), encoding="utf-8")
    build_index([corpus], folder / "ix")
    return create_app({"TESTING": True, "INDEX": str(folder / "ix")}).test_client()


def test_ids_with_slashes_and_symbols_round_trip_through_urls(odd_client):
    hits = get_json(odd_client, "/api/search", q="目录", limit=100)["hits"]
    assert sorted(hit["id"] for hit in hits) == sorted(ODD_IDS)
    for hit in hits:
        page = odd_client.get(hit["doc_url"])
        assert page.status_code == 200, hit["doc_url"]
        api_url = hit["doc_url"].split("?")[0].replace("/doc/", "/api/documents/", 1)
        assert get_json(odd_client, api_url)["document"]["id"] == hit["id"]


def test_a_question_is_answered_with_a_passage_unless_turned_off(gov_client):
    found = gov_client.get("/api/search?q=租房能取公积金吗").get_json()
    answer = found["answer"]
    assert answer["doc_id"] == found["hits"][0]["id"] and answer["text"]
    assert set(answer) >= {"text", "doc_id", "start", "end", "title", "doc_url"}
    body = gov_client.get(f"/api/documents/{answer['doc_id']}").get_json()["body"]
    assert body[answer["start"]:answer["end"]] == answer["text"]
    page = gov_client.get(answer["doc_url"]).get_data(as_text=True)
    assert 'id="answer"' in page
    assert gov_client.get("/api/search?q=租房能取公积金吗&answer=0").get_json()["answer"] is None
    assert gov_client.get("/api/search?q=公积金 提取").get_json()["answer"] is None
