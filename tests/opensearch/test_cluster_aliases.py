"""Builds behind an alias: searches see the old set or the new one, never a mix or nothing;
the replaced index is kept until the next build; a failed build leaves the alias as it was."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from indexer.backends.opensearch import aliases
from indexer.backends.opensearch.build import build_index
from indexer.backends.opensearch.connection import ClusterError

GOV_SITE = Path(__file__).parents[1] / "relevance" / "gov" / "site"


def ids_behind(client, alias: str) -> frozenset[str]:
    found = client.search(index=alias, body={"size": 1000, "_source": False, "query": {"match_all": {}}})
    return frozenset(hit["_id"] for hit in found["hits"]["hits"])


def test_searches_during_a_rebuild_see_the_old_set_or_the_new_one(settings, client):
    build_index([], settings)
    old = ids_behind(client, settings.alias)
    rebuilt = threading.Thread(target=build_index, args=([GOV_SITE], settings))
    rebuilt.start()
    seen = []
    while rebuilt.is_alive():
        seen.append(ids_behind(client, settings.alias))
    rebuilt.join()
    seen.append(ids_behind(client, settings.alias))
    new = seen[-1]
    assert len(old) == 57 and len(new) == 63 and not old & new
    assert set(seen) <= {old, new} and len(seen) > 10
    assert seen[0] == old  # searched while the new index was loading


def test_the_replaced_index_is_kept_until_the_next_build(settings, client):
    first = build_index([], settings).index
    second = build_index([], settings).index
    assert aliases.builds(client, settings.alias) == [first, second]
    third = build_index([], settings).index
    assert aliases.builds(client, settings.alias) == [second, third]
    assert aliases.live_indexes(client, settings.alias) == [third]


def test_an_interrupted_build_leaves_the_alias_and_no_index(settings, client):
    live = build_index([], settings).index

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_index([GOV_SITE], settings, progress=interrupt)
    assert aliases.live_indexes(client, settings.alias) == [live]
    assert aliases.builds(client, settings.alias) == [live]
    assert len(ids_behind(client, settings.alias)) == 57


def test_a_build_whose_alias_name_is_taken_fails_clearly_and_leaves_nothing(settings, client):
    client.indices.create(index=settings.alias)  # someone's own index, named as our alias
    try:
        with pytest.raises(ClusterError, match="invalid_alias_name_exception"):
            build_index([], settings)
        assert aliases.builds(client, settings.alias) == []
        assert client.count(index=settings.alias)["count"] == 0
    finally:
        client.indices.delete(index=settings.alias)
