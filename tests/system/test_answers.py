"""Comparing recordings of the bench's answers: ties may come in any order, and at a page cut
inside a tie any of the tied documents may have made the page; anything else differs."""

from __future__ import annotations

from bench.answers import differences


def _recording(hits: list[list], total: int = 12) -> dict:
    return {"answers": {"云": {"total": total, "mode": "all", "suggestion": None, "hits": hits}}}


def test_a_tie_cut_by_the_page_may_keep_any_of_its_documents():
    before = _recording([["a", 3.0, "s", "t"], ["b", 2.0, "s", "t"], ["c", 2.0, "s", "t"]])
    after = _recording([["a", 3.0, "s", "t"], ["d", 2.0, "x", "y"], ["b", 2.0, "s", "t"]])
    assert differences(before, after) == []


def test_other_changes_differ():
    before = _recording([["a", 3.0, "s", "t"], ["b", 2.0, "s", "t"]])
    for hits in ([["a", 3.0, "S", "t"], ["b", 2.0, "s", "t"]], [["e", 3.0, "s", "t"], ["b", 2.0, "s", "t"]],
                 [["a", 3.0, "s", "t"], ["b", 2.5, "s", "t"]], [["a", 3.0, "s", "t"]]):
        assert len(differences(before, _recording(hits))) == 1, hits
    whole = _recording([["a", 3.0, "s", "t"], ["b", 2.0, "s", "t"]], total=2)  # nothing cut
    assert len(differences(whole, _recording([["a", 3.0, "s", "t"], ["d", 2.0, "s", "t"]], total=2))) == 1
