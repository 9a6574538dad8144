"""``python -m bench.large``: what large documents and large collections cost to show.

Two collections from ``modern.jsonl.gz``: a few 1 MB documents (consecutive bodies joined,
as a long 政策文件 or a PDF attachment would be) and 100,000 tiny ones (one line of text
each). Each page is asked through the real Flask app and timed; a first request apart from
the following ones, since some answers are cached per index generation.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import click

from indexer import build_index, load_documents

from .corpora import MODERN, shared

LARGE_DOCS, LARGE_CHARS = 4, 1_000_000
TINY_DOCS = 100_000
REPEATS = 5


def modern_records(corpus: Path | None = None) -> Iterator[dict]:
    """The records of ``corpus``, in order, as the corpus readers give them."""
    return (doc.to_dict() for doc in load_documents([corpus or shared(MODERN)]))


def write_large(path: Path, docs: int = LARGE_DOCS, chars: int = LARGE_CHARS, ordinary: int = 0) -> list[str]:
    """``docs`` documents of at least ``chars`` characters each (the bodies of consecutive
    records joined), then the ``ordinary`` records that follow as they are; the large ids."""
    records = modern_records()
    ids = []
    with path.open("w", encoding="utf-8") as out:
        for number in range(1, docs + 1):
            body, size = [], 0
            while size < chars:
                body.append(next(records)["body"])
                size += len(body[-1]) + 1
            ids.append(f"large-{number}")
            out.write(json.dumps({"id": ids[-1], "title": f"关于信息服务系统运行管理的规定（第{number}部分）",
                                  "body": "\n".join(body), "kind": "document",
                                  "publisher": "国务院办公厅", "published": "2021-03-05"},
                                 ensure_ascii=False) + "\n")
        for record, _ in zip(records, range(ordinary), strict=False):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return ids


def write_tiny(path: Path, docs: int = TINY_DOCS) -> None:
    """``docs`` documents of one line of text each."""
    lines = (text for record in modern_records() for text in record["body"].split("\n") if text.strip())
    with path.open("w", encoding="utf-8") as out:
        for number, text in zip(range(1, docs + 1), lines, strict=False):
            out.write(json.dumps({"id": f"tiny-{number}", "title": text[:20], "body": text, "kind": "page"},
                                 ensure_ascii=False) + "\n")


def timings(index_dir: Path, paths: list[str]) -> list[tuple[str, float, float]]:
    """(path, first request ms, median of the next :data:`REPEATS` ms) for each path, through a
    fresh app, so that the first request is the first after the index was opened."""
    from webui import create_app

    client = create_app({"INDEX": str(index_dir), "QUERY_LOG": "0"}).test_client()
    client.get("/healthz")  # open the index
    rows = []
    for path in paths:
        seconds = []
        for _ in range(REPEATS + 1):
            started = time.perf_counter()
            response = client.get(path)
            seconds.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        rows.append((path, seconds[0], statistics.median(seconds[1:])))
    return rows


@click.command()
@click.option("--work", type=click.Path(path_type=Path), default=Path("/tmp/egov-bench-large"),
              help="Folder for the corpora and indexes (kept and reused between runs).")
@click.option("--procs", default=2, show_default=True)
def main(work: Path, procs: int) -> None:
    """Build (once) and time the pages of large documents and of a large collection."""
    work.mkdir(parents=True, exist_ok=True)
    large, tiny = work / "large.jsonl", work / "tiny.jsonl"
    ids = write_large(large) if not large.exists() else [f"large-{n}" for n in range(1, LARGE_DOCS + 1)]
    if not tiny.exists():
        write_tiny(tiny)
    for corpus in (large, tiny):
        if not (work / corpus.stem / "current").exists():
            build_index([corpus], work / corpus.stem, procs=procs)
    query = quote("服务 配置")
    print("| collection | request | first, ms | then (median of 5), ms |\n|---|---|---:|---:|")
    cases = {
        "large": [f"/api/search?q={query}", f"/doc/{ids[0]}?q={query}", f"/api/doc/{ids[0]}?q={query}",
                  f"/doc/{ids[0]}", f"/api/related?id={ids[0]}"],
        "tiny": ["/", "/api/overview", f"/api/search?q={quote('服务 服务 服务 服务')}",
                 f"/api/search?q={quote('服务')}"],
    }
    for name, paths in cases.items():
        for path, first, then in timings(work / name, paths):
            print(f"| {name} | `{path}` | {first:,.0f} | {then:,.0f} |")


if __name__ == "__main__":
    main()
