"""Browsing without a query: listings, mentions and more-like-this on the real seed index."""

from __future__ import annotations

from indexer import documents_of_kind, mentions, similar


def test_documents_of_kind_in_corpus_order(engine):
    assert [doc["rank"] for doc in documents_of_kind(engine, "vendor")] == list(range(1, 51))
    assert [doc["id"] for doc in documents_of_kind(engine, "section", limit=2)] == ["section-1", "section-2"]
    assert documents_of_kind(engine, "nothing") == []


def test_a_vendor_is_mentioned_by_its_case(engine):
    vendor = next(doc for doc in documents_of_kind(engine, "vendor") if doc["title"] == "神州数码")
    found = mentions(engine, vendor)
    assert [hit.title for hit in found] == ["案例三 北京地坛医院、神州数码：“新冠病毒应急存储系统”"]
    assert "<mark>神州数码</mark>" in found[0].snippet


def test_only_entities_have_mentions(engine):
    assert mentions(engine, engine.document("section-4")) == []


def test_similar_shares_telling_words_and_excludes_itself(engine):
    section = engine.document("section-4")
    found = similar(engine, section)
    assert found[0].title == "神州数码" and "section-4" not in {hit.id for hit in found}
    assert len(similar(engine, engine.document("vendor-1"), limit=3)) == 3
    assert "vendor-13" not in {hit.id for hit in similar(engine, section, exclude=["vendor-13"])}
