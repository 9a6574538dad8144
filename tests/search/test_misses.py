"""Misses on the real seed index: a term no document has is known from the term table, so it
costs lookups, not postings lists, and the answer is the same as the full search's."""

from __future__ import annotations

import pytest

from indexer.search.arrays import SegmentArrays

RARE = "䙘㫠"  # CJK extension A: in no document of the seed


@pytest.fixture
def postings_read(monkeypatch) -> list[tuple[str, str]]:
    """(field, term) of every postings list the array executor reads from a segment (a
    lookup of a term the segment lacks reads none)."""
    read: list[tuple[str, str]] = []
    original = SegmentArrays.postings

    def recording(self, fieldname, tbytes):
        found = original(self, fieldname, tbytes)
        if found is not None:
            read.append((fieldname, tbytes.decode("utf-8", "replace")))
        return found

    monkeypatch.setattr(SegmentArrays, "postings", recording)
    return read


def test_a_miss_reads_no_postings_list(engine, postings_read):
    result = engine.search(RARE, correct=False)
    assert (result.total, result.mode, result.notices) == (0, "all", [])
    assert postings_read == []


def test_a_miss_looking_for_a_correction_reads_only_title_pinyin(engine, postings_read):
    result = engine.search(RARE)
    assert (result.total, result.suggestion) == (0, None)
    assert {field for field, _ in postings_read} <= {"title_pinyin"}


@pytest.mark.parametrize("query", [f"{RARE} 㮢䁹", f'"{RARE}"', f"{RARE} -政务"])
def test_misses_of_every_shape_read_no_postings_list(engine, postings_read, query):
    # several terms (the fallback's units too), a phrase, an exclusion
    assert engine.search(query, correct=False).total == 0
    assert postings_read == []


def test_a_term_found_beside_a_miss_is_still_searched(engine):
    result = engine.search(f"政务 {RARE}")
    assert result.total > 0 and result.mode == "any" and len(result.notices) == 1
