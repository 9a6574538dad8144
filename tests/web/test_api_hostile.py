"""Hostile HTTP input: every answer is a 200 or a 4xx JSON with a message, never a 5xx."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from live_server import request, running_server

ANY_CHAR = st.characters(exclude_categories=())  # surrogates and control characters too
PATH_TRICKS = ["../", "..%2f", "%2e%2e", "%2e%2e%2f", "..%2F..%2Fetc%2Fpasswd", "vendor-1/../vendor-2",
               "%2fetc%2fpasswd", "%00", "vendor-1%00", "%ff%fe", "%ed%a0%80", "%c0%ae%c0%ae", "%",
               "%zz", "..", ".", "~", "vendor-1;x", "%e2%80%ae"]
NUMBERS = ["0", "-1", "1", "2", "1000000000", str(10**30), "-" + str(10**30), "abc", "", " ", "1e3",
           "0x10", "１", "٣", "1.5", "%00", "%ff", "+5", "--1"]
OPERATORS = ["AND", "OR", "NOT", "-", "*", "kind:", "rank:abc", "rank:", '"', "“", "「", "(", "]"]


def _percent(data: bytes) -> str:
    """Every byte percent-encoded, so invalid UTF-8 reaches the server as sent."""
    return "".join(f"%{byte:02X}" for byte in data)


TEXT = st.one_of(
    st.binary(max_size=60).map(_percent),  # arbitrary bytes, mostly invalid UTF-8
    st.text(ANY_CHAR, max_size=60).map(lambda text: _percent(text.encode("utf-8", "surrogatepass"))),
    st.lists(st.sampled_from(OPERATORS + ["华宇", "<script>", "云"]), max_size=6)
    .map(lambda words: quote(" ".join(words))),
    st.integers(300, 120_000).map(lambda n: "%E5%8D%8E" * (n // 3)),  # 华 × n: past the cap
    st.sampled_from(PATH_TRICKS),
)
NUMBER = st.one_of(st.sampled_from(NUMBERS), st.integers(-(10**20), 10**20).map(str)).map(
    lambda value: quote(value, safe="%+"))
ENDPOINT = st.sampled_from(["/api/search", "/api/suggest"])
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def assert_answered(status: int, body: bytes, headers: dict) -> None:
    """A 200 with JSON, or a 4xx JSON whose ``error`` says what is wrong, with a code."""
    assert status < 500, body[:300]
    assert headers.get("Content-Type", "").startswith("application/json"), (status, body[:300])
    data = json.loads(body)
    if status >= 400:
        assert set(data["error"]) == {"code", "param", "message"} and len(data["error"]["message"]) > 3


def _query_path(endpoint: str, q: str, page: str | None, limit: str | None, kind: str | None) -> str:
    params = [f"q={q}"]
    params += [f"{name}={value}" for name, value in
               (("page", page), ("limit", limit), ("kind", kind)) if value is not None]
    return f"{endpoint}?{'&'.join(params)}"


@pytest.fixture(scope="module")
def port(index_dir, tmp_path_factory):
    """A live ``egov-search serve`` over the seed index."""
    with running_server(index_dir, tmp_path_factory.mktemp("hostile") / "serve.log") as server:
        yield server["port"]


@SETTINGS
@given(ENDPOINT, TEXT, st.none() | NUMBER, st.none() | NUMBER, st.none() | TEXT)
@example("/api/search", "%ED%A0%80", "-1", "0", None)
@example("/api/search", "AND%20OR%20NOT", str(10**9), "abc", "vendor")
@example("/api/suggest", "%FF", None, "1000000000", None)
def test_flask_app_answers_hostile_queries(client, endpoint, q, page, limit, kind):
    response = client.get(_query_path(endpoint, q, page, limit, kind))
    assert_answered(response.status_code, response.data, response.headers)


@SETTINGS
@given(st.one_of(TEXT, st.lists(st.sampled_from(PATH_TRICKS), min_size=1, max_size=4).map("".join)))
def test_flask_app_answers_hostile_document_ids(client, doc_id):
    response = client.get(f"/api/documents/{doc_id}")
    assert_answered(response.status_code, response.data, response.headers)
    assert response.status_code in (200, 400, 404)


@settings(SETTINGS, max_examples=60)
@given(ENDPOINT, TEXT, st.none() | NUMBER, st.none() | NUMBER, st.none() | TEXT)
def test_live_server_answers_hostile_queries(port, endpoint, q, page, limit, kind):
    assert_answered(*request(port, _query_path(endpoint, q, page, limit, kind)))


@pytest.mark.parametrize("doc_id", PATH_TRICKS)
def test_live_server_answers_path_tricks(port, doc_id):
    status, body, headers = request(port, f"/api/documents/{doc_id}")
    assert_answered(status, body, headers)
    assert status in (400, 404)


def test_100000_character_query_over_the_wire_is_cut_with_a_notice(port):
    status, body, _ = request(port, "/api/search?q=" + "%E5%8D%8E%E5%AE%87+" * 33_334)
    data = json.loads(body)
    assert status == 200 and data["total"] >= 1
    assert any(notice["code"] == "query_truncated" and "256" in notice["message"]
               for notice in data["notices"])
