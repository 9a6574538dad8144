"""The array executor answers as Whoosh's searcher does: the same documents, the same scores
(up to float rounding), the same order except among ties, the same totals and facet counts,
for the relevance sets' queries and the query shapes the planner makes, on one segment and on
several with deleted documents."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from indexer import add_documents, build_index, delete_documents, open_index
from indexer.evaluate import read_qrels
from indexer.search import pipeline, segment
from indexer.search.context import SearchContext
from indexer.search.engine import View
from indexer.search.parse import parse

RELEVANCE = Path(__file__).parent.parent / "relevance"
SHAPES = ["智慧 城市", "华宇 不存在的词", "\"城市 大脑\"", "城市大脑", "智慧 医疗 平台 交通", "政务 -平安",
          "云 -华为 -阿里", "kind:vendor 软件", "rank:1-10 云", "published:2021 服务", "用友 税务", "huayu",
          "hy", "如何办理居住证", "数据", "云", "的", "", "苏政发〔2021〕87号", "苏政办发〔2022〕",
          "公积金 提取", "医保 报销", "topic:社会保障", "publisher:国务院办公厅 通知"]
SORTS = [None, "-published", "published"]
REL_TOL = 1e-9


def queries(qrels: Path) -> list[str]:
    return sorted(read_qrels(qrels)) + SHAPES


def same_score(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-12)


def assert_same_ranking(ours: list[tuple], theirs: list[tuple]) -> None:
    """(item, key, score) lists: the same keys and scores in the same order, and the same items
    except that items of an equal key and score may swap (the last such group may be cut)."""
    assert len(ours) == len(theirs)
    groups: dict[tuple, list[set]] = {}
    for (mine, key, a), (other, their_key, b) in zip(ours, theirs, strict=True):
        assert key == their_key and same_score(a, b), (ours, theirs)
        pair = groups.setdefault((key, round(a, 6)), [set(), set()])
        pair[0].add(mine)
        pair[1].add(other)
    last = (ours[-1][1], round(ours[-1][2], 6)) if ours else None
    for group, (mine, other) in groups.items():
        assert group == last or mine == other, (group, ours, theirs)


def assert_same_search(view: View, q: str, sort: str | None, filters: dict | None = None) -> None:
    """The whole search policy (fallbacks, correction, facets) gives the same answer both ways."""
    ours = pipeline.run(view, q, 1, 20, filters or {}, sort)
    theirs = pipeline.run(view, q, 1, 20, filters or {}, sort, whoosh=True)
    assert (ours.total, ours.mode, ours.suggestion, ours.facets, ours.notices) == \
        (theirs.total, theirs.mode, theirs.suggestion, theirs.facets, theirs.notices), q
    key = (lambda hit: hit.fields["published"]) if sort else (lambda hit: None)
    assert_same_ranking([(h.id, key(h), h.score) for h in ours.hits],
                        [(h.id, key(h), h.score) for h in theirs.hits])


def assert_same_matches(view: View, q: str) -> None:
    """Every match of the planner's query (not only the top), with its score."""
    plan = view.planner.plan(parse(q))
    tree, restriction = plan.everything(), plan.restriction()
    everything = view.searcher.doc_count_all() + 1
    ours = SearchContext(view, everything).search(tree, restriction)
    theirs = SearchContext(view, everything, whoosh=True).search(tree, restriction)
    assert len(ours) == len(theirs), q
    mine = {hit.docnum: hit.score for hit in ours[:everything]}
    assert_same_ranking([(hit.docnum, None, hit.score) for hit in ours[:everything]],
                        [(hit.docnum, None, hit.score) for hit in theirs[:everything]])
    other = {hit.docnum: hit.score for hit in theirs[:everything]}
    assert mine.keys() == other.keys(), q
    assert all(same_score(mine[doc], other[doc]) for doc in mine), q


@pytest.mark.parametrize("sort", SORTS)
def test_seed_queries_answer_alike(engine, sort):
    view = engine.view()
    for q in queries(RELEVANCE / "qrels.tsv"):
        assert_same_search(view, q, sort)


@pytest.mark.parametrize("sort", SORTS)
def test_government_queries_answer_alike(gov, sort):
    view = gov.view()
    for q in queries(RELEVANCE / "gov" / "qrels.tsv"):
        assert_same_search(view, q, sort)


def test_every_match_and_score_alike(engine, gov):
    for found, qrels in ((engine, RELEVANCE / "qrels.tsv"), (gov, RELEVANCE / "gov" / "qrels.tsv")):
        view = found.view()
        for q in queries(qrels):
            assert_same_matches(view, q)


def test_filters_and_title_scope_alike(engine, gov):
    cases = [(engine, "云", {"kind": ["vendor"]}), (engine, "平台", {"rank": ["1..20"]}),
             (gov, "通知", {"published": ["2021..2022"]}), (gov, "公积金", {"kind": ["page"]})]
    for found, q, filters in cases:
        view = found.view()
        assert_same_search(view, q, None, filters)
        scoped = View(view.generation, view.searcher, view.planner.scoped(("title",)))
        assert_same_search(scoped, q, "-published", filters)


@pytest.fixture(scope="module")
def updated(tmp_path_factory):
    """The seed index after an add (a second segment, a replaced document) and a delete."""
    path = tmp_path_factory.mktemp("updated")
    build_index(index_dir=path)
    records = [{"id": "vendor-1", "title": "智慧城市 云平台 替换", "body": "城市大脑 智慧医疗 数据 平台"},
               *({"id": f"extra-{n}", "title": f"政务服务 第{n}号", "body": "智慧 城市 数据 云 服务 " * n,
                  "kind": "page", "published": f"2021-0{n}-01"} for n in range(1, 9))]
    corpus = path.parent / "updated.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    add_documents([corpus], path)
    delete_documents(["vendor-2", "extra-3"], path)
    return open_index(path)


def test_several_segments_with_deleted_documents_alike(updated):
    view = updated.view()
    readers = [leaf.reader() for leaf, _ in view.searcher.leaf_searchers()]
    assert len(readers) > 1 and any(reader.has_deletions() for reader in readers)
    for q in queries(RELEVANCE / "qrels.tsv"):
        assert_same_matches(view, q)
        for sort in SORTS:
            assert_same_search(view, q, sort)


def test_idf_from_the_postings_is_whooshs(updated):
    """The executor computes idf from the document frequency its postings carry, deleted
    postings too: Whoosh's idf for every term, each on a searcher of its own (they share a
    cache otherwise, which would hide a difference)."""
    index = updated.view().generation.index
    ours, theirs = index.searcher(weighting=pipeline.scorer()), index.searcher(weighting=pipeline.scorer())
    evaluator, = segment.segments(ours, lambda: True)
    compared = with_deleted = 0
    for fieldname, tbytes in ours.reader().all_terms():
        postings = evaluator.arrays.postings(fieldname, tbytes)
        if postings is None:
            continue
        assert evaluator.idf(fieldname, tbytes, postings.df) == theirs.idf(fieldname, tbytes), fieldname
        compared += 1
        with_deleted += postings.df > len(postings.docs)
    assert compared > 1000 and with_deleted > 10
