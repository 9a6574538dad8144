"""The OpenAPI description at /api/openapi.json, read from a real server: valid OpenAPI 3.1
(openapi-spec-validator), the app's routes exactly, every parameter it lists checked as it
says, and real answers that fit their schemas (openapi-schema-validator)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from live_server import request
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from openapi_spec_validator import validate

from webui import create_app

RULE_ARGUMENT = re.compile(r"<(?:[^>]*:)?(\w+)>")  # <docid:doc_id> → {doc_id}
BAD_VALUES = {"integer": "x1", "date": "2021-02-30", "enum": "not-one-of-them", "pattern": "abcd"}


def get(port: int, path: str) -> tuple[int, dict]:
    status, body, _ = request(port, path)
    return status, json.loads(body)


@pytest.fixture(scope="module")
def spec(api_server) -> dict:
    status, described = get(api_server["port"], "/api/openapi.json")
    assert status == 200
    return described


def test_the_description_is_valid_openapi_3_1(spec):
    validate(spec)  # raises on anything OpenAPI 3.1 does not allow
    assert spec["openapi"] == "3.1.0"


def routes(app) -> set[tuple[str, str]]:
    """The app's API routes as (OpenAPI path, method)."""
    return {(RULE_ARGUMENT.sub(r"{\1}", rule.rule), method.lower())
            for rule in app.url_map.iter_rules() if rule.rule.startswith(("/api", "/healthz"))
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def described(spec: dict) -> set[tuple[str, str]]:
    return {(path, method) for path, operations in spec["paths"].items() for method in operations}


def test_it_describes_every_api_route_and_nothing_else(spec, gov_index: Path):
    app = create_app({"TESTING": True, "INDEX": str(gov_index), "QUERY_LOG": "0"})
    assert described(spec) == routes(app) and ("/api/search", "get") in routes(app)


def test_with_an_admin_token_it_describes_the_admin_endpoints_too(gov_index: Path):
    app = create_app({"TESTING": True, "INDEX": str(gov_index), "QUERY_LOG": "0", "ADMIN_TOKEN": "t"})
    spec = app.test_client().get("/api/openapi.json").get_json()
    validate(spec)
    assert described(spec) == routes(app) and ("/api/admin/rebuild", "post") in routes(app)
    assert spec["paths"]["/api/admin/rebuild"]["post"]["security"] == [{"admin": []}]


def test_kind_allows_the_kinds_the_index_holds(spec, api_server):
    _, found = get(api_server["port"], "/api/search?q=")
    kind = next(p for p in spec["paths"]["/api/search"]["get"]["parameters"] if p["name"] == "kind")
    allowed = sorted(kind["schema"]["items"]["enum"])
    assert allowed == sorted(found["facets"]["kind"]) == ["attachment", "page"]


def _bad_value(schema: dict) -> str | None:
    """A value the schema refuses, or None for free text."""
    schema = schema.get("items", schema)
    if "enum" in schema:
        return BAD_VALUES["enum"]
    if schema.get("format") == "date":
        return BAD_VALUES["date"]
    if "pattern" in schema:
        return BAD_VALUES["pattern"]
    return BAD_VALUES["integer"] if schema["type"] == "integer" else None


def _checked_parameters(spec: dict) -> list[tuple[str, str, str]]:
    """(path, parameter, a bad value) for every query parameter of a public GET with a form."""
    cases = []
    for path, operations in spec["paths"].items():
        operation = operations.get("get")
        if operation is None or "security" in operation:
            continue
        for parameter in operation["parameters"]:
            bad = _bad_value(parameter["schema"])
            if parameter["in"] == "query" and bad is not None:
                cases.append((path, parameter["name"], bad))
    return cases


def test_every_parameter_with_a_form_is_checked_as_described(spec, api_server):
    cases = _checked_parameters(spec)
    assert {(path, name) for path, name, _ in cases} >= {
        ("/api/search", "kind"), ("/api/search", "year"), ("/api/search", "from"), ("/api/search", "page"),
        ("/api/search", "exact"), ("/api/suggest", "limit"), ("/api/overview", "sort"),
        ("/api/documents/{doc_id}", "part"), ("/api/doc/{doc_id}", "at")}
    doc = _some_document(api_server)
    for path, name, bad in cases:
        url = path.replace("{doc_id}", doc)
        status, answer = get(api_server["port"], f"{url}?{urlencode({'q': '公积金', 'id': 'x', name: bad})}")
        assert (status, answer["error"]["param"], answer["error"]["code"]) == \
            (400, name, "invalid_parameter"), (path, name, bad)


def _some_document(server) -> str:
    _, found = get(server["port"], f"/api/search?q={quote('公积金')}&limit=1")
    return quote(found["hits"][0]["id"], safe="/")


def _schema_of(spec: dict, path: str, status: int) -> dict:
    """The described schema of ``path``'s answer with ``status``, refs resolvable."""
    answer = spec["paths"][path]["get"]["responses"][str(status)]
    return {**answer["content"]["application/json"]["schema"], "components": spec["components"]}


def test_real_answers_fit_their_schemas(spec, api_server):
    port, doc = api_server["port"], _some_document(api_server)
    question = quote("租房能取公积金吗")
    cases = [
        ("/api", "/api", 200), ("/api/openapi.json", "/api/openapi.json", 200),
        ("/api/search", f"/api/search?q={question}", 200),
        ("/api/search", f"/api/search?q={quote('公积金')}&kind=page&year=2023&limit=2&page=2", 200),
        ("/api/search", f"/api/search?q={quote('公积金 提取 量子纠缠')}", 200),
        ("/api/search", "/api/search?q=x&kind=foo", 400), ("/api/search", "/api/search", 400),
        ("/api/suggest", f"/api/suggest?q={quote('公积')}", 200),
        ("/api/documents/{doc_id}", f"/api/documents/{doc}", 200),
        ("/api/documents/{doc_id}", "/api/documents/nothing-here", 404),
        ("/api/doc/{doc_id}", f"/api/doc/{doc}?q={quote('公积金')}", 200),
        ("/api/related", f"/api/related?id={doc}", 200),
        ("/api/overview", "/api/overview", 200), ("/healthz", "/healthz", 200),
    ]
    for path, url, expected in cases:
        status, answer = get(port, url)
        assert status == expected, (url, answer)
        errors = list(OAS31Validator(_schema_of(spec, path, status),
                                     format_checker=oas31_format_checker).iter_errors(answer))
        assert not errors, (url, [error.message for error in errors][:3])
