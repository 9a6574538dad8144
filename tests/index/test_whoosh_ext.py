"""Our Whoosh extensions are installed only by the engine, and each one gives the same
documents and the same scores as stock Whoosh on a sample corpus."""

from __future__ import annotations

import gzip
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec
from whoosh.reading import MultiReader, SegmentReader
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from indexer import config, load_documents, open_index, whoosh_ext
from indexer.index.schema import index_fields, make_schema
from indexer.whoosh_ext.codec import index_codec
from indexer.whoosh_ext.scoring import ListLengthBM25F

MODERN = Path(__file__).resolve().parents[3] / "shared" / "bench" / "modern.jsonl.gz"
SAMPLE = 400


def test_importing_indexer_leaves_whoosh_alone():
    script = ("import indexer, whoosh.matching as m, whoosh.filedb.compound as c; "
              "print(m.ArrayUnionMatcher.__module__, c.BufferFile.__module__)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["whoosh.matching.combo", "whoosh.filedb.structfile"]


def test_the_engine_installs_them_and_uninstall_restores_whoosh(index_dir):
    whoosh_ext.uninstall()
    assert not whoosh_ext.installed()
    open_index(index_dir)
    assert whoosh_ext.installed()


def _documents() -> list:
    docs = list(load_documents([config.seed_path()]))
    if MODERN.exists():
        with gzip.open(MODERN, "rt", encoding="utf-8") as stream:
            for line in itertools.islice(stream, SAMPLE):
                record = json.loads(line)
                docs.append(type(docs[0])(record["id"], record["kind"], record["title"], record["body"]))
    return docs


def _build(folder: Path, codec) -> whoosh_index.Index:
    index = whoosh_index.create_in(str(folder), make_schema())
    writer = index.writer(codec=codec) if codec else index.writer()
    for doc in _documents():
        writer.add_document(**index_fields(doc))
    writer.commit()
    return index


QUERIES = [
    wq.Term("body", "服务"),
    wq.Term("body_chars", "数"),
    wq.And([wq.Term("body", "数据"), wq.Term("body_chars", "中")]),
    wq.Or([wq.Term("body_chars", c) for c in "智慧城市政务服务云数据的"]),
    wq.Or([wq.Term("title", "软件"), wq.Term("body", "软件"), wq.Term("title_chars", "科")]),
    wq.Phrase("body_chars", ["数据", "据中", "中心"]),
    wq.Phrase("body", ["政务", "服务"]),
    wq.AndMaybe(wq.Term("body_chars", "的"), wq.Term("title_chars", "云")),
]


def _answers(index, weighting) -> list:
    with index.searcher(weighting=weighting) as searcher:
        return _run(searcher)


def _run(searcher) -> list:
    return [[(hit.docnum, round(hit.score, 9)) for hit in searcher.search(q, limit=None)]
            for q in QUERIES]


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    stock = _build(tmp_path_factory.mktemp("stock"), None)
    ours = _build(tmp_path_factory.mktemp("ours"), index_codec())
    return stock, ours


def test_every_query_finds_something(indexes):
    assert all(answer for answer in _answers(indexes[0], BM25F()))


def test_codec_gives_the_same_documents_and_scores(indexes):
    whoosh_ext.uninstall()
    stock, ours = indexes
    assert _answers(ours, BM25F()) == _answers(stock, BM25F())


def test_scorer_gives_the_same_scores(indexes):
    whoosh_ext.uninstall()
    ours = indexes[1]
    assert _answers(ours, ListLengthBM25F()) == _answers(ours, BM25F())


def test_installed_matcher_and_mapping_give_the_same_documents_and_scores(indexes):
    stock = indexes[0]
    whoosh_ext.uninstall()
    expected = _answers(stock, BM25F())
    whoosh_ext.install()
    reopened = whoosh_index.open_dir(stock.storage.folder)  # segment files through ViewFile
    assert _answers(reopened, BM25F()) == expected
    assert _answers(reopened, ListLengthBM25F()) == expected


def test_stock_whoosh_codec_reads_what_ours_wrote(indexes):
    whoosh_ext.uninstall()
    stock, ours = indexes
    toc = ours._read_toc()
    readers = []
    for segment in toc.segments:
        segment._codec = W3Codec()  # read the files with Whoosh's own codec, not ours
        readers.append(SegmentReader(ours.storage, toc.schema, segment))
    reader = readers[0] if len(readers) == 1 else MultiReader(readers)
    with Searcher(reader, weighting=BM25F()) as searcher:
        assert searcher.doc_count() == len(_documents())
        assert _run(searcher) == _answers(stock, BM25F())


def test_minimum_match_resets_to_every_submatcher(indexes):
    from indexer.whoosh_ext.minmatch import MinimumMatch

    stock = indexes[0]
    query = MinimumMatch([wq.Term("body_chars", c) for c in "智慧城市"], 2)
    with stock.searcher() as searcher:
        matcher = query.matcher(searcher)
        first = list(matcher.all_ids())
        matcher.reset()
        assert first and list(matcher.all_ids()) == first
