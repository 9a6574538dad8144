"""The tokens OpenSearch indexes are the tokens Whoosh indexes: each analyser's stream, token
for token and position for position, read back through the index's own analyzer."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import config
from indexer.backends.opensearch.tokens import sources
from indexer.index.schema import index_fields, make_schema
from indexer.readers import load_documents

GOV_SITE = Path(__file__).parents[1] / "relevance" / "gov" / "site"
POSITIONS = ("title", "title_chars", "body", "body_chars", "meta", "meta_chars")
PINYIN = ("title_pinyin", "title_initials")  # frequencies only: no positions to compare


@pytest.mark.parametrize("alias, paths", [("egov-test-seed", ()), ("egov-test-gov", (str(GOV_SITE),))])
def test_each_fields_tokens_in_opensearch_equal_ours(alias, paths, built, client):
    index = built(alias, paths)
    client.indices.put_settings(index=index, body={"index.analyze.max_token_count": 1_000_000})
    meta = client.indices.get_mapping(index=index)[index]["mappings"]["_meta"]
    schema = make_schema(meta["egov_search"]["dictionary"])  # the build's analysers
    documents = list(load_documents(list(paths) or [config.seed_path()]))
    values = [index_fields(doc) for doc in documents]
    compared = 0
    for fields, sent in zip(values, sources(schema, values), strict=True):
        for name in POSITIONS + PINYIN:
            if fields.get(name) is None:
                continue
            answer = client.indices.analyze(index=index, body={"field": name, "text": sent[name]})
            theirs = sorted((t["token"], t["position"] if name in POSITIONS else 0) for t in answer["tokens"])
            ours = sorted((t.text, t.pos if name in POSITIONS else 0)
                          for t in schema[name].analyzer(fields[name], positions=True))
            assert theirs == ours, (fields["id"], name)
            compared += len(ours)
    assert compared > (50_000 if paths else 5_000)
