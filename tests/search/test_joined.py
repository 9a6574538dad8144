"""An index of several segments is evaluated once, on its segments' arrays joined: the same
postings, positions, lengths and facets as each segment's, numbered as the index numbers
them, and the same matches and scores as the segments evaluated one by one."""

from __future__ import annotations

import json
import shutil

import numpy as np

from indexer import add_documents, delete_documents, open_index
from indexer.search.arrays import segment_arrays
from indexer.search.joined import joined_arrays
from indexer.search.logical import AllOf, Range, Term
from indexer.search.parse import parse
from indexer.search.segment import JoinedSegment, Segment, segments

TERMS = [("body_chars", "数据"), ("body", "平台"), ("title_chars", "云"), ("kind", "vendor")]


def _two_segments(index_dir, tmp_path):
    index = tmp_path / "ix"
    shutil.copytree(index_dir, index, symlinks=True)
    corpus = tmp_path / "more.jsonl"
    records = [{"id": "vendor-1", "title": "数据云平台", "body": "政务数据 平台 数据中心"},
               *({"id": f"p{n}", "title": f"云服务{n}", "body": "数据 平台 " * n, "kind": "page"}
                 for n in range(1, 6))]
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    add_documents([corpus], index)
    delete_documents(["vendor-2", "p3"], index)
    searcher = open_index(index).searcher()
    assert len(searcher.leaf_searchers()) > 1
    return searcher


def test_joined_arrays_are_the_segments_arrays_one_after_another(index_dir, tmp_path):
    searcher = _two_segments(index_dir, tmp_path)
    leaves = [(segment_arrays(leaf.reader()), offset) for leaf, offset in searcher.leaf_searchers()]
    joined = joined_arrays(searcher.reader())
    assert joined.doccount == sum(arrays.doccount for arrays, _ in leaves)
    assert np.array_equal(joined.live, np.concatenate([arrays.live for arrays, _ in leaves]))
    assert np.array_equal(joined.lengths("body"), np.concatenate([a.lengths("body") for a, _ in leaves]))
    for fieldname, text in TERMS:
        tbytes = text.encode()
        found = joined.postings(fieldname, tbytes)
        parts = [(arrays.postings(fieldname, tbytes), offset) for arrays, offset in leaves]
        parts = [(part, offset) for part, offset in parts if part is not None and len(part.docs)]
        assert np.array_equal(found.docs, np.concatenate([part.docs + offset for part, offset in parts]))
        assert np.array_equal(found.weights, np.concatenate([part.weights for part, _ in parts]))
        if fieldname == "kind":
            continue
        everything = np.arange(len(found.docs))
        counts, positions = found.positions_at(everything)
        pieces = [part.positions_at(np.arange(len(part.docs))) for part, _ in parts]
        assert np.array_equal(counts, np.concatenate([c for c, _ in pieces]))
        assert np.array_equal(positions, np.concatenate([p for _, p in pieces]))
    kinds = {}
    for arrays, _ in leaves:
        docs, numbers, names = arrays.facet("kind")
        for number in numbers.tolist():
            kinds[names[number]] = kinds.get(names[number], 0) + 1
    docs, numbers, names = joined.facet("kind")
    assert {name: int((numbers == n).sum()) for n, name in enumerate(names)} == kinds


def test_one_evaluation_matches_the_segments_evaluated_one_by_one(index_dir, tmp_path):
    searcher = _two_segments(index_dir, tmp_path)
    view = open_index(tmp_path / "ix").view()
    (joined,) = segments(searcher, lambda: True)
    assert isinstance(joined, JoinedSegment)
    texts = ("数据 平台", '"数据中心"', "云", "shuju", "-平台 数据")
    trees = [view.planner.plan(parse(text)).everything() for text in texts]
    trees.append(AllOf((Term("body", "数据"), Range("rank", 1, 20))))
    for tree in trees:
        found = joined.run(tree)
        docs, scores = [], []
        for leaf, offset in searcher.leaf_searchers():
            part = Segment(leaf, offset, lambda: True).run(tree)
            docs.append(part.docs + offset)
            scores.append(part.scores)
        assert np.array_equal(found.docs, np.concatenate(docs)), tree
        assert np.array_equal(found.scores, np.concatenate(scores)), tree
