"""``egov-search build``, ``add`` and ``delete`` with ``EGOV_BACKEND=opensearch``: the live
index behind the alias changes, refreshed before the command returns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.backends.opensearch import aliases
from indexer.backends.opensearch.mapping import STORED
from webui.cli import main


def write_jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def run(settings):
    """The ``egov-search`` command on the test's alias of the cluster."""
    env = {"EGOV_BACKEND": "opensearch", "EGOV_OPENSEARCH_INDEX": settings.alias,
           "EGOV_OPENSEARCH_SHARDS": str(settings.shards), "EGOV_OPENSEARCH_REPLICAS": str(settings.replicas)}
    return lambda *args: CliRunner().invoke(main, list(args), env=env)


def stored(client, alias: str, doc_id: str) -> dict | None:
    found = client.get(index=alias, id=doc_id, ignore=404)
    return found["_source"][STORED] if found.get("found") else None


def test_build_then_add_replace_and_delete(run, settings, client, tmp_path):
    result = run("build")
    assert result.exit_code == 0, result.output
    assert "indexed 57 documents" in result.output and f"live as {settings.alias}" in result.output
    index = aliases.live_index(client, settings.alias)
    new = write_jsonl(
        tmp_path / "new.jsonl",
        {"id": "news-1", "title": "量子隧穿新闻", "body": "华宇发布量子隧穿芯片", "kind": "news"},
        {"id": "vendor-10", "title": "新的标题", "body": "换了正文", "rank": 10, "kind": "vendor"})
    result = run("add", str(new))
    assert result.exit_code == 0, result.output
    assert "added 1, replaced 1, deleted 0 documents; 58 in the index" in result.output
    assert stored(client, settings.alias, "news-1")["title"] == "量子隧穿新闻"
    assert stored(client, settings.alias, "vendor-10")["body"] == "换了正文"
    body = {"query": {"term": {"body": "隧穿"}}}  # searchable at once: the add refreshed
    hits = client.search(index=settings.alias, body=body)["hits"]["hits"]
    assert [hit["_id"] for hit in hits] == ["news-1"]

    result = run("delete", "news-1", "no-such-id")
    assert result.exit_code == 1 and "no document with id 'no-such-id'" in result.output
    assert stored(client, settings.alias, "news-1") is not None  # all or nothing
    result = run("delete", "news-1", "vendor-10")
    assert result.exit_code == 0, result.output
    assert "deleted 2 documents; 56 in the index" in result.output
    assert stored(client, settings.alias, "news-1") is None
    assert aliases.live_index(client, settings.alias) == index  # updates stay in the live index


def test_an_added_vendor_joins_the_dictionary_of_later_updates(run, settings, client, tmp_path):
    assert run("build").exit_code == 0
    vendor = write_jsonl(tmp_path / "vendor.jsonl",
                         {"id": "vendor-99", "title": "翼云智联", "body": "新的供应商", "kind": "vendor"})
    assert run("add", str(vendor)).exit_code == 0
    index = aliases.live_index(client, settings.alias)
    meta = client.indices.get_mapping(index=index)[index]["mappings"]["_meta"]["egov_search"]
    assert meta["dictionary"].count("翼云智联") == 1
    page = write_jsonl(tmp_path / "page.jsonl", {"id": "page-1", "title": "合作", "body": "翼云智联中标"})
    assert run("add", str(page)).exit_code == 0
    body = {"query": {"bool": {"filter": [{"ids": {"values": ["page-1"]}}, {"term": {"body": "翼云智联"}}]}}}
    assert client.count(index=settings.alias, body=body)["count"] == 1  # one word, as Whoosh cuts it


def test_add_and_delete_without_a_build_say_so(run):
    for args in (("add", "corpus/2020-egov-top50.txt"), ("delete", "vendor-1")):
        result = run(*args)
        assert result.exit_code == 1
        assert "no OpenSearch index is live" in result.output and "egov-search build" in result.output


def test_a_write_blocked_index_refuses_the_add_with_a_message(run, settings, client, tmp_path):
    assert run("build").exit_code == 0
    index = aliases.live_index(client, settings.alias)
    client.indices.put_settings(index=index, body={"index.blocks.write": True})  # as a full disk does
    try:
        new = write_jsonl(tmp_path / "new.jsonl", {"id": "news-1", "title": "标题", "body": "正文"})
        result = run("add", str(new))
    finally:
        client.indices.put_settings(index=index, body={"index.blocks.write": None})
    assert result.exit_code == 1
    assert "the cluster refused 1 document(s), the first 'news-1'" in result.output
    assert "cluster_block_exception" in result.output
    assert stored(client, settings.alias, "news-1") is None
