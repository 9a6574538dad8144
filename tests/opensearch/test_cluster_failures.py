"""Failures of the cluster: a node killed during a bulk add loses nothing acknowledged, and
during searches they answer from the replicas (or say the results may be partial); a cluster
nobody answers for is a clear message and a non-zero exit for a command, and for the site a
503 that says search is unavailable (a JSON code in the API), never a 500 or a traceback."""

from __future__ import annotations

import dataclasses
import gzip
import itertools
import json
import os
import subprocess
import threading

from live_server import COMMAND, free_port, get_json, request, running_server
from nodes import Relay, cluster_command

from bench.corpora import MODERN, shared
from indexer.backends.opensearch import aliases
from indexer.backends.opensearch.build import build_index
from indexer.backends.opensearch.engine import ClusterEngine
from indexer.backends.opensearch.update import add_documents

ADDED = 3000


def test_a_node_killed_during_a_bulk_add_loses_nothing_acknowledged(settings, client, tmp_path):
    build_index([], settings)
    health = client.cluster.health(index=settings.alias, wait_for_status="green", timeout="120s",
                                   request_timeout=130)
    assert not health["timed_out"]  # every shard has its replica on the other node
    corpus = tmp_path / "added.jsonl"
    with gzip.open(shared(MODERN), "rt", encoding="utf-8") as source:
        corpus.write_text("".join(itertools.islice(source, ADDED)), encoding="utf-8")
    ids = [json.loads(line)["id"] for line in corpus.read_text(encoding="utf-8").splitlines()]
    killed = threading.Thread(target=cluster_command, args=("kill", "2"))
    sent_after = []  # documents analysed and sent once the node was gone

    def kill_once(done: int, total: int) -> None:  # while the add's next requests go out
        if killed.ident is None:
            killed.start()
        elif not killed.is_alive():
            sent_after.append(done)

    try:
        summary = add_documents([corpus], settings, progress=kill_once)
        killed.join()
        assert sent_after and summary.added == ADDED and summary.total == 57 + ADDED
        assert client.cluster.health()["number_of_nodes"] == 1
        assert found(client, settings.alias, ids) == len(ids)
    finally:
        cluster_command("start-node", "2")
    health = client.cluster.health(index=settings.alias, wait_for_status="green", timeout="120s",
                                   request_timeout=130)
    assert not health["timed_out"] and health["number_of_nodes"] == 2
    assert client.count(index=settings.alias)["count"] == 57 + ADDED
    assert found(client, settings.alias, ids) == len(ids)


def found(client, alias: str, ids: list[str]) -> int:
    """How many of ``ids`` the index behind ``alias`` holds."""
    index = aliases.live_index(client, alias)
    answer = client.mget(index=index, body={"ids": ids}, _source=False)
    return sum(doc["found"] for doc in answer["docs"])


def test_an_unreachable_cluster_is_a_message_and_an_exit_code(tmp_path):
    nobody = f"http://127.0.0.1:{free_port()},http://127.0.0.1:{free_port()}"
    env = {**os.environ, "EGOV_BACKEND": "opensearch", "EGOV_OPENSEARCH_URL": nobody}
    for args in (["build"], ["add", "corpus/2020-egov-top50.txt"], ["delete", "vendor-1"]):
        done = subprocess.run([*COMMAND, *args], env=env, capture_output=True, text=True, timeout=120,
                              cwd=tmp_path.parent if args == ["build"] else None)
        assert done.returncode == 1, done
        assert f"OpenSearch at {nobody.replace(',', ', ')}: cannot connect" in done.stderr
        assert "Connection refused" in done.stderr and "Traceback" not in done.stderr


SEARCHED = ("华宇软件", "政务云", "数字政府", "一网通办", "大数据", "电子政务")
ROUNDS_AFTER = 3  # rounds of searches once the node is killed, before the cluster notices


def hit_ids(result) -> list[str]:
    return [hit.id for hit in result.hits]


def test_a_node_killed_during_searches_answers_from_the_replica(settings, client):
    build_index([], settings)
    health = client.cluster.health(index=settings.alias, wait_for_status="green", timeout="120s",
                                   request_timeout=130)
    assert not health["timed_out"]  # every shard has a copy on each node
    engine = ClusterEngine(dataclasses.replace(settings, budget=60.0))  # partial, never out of time
    before = {q: hit_ids(engine.search(q)) for q in SEARCHED}
    assert all(before.values())
    answered = []  # (query, ids, notices) of every search while and after the node went
    killed = threading.Thread(target=cluster_command, args=("kill", "2"))
    try:
        killed.start()
        rounds = 0
        while killed.is_alive() or rounds < ROUNDS_AFTER:
            rounds += not killed.is_alive()
            for q in SEARCHED:
                result = engine.search(q)
                answered.append((q, hit_ids(result), [notice.code for notice in result.notices]))
        gone = client.cluster.health(wait_for_nodes="1", timeout="120s", request_timeout=130)
        assert gone["number_of_nodes"] == 1
        last = {q: engine.search(q) for q in SEARCHED}
    finally:
        cluster_command("start-node", "2")
    assert len(answered) >= ROUNDS_AFTER * len(SEARCHED)
    for q, ids, codes in answered:  # all of it from the replicas, or said to be partial
        assert ids == before[q] and not codes or "partial_results" in codes, (q, ids, codes)
    assert {q: hit_ids(result) for q, result in last.items()} == before
    assert not any(result.notices for result in last.values())
    health = client.cluster.health(wait_for_status="green", wait_for_nodes="2", timeout="120s",
                                   request_timeout=130)
    assert not health["timed_out"]


def test_a_cluster_gone_while_serving_is_a_503_with_a_chinese_message(built, cluster_settings, index_dir,
                                                                       tmp_path):
    built("egov-test-seed")
    host, _, port = cluster_settings.hosts[0].rpartition("//")[2].partition(":")
    relay = Relay((host, int(port)))
    env = {"EGOV_BACKEND": "opensearch", "EGOV_OPENSEARCH_INDEX": "egov-test-seed",
           "EGOV_OPENSEARCH_URL": f"http://127.0.0.1:{relay.port}"}
    with running_server(index_dir, tmp_path / "serve.log", env=env, workers=1, threads=2) as server:
        assert get_json(server["port"], "/api/search?q=%E5%8D%8E%E5%AE%87")[0] == 200  # 华宇
        relay.cut()
        assert_unavailable(server["port"])
        log = server["log"].read_text(encoding="utf-8")
    assert "Traceback" not in log and "no node answers" in log


def test_a_cluster_that_never_answered_is_a_503_from_the_start(index_dir, tmp_path):
    env = {"EGOV_BACKEND": "opensearch", "EGOV_OPENSEARCH_URL": f"http://127.0.0.1:{free_port()}"}
    with running_server(index_dir, tmp_path / "serve.log", env=env, workers=1, threads=2,
                        ready=503) as server:
        assert_unavailable(server["port"])
        log = server["log"].read_text(encoding="utf-8")
    assert "Traceback" not in log and "serving anyway" in log


def assert_unavailable(port: int) -> None:
    """Every page and API answer of the server on ``port`` is a 503 that says search is unavailable."""
    q = "%E6%94%BF%E5%8A%A1"  # 政务
    for path in (f"/api/search?q={q}", f"/api/suggest?q={q}", "/api/doc/vendor-10", "/api/overview",
                 "/healthz"):
        status, body, headers = request(port, path)
        assert status == 503, (path, status, body)
        error = json.loads(body)["error"]
        assert error["code"] == "search_unavailable" and error["message"].startswith("搜索服务暂时不可用")
        assert headers["Retry-After"] == "10"
    for path in (f"/?q={q}", "/doc/vendor-10", "/"):
        status, body, _ = request(port, path)
        page = body.decode("utf-8")
        assert status == 503 and "搜索服务暂时不可用，请稍后再试" in page and "search is" not in page, path
