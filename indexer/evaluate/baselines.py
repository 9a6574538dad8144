"""The baselines egov-search is measured against, over the same documents and queries:

- **jieba + Whoosh**: jieba's stock ``ChineseAnalyzer`` in a plain Whoosh index of title and
  body, searched with Whoosh's default ``MultifieldParser``. It runs on stock Whoosh in a
  process of its own (``python -m indexer.evaluate.baselines``), so none of our extensions
  (:mod:`indexer.whoosh_ext`) can reach it; the process reports its build time, index size,
  rankings and per-query latencies.
- **jieba + BM25**: jieba's words of title and body in a BM25 index (``bm25s``, Lucene's
  BM25 with k1 1.5 and b 0.75), a query's words ORed: what a question is measured against.
- **substring**: every term occurs in title or body; more occurrences rank higher.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .metrics import CUTOFF, Ranker

WARM_UP = 20  # queries run once before latencies are taken


def substring_ranker(documents: list[dict]) -> Ranker:
    """Plain substring matching: every (lower-cased) term occurs in title or body; more is better."""
    texts = [(doc["id"], doc["title"].lower(), doc["body"].lower()) for doc in documents]

    def rank(query: str) -> list[str]:
        terms = query.lower().split()
        scored = []
        for place, (doc_id, title, body) in enumerate(texts):
            if terms and all(term in title or term in body for term in terms):
                hits = sum(2 * title.count(term) + body.count(term) for term in terms)
                scored.append((-hits, place, doc_id))
        return [doc_id for *_, doc_id in sorted(scored)[:CUTOFF]]

    return rank


def jieba_bm25(documents: list[dict]) -> Ranker:
    """The jieba + BM25 baseline over ``documents``: a query's words ORed, BM25-ranked."""
    import bm25s
    import jieba

    jieba.setLogLevel(logging.WARNING)

    def words(text: str) -> list[str]:
        return [word for word in jieba.lcut(text.lower()) if any(ch.isalnum() for ch in word)]

    ids = [doc["id"] for doc in documents]
    ranker = bm25s.BM25(k1=1.5, b=0.75)
    ranker.index([words(f"{doc['title']}\n{doc['body']}") for doc in documents], show_progress=False)

    def rank(query: str) -> list[str]:
        tokens = [word for word in words(query) if word in ranker.vocab_dict]
        if not tokens:
            return []
        found, scores = ranker.retrieve([tokens], k=min(CUTOFF, len(ids)), show_progress=False)
        pairs = zip(found[0].tolist(), scores[0].tolist(), strict=True)
        return [ids[doc] for doc, value in pairs if value > 0]

    return rank


def timed_answers(answer: Callable[[str], object], queries: Sequence[str]) -> tuple[dict, list[float]]:
    """Each query's answer and the milliseconds it took, after :data:`WARM_UP` untimed queries:
    how the baselines, the peers and egov-search itself are timed alike."""
    for query in queries[:WARM_UP]:
        answer(query)
    answers, latencies = {}, []
    for query in queries:
        started = time.perf_counter()
        answers[query] = answer(query)
        latencies.append((time.perf_counter() - started) * 1000)
    return answers, latencies


def run_jieba_whoosh(documents: Sequence[dict], queries: Sequence[str], folder: Path) -> dict:
    """Build the jieba + Whoosh baseline in ``folder`` and run ``queries``: build seconds, index
    bytes, the top ids and the milliseconds of each query. Call it in a process that has not
    installed our Whoosh extensions (:func:`jieba_whoosh`)."""
    import jieba
    from jieba.analyse import ChineseAnalyzer
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import MultifieldParser

    from ..whoosh_ext import installed

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not our output
    analyzer = ChineseAnalyzer()
    schema = Schema(id=ID(stored=True, unique=True), title=TEXT(analyzer=analyzer, stored=True),
                    body=TEXT(analyzer=analyzer, stored=True))
    plain = whoosh_index.create_in(str(folder), schema)
    started = time.perf_counter()
    with plain.writer() as writer:
        for doc in documents:
            writer.add_document(id=doc["id"], title=doc["title"], body=doc["body"])
    build_seconds = time.perf_counter() - started
    parser = MultifieldParser(["title", "body"], schema)
    with plain.searcher() as searcher:
        rankings, latencies = timed_answers(
            lambda query: [hit["id"] for hit in searcher.search(parser.parse(query), limit=CUTOFF)], queries)
    size = sum(path.stat().st_size for path in folder.iterdir() if path.is_file())
    return {"stock_whoosh": not installed(), "build_seconds": build_seconds, "index_bytes": size,
            "rankings": rankings, "latencies_ms": latencies}


def jieba_whoosh(documents: Sequence[dict], queries: Sequence[str]) -> dict:
    """:func:`run_jieba_whoosh` in a fresh Python process, on stock Whoosh."""
    with tempfile.TemporaryDirectory(prefix="egov-baseline-") as tmp:
        work = Path(tmp)
        (work / "input.json").write_text(json.dumps({"documents": list(documents), "queries": list(queries)},
                                                    ensure_ascii=False), encoding="utf-8")
        (work / "index").mkdir()
        done = subprocess.run([sys.executable, "-m", "indexer.evaluate.baselines", str(work)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"the jieba + Whoosh baseline failed:\n{done.stderr}")
        return json.loads((work / "output.json").read_text(encoding="utf-8"))


def _main(folder: str) -> None:
    """Child process: read ``input.json`` in ``folder``, write ``output.json``."""
    work = Path(folder)
    given = json.loads((work / "input.json").read_text(encoding="utf-8"))
    result = run_jieba_whoosh(given["documents"], given["queries"], work / "index")
    (work / "output.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    _main(sys.argv[1])
