"""Building: several processes give the same index as one; every process gets the dictionary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from whoosh import index as whoosh_index

from indexer import build_index, open_index
from indexer.index.store import current_generation
from webui.cli import main

QRELS = Path(__file__).parent.parent / "relevance" / "qrels.tsv"


def relevance_queries() -> list[str]:
    """Every query of the relevance judgements, plus the query-language forms."""
    lines = QRELS.read_text(encoding="utf-8").splitlines()
    queries = {line.split("\t")[0] for line in lines[1:] if line and not line.startswith("#")}
    return sorted(queries) + ['"城市 大脑"', "智慧 -平安", "kind:vendor 云", "rank:1-10 软件"]


@pytest.fixture(scope="module")
def parallel_index(tmp_path_factory) -> Path:
    """The seed corpus indexed by two processes."""
    path = tmp_path_factory.mktemp("parallel")
    build_index(index_dir=path, procs=2)
    return path


def answers(engine, query: str) -> tuple:
    """Everything a user sees of a query, with hits of equal score in id order."""
    result = engine.search(query, per_page=100)
    hits = sorted((-hit.score, hit.id, hit.snippet) for hit in result.hits)
    return result.total, result.mode, result.facets, hits


def test_parallel_build_writes_one_segment_per_process(parallel_index):
    segments = whoosh_index.open_dir(str(current_generation(parallel_index)))._segments()
    assert len(segments) == 2
    assert sum(segment.doc_count() for segment in segments) == 57


def test_parallel_build_answers_every_query_like_one_process(index_dir, parallel_index):
    single, parallel = open_index(index_dir), open_index(parallel_index)
    queries = relevance_queries()
    assert len(queries) > 50
    for query in queries:
        assert answers(parallel, query) == answers(single, query), query


def test_parallel_build_writes_the_word_lists_of_one_process(index_dir, parallel_index):
    single, parallel = current_generation(index_dir), current_generation(parallel_index)
    for name in ("pinyin-words.tsv", "dictionary.txt"):
        assert (parallel / name).read_text(encoding="utf-8") == (single / name).read_text(encoding="utf-8")
    counts = dict(line.split("\t")[2:] for line in (parallel / "pinyin-words.tsv").read_text(
        encoding="utf-8").splitlines())
    assert int(counts["软件"]) > 2  # counted in both segments' titles and bodies


def test_a_fresh_process_opening_the_index_segments_with_its_dictionary(parallel_index):
    script = ("import sys; from whoosh import index; from indexer.index.store import "
              "current_generation; from indexer.analysis.segment import Segmenter; "
              "from pathlib import Path; "
              "print([w for w, *_ in Segmenter().tokens('数梦工场')]); "
              "words = index.open_dir(str(current_generation(Path(sys.argv[1])))).schema['title'].analyzer; "
              "print([t.text for t in words('数梦工场', mode='query')]); "
              "print([w for w, *_ in Segmenter().tokens('数梦工场')])")
    out = subprocess.run([sys.executable, "-c", script, str(parallel_index)], check=True,
                         capture_output=True, text=True).stdout.splitlines()
    before, indexed, after = out
    assert indexed == "['数梦工场']"
    assert before == after != indexed  # the generation's words stay with its segmenter


def test_build_reports_progress_off_a_terminal(tmp_path):
    result = CliRunner().invoke(main, ["build", "--index", str(tmp_path / "ix"), "--procs", "2"])
    assert result.exit_code == 0, result.output
    assert "indexing: 57/57 documents (100%)" in result.output
    assert "docs/s" in result.output


def test_build_rejects_a_bad_process_count(tmp_path):
    result = CliRunner().invoke(main, ["build", "--index", str(tmp_path / "ix"), "--procs", "0"])
    assert result.exit_code == 2 and "--procs" in result.output


def _drain(main_fd: int) -> str:
    """Everything written to a closed pseudo-terminal: a pty hands its output over in pieces."""
    import os
    import select

    chunks = []
    while select.select([main_fd], [], [], 5)[0]:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:  # EIO: the terminal side is closed and everything has been read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main_fd)
    return b"".join(chunks).decode()


def test_progress_on_a_terminal_is_a_bar_with_rate_and_time_left():
    import fcntl
    import os
    import struct
    import termios

    from indexer.index.progress import progress_reporter

    main_fd, terminal_fd = os.openpty()
    fcntl.ioctl(terminal_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    with os.fdopen(terminal_fd, "w") as terminal:
        with progress_reporter("indexing", terminal) as progress:
            for done in (1000, 2000):
                progress(done, 4000)
    shown = _drain(main_fd)
    assert "indexing:  50%" in shown and "2000/4000" in shown
    assert "doc/s" in shown and "<" in shown  # elapsed<remaining, as tqdm writes it


@pytest.mark.parametrize("procs", [1, 2])
def test_summary_counts_every_term_of_every_segment(tmp_path, procs):
    summary = build_index(index_dir=tmp_path, procs=procs)
    with whoosh_index.open_dir(str(summary.generation)).reader() as reader:
        walked = sum(sum(1 for _ in leaf.all_terms()) for leaf, _ in reader.leaf_readers())
    assert summary.terms == walked > 4000
    assert summary.segments == procs
    assert f"{walked} terms in {procs} segment(s)" in str(summary)


def test_a_site_build_counts_the_files_it_skips_and_joins_the_base_url(tmp_path):
    fixtures = Path(__file__).resolve().parents[1] / "readers" / "fixtures"
    site = tmp_path / "site" / "www.example.gov.cn"
    (site / "zwgk").mkdir(parents=True)
    for name in ("encrypted.pdf", "scan.pdf"):
        (site / name).write_bytes((fixtures / name).read_bytes())
    (site / "zwgk" / "a.html").write_text(
        "<html><head><title>通知</title></head><body><p>关于做好医保缴费的通知正文。</p></body></html>",
        encoding="gb18030")
    result = CliRunner().invoke(main, ["build", "--corpus", str(site), "--index",
                                       str(tmp_path / "ix"), "--base-url", "https://www.example.gov.cn/"])
    assert result.exit_code == 0, result.output
    assert "2 files skipped: 1 encrypted, 1 no text layer (scanned?)" in result.output
    doc = open_index(tmp_path / "ix").document("zwgk/a.html")
    assert doc["url"] == "https://www.example.gov.cn/zwgk/a.html" and doc["title"] == "通知"
