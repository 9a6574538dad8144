"""``egov-search serve`` on the OpenSearch backend answers as on the Whoosh backend: on the
seed, for every judged query, the same documents in the same order with the same totals,
marks, snippets, facets and corrections; the same completions, document pages, related
documents and home page. Both are real servers under waitress, on the same collection."""

from __future__ import annotations

import difflib
import math
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from live_server import get_json, request, running_server

QRELS = Path(__file__).parents[1] / "relevance" / "qrels.tsv"
JUDGED = sorted({line.split("\t")[0] for line in QRELS.read_text(encoding="utf-8").splitlines()[1:]
                 if line and not line.startswith("#")})
MISTYPED = ("神洲数码", "华宇软建", "只能审批", "政务 云计蒜", "华雨软件 政务")  # corrections
FILTERED = ("/api/search?q=政务&sort=-published", "/api/search?q=数据&kind=vendor",
            "/api/search?q=政务服务&in=title", "/api/search?q=云&page=2&limit=5")
PREFIXES = ("华", "工场", "電子", "qing", "zhengwu", "数字")
# Both backends score with Whoosh's BM25F, but keep a field's length in one byte, each its own
# lossy way (Whoosh's length_to_byte, Lucene's norms): the same documents, scores a little apart
# (7% at most on the seed's judged queries).
SCORE_SHARE = 0.1
SIMILAR_SHARED = 4  # of the 5 similar documents, near ties at the cut aside


@pytest.fixture(scope="module")
def ports(index_dir, built, cluster_settings, tmp_path_factory) -> tuple[int, int]:
    """A Whoosh server on the suite's seed index and an OpenSearch one on the seed's build."""
    built("egov-test-seed")
    logs = tmp_path_factory.mktemp("serve")
    clustered = {"EGOV_BACKEND": "opensearch", "EGOV_OPENSEARCH_INDEX": "egov-test-seed",
                 "EGOV_OPENSEARCH_URL": ",".join(cluster_settings.hosts),
                 "EGOV_OPENSEARCH_BUDGET": "60"}  # a busy test machine's wall clock: never out of time
    with running_server(index_dir, logs / "whoosh.log", workers=1, threads=2) as whoosh, \
            running_server(index_dir, logs / "cluster.log", env=clustered, workers=1, threads=2) as cluster:
        yield whoosh["port"], cluster["port"]


def answers(ports: tuple[int, int], path: str) -> tuple[dict, dict]:
    """The JSON of ``path`` from both servers, without timings."""
    found = []
    for port in ports:
        status, body = get_json(port, path)
        assert status == 200, (port, path, body)
        found.append(untimed(body))
    return found[0], found[1]


def untimed(value):
    """``value`` without its ``took_ms``."""
    if isinstance(value, dict):
        return {key: untimed(item) for key, item in value.items() if key != "took_ms"}
    if isinstance(value, list):
        return [untimed(item) for item in value]
    return value


def differences(left, right, where: str = "") -> list[tuple[str, object, object]]:
    """Where ``left`` and ``right`` differ: (path, left's, right's); two numbers differ if they
    are more than :data:`SCORE_SHARE` apart."""
    if isinstance(left, dict) and isinstance(right, dict):
        return [found for key in sorted(set(left) | set(right))
                for found in differences(left.get(key), right.get(key), f"{where}.{key}")]
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        return [found for number, pair in enumerate(zip(left, right, strict=True))
                for found in differences(*pair, f"{where}[{number}]")]
    if isinstance(left, float) and isinstance(right, float):
        return [] if math.isclose(left, right, rel_tol=SCORE_SHARE) else [(where, left, right)]
    return [] if left == right else [(where, left, right)]


def test_the_judged_queries_answer_the_same(ports):
    differ = []
    for q in (*JUDGED, *MISTYPED):
        whoosh, cluster = answers(ports, f"/api/search?q={quote(q)}&limit=20")
        if found := differences(whoosh, cluster):
            differ.append((q, found))
    assert not differ, differ
    assert len(JUDGED) > 100


@pytest.mark.parametrize("path", FILTERED)
def test_sorts_filters_scopes_and_pages_answer_the_same(ports, path):
    whoosh, cluster = answers(ports, quote(path, safe="/?&="))
    assert whoosh["hits"] and not differences(whoosh, cluster)


def test_corrections_are_the_same(ports):
    whoosh, cluster = answers(ports, f"/api/search?q={quote('华宇软建')}")
    assert whoosh["suggestion"] == cluster["suggestion"] == "华宇软件"


def test_completions_are_the_same(ports):
    for prefix in PREFIXES:
        whoosh, cluster = answers(ports, f"/api/suggest?q={quote(prefix)}")
        assert not differences(whoosh, cluster), prefix
    assert answers(ports, f"/api/suggest?q={quote('华')}")[1]["suggestions"]


def test_document_pages_related_documents_and_the_home_page_are_the_same(ports):
    first = answers(ports, f"/api/search?q={quote('政务云')}&limit=5")[0]["hits"]
    assert first
    for doc_id in (quote(hit["id"]) for hit in first):
        for path in (f"/api/doc/{doc_id}?q={quote('政务云')}", f"/api/related?id={doc_id}",
                     f"/api/documents/{doc_id}"):
            whoosh, cluster = answers(ports, path)
            similar = [[hit["id"] for hit in answer.pop("similar", [])] for answer in (whoosh, cluster)]
            assert not differences(whoosh, cluster), path
            assert similar[0][:3] == similar[1][:3], path  # more like this: ranked by many small scores
            assert len(set(similar[0]) & set(similar[1])) >= min(SIMILAR_SHARED, len(similar[0])), path
    assert not differences(*answers(ports, "/api/overview"))


def test_the_pages_show_the_same_results(ports):
    for path in (f"/?q={quote('华宇软件')}", f"/doc/vendor-10?q={quote('华宇软件')}", "/"):
        shown = []
        for port in ports:
            status, body, _ = request(port, path)
            assert status == 200, (port, path)
            page = body.decode("utf-8").replace(f"127.0.0.1:{port}", "HOST")  # og:url names the host,
            page = re.sub(r"([?&;]s=)\d+", r"\1S", page)  # and refinements carry the search's own id
            shown.append(page.split("（用时")[0])
        assert shown[0] == shown[1], "\n".join(difflib.unified_diff(*(page.splitlines() for page in shown),
                                                                     lineterm="", n=0))
