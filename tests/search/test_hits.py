"""A search ranks and names its hits; each hit reads its stored document, and marks its
title and snippet, only when it is shown, and shows what an eager hit would."""

from __future__ import annotations

import json
import shutil

from whoosh import index as whoosh_index

from indexer import Document, add_documents, delete_documents, open_index
from indexer.index.schema import index_fields, make_schema, stored_document
from indexer.search.arrays import segment_arrays
from indexer.search.collect import document_ids
from indexer.search.highlight import highlight
from indexer.search.results import SNIPPET_CHARS
from indexer.whoosh_ext.codec import index_codec
from indexer.whoosh_ext.writer import MapSegmentWriter


def test_a_search_reads_no_stored_document_until_a_hit_is_shown(engine, monkeypatch):
    searcher = engine.searcher()
    read, original = [], searcher.stored_fields
    monkeypatch.setattr(searcher, "stored_fields", lambda docnum: read.append(docnum) or original(docnum))
    result = engine.search("数据")
    ids = [hit.id for hit in result.hits]
    assert len(ids) == 10 and result.total > 10 and not read
    first = result.hits[0]
    assert "<mark>" in first.title_html + first.snippet and len(read) == 1
    assert first.to_dict()["snippet"] == first.snippet and len(read) == 1  # read once, kept
    data = result.to_dict()
    assert len(read) == 10 and [hit["id"] for hit in data["hits"]] == ids


def test_a_hit_shows_its_stored_document_marked(engine):
    searcher = engine.searcher()
    needles = engine.marks("华宇 软件")
    for hit in engine.search("华宇 软件").hits:
        docnum = searcher.document_number(id=hit.id)
        doc = stored_document(searcher.stored_fields(docnum))
        assert hit.document == {**doc, "interpretations": [], "interprets": []}  # the seed links nothing
        shown = hit.to_dict()
        assert list(shown)[:7] == ["id", "kind", "title", "rank", "score", "snippet", "title_html"]
        assert (shown["kind"], shown["title"], shown["rank"]) == (doc["kind"], doc["title"], doc["rank"])
        assert shown["snippet"] == highlight(doc["body"], needles, SNIPPET_CHARS)
        assert shown["title_html"] == highlight(doc["title"], needles)
        assert shown["published"] == doc["published"] and "body" not in shown


def test_ids_of_every_segment_are_the_stored_ids(index_dir, tmp_path):
    index = tmp_path / "ix"
    shutil.copytree(index_dir, index, symlinks=True)
    corpus = tmp_path / "more.jsonl"
    records = [{"id": "vendor-1", "title": "替换", "body": "智慧城市"},
               {"id": "n", "title": "新", "body": "云"}]
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    add_documents([corpus], index)
    delete_documents(["vendor-2"], index)
    searcher = open_index(index).searcher()
    assert len(searcher.leaf_searchers()) > 1
    everything = range(searcher.doc_count_all())  # deleted and replaced documents too
    assert document_ids(searcher, list(everything)) == [searcher.stored_fields(d)["id"] for d in everything]


def test_an_id_held_by_two_documents_of_a_segment_names_both(tmp_path):
    index = whoosh_index.create_in(str(tmp_path), make_schema())
    writer = MapSegmentWriter(index, codec=index_codec())
    for doc_id in ("a", "b", "a"):  # as a writer that adds a document again before it commits
        writer.add_document(**index_fields(Document(doc_id, "page", "标题", "正文")))
    writer.commit()
    with index.reader() as reader:
        assert segment_arrays(reader).keys("id") == ["a", "b", "a"]
