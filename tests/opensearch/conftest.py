"""The OpenSearch backend's tests run against the real cluster of ``$EGOV_OPENSEARCH_URL``
(``make test`` starts two nodes and sets it). Without one they fail, saying so: never a skip.

Each test has an alias of its own, and its indexes are deleted after it.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from opensearchpy import OpenSearch

from indexer import config
from indexer.backends.opensearch.build import build_index
from indexer.backends.opensearch.connection import connect

SHARDS, REPLICAS = 2, 1
_aliases = itertools.count(1)


@pytest.fixture(scope="session")
def cluster_settings() -> config.OpenSearchSettings:
    """The test cluster, ready: every node in, every shard allocated."""
    if not os.environ.get("EGOV_OPENSEARCH_URL"):
        pytest.fail("EGOV_OPENSEARCH_URL is not set: the OpenSearch tests need a running cluster. "
                    "`make test` starts one for the suite; by hand, `export $(make -s opensearch)` "
                    "first (and `make opensearch-stop` after)", pytrace=False)
    settings = dataclasses.replace(config.opensearch_settings(), shards=SHARDS, replicas=REPLICAS)
    health = connect(settings).cluster.health(wait_for_status="green", timeout="120s", request_timeout=130)
    assert not health["timed_out"], f"the test cluster is not green: {health}"
    return settings


@pytest.fixture(scope="session")
def client(cluster_settings: config.OpenSearchSettings) -> OpenSearch:
    return connect(cluster_settings)


@pytest.fixture
def settings(cluster_settings: config.OpenSearchSettings,
             client: OpenSearch) -> Iterator[config.OpenSearchSettings]:
    """The cluster with an alias no other test uses; its indexes are dropped after the test."""
    alias = f"egov-test-{os.getpid()}-{next(_aliases)}"
    yield dataclasses.replace(cluster_settings, alias=alias)
    client.indices.delete(index=f"{alias}-*", ignore_unavailable=True, allow_no_indices=True)


@pytest.fixture(scope="session")
def built(cluster_settings: config.OpenSearchSettings, client: OpenSearch) -> Iterator:
    """``built(alias, paths)``: the name of the index that a build of ``paths`` made live as
    ``alias``, built once per session (the seed and the government collection)."""
    made: dict[tuple, str] = {}

    def build(alias: str, paths: tuple = ()) -> str:
        if (alias, paths) not in made:
            settings = dataclasses.replace(cluster_settings, alias=alias)
            made[alias, paths] = build_index(list(paths), settings).index
        return made[alias, paths]

    yield build
    for alias, _ in made:
        client.indices.delete(index=f"{alias}-*", ignore_unavailable=True, allow_no_indices=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of this folder needs the cluster: marked ``opensearch`` (``make test-fast``
    leaves them out)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.opensearch)
