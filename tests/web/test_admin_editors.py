"""The editors' admin API: pins and validity with the admin token, shown by the next search of
the same app (no rebuild); bad input a 400 with a code, a parameter and a message."""

from __future__ import annotations

import shutil

import pytest

from webui import create_app

TOKEN = "editors-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(index_dir, tmp_path):
    """The app over a private copy of the seed index, with an admin token."""
    shutil.copytree(index_dir, tmp_path / "ix", symlinks=True)
    app = create_app({"TESTING": True, "INDEX": str(tmp_path / "ix"), "ADMIN_TOKEN": TOKEN,
                      "QUERY_LOG": str(tmp_path / "q.sqlite3")})
    return app.test_client()


def test_a_pin_is_added_shown_listed_and_removed(client):
    assert client.get("/api/search?q=华宇").get_json()["pinned"] == []
    made = client.post("/api/admin/pins", json={"query": "华宇", "doc_id": "vendor-10"}, headers=AUTH)
    assert made.status_code == 201
    number = made.get_json()["pin"]["id"]
    [pinned] = client.get("/api/search?q=華宇").get_json()["pinned"]
    assert pinned["doc_id"] == "vendor-10" and pinned["doc_url"].startswith("/doc/vendor-10")
    assert client.get("/api/admin/pins", headers=AUTH).get_json()["pins"][0]["shown"] is True
    assert client.delete(f"/api/admin/pins/{number}", headers=AUTH).status_code == 200
    assert client.get("/api/search?q=华宇").get_json()["pinned"] == []
    assert client.delete(f"/api/admin/pins/{number}", headers=AUTH).status_code == 404


def test_an_outside_link_is_pinned_to_queries_holding_a_term(client):
    link = {"query": "软件", "match": "contains", "title": "软件企业认定网上办理",
            "url": "https://zwfw.example.gov.cn/rd", "description": "在线提交材料"}
    assert client.post("/api/admin/pins", json=link, headers=AUTH).status_code == 201
    [pinned] = client.get("/api/search?q=软件公司排名").get_json()["pinned"]
    assert pinned["url"] == link["url"] and pinned["doc_url"] is None
    assert client.get("/api/search?q=软件公司排名&page=2").get_json()["pinned"] == []


@pytest.mark.parametrize(("body", "param"), [
    ({"query": "", "doc_id": "vendor-10"}, "query"),
    ({"query": "华宇", "doc_id": "no-such-doc"}, "doc_id"),
    ({"query": "华宇", "title": "办理"}, "url"),
    ({"query": "华宇", "title": "办理", "url": "javascript:alert(1)"}, "url"),
    ({"query": "华宇", "doc_id": "vendor-10", "match": "regex"}, "match"),
    ({"query": "华宇", "doc_id": "vendor-10", "starts": "2024-13-01"}, "starts"),
    ({"query": "华宇", "doc_id": "vendor-10", "starts": "2024-03-01", "expires": "2024-01-01"}, "expires"),
    ({"query": ["华宇"], "doc_id": "vendor-10"}, "query"),
])
def test_a_bad_pin_is_a_400_naming_the_parameter(client, body, param):
    response = client.post("/api/admin/pins", json=body, headers=AUTH)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["param"] == param and error["code"] and error["message"]
    assert client.get("/api/admin/pins", headers=AUTH).get_json()["pins"] == []


def test_a_body_that_is_not_an_object_is_a_400(client):
    response = client.post("/api/admin/pins", data="[1, 2]", content_type="application/json", headers=AUTH)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_body"


@pytest.mark.parametrize(("method", "path"), [("GET", "/api/admin/pins"), ("POST", "/api/admin/pins"),
                                              ("DELETE", "/api/admin/pins/1"), ("GET", "/api/admin/validity"),
                                              ("PUT", "/api/admin/validity/vendor-10")])
def test_every_editors_endpoint_needs_the_token(client, method, path):
    body = {"query": "华宇", "doc_id": "vendor-10", "value": "已废止"}
    response = client.open(path, method=method, json=body)
    assert response.status_code == 401
    assert client.get("/api/doc/vendor-10").get_json()["document"]["validity"] is None


def test_validity_set_shown_and_cleared(client):
    set_ = client.put("/api/admin/validity/vendor-10", json={"value": "已废止"}, headers=AUTH)
    assert set_.status_code == 200 and set_.get_json()["validity"] == "已废止"
    assert client.get("/api/doc/vendor-10").get_json()["document"]["validity"] == "已废止"
    found = client.get("/api/search?q=华宇&validity=已废止").get_json()
    assert [hit["id"] for hit in found["hits"]] == ["vendor-10"]
    assert found["facets"]["validity"] == {"已废止": 1}
    assert client.get("/api/admin/validity", headers=AUTH).get_json()["set"] == {"vendor-10": "已废止"}
    assert client.delete("/api/admin/validity/vendor-10", headers=AUTH).get_json()["validity"] is None
    assert client.get("/api/search?q=华宇&validity=已废止").get_json()["hits"] == []


@pytest.mark.parametrize(("path", "body", "status"), [
    ("/api/admin/validity/vendor-10", {"value": "差不多"}, 400),
    ("/api/admin/validity/vendor-10", {"value": 3}, 400),
    ("/api/admin/validity/no-such-doc", {"value": "已废止"}, 404),
])
def test_a_bad_validity_is_refused(client, path, body, status):
    response = client.put(path, json=body, headers=AUTH)
    assert response.status_code == status and response.get_json()["error"]["message"]
    assert client.get("/api/admin/validity", headers=AUTH).get_json()["set"] == {}


def test_a_validity_filter_outside_the_four_values_is_a_400(client):
    response = client.get("/api/search?q=华宇&validity=差不多")
    assert response.status_code == 400 and response.get_json()["error"]["code"]
    assert client.get("/?q=华宇&validity=差不多").status_code == 400
    assert client.get("/api/search?q=华宇&validity=废止").status_code == 200  # read as 已废止
