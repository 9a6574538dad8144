"""The index a build makes: the field table as a mapping, our analysis as its analyzer."""

from __future__ import annotations

from indexer.backends.opensearch.mapping import MAX_TERM_CHARS, STORED, TOKENS
from indexer.backends.opensearch.tokens import SEQUENCE
from indexer.fields import FIELD_LIST
from indexer.index.schema import make_schema

POSITIONS = ("title", "title_chars", "body", "body_chars", "meta", "meta_chars")


def test_every_indexed_field_of_the_table_is_mapped_under_its_name_and_type(built, client):
    index = built("egov-test-seed")
    mapping = client.indices.get_mapping(index=index)[index]["mappings"]
    properties = mapping["properties"]
    indexed = {name for name, field in make_schema().items() if field.indexed}
    assert set(properties) == indexed | {STORED, SEQUENCE}
    assert properties[SEQUENCE] == {"type": "long"}
    kinds = {"id": "keyword", "keyword": "keyword", "derived": "keyword", "number": "long", "date": "date"}
    for row in FIELD_LIST:
        if row.type == "stored":
            assert row.name not in properties
        elif row.type == "text":
            for name in (row.name, f"{row.name}_chars"):
                assert properties[name]["type"] == "text"
                assert properties[name]["analyzer"] == TOKENS
                assert properties[name].get("index_options", "positions") == "positions", name
        else:
            made = properties[row.name]
            assert made["type"] == kinds[row.type], row.name
            assert made.get("doc_values", True) == (row.facet or row.sortable or row.filterable), row.name
            if row.type == "date":
                assert made["format"] == "strict_date"
            if made["type"] == "keyword":
                assert made["ignore_above"] == MAX_TERM_CHARS
    for name in ("title_pinyin", "title_initials"):
        assert properties[name]["index_options"] == "freqs" and properties[name]["norms"] is False
    exact = properties["title_exact"]
    assert exact["type"] == "keyword" and exact.get("doc_values", True)
    assert properties[STORED] == {"type": "object", "enabled": False}
    assert mapping["dynamic"] == "strict" and mapping["_source"] == {"includes": [STORED]}


def test_a_build_serves_with_its_shards_and_replicas_and_the_dictionary_it_used(built, client):
    index = built("egov-test-seed")
    settings = client.indices.get_settings(index=index)[index]["settings"]["index"]
    assert (settings["number_of_shards"], settings["number_of_replicas"]) == ("2", "1")
    assert "refresh_interval" not in settings  # the bulk load's -1 is gone: the default again
    meta = client.indices.get_mapping(index=index)[index]["mappings"]["_meta"]["egov_search"]
    assert "华宇软件" in meta["dictionary"]  # a vendor's name, as the Whoosh build adds it
    assert "医保" in meta["abbreviations"] and meta["synonyms"]


def test_a_document_keeps_only_its_stored_fields_in_source(built, client):
    index = built("egov-test-seed")
    found = client.get(index=index, id="vendor-10")
    assert set(found["_source"]) == {STORED}
    assert found["_source"][STORED]["id"] == "vendor-10" and found["_source"][STORED]["rank"] == 10


def test_the_analyzer_puts_each_token_at_its_position_and_drops_what_lucene_cannot_hold(built, client):
    index = built("egov-test-seed")
    long_word = "a" * (MAX_TERM_CHARS + 1)
    text = f"软件|华宇软件 的 | | {long_word} oa"
    answer = client.indices.analyze(index=index, body={"field": "body", "text": text})
    assert [(t["token"], t["position"]) for t in answer["tokens"]] == [
        ("软件", 0), ("华宇软件", 0), ("的", 1), ("oa", 5)]
