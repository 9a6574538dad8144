"""Our Whoosh extensions are installed only by the engine, and each one gives the same
documents and the same scores as stock Whoosh on a sample corpus."""

from __future__ import annotations

import gzip
import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.scoring import BM25F
from whoosh.writing import SegmentWriter

from bench.corpora import MODERN, shared
from indexer import (
    add_documents,
    build_index,
    config,
    delete_documents,
    load_documents,
    open_index,
    whoosh_ext,
)
from indexer.index.schema import index_fields, make_schema
from indexer.index.store import current_generation, open_generation
from indexer.whoosh_ext.codec import index_codec
from indexer.whoosh_ext.packed import POSITIONS, posting_value
from indexer.whoosh_ext.scoring import ListLengthBM25F
from indexer.whoosh_ext.writer import (
    MapMpWriter,
    MapSegmentWriter,
    group_postings,
    index_writer,
)

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
    with gzip.open(shared(MODERN), "rt", encoding="utf-8") as stream:
        for line in itertools.islice(stream, SAMPLE):
            record = json.loads(line)
            docs.append(type(docs[0])(record["id"], record["kind"], record["title"], record["body"]))
    return docs


def _build(folder: Path, codec, writer_class=SegmentWriter, limitmb: int = 128) -> whoosh_index.Index:
    index = whoosh_index.create_in(str(folder), make_schema())
    writer = writer_class(index, limitmb=limitmb, **({"codec": codec} if codec else {}))
    _add(writer, _documents())
    writer.commit()
    return index


def _add(writer, docs: list, size: int = 37) -> None:
    """Add ``docs`` as a build does: ours ``size`` documents at a time (batches of every kind
    of document), Whoosh's one at a time."""
    if not hasattr(writer, "add_documents"):
        for doc in docs:
            writer.add_document(**index_fields(doc))
        return
    for start in range(0, len(docs), size):
        writer.add_documents([index_fields(doc) for doc in docs[start:start + size]])


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
    ours = _build(tmp_path_factory.mktemp("ours"), index_codec(), MapSegmentWriter)
    return stock, ours


@pytest.fixture(scope="module")
def codec_only(tmp_path_factory):
    """Our codec written by Whoosh's own segment writer: the reference for the map writer."""
    return _build(tmp_path_factory.mktemp("codec"), index_codec())


def _content(index) -> tuple:
    """Everything a reader sees: each term's statistics, every posting (document, weight,
    encoded positions), the stored fields and the field lengths. Not the byte offsets of
    posting blocks: pickle writes a repeated encoding once per block when it is one object."""
    with index.reader() as reader:
        infos = [(field, text, {key: value for key, value in vars(reader.term_info(field, text)).items()
                                if key not in ("_offset", "_length")})
                 for field, text in reader.all_terms()]
        text_fields = ("title", "body", "title_chars", "body_chars")
        lengths = [[reader.doc_field_length(doc, field) for field in text_fields]
                   for doc in range(reader.doc_count_all())]
        return infos, list(reader.iter_postings()), list(reader.all_stored_fields()), lengths


def test_every_query_finds_something(indexes):
    assert all(answer for answer in _answers(indexes[0], BM25F()))


def test_whoosh_searcher_reads_our_format_and_finds_the_same_documents_and_scores(indexes):
    whoosh_ext.uninstall()  # stock Whoosh: its Searcher, collectors and matchers over our codec
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


def test_minimum_match_resets_to_every_submatcher(indexes):
    from indexer.whoosh_ext.queries import MinimumMatch

    stock = indexes[0]
    query = MinimumMatch([wq.Term("body_chars", c) for c in "智慧城市"], 2)
    with stock.searcher() as searcher:
        matcher = query.matcher(searcher)
        first = list(matcher.all_ids())
        matcher.reset()
        assert first and list(matcher.all_ids()) == first


@pytest.mark.slow  # tens of seconds: `make test`, not `make test-fast`
def test_map_writer_writes_what_whoosh_writes(indexes, codec_only):
    whoosh_ext.uninstall()
    assert _content(indexes[1]) == _content(codec_only)


@pytest.mark.slow  # tens of seconds: `make test`, not `make test-fast`
def test_map_writer_spilling_sorted_runs_writes_the_same(tmp_path, codec_only):
    whoosh_ext.uninstall()
    index = whoosh_index.create_in(str(tmp_path), make_schema())
    writer = MapSegmentWriter(index, limitmb=1, codec=index_codec())  # a run every few batches
    _add(writer, _documents(), size=5)
    assert len(writer._fields["body_chars"]._runs) > 5  # the collected postings went to runs
    assert not writer.pool.fieldnames  # and none, of any field, to Whoosh's pool
    writer.commit()
    assert _content(index) == _content(codec_only)


def _merged_build(folder: Path, limitmb: int) -> whoosh_index.Index:
    """50 documents in a segment, then the others in a second writer that merges it in."""
    docs = _documents()
    index = whoosh_index.create_in(str(folder), make_schema())
    writer = MapSegmentWriter(index, codec=index_codec())
    for doc in docs[:50]:
        writer.add_document(**index_fields(doc))
    writer.commit()
    writer = MapSegmentWriter(index, limitmb=limitmb, codec=index_codec())
    for doc in docs[50:]:
        writer.add_document(**index_fields(doc))
    assert bool(writer._fields["body_chars"]._runs) == (limitmb == 1)
    writer.commit(optimize=True)  # the first segment merged in: postings through Whoosh's pool
    assert len(index._read_toc().segments) == 1
    return index


@pytest.mark.slow  # tens of seconds: `make test`, not `make test-fast`
def test_merging_a_segment_sends_the_runs_through_whoosh_pool_in_order(tmp_path):
    whoosh_ext.uninstall()
    (tmp_path / "map").mkdir()
    (tmp_path / "runs").mkdir()
    assert _content(_merged_build(tmp_path / "runs", 1)) == _content(_merged_build(tmp_path / "map", 128))


def test_positions_are_grouped_and_encoded_as_whoosh_encodes_them():
    from whoosh.formats import Positions

    lists = ([0], [7], [300], [70000], [1, 1, 4], [2, 30, 500, 70000], [3] * 300, list(range(0, 5000, 3)))
    docs = [(0, 1), (0, 1, 2), (2,), (1, 2), (0,), (1,), (0, 2), (2,)]  # the documents of each term
    tokens = sorted((doc, position, term) for term, in_docs in enumerate(docs)  # document after document
                    for doc in in_docs for position in lists[term])
    _, positions, terms = (np.array(column) for column in zip(*tokens, strict=True))
    doc_of = np.array([doc for doc, _, _ in tokens])
    terms_of, docs_of, counts, starts, gaps = group_postings(terms, positions.tolist(), doc_of)
    expected = [(term, doc) for term, in_docs in enumerate(docs) for doc in in_docs]
    assert list(zip(terms_of.tolist(), docs_of.tolist(), strict=True)) == expected
    for (term, _), count, start in zip(expected, counts, starts, strict=True):
        value = posting_value(POSITIONS, count, gaps[start:start + count].tolist())
        assert value == Positions().encode(lists[term])


def test_every_writing_process_uses_the_map_writer(tmp_path):
    index = whoosh_index.create_in(str(tmp_path), make_schema())
    single = index_writer(index, limitmb=16)
    assert isinstance(single, MapSegmentWriter)
    single.cancel()
    writer = index_writer(index, procs=2, batchsize=10, multisegment=True, limitmb=16, codec=index_codec())
    assert isinstance(writer, MapMpWriter)
    for doc in _documents()[:40]:
        writer.add_document(**index_fields(doc))
    writer.commit()
    assert len(writer.tasks) == 2 and all(task.exitcode == 0 for task in writer.tasks)
    assert whoosh_index.open_dir(str(tmp_path)).doc_count() == 40


def _update_many(live: Path, folder: Path) -> dict[str, dict]:
    """Two dozen adds, replacements and deletes in a row, each checked through an open engine;
    the documents added and not deleted."""
    engine = open_index(live)
    added: dict[str, dict] = {}
    for step in range(24):
        if step % 3 == 2:
            delete_documents([f"news-{step - 2}"], live)
            del added[f"news-{step - 2}"]
            assert engine.document(f"news-{step - 2}") is None
            continue
        records = [{"id": f"news-{step}", "title": f"第{step}号量子新闻",
                    "body": f"华宇发布第{step}代量子芯片"},
                   {"id": "news-fixed", "title": "替换新闻", "body": f"第{step}次替换的正文"}]
        add_documents([_jsonl(folder / f"add-{step}.jsonl", records)], live)
        added.update((record["id"], record) for record in records)
        assert [hit.id for hit in engine.search(f"第{step}号量子新闻").hits][:1] == [f"news-{step}"]
        assert engine.document("news-fixed")["body"] == f"第{step}次替换的正文"
    assert engine.doc_count() == 57 + len(added)
    return added


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _live_postings(index) -> tuple[list, list]:
    """The postings and stored fields of the documents not deleted, by document id."""
    with index.reader() as reader:
        ids = {doc: fields["id"] for doc, fields in reader.iter_docs()}
        postings = sorted((field, text, ids[doc], weight, value or b"")
                          for field, text, doc, weight, value in reader.iter_postings()
                          if not reader.is_deleted(doc))
        stored = sorted((fields["id"], sorted(fields.items())) for _, fields in reader.iter_docs())
    return postings, stored


@pytest.mark.slow  # over 2 s on its own: `make test`, not `make test-fast`
def test_dozens_of_updates_in_a_row_leave_what_a_fresh_build_writes(tmp_path):
    live = tmp_path / "live"
    build_index(index_dir=live)
    added = _update_many(live, tmp_path)
    fresh = tmp_path / "fresh"
    build_index([config.seed_path(), _jsonl(tmp_path / "all.jsonl", list(added.values()))], fresh)
    updated = open_generation(current_generation(live))
    assert len(updated._read_toc().segments) > 1  # merges happened, and some segments remain
    assert _live_postings(updated) == _live_postings(open_generation(current_generation(fresh)))


def test_index_tokens_are_the_tokens_whoosh_indexes():
    schema = make_schema()
    for doc in _documents():
        for name in ("title", "body", "title_chars", "body_chars"):
            analyzer = schema[name].analyzer
            tokens = [(token.text, token.pos) for token in analyzer(getattr(doc, name.split("_")[0]),
                                                                    positions=True, mode="index")]
            assert list(zip(*analyzer.index_tokens(getattr(doc, name.split("_")[0])), strict=True)) == tokens
