"""Search behaviour on the real seed index."""

from __future__ import annotations

import pytest
from helpers import titles


@pytest.mark.parametrize("query, first", [
    ("工场", "数梦工场"),
    ("華宇", "华宇软件"),
    ("ＱｉｎｇＣｌｏｕｄ", "青云QingCloud"),
    ("qingcloud", "青云QingCloud"),
    ("应急管理", "安元科技"),
    ("秒批", "“一网通享”格局初定"),
    ("海淀区", "区块链应用渐成风尚"),
    ("政通", "数字政通"),
    ("NCS4450", "案例三 北京地坛医院、神州数码：“新冠病毒应急存储系统”"),
    ("ＯＡ", "紫藤科技"),
])
def test_first_result(engine, query, first):
    assert titles(engine.search(query))[0] == first


def test_smart_city_finds_all_smart_city_vendors_including_variant_character(engine):
    top5 = titles(engine.search("智慧城市"))[:5]
    assert {"平安智慧城市", "天夏智慧", "延华智能", "联科集团"} <= set(top5)


def test_exact_title_comes_first(engine):
    assert titles(engine.search("神州数码"))[0] == "神州数码"
    assert titles(engine.search("用友"))[0] == "用友"


def test_single_character_finds_every_document_with_it(engine):
    result = engine.search("云", per_page=100)
    found = {hit.id for hit in result.hits}
    assert {"vendor-29", "vendor-34", "vendor-35", "vendor-36", "vendor-41"} <= found
    assert result.total == len(found)


def test_all_terms_must_match(engine):
    result = engine.search("智慧 医疗")
    assert result.mode == "all"
    assert set(titles(result)[:2]) == {"延华智能", "东华医为"}
    for hit in result.hits:
        doc = engine.document(hit.id)
        assert "智慧" in doc["title"] + doc["body"] and "医疗" in doc["title"] + doc["body"]


def test_falls_back_to_any_term_and_says_so(engine):
    result = engine.search("华宇 量子纠缠")
    assert result.mode == "any" and result.notices
    assert titles(result)[0] == "华宇软件"


def test_a_missing_function_word_is_no_partial_match(engine):
    # 华宇软件怎么样 matches nowhere as typed, yet every content word of it matches: no notice
    result = engine.search("华宇软件怎么样")
    assert result.mode == "any" and result.notices == [] and titles(result)[0] == "华宇软件"


def test_a_compound_no_document_holds_falls_back_like_its_words_typed_apart(engine):
    joined, apart = engine.search("手机办事", per_page=100), engine.search("手机 办事", per_page=100)
    assert joined.mode == apart.mode == "any" and joined.notices
    assert {hit.id for hit in joined.hits} == {hit.id for hit in apart.hits} != set()
    for hit in joined.hits:
        doc = engine.document(hit.id)
        assert "手机" in doc["title"] + doc["body"] or "办事" in doc["title"] + doc["body"]


def test_a_quoted_compound_and_a_fallback_that_finds_nothing_are_plain_misses(engine):
    for query in ('"手机办事"', "量子纠缠", "量子 纠缠"):
        result = engine.search(query)
        assert (result.total, result.mode, result.notices) == (0, "all", []), query


def test_whole_phrase_ranks_above_scattered_terms(engine):
    hits = engine.search("城市 大脑").hits
    assert {hit.title for hit in hits[:2]} == {"银江股份", "数字政通"}


def test_quoted_phrase_needs_adjacent_words(engine):
    assert engine.search('"数字 政通"').total == 1
    assert engine.search('"政通 数字"').total == 0


def test_unbalanced_quote_is_plain_text(engine):
    result = engine.search('"城市 大脑')
    assert titles(result)[:2] and set(titles(result)[:2]) == {"银江股份", "数字政通"}


def test_exclusion(engine):
    assert "平安智慧城市" in titles(engine.search("智慧城市"))
    assert "平安智慧城市" not in titles(engine.search("智慧城市 -平安"))


def test_kind_and_rank_filters(engine):
    assert {hit.kind for hit in engine.search("政务 kind:section").hits} == {"section"}
    assert {hit.kind for hit in engine.search("政务", kind="vendor").hits} == {"vendor"}
    ranks = [hit.rank for hit in engine.search("软件 rank:1-10", per_page=50).hits]
    assert ranks and all(1 <= r <= 10 for r in ranks)


def test_facets_count_every_kind_even_when_filtered(engine):
    everything = engine.search("政务")
    filtered = engine.search("政务", kind="vendor")
    assert filtered.facets == everything.facets
    assert sum(everything.facets["kind"].values()) == everything.total
    assert filtered.total == everything.facets["kind"]["vendor"]


def test_pagination_is_disjoint_and_complete(engine):
    first, second = engine.search("政务", page=1, per_page=5), engine.search("政务", page=2, per_page=5)
    assert len(first.hits) == len(second.hits) == 5
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}
    assert first.total == second.total


def test_snippet_marks_matches_and_escapes_the_rest(engine):
    hit = engine.search("華宇").hits[0]
    assert hit.title_html == "<mark>华宇</mark>软件"
    variant = next(h for h in engine.search("智慧城市").hits if h.title == "联科集团")
    assert "<mark>智慧城巿</mark>" in variant.snippet


@pytest.mark.parametrize("query, everything", [
    ("", True), ("   ", True), ("-", True), ('"', True), ("kind:", False), ("rank:abc", False),
    ("AND OR NOT", False), ("*", False), ("((", False), ("\x00", False), ("a" * 5000, False)])
def test_odd_queries_never_raise(engine, query, everything):
    # nothing to look for lists every document; malformed syntax is searched as text and finds nothing
    result = engine.search(query)
    assert result.total == (engine.doc_count() if everything else 0)
    assert len(result.hits) == min(result.total, 10) and result.mode == "all"
    assert [n.code for n in result.notices] == (["query_truncated"] if len(query) > 256 else [])


def test_document_lookup(engine):
    doc = engine.document("vendor-49")
    assert doc["title"] == "联科集团" and doc["rank"] == 49 and doc["source"] == "&eNet研究院"
    assert engine.document("nope") is None


def test_to_dict_is_json_ready(engine):
    import json

    data = json.loads(json.dumps(engine.search("华宇").to_dict()))
    assert set(data) >= {"total", "hits", "facets", "took_ms"}
    assert set(data["hits"][0]) >= {"id", "kind", "title", "rank", "score", "snippet"}


def test_suggest_completes_titles_then_words(engine):
    assert engine.suggest("华")[:2] == ["华云数据", "华宇软件"]
    assert engine.suggest("工场")[0] == "数梦工场"
    assert "电子政务" in engine.suggest("電子")
    assert engine.suggest("qing") == ["青云QingCloud", "qingcloud"]
    assert len(engine.suggest("数", limit=3)) == 3
    assert engine.suggest("") == [] and engine.suggest("   ") == []


def test_a_fallback_piece_keeps_a_synonym_member_whole(engine):
    # jieba cuts 生 孩子 and 智能 城市; joined again they find their groups (生育, 智慧城市)
    planner = engine.view().planner
    assert [piece.text for piece in planner.pieces("生孩子报销")] == ["生孩子", "报销"]
    assert [piece.text for piece in planner.pieces("搞智能城市建设")] == ["搞", "智能城市", "建设"]
