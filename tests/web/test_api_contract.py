"""The API as the README says: methods, filter values normalised and checked like the query,
errors with a stable code and the parameter at fault, documents sent a part at a time, and a
URL full of parameters refused before any work."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from live_server import request

from indexer import SearchEngine
from webui import MAX_PARAMETERS, create_app
from webui.parts import PART_CHARS

PAGES = ["/", "/?q=公积金", "/doc/vendor-1", "/api/search?q=公积金", "/api/documents/vendor-1", "/healthz"]


@pytest.mark.parametrize("url", PAGES)
def test_head_is_answered_without_a_body(client, url):
    response = client.head(url)
    assert response.status_code == 200 and response.data == b""


@pytest.mark.parametrize("method", ["OPTIONS", "PUT", "DELETE", "PATCH", "TRACE", "POST"])
@pytest.mark.parametrize("url", ["/", "/api/search?q=x", "/doc/vendor-1"])
def test_other_methods_are_405_with_allow(client, method, url):
    response = client.open(url, method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD"}
    if url.startswith("/api/"):
        assert response.get_json()["error"]["code"] == "method_not_allowed"


@pytest.fixture
def gov_api(gov_index: Path):
    return create_app({"TESTING": True, "INDEX": str(gov_index), "QUERY_LOG": "0"}).test_client()


def total(client, url: str) -> int:
    answer = client.get(url)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["total"]


def test_facet_filter_values_are_normalised_like_the_query(gov_api):
    simplified = total(gov_api, "/api/search?q=&publisher=" + quote("南京住房公积金管理中心"))
    assert simplified > 0
    assert total(gov_api, "/api/search?q=&publisher=" + quote("南京住房公積金管理中心")) == simplified
    assert total(gov_api, "/api/search?q=&publisher=" + quote(" 南京住房公积金管理中心 ")) == simplified


def test_kind_is_found_however_it_is_written(gov_api):
    pages = total(gov_api, "/api/search?q=公积金&kind=page")
    assert pages > 0
    assert total(gov_api, "/api/search?q=公积金&kind=PAGE") == pages
    assert total(gov_api, "/api/search?q=" + quote("公积金 kind:ＰＡＧＥ")) == pages
    assert total(gov_api, "/api/search?q=" + quote("公积金 kind:page")) == pages


@pytest.mark.parametrize(("url", "param", "code"), [
    ("/api/search?q=x&year=abc", "year", "invalid_parameter"),
    ("/api/search?q=x&year=20211", "year", "invalid_parameter"),
    ("/api/search?q=x&limit=0", "limit", "invalid_parameter"),
    ("/api/search?q=x&from=2021-02-30", "from", "invalid_parameter"),
    ("/api/search?q=x&sort=up", "sort", "invalid_parameter"),
    ("/api/search?q=x&kind=a%20b", "kind", "invalid_parameter"),
    ("/api/search?q=x&" + "&".join(["topic=t"] * 21), "topic", "too_many_values"),
    ("/api/search", "q", "missing_parameter"),
    ("/api/related", "id", "missing_parameter"),
    ("/api/documents/vendor-1?part=2", "part", "invalid_parameter"),
])
def test_a_bad_parameter_is_a_400_naming_it(client, url, param, code):
    response = client.get(url)
    error = response.get_json()["error"]
    assert response.status_code == 400 and (error["param"], error["code"]) == (param, code)
    assert param in error["message"] and any("\u4e00" <= char <= "\u9fff" for char in error["message"])


def test_a_full_width_year_is_a_year(client):
    assert client.get("/api/search?q=&year=" + quote("２０２１")).status_code == 200


def test_errors_without_a_parameter_carry_a_code(client):
    answer = client.get("/api/nothing-here")
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found"
    assert answer.get_json()["error"]["param"] is None


@pytest.fixture
def large_api(large_index: Path):
    return create_app({"TESTING": True, "INDEX": str(large_index), "QUERY_LOG": "0"}).test_client()


def test_a_large_document_is_sent_a_part_at_a_time(large_api):
    first = large_api.get("/api/documents/large-1")
    answer = first.get_json()
    part = answer["part"]
    assert answer["document"]["id"] == "large-1" and "body" not in answer["document"]
    assert part["number"] == 1 and part["chars"] > 1_000_000 and part["of"] > part["chars"] // PART_CHARS
    assert len(answer["body"]) <= PART_CHARS and len(first.data) < 200_000  # one part, not 1 MB
    assert part["previous"] is None and part["next"] == "/api/documents/large-1?part=2"
    last = large_api.get(f"/api/documents/large-1?part={part['of']}").get_json()["part"]
    assert last["next"] is None and last["end"] == part["chars"]
    assert large_api.get(f"/api/documents/large-1?part={part['of'] + 1}").status_code == 400


def test_a_url_full_of_parameters_is_refused_before_any_work(client, monkeypatch):
    searched = []
    real = SearchEngine.search
    monkeypatch.setattr(SearchEngine, "search",
                        lambda self, *args, **kwargs: searched.append(args) or real(self, *args, **kwargs))
    flood = "&".join(f"p{n}=v" for n in range(100_000))
    for url in ("/api/search?q=华宇&", "/?q=华宇&", "/doc/vendor-1?"):
        response = client.get(url + flood)
        assert response.status_code == 400
    assert response.status_code == 400 and searched == []
    assert client.get("/api/search?q=华宇&" + flood).get_json()["error"]["code"] == "too_many_parameters"
    assert client.get("/api/search?q=华宇&" + "&".join(["x=1"] * (MAX_PARAMETERS - 2))).status_code == 200


def test_a_megabyte_url_over_the_wire_is_a_json_400(live_server):
    status, body, headers = request(live_server["port"], "/api/search?q=x&" + "&".join(["u=1"] * 200_000))
    assert status == 400 and b"too_many_parameters" in body
