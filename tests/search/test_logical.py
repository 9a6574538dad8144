"""Each node of the logical tree, evaluated on a tiny real index's arrays, against Whoosh's own
matcher for the node's Whoosh form: the same documents and the same scores."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from indexer import build_index, open_index
from indexer.search import matches
from indexer.search.logical import (
    NOTHING,
    AllOf,
    AnyOf,
    AtLeast,
    Constant,
    Every,
    Excluding,
    Node,
    Phrase,
    Prefix,
    Range,
    Term,
    WithBonus,
)
from indexer.search.segment import Expired, Segment

DOCS = [
    {"id": "a", "title": "智慧城市建设", "body": "智慧城市 城市大脑 数据 平台", "kind": "page",
     "published": "2021-03-05", "rank": 3},
    {"id": "b", "title": "城市大脑", "body": "城市 的 大脑 与 智慧 交通 数据", "kind": "page",
     "published": "2022-01-01", "rank": 1},
    {"id": "c", "title": "智慧医疗平台", "body": "医疗 数据 平台 智慧医疗 云", "kind": "vendor", "rank": 2},
    {"id": "d", "title": "政务服务", "body": "政务服务 一网通办 数据 共享 平台 平台", "kind": "vendor",
     "published": "2020-06-30"},
    {"id": "e", "title": "交通大脑", "body": "交通 大脑 城市 交通 拥堵 治理", "kind": "page",
     "published": "2023-09-09", "rank": 9},
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    corpus = folder / "tiny.jsonl"
    corpus.write_text("".join(json.dumps(doc, ensure_ascii=False) + "\n" for doc in DOCS), encoding="utf-8")
    build_index([corpus], folder / "index", procs=1)
    return open_index(folder / "index").searcher()


def whoosh_matches(searcher, node: Node) -> dict[int, float]:
    matcher = node.to_whoosh().matcher(searcher, searcher.context())
    found = {}
    while matcher.is_active():
        found[matcher.id()] = matcher.score()
        matcher.next()
    return found


def assert_alike(searcher, query: Node) -> None:
    (leaf, offset), = searcher.leaf_searchers()
    ours = Segment(leaf, offset, lambda: True).run(query)
    theirs = whoosh_matches(leaf, query)
    assert ours.docs.tolist() == sorted(theirs), query
    for doc, score in zip(ours.docs.tolist(), ours.scores.tolist(), strict=True):
        assert math.isclose(score, theirs[doc], rel_tol=1e-9), (query, doc, score, theirs[doc])
    unscored = Segment(leaf, offset, lambda: True).run(query, scored=False)
    assert unscored.docs.tolist() == ours.docs.tolist()


CASES = {
    "term": Term("body", "数据"),
    "term of an unscored field": Term("title_exact", "城市大脑"),
    "term with a boost": Term("body_chars", "城市", 2.5),
    "missing term": Term("body", "没有的词"),
    "phrase of words": Phrase("body", ("数据", "平台")),
    "phrase of bigrams": Phrase("body_chars", ("智慧", "慧城", "城市"), 3.0),
    "phrase with a word twice": Phrase("body", ("平台", "平台")),
    "phrase adjacent in one document only": Phrase("body", ("城市", "大脑")),
    "phrase with a missing word": Phrase("body", ("数据", "没有的词")),
    "or": AnyOf((Term("body", "交通"), Term("title", "城市大脑"), Term("body", "医疗")), 1.5),
    "and": AllOf((Term("body", "数据"), AnyOf((Term("body", "平台"), Term("body", "交通"))))),
    "and with a phrase later": AllOf((Term("body", "智慧城市"), Phrase("body_chars", ("城市", "市大")))),
    "and maybe": WithBonus(Term("body", "数据"), Phrase("body", ("数据", "平台"), 3.0)),
    "and not": Excluding(Term("body", "数据"), AnyOf((Term("body", "交通"), Term("body", "医疗")))),
    "minimum match": AtLeast(tuple(Term("body", w) for w in ("数据", "平台", "交通", "智慧")), 2),
    "minimum match of one query": AtLeast((Term("body", "交通"),), 2),
    "constant score": Constant(AnyOf((Term("body", "交通"), Term("body", "云"))), 0.25),
    "constant score of a prefix": Constant(Prefix("title_pinyin", "^zhi"), 0.4),
    "bounded prefix": Constant(Prefix("title_initials", "^", 200), 0.1),
    "scored prefix": Prefix("title_pinyin", "^", boost=2.0),
    "scored prefix of two terms": Prefix("title_pinyin", "^zhihui", boost=2.0),
    "scored prefix of one term": Prefix("title_pinyin", "^zhihuiyiliao", 200, boost=2.0),
    "numeric range": Constant(Range("published", 20210101, 20221231), 1.0),
    "unscored range, alone": Range("rank", 2, 3),
    "every": Every(),
    "nothing": NOTHING,
}


@pytest.mark.parametrize("name", CASES)
def test_each_query_type_matches_and_scores_as_whoosh(searcher, name):
    assert_alike(searcher, CASES[name])


def test_within_limits_the_candidates(searcher):
    (leaf, offset), = searcher.leaf_searchers()
    evaluator = Segment(leaf, offset, lambda: True)
    everything = evaluator.run(Term("body", "数据"))
    some = everything.docs[:2]
    for query in CASES.values():
        limited = evaluator.run(query, within=some)
        full = evaluator.run(query)
        assert limited.docs.tolist() == full.within(some).docs.tolist()
        assert np.allclose(limited.scores, full.within(some).scores, rtol=1e-12)


def test_restrictions_are_masks_and_deleted_documents_never_match(searcher):
    (leaf, offset), = searcher.leaf_searchers()
    evaluator = Segment(leaf, offset, lambda: True)
    pages = evaluator.run(Term("kind", "page"), scored=False).docs
    assert sorted(leaf.stored_fields(int(doc))["id"] for doc in pages) == ["a", "b", "e"]
    assert evaluator.arrays.live.all() and len(evaluator.run(Every())) == len(DOCS)


def test_an_expired_budget_stops_between_clauses(searcher):
    (leaf, offset), = searcher.leaf_searchers()
    evaluator = Segment(leaf, offset, lambda: False)
    assert len(evaluator.run(Term("body", "数据"))) == 4  # a single term has no clauses to stop between
    with pytest.raises(Expired):
        evaluator.run(CASES["or"])


@pytest.mark.parametrize("minimum", [1, 2])
def test_sums_by_counting_and_by_sorting_are_the_same(monkeypatch, minimum):
    rng = np.random.default_rng(7)
    docs, scores = rng.integers(0, 500, 900).astype(np.int32), rng.random(900)
    monkeypatch.setattr(matches, "COUNT_SHARE", 1 << 20)  # counts
    counted = matches.summed(docs, scores, 500, minimum)
    monkeypatch.setattr(matches, "COUNT_SHARE", 0)  # sorts
    ordered = matches.summed(docs, scores, 500, minimum)
    assert counted.docs.dtype == ordered.docs.dtype == np.int32
    assert counted.docs.tolist() == ordered.docs.tolist() and len(counted) > 100
    assert counted.scores.tolist() == ordered.scores.tolist()  # added in the same order: equal bits
