"""A build puts the same documents in OpenSearch as in Whoosh: the same stored fields, and
every term of every field in as many documents."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from indexer.backends.opensearch.mapping import STORED
from indexer.index import store
from indexer.index.schema import stored_document

GOV_SITE = Path(__file__).parents[1] / "relevance" / "gov" / "site"  # the suite's gov_index
COLLECTIONS = {"seed": ("index_dir", ()), "gov": ("gov_index", (str(GOV_SITE),))}
NUMBERS = ("rank", "published", "written")  # Whoosh keeps them as encoded numbers


def whoosh_reader(path: Path):
    return store.unmapped_reader(store.current_generation(path))


def cluster_documents(client, index: str) -> dict[str, dict]:
    """Every document's stored fields in ``index``, by id."""
    found = client.search(index=index, body={"size": 10000, "query": {"match_all": {}}})
    return {hit["_id"]: hit["_source"][STORED] for hit in found["hits"]["hits"]}


@pytest.fixture(params=sorted(COLLECTIONS))
def pair(request, built) -> tuple[Path, str]:
    """A collection's Whoosh index (the suite's own) and its OpenSearch index."""
    whoosh_fixture, paths = COLLECTIONS[request.param]
    return request.getfixturevalue(whoosh_fixture), built(f"egov-test-{request.param}", paths)


def test_the_same_documents_with_the_same_stored_fields(pair, client):
    whoosh_path, index = pair
    with whoosh_reader(whoosh_path) as reader:
        expected = {stored["id"]: stored_document(stored) for stored in reader.all_stored_fields()}
    assert len(expected) > 50
    assert cluster_documents(client, index) == expected


def test_every_exact_value_is_in_as_many_documents(pair, client):
    whoosh_path, index = pair
    with whoosh_reader(whoosh_path) as reader:
        schema = reader.schema
        fields = [name for name, field in schema.items()
                  if field.indexed and name not in NUMBERS and not field.scorable]
        expected = {(name, term.decode()): reader.doc_frequency(name, term)
                    for name in fields for term in reader.lexicon(name)}
    assert {name for name, _ in expected} >= {"id", "kind", "title_exact", "title_pinyin"}
    assert counts(client, index, list(expected)) == expected


def test_numbers_and_dates_have_the_same_values(pair, client):
    whoosh_path, index = pair
    with whoosh_reader(whoosh_path) as reader:
        stored = list(reader.all_stored_fields())
    for name in NUMBERS:
        expected = Counter(str(stored_document(doc)[name]) for doc in stored if doc.get(name) is not None)
        body = {"size": 0, "aggs": {"values": {"terms": {"field": name, "size": 10000}}}}
        buckets = client.search(index=index, body=body)["aggregations"]["values"]["buckets"]
        assert Counter({str(b.get("key_as_string", b["key"])): b["doc_count"] for b in buckets}) == expected


def test_every_word_and_character_of_the_seed_is_in_as_many_documents(built, index_dir, client):
    index = built("egov-test-seed")
    with whoosh_reader(index_dir) as reader:
        fields = [name for name, field in reader.schema.items() if field.scorable]
        expected = {(name, term.decode()): reader.doc_frequency(name, term)
                    for name in fields for term in reader.lexicon(name)}
    assert len(expected) > 3000
    assert counts(client, index, list(expected)) == expected


def counts(client, index: str, terms: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """How many documents of ``index`` hold each (field, term), asked 500 at a time."""
    found = {}
    for start in range(0, len(terms), 500):
        chunk = terms[start:start + 500]
        body = []
        for name, term in chunk:
            body += [{"index": index}, {"size": 0, "track_total_hits": True, "query": {"term": {name: term}}}]
        answers = client.msearch(body=body)["responses"]
        for key, answer in zip(chunk, answers, strict=True):
            found[key] = answer["hits"]["total"]["value"]
    return found
