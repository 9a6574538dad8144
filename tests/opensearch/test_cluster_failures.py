"""Failures of the cluster: a node killed during a bulk add loses nothing acknowledged; a
cluster nobody answers for is a clear message and a non-zero exit, never a traceback."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import subprocess
import threading

from live_server import COMMAND, free_port
from nodes import cluster_command

from bench.corpora import MODERN, shared
from indexer.backends.opensearch import aliases
from indexer.backends.opensearch.build import build_index
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
