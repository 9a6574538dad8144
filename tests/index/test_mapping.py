"""Compound segment files are read in place through the map, exactly as Whoosh would read a copy;
what is gathered from the map as arrays is what Whoosh reads entry by entry."""

from __future__ import annotations

import io
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer import open_index
from indexer.index import store
from indexer.whoosh_ext.mapping import ViewFile, ViewReader

OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("read"), st.one_of(st.none(), st.integers(-1, 40))),
    st.tuples(st.just("readline"), st.one_of(st.none(), st.integers(-1, 40))),
    st.tuples(st.just("seek"), st.tuples(st.integers(0, 60), st.just(0))),
    st.tuples(st.just("seek"), st.tuples(st.integers(-10, 10), st.sampled_from([1, 2]))),
    st.tuples(st.just("tell"), st.none()),
), max_size=30)


@given(st.binary(max_size=600).map(lambda data: data.replace(b"\x00", b"\n")), OPERATIONS)
def test_a_view_reads_like_a_copy(data, operations):
    view, copy = ViewReader(memoryview(data)), io.BytesIO(data)
    for name, argument in operations:
        if name == "seek":
            offset, whence = argument
            if whence and copy.tell() + (offset if whence == 1 else len(data) + offset) < 0:
                continue  # BytesIO refuses a negative position; nothing to compare
            assert view.seek(offset, whence) == copy.seek(offset, whence)
        elif name == "tell":
            assert view.tell() == copy.tell()
        else:
            assert getattr(view, name)(argument) == getattr(copy, name)(argument), (name, argument)


def test_a_searchers_segment_files_are_views_of_the_map(index_dir):
    engine = open_index(index_dir)
    files = [leaf._terms._dbfile for leaf, _ in engine.searcher().reader().leaf_readers()]
    assert files and all(isinstance(file, ViewFile) for file in files)
    assert engine.search("华宇").hits[0].title == "华宇软件"


@pytest.mark.parametrize("fieldname, start", [("id", ""), ("kind", ""), ("title_exact", ""),
                                              ("body_chars", ""), ("body", "\u4e00"), ("no_such_field", "")])
def test_a_fields_term_entries_are_whooshs(index_dir, fieldname, start):
    # read in one piece and gathered as arrays, from the mapped file and from the file itself,
    # against Whoosh's term infos one by one: the same terms and statistics
    mapped = open_index(index_dir).searcher().reader().leaf_readers()
    with store.unmapped_reader(store.current_generation(index_dir)) as reader:
        for (leaf, _), (unmapped, _) in zip(mapped, reader.leaf_readers(), strict=True):
            terms, infos = leaf._terms.field_entries(fieldname, start.encode())
            known = unmapped.iter_from(fieldname, start) if fieldname in leaf.schema else []
            entries = itertools.takewhile(lambda entry: entry[0][0] == fieldname, known)
            whoosh = [(tbytes, info.weight(), info.doc_frequency(), info.min_id(), info.max_id())
                      for (_, tbytes), info in entries]
            ours = list(zip(terms, *(infos[name].tolist() for name in ("weight", "count", "first", "last")),
                            strict=True))
            assert ours == whoosh
            again, again_infos = unmapped._terms.field_entries(fieldname, start.encode())
            assert again == terms and again_infos.tobytes() == infos.tobytes()
            assert fieldname == "no_such_field" or terms
