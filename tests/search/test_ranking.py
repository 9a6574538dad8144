"""Ranking mechanisms beyond the literal match: compound words apart, documents named by a term."""

from __future__ import annotations

from helpers import titles


def test_compound_word_also_matches_its_words_apart_below_the_word_itself(engine):
    result = engine.search("智慧医疗")
    assert titles(result)[:2] == ["延华智能", "东华医为"]  # 智慧医疗, then 智慧医院、区域医疗
    apart = result.hits[1]
    assert "<mark>智慧</mark>" in apart.snippet and "<mark>医疗</mark>" in apart.snippet


def test_a_quoted_compound_is_not_split(engine):
    assert titles(engine.search('"智慧医疗"')) == ["延华智能"]


def test_a_term_that_is_not_made_of_dictionary_words_is_not_split(engine):
    assert engine.search("华雨软件").suggestion == "华宇软件"  # not 软件 anywhere


def test_document_named_by_one_term_follows_documents_matching_all(engine):
    result = engine.search("用友 税务")
    assert titles(result)[0].startswith("案例二") and titles(result)[1] == "用友"
    assert result.mode == "all" and not result.notices
    assert result.hits[1].score < result.hits[0].score


def test_a_named_document_alone_is_still_a_fallback(engine):
    result = engine.search("用友 量子纠缠")
    assert result.mode == "any" and result.notices
    assert titles(result)[0] == "用友" and titles(result)[1].startswith("案例二")


def test_single_character_in_a_title_ranks_above_the_body(engine):
    for char in ("云", "网", "安"):
        hits = engine.search(char, per_page=50).hits
        in_title = [char in hit.title for hit in hits]
        assert in_title == sorted(in_title, reverse=True), char  # every title match first
