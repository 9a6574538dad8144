"""Peer engines over the same documents and queries, each in a Python process of its own.

- **whoosh**: the naive jieba + stock Whoosh baseline (:mod:`indexer.evaluate.baselines`);
- **fts5**: SQLite FTS5 (the standard library's ``sqlite3``) over rjieba tokens;
- **tantivy**: Tantivy (PyPI ``tantivy``, the ``bench`` extra) over rjieba tokens, one
  indexing thread like the others.

Both token peers index title and body as rjieba words (lower case, punctuation dropped),
join query words with AND, search a quoted query as a phrase of its words, rank by their
BM25, and count every match as our engine does. A child reads ``input.json`` in its folder
(documents and queries) and writes ``output.json``: build seconds, index bytes, the top ten
ids and the milliseconds of each query, and the match counts.

Run as ``python -m bench.peers NAME FOLDER``; :func:`run_peer` does that under
:func:`bench.measure.run_measured` for the peak memory of the process.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from indexer.evaluate.baselines import timed_answers

from .measure import Measured, run_measured

TOP = 10
TANTIVY_HEAP = 256 * 2**20
Search = Callable[[str], tuple[list[str], int]]  # query → (top ids, match count)


def available(name: str) -> bool:
    """Whether peer ``name`` can run here (Tantivy needs the ``bench`` extra)."""
    return name != "tantivy" or importlib.util.find_spec("tantivy") is not None


def tokens(text: str) -> list[str]:
    """rjieba words of ``text`` in lower case, without spaces and punctuation."""
    import rjieba

    return [word.lower() for word in rjieba.cut(text) if any(ch.isalnum() for ch in word)]


def parse(query: str) -> tuple[list[str], bool]:
    """The query's words and whether it is a quoted phrase."""
    stripped = query.strip()
    phrase = len(stripped) > 1 and stripped[0] == stripped[-1] == '"'
    return tokens(stripped.strip('"')), phrase


def folder_bytes(folder: Path) -> int:
    """Bytes of the files under ``folder``."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def fts5_build(documents: Sequence[dict], folder: Path) -> Search:
    """An FTS5 table of id, title and body words in ``folder``; its search function."""
    db = sqlite3.connect(folder / "fts5.db")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, tokenize='unicode61')")
    with db:
        db.executemany("INSERT INTO docs VALUES (?, ?, ?)",
                       ((doc["id"], " ".join(tokens(doc["title"])), " ".join(tokens(doc["body"])))
                        for doc in documents))
        db.execute("INSERT INTO docs(docs) VALUES ('optimize')")

    def search(query: str) -> tuple[list[str], int]:
        words, phrase = parse(query)
        if not words:
            return [], 0
        quoted = ['"' + word.replace('"', '""') + '"' for word in words]
        expression = '"' + " ".join(q[1:-1] for q in quoted) + '"' if phrase else " ".join(quoted)
        ids = [row[0] for row in db.execute(
            "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?", (expression, TOP))]
        count = db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (expression,)).fetchone()[0]
        return ids, count

    return search


def tantivy_build(documents: Sequence[dict], folder: Path) -> Search:
    """A Tantivy index of id, title and body words in ``folder``; its search function."""
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in ("title", "body"):
        builder.add_text_field(name, stored=False, tokenizer_name="whitespace")
    builder.add_bytes_field("source", stored=True)  # the original text, as the others store it
    schema = builder.build()
    index = tantivy.Index(schema, path=str(folder))
    writer = index.writer(TANTIVY_HEAP, 1)
    for doc in documents:
        writer.add_document(tantivy.Document(
            id=doc["id"], title=" ".join(tokens(doc["title"])), body=" ".join(tokens(doc["body"])),
            source=f"{doc['title']}\n{doc['body']}".encode()))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()

    def either_field(make: Callable[[str], object]):
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, make(name)) for name in ("title", "body")])

    def search(query: str) -> tuple[list[str], int]:
        words, phrase = parse(query)
        if not words:
            return [], 0
        if phrase and len(words) > 1:
            built = either_field(lambda name: tantivy.Query.phrase_query(schema, name, words))
        else:
            built = tantivy.Query.boolean_query([
                (tantivy.Occur.Must,
                 either_field(lambda name, w=word: tantivy.Query.term_query(schema, name, w)))
                for word in words])
        result = searcher.search(built, TOP, count=True)
        return [searcher.doc(address)["id"][0] for _, address in result.hits], result.count

    return search


BUILDERS = {"fts5": fts5_build, "tantivy": tantivy_build}


def run_token_peer(name: str, documents: Sequence[dict], queries: Sequence[str], folder: Path) -> dict:
    """Build peer ``name`` in ``folder`` and answer ``queries``, timed like the baseline."""
    started = time.perf_counter()
    search = BUILDERS[name](documents, folder)
    build_seconds = time.perf_counter() - started
    answers, latencies = timed_answers(search, queries)
    rankings = {query: ranking for query, (ranking, _) in answers.items()}
    counts = {query: count for query, (_, count) in answers.items()}
    return {"build_seconds": build_seconds, "index_bytes": folder_bytes(folder), "rankings": rankings,
            "counts": counts, "latencies_ms": latencies}


def run_peer(name: str, documents: Sequence[dict], queries: Sequence[str],
             work: Path) -> tuple[dict, Measured]:
    """Peer ``name`` in a child process under ``work``: its output and its measured run."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "input.json").write_text(json.dumps({"documents": list(documents), "queries": list(queries)},
                                                ensure_ascii=False), encoding="utf-8")
    (work / "index").mkdir()
    measured = run_measured([sys.executable, "-m", "bench.peers", name, str(work)])
    if measured.returncode != 0:
        raise RuntimeError(f"peer {name} failed:\n{measured.stderr}")
    return json.loads((work / "output.json").read_text(encoding="utf-8")), measured


def _main(name: str, folder: str) -> None:
    """Child process: read ``input.json`` in ``folder``, write ``output.json``."""
    work = Path(folder)
    given = json.loads((work / "input.json").read_text(encoding="utf-8"))
    if name == "whoosh":
        from indexer.evaluate.baselines import run_jieba_whoosh

        result = run_jieba_whoosh(given["documents"], given["queries"], work / "index")
    else:
        result = run_token_peer(name, given["documents"], given["queries"], work / "index")
    (work / "output.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    _main(sys.argv[1], sys.argv[2])
