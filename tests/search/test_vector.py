"""Each query type the array evaluator knows, on a tiny real index, against Whoosh's own
matcher: the same documents and the same scores; unknown types go through Whoosh."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from whoosh import query as wq

from indexer import build_index, open_index
from indexer.search import vector
from indexer.search.plan import BoundedPrefix
from indexer.search.vector import Expired, SegmentEvaluator
from indexer.whoosh_ext.minmatch import MinimumMatch

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


def whoosh_matches(searcher, query: wq.Query) -> dict[int, float]:
    matcher = query.matcher(searcher, searcher.context())
    found = {}
    while matcher.is_active():
        found[matcher.id()] = matcher.score()
        matcher.next()
    return found


def assert_alike(searcher, query: wq.Query) -> None:
    (leaf, offset), = searcher.leaf_searchers()
    ours = SegmentEvaluator(leaf, offset, lambda: True).run(query)
    theirs = whoosh_matches(leaf, query)
    assert ours.docs.tolist() == sorted(theirs), query
    for doc, score in zip(ours.docs.tolist(), ours.scores.tolist(), strict=True):
        assert math.isclose(score, theirs[doc], rel_tol=1e-9), (query, doc, score, theirs[doc])
    unscored = SegmentEvaluator(leaf, offset, lambda: True).run(query, scored=False)
    assert unscored.docs.tolist() == ours.docs.tolist()


CASES = {
    "term": wq.Term("body", "数据"),
    "term of an unscored field": wq.Term("title_exact", "城市大脑"),
    "term with a boost": wq.Term("body_chars", "城市", boost=2.5),
    "missing term": wq.Term("body", "没有的词"),
    "phrase of words": wq.Phrase("body", ["数据", "平台"]),
    "phrase of bigrams": wq.Phrase("body_chars", ["智慧", "慧城", "城市"], boost=3.0),
    "phrase with a word twice": wq.Phrase("body", ["平台", "平台"]),
    "phrase adjacent in one document only": wq.Phrase("body", ["城市", "大脑"]),
    "phrase with a missing word": wq.Phrase("body", ["数据", "没有的词"]),
    "or": wq.Or([wq.Term("body", "交通"), wq.Term("title", "城市大脑"), wq.Term("body", "医疗")], boost=1.5),
    "and": wq.And([wq.Term("body", "数据"), wq.Or([wq.Term("body", "平台"), wq.Term("body", "交通")])]),
    "and with a phrase later": wq.And([wq.Term("body", "智慧城市"),
                                       wq.Phrase("body_chars", ["城市", "市大"])]),
    "and maybe": wq.AndMaybe(wq.Term("body", "数据"), wq.Phrase("body", ["数据", "平台"], boost=3.0)),
    "and not": wq.AndNot(wq.Term("body", "数据"), wq.Or([wq.Term("body", "交通"), wq.Term("body", "医疗")])),
    "minimum match": MinimumMatch([wq.Term("body", w) for w in ("数据", "平台", "交通", "智慧")], 2),
    "minimum match of one query": MinimumMatch([wq.Term("body", "交通")], 2),
    "constant score": wq.ConstantScoreQuery(wq.Or([wq.Term("body", "交通"), wq.Term("body", "云")]), 0.25),
    "constant score of a prefix": wq.ConstantScoreQuery(wq.Prefix("title_pinyin", "^zhi"), 0.4),
    "bounded prefix": wq.ConstantScoreQuery(BoundedPrefix("title_initials", "^"), 0.1),
    "scored prefix": wq.Prefix("title_pinyin", "^", boost=2.0),
    "scored prefix of two terms": wq.Prefix("title_pinyin", "^zhihui", boost=2.0),
    "scored prefix of one term": BoundedPrefix("title_pinyin", "^zhihuiyiliao", boost=2.0),
    "numeric range": wq.ConstantScoreQuery(wq.NumericRange("published", 20210101, 20221231)),
    "every": wq.Every(),
    "nothing": wq.NullQuery,
    "unknown type (Whoosh's matcher)": wq.Wildcard("body", "交*"),
}


@pytest.mark.parametrize("name", CASES)
def test_each_query_type_matches_and_scores_as_whoosh(searcher, name):
    assert_alike(searcher, CASES[name])


def test_within_limits_the_candidates(searcher):
    (leaf, offset), = searcher.leaf_searchers()
    evaluator = SegmentEvaluator(leaf, offset, lambda: True)
    everything = evaluator.run(wq.Term("body", "数据"))
    some = everything.docs[:2]
    for query in CASES.values():
        limited = evaluator.run(query, within=some)
        full = evaluator.run(query)
        assert limited.docs.tolist() == full.within(some).docs.tolist()
        assert np.allclose(limited.scores, full.within(some).scores, rtol=1e-12)


def test_restrictions_are_masks_and_deleted_documents_never_match(searcher):
    (leaf, offset), = searcher.leaf_searchers()
    evaluator = SegmentEvaluator(leaf, offset, lambda: True)
    pages = evaluator.run(wq.Term("kind", "page"), scored=False).docs
    assert sorted(leaf.stored_fields(int(doc))["id"] for doc in pages) == ["a", "b", "e"]
    assert evaluator.arrays.live.all() and len(evaluator.run(wq.Every())) == len(DOCS)


def test_an_expired_budget_stops_between_clauses(searcher):
    (leaf, offset), = searcher.leaf_searchers()
    evaluator = SegmentEvaluator(leaf, offset, lambda: False)
    assert len(evaluator.run(wq.Term("body", "数据"))) == 4  # a single term has no clauses to stop between
    with pytest.raises(Expired):
        evaluator.run(CASES["or"])


@pytest.mark.parametrize("minimum", [1, 2])
def test_sums_by_counting_and_by_sorting_are_the_same(monkeypatch, minimum):
    rng = np.random.default_rng(7)
    docs, scores = rng.integers(0, 500, 900).astype(np.int32), rng.random(900)
    monkeypatch.setattr(vector, "COUNT_SHARE", 1 << 20)  # counts
    counted = vector.summed(docs, scores, 500, minimum)
    monkeypatch.setattr(vector, "COUNT_SHARE", 0)  # sorts
    ordered = vector.summed(docs, scores, 500, minimum)
    assert counted.docs.dtype == ordered.docs.dtype == np.int32
    assert counted.docs.tolist() == ordered.docs.tolist() and len(counted) > 100
    assert counted.scores.tolist() == ordered.scores.tolist()  # added in the same order: equal bits
