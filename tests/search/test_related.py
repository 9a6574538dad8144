"""Browsing without a query: listings, mentions and more-like-this on the real seed index."""

from __future__ import annotations

from indexer import attachments_by_page, documents_of_kind, mentions, similar, top_title_words


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


def test_each_page_lists_the_attachments_it_links(gov):
    by_page = attachments_by_page(gov)
    attachments = documents_of_kind(gov, "attachment")
    assert sum(len(listed) for listed in by_page.values()) == len(attachments) > 0
    for page_id, listed in by_page.items():
        assert gov.document(page_id)["kind"] == "page"
        for item in listed:
            stored = gov.document(item["id"])
            assert stored["parent"] == page_id and item["title"] == stored["title"]
            assert item["url"] == stored["url"] and item["format"] in ("pdf", "docx")


def test_top_title_words_are_the_collections_own(gov, engine):
    words = top_title_words(gov, 5)
    assert len(words) == 5 and len(set(words)) == 5
    for word in words:  # each finds titles, is no function word, and no other one's part
        assert gov.search(word, scope="title").total > 0
        assert word not in ("关于", "通知", "的")
        assert not any(word in other for other in words if other != word)
    assert "智慧" not in words and "智慧" in top_title_words(engine, 8)  # the seed's are the seed's
