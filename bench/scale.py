"""What one machine holds, and what one OpenSearch shard holds: ``python -m bench.scale``.

The collection is made of the shared corpora, in this order: all of ``gov-dev.jsonl.gz``
(4,575 government documents), all of ``modern.jsonl.gz`` (7,789 technical texts), then
``poems.jsonl.gz`` (321,436 poems) over and over: its second pass has the ids
``copy2/<id>``, the third ``copy3/<id>``, and so on (the same text under a new id). Each size
is the first N documents of that stream, so the sizes nest; 12,364 is exactly the government
and technical documents, the long ones. The 300 benchmark queries (:mod:`.queries`) are
sampled once, from the largest collection, and asked at every size.

Whoosh (the default), for each ``--sizes`` N: ``egov-search build --procs P`` in a child
process (wall time, peak memory of its processes), the index's size on disk, the 300 queries
in process (top ten ids, then the whole first page on an engine opened afresh, as
``bench.run`` times them), then ``egov-search serve`` (its default workers) sent ``--searches``
searches over HTTP by 8 clients, and each worker's memory after them (RSS; anonymous, i.e. its
own heap; USS). With ``--peers``, SQLite FTS5 and Tantivy (:mod:`.peers`) build and answer the
same documents and queries in the same run, as ratios to ours (the jieba + Whoosh baseline of
``bench.run`` is left out: it builds 1 M documents in about 20 minutes).

``--opensearch``: for each size, ``EGOV_BACKEND=opensearch egov-search build`` into the
cluster of ``$EGOV_OPENSEARCH_URL`` as an index of ONE shard (and ``$EGOV_OPENSEARCH_REPLICAS``,
default 1), then that shard's documents and store (``_cat/shards``) as built and merged to one
segment, bytes per document and per character, each node's heap, and the 300 queries on
OpenSearch and on Whoosh's build of the same documents, taking turns (``bench.cluster_build``).

``--smoke``: small sizes (unless ``--sizes``), fewer searches: the shape of the run, for CI.
Tables are printed (Markdown); the raw figures are written to ``WORK/scale.json``.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import shutil
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import click

from indexer import build_index, config, load_documents, open_index
from indexer.index.store import current_generation, folder_size

from . import http
from .corpora import GOV_DEV, MODERN, POEMS, read_records, shared
from .measure import child_pids, process_memory, run_measured
from .peers import available, run_peer
from .queries import sample_queries
from .run import BUILD, machine, percentile, run_ours

SIZES = (12_364, 100_000, 300_000, 1_000_000)
SMOKE_SIZES = (100, 200)
SEARCHES, SMOKE_SEARCHES = 3000, 300
PEERS = ("fts5", "tantivy")
SHARES = (0.50, 0.95, 0.99)
ALIAS = "egov-sizing"


def records(limit: int) -> Iterator[dict]:
    """The first ``limit`` records of the collection: gov-dev, modern, then the poems again
    and again, each pass after the first under ids ``copyK/<id>``."""
    def poems() -> Iterator[dict]:
        for copy in itertools.count(1):
            for record in read_records(shared(POEMS)):
                yield record if copy == 1 else {**record, "id": f"copy{copy}/{record['id']}"}

    firsts = (record for name in (GOV_DEV, MODERN) for record in read_records(shared(name)))
    return itertools.islice(itertools.chain(firsts, poems()), limit)


def write_corpus(path: Path, size: int) -> int:
    """Write the first ``size`` records to ``path`` (JSON Lines), once; their characters
    (title and body)."""
    if path.exists() and path.with_suffix(".chars").exists():
        return int(path.with_suffix(".chars").read_text())
    chars = 0
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as out:
        for record in records(size):
            chars += len(record["title"]) + len(record["body"])
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    partial.rename(path)
    path.with_suffix(".chars").write_text(str(chars))
    return chars


def latencies(values: Sequence[float]) -> dict[str, float]:
    """p50, p95 and p99 of ``values`` (ms)."""
    return {f"p{round(share * 100)}": percentile(values, share) for share in SHARES}


def serving_memory(index_dir: Path, queries: Sequence[str], searches: int) -> dict:
    """``egov-search serve`` on ``index_dir`` (its default workers): each worker's memory after
    8 searches (8 clients, one each) and after ``searches`` more, and that load's figures."""
    port = http.free_port()
    server = http.start_server(index_dir, port)
    try:
        http.wait_until_up(port)
        http.load(port, queries, 8)  # each of 8 connections, so each worker, opens the index
        workers = child_pids(server.pid)
        opened = [process_memory(pid) for pid in workers]
        result = http.load(port, queries, searches)
        after = [process_memory(pid) for pid in workers]
    finally:
        http.stop_server(server)
    return {"workers": len(workers), "opened": opened, "after": after, "searches": searches,
            "per_second": result.per_second, "p50": result.p50_ms, "p95": result.p95_ms,
            "p99": result.p99_ms, "errors": result.errors}


def measure_whoosh(corpus: Path, folder: Path, procs: int, queries: Sequence[str], searches: int) -> dict:
    """Build ``corpus`` into ``folder`` and measure the build, the index and its searches
    (:func:`bench.run.run_ours`), then the serving workers' memory."""
    ours = run_ours(corpus, folder, procs, queries)
    return {"build_seconds": ours.build_seconds, "build_peak_rss": ours.peak_rss,
            "index_bytes": ours.index_bytes, "ids": latencies(ours.latencies),
            "page": latencies(ours.shown), "rankings": ours.rankings,
            "serve": serving_memory(folder, queries, searches)}


def measure_peers(docs: Sequence, queries: Sequence[str], work: Path) -> dict:
    """FTS5 and Tantivy (those installed) over the same documents, each in a process of its own."""
    found = {}
    given = [{"id": doc.id, "title": doc.title, "body": doc.body} for doc in docs]
    for name in (peer for peer in PEERS if available(peer)):
        folder = work / f"peer-{name}"
        if folder.exists():
            shutil.rmtree(folder)
        output, measured = run_peer(name, given, queries, folder)
        found[name] = {"build_seconds": output["build_seconds"], "index_bytes": output["index_bytes"],
                       "peak_rss": measured.peak_rss, "ids": latencies(output["latencies_ms"])}
        (folder / "input.json").unlink()
    return found


def mb(value: float) -> str:
    return f"{value / 1e6:,.1f}"


def whoosh_table(runs: dict[int, dict]) -> str:
    """Measures by size, a column each."""
    sizes = sorted(runs)
    rows: list[tuple[str, list[str]]] = []

    def row(label: str, value) -> None:
        rows.append((label, [value(runs[size]) for size in sizes]))

    row("characters (title and body)", lambda r: f"{r['chars']:,}")
    row("build, s", lambda r: f"{r['build_seconds']:,.0f}")
    row("build, docs/s", lambda r: f"{r['docs'] / r['build_seconds']:,.0f}")
    row("build, chars/s", lambda r: f"{r['chars'] / r['build_seconds']:,.0f}")
    row("build, peak RSS of its processes, MB", lambda r: f"{r['build_peak_rss'] / 1e6:,.0f}")
    row("index on disk, MB", lambda r: mb(r["index_bytes"]))
    row("index, bytes a character", lambda r: f"{r['index_bytes'] / r['chars']:.1f}")
    row("index, bytes a document", lambda r: f"{r['index_bytes'] / r['docs']:,.0f}")
    for key, label in (("ids", "ten ids"), ("page", "whole first page")):
        for share in ("p50", "p95", "p99"):
            row(f"300 queries in process, {label}: {share}, ms", lambda r, k=key, s=share: f"{r[k][s]:.2f}")
    any_run = runs[sizes[0]]["serve"]
    served = f"serve, {any_run['workers']} workers, 8 clients"
    row(f"{served}: searches sent", lambda r: f"{r['serve']['searches']:,}")
    for key, label in (("rss", "RSS"), ("uss", "USS (pages no other process maps)"),
                       ("anon", "anonymous memory (heap, with pages still shared with the parent)"),
                       ("file", "mapped files (index segments, libraries: the page cache)")):
        row(f"{served}: each worker's {label} after them, MB",
            lambda r, k=key: " / ".join(f"{w[k] / 1e6:,.0f}" for w in r["serve"]["after"]))
    row(f"{served}: each worker's anonymous memory after the first 8 searches, MB",
        lambda r: " / ".join(f"{w['anon'] / 1e6:,.0f}" for w in r["serve"]["opened"]))
    row(f"{served}: req/s", lambda r: f"{r['serve']['per_second']:,.0f}")
    for share in ("p50", "p95", "p99"):
        row(f"{served}: {share}, ms", lambda r, s=share: f"{r['serve'][s]:.1f}")
    row(f"{served}: errors", lambda r: str(r["serve"]["errors"]))
    for peer in PEERS:
        if all(peer in runs[size].get("peers", {}) for size in sizes):
            name = {"fts5": "SQLite FTS5", "tantivy": "Tantivy"}[peer]
            row(f"{name}: build, chars/s (× ours)", lambda r, p=peer: ratio(
                r["chars"] / r["peers"][p]["build_seconds"], r["chars"] / r["build_seconds"], 0))
            row(f"{name}: index, MB (× ours)", lambda r, p=peer: ratio(
                r["peers"][p]["index_bytes"], r["index_bytes"], 1, 1e6))
            for share in ("p50", "p95", "p99"):
                row(f"{name}: {share}, ms, ten ids (× ours)", lambda r, p=peer, s=share: ratio(
                    r["peers"][p]["ids"][s], r["ids"][s], 2))
    head = "| documents | " + " | ".join(f"{size:,}" for size in sizes) + " |"
    rule = "|---|" + "---:|" * len(sizes)
    return "\n".join([head, rule, *(f"| {label} | {' | '.join(cells)} |" for label, cells in rows)])


def ratio(value: float, ours: float, digits: int, unit: float = 1) -> str:
    return f"{value / unit:,.{digits}f} ({value / ours:.2f}×)"


def collection(work: Path, sizes: Sequence[int]) -> tuple[dict[int, tuple[Path, int]], list, list[str]]:
    """Each size's corpus file and characters, the largest one's documents, and the queries."""
    work.mkdir(parents=True, exist_ok=True)
    corpora = {size: (work / f"corpus-{size}.jsonl", 0) for size in sizes}
    for size in sizes:
        corpora[size] = (corpora[size][0], write_corpus(corpora[size][0], size))
    docs = list(load_documents([corpora[max(sizes)][0]]))
    queries = [query for _, query in sample_queries(docs)]
    return corpora, docs, queries


def run_whoosh(work: Path, sizes: Sequence[int], procs: int, searches: int, peers: bool) -> dict[int, dict]:
    """:func:`measure_whoosh` (and the peers) at each size, smallest first."""
    corpora, docs, queries = collection(work, sizes)
    runs = {}
    for size in sorted(sizes):
        corpus, chars = corpora[size]
        click.echo(f"{time.strftime('%H:%M:%S')} Whoosh, {size:,} documents", err=True)
        found = measure_whoosh(corpus, work / f"whoosh-{size}", procs, queries, searches)
        found.pop("rankings")
        found.update(docs=size, chars=chars)
        if peers:
            click.echo(f"{time.strftime('%H:%M:%S')} peers, {size:,} documents", err=True)
            found["peers"] = measure_peers(docs[:size], queries, work)
        runs[size] = found
        save(work / "scale.json", runs)  # each size as it is measured: a later one may fail
    return runs


def shard_figures(client, index: str) -> list[dict]:
    """``_cat/shards`` of ``index``: each copy's documents, store bytes and node."""
    return client.cat.shards(index=index, format="json", bytes="b", h="shard,prirep,state,docs,store,node")


def heap(client) -> dict[str, dict[str, int]]:
    """Each node's heap used and its maximum, bytes."""
    nodes = client.nodes.stats(metric="jvm")["nodes"].values()
    return {node["name"]: {"used": node["jvm"]["mem"]["heap_used_in_bytes"],
                           "max": node["jvm"]["mem"]["heap_max_in_bytes"]} for node in nodes}


def measure_cluster(corpus: Path, chars: int, size: int, settings: config.OpenSearchSettings, procs: int,
                    queries: Sequence[str], whoosh_dir: Path, cluster_dir: Path | None, keep: bool) -> dict:
    """Build ``corpus`` into a one-shard index and measure that shard and its searches."""
    from indexer.backends.opensearch import aliases
    from indexer.backends.opensearch.connection import connect
    from indexer.backends.opensearch.engine import ClusterEngine
    from indexer.backends.opensearch.words import words_index

    from .cluster_build import merged_bytes, node_rss, timed_searches

    client = connect(settings)
    before = heap(client)
    environ = {**os.environ, "EGOV_BACKEND": "opensearch", "EGOV_OPENSEARCH_SHARDS": "1",
               "EGOV_OPENSEARCH_REPLICAS": str(settings.replicas), "EGOV_OPENSEARCH_INDEX": settings.alias}
    measured = run_measured([*BUILD, "--corpus", str(corpus), "--procs", str(procs)], env=environ)
    if measured.returncode != 0:
        raise click.ClickException(f"the OpenSearch build of {corpus} failed:\n{measured.stderr}")
    index = aliases.live_index(client, settings.alias)
    built = shard_figures(client, index)
    built_words = aliases.primary_bytes(client, words_index(index))
    merged, merge_seconds = merged_bytes(client, index)
    if not (whoosh_dir / "current").exists():
        build_index([corpus], whoosh_dir, procs=procs)
    engines = {"whoosh": open_index(whoosh_dir), "opensearch": ClusterEngine(settings)}
    searched = timed_searches(engines, queries)
    found = {"docs": size, "chars": chars, "index": index, "build_seconds": measured.seconds,
             "build_peak_rss": measured.peak_rss, "shards_built": built,
             "shards_merged": shard_figures(client, index),
             "merged_bytes": merged, "merge_seconds": merge_seconds, "words_bytes": built_words,
             "heap_before": before, "heap_after": heap(client),
             "nodes_rss": node_rss(cluster_dir) if cluster_dir else None,
             "whoosh_bytes": folder_size(current_generation(whoosh_dir)),
             "latency": {name: latencies(times) for name, (times, _) in searched.items()},
             "same_ten": sum(a == b for a, b in zip(searched["whoosh"][1], searched["opensearch"][1],
                                                    strict=True))}
    if not keep:
        client.indices.delete(index=f"{settings.alias}-*", ignore_unavailable=True, allow_no_indices=True)
    return found


def run_cluster(work: Path, sizes: Sequence[int], procs: int, alias: str, cluster_dir: Path | None,
                keep: bool) -> dict[int, dict]:
    """:func:`measure_cluster` at each size, smallest first; the index of each is deleted after
    it unless ``keep``."""
    corpora, _, queries = collection(work, sizes)
    settings = dataclasses.replace(config.opensearch_settings(), shards=1, alias=alias)
    runs = {}
    for size in sorted(sizes):
        corpus, chars = corpora[size]
        click.echo(f"{time.strftime('%H:%M:%S')} OpenSearch, {size:,} documents", err=True)
        sized = dataclasses.replace(settings, alias=f"{alias}-{size}")
        runs[size] = measure_cluster(corpus, chars, size, sized, procs, queries, work / f"whoosh-{size}",
                                     cluster_dir, keep)
        save(work / "scale-opensearch.json", runs)
    return runs


def save(path: Path, runs: dict[int, dict]) -> None:
    """The raw figures of ``runs`` as JSON."""
    path.write_text(json.dumps({str(size): run for size, run in runs.items()}, indent=1, default=str),
                    encoding="utf-8")


def cluster_table(runs: dict[int, dict]) -> str:
    """Per-shard measures by size, a column each."""
    sizes = sorted(runs)
    rows: list[tuple[str, list[str]]] = []

    def row(label: str, value) -> None:
        rows.append((label, [value(runs[size]) for size in sizes]))

    def primary(r: dict, key: str) -> dict:
        return next(copy for copy in r[key] if copy["prirep"] == "p")

    row("characters (title and body)", lambda r: f"{r['chars']:,}")
    row("build, s", lambda r: f"{r['build_seconds']:,.0f}")
    row("build, docs/s", lambda r: f"{r['docs'] / r['build_seconds']:,.0f}")
    row("the shard's documents (primary)", lambda r: f"{int(primary(r, 'shards_merged')['docs']):,}")
    row("copies (primary and replicas), nodes",
        lambda r: ", ".join(f"{c['prirep']} on {c['node']}" for c in r["shards_merged"]))
    row("primary store as built, MB", lambda r: mb(int(primary(r, "shards_built")["store"])))
    row("primary store merged to one segment, MB", lambda r: mb(r["merged_bytes"]))
    row("merged: bytes a document", lambda r: f"{r['merged_bytes'] / r['docs']:,.0f}")
    row("merged: bytes a character", lambda r: f"{r['merged_bytes'] / r['chars']:.2f}")
    row("as built: bytes a character",
        lambda r: f"{int(primary(r, 'shards_built')['store']) / r['chars']:.2f}")
    row("the build's word table (one more one-shard index), MB", lambda r: mb(r["words_bytes"]))
    row("Whoosh index of the same documents, MB", lambda r: mb(r["whoosh_bytes"]))
    for when, key in (("before the build", "heap_before"), ("after build, merge and searches", "heap_after")):
        row(f"heap used per node {when}, MB",
            lambda r, k=key: " / ".join(f"{node['used'] / 1e6:,.0f}" for _, node in sorted(r[k].items())))
    row("heap max per node, MB",
        lambda r: " / ".join(f"{node['max'] / 1e6:,.0f}" for _, node in sorted(r["heap_after"].items())))
    row("the nodes' resident memory, MB", lambda r: f"{r['nodes_rss'] / 1e6:,.0f}" if r["nodes_rss"] else "—")
    for share in ("p50", "p95", "p99"):
        row(f"300 queries, whole first page: {share}, ms, OpenSearch (Whoosh; ratio)", lambda r, s=share: (
            f"{r['latency']['opensearch'][s]:.1f} ({r['latency']['whoosh'][s]:.1f}; "
            f"{r['latency']['opensearch'][s] / r['latency']['whoosh'][s]:.1f}×)"))
    row("the same ten documents first, in order", lambda r: f"{r['same_ten']} of 300")
    head = "| documents | " + " | ".join(f"{size:,}" for size in sizes) + " |"
    rule = "|---|" + "---:|" * len(sizes)
    return "\n".join([head, rule, *(f"| {label} | {' | '.join(cells)} |" for label, cells in rows)])


@click.command()
@click.option("--work", type=click.Path(file_okay=False, path_type=Path),
              default=Path("/tmp/egov-bench-scale"), show_default=True,
              help="Folder for the corpora and indexes (reused between runs).")
@click.option("--sizes", default=None, show_default=",".join(map(str, SIZES)),
              help="Collection sizes, documents, separated by commas [smoke: "
                   f"{','.join(map(str, SMOKE_SIZES))}].")
@click.option("--procs", type=click.IntRange(1, 8), default=2, show_default=True,
              help="Analysing processes of each build.")
@click.option("--searches", type=click.IntRange(8), default=None,
              help=f"HTTP searches before a worker's memory is read [default: {SEARCHES}, "
                   f"smoke {SMOKE_SEARCHES}].")
@click.option("--peers/--no-peers", default=True, show_default=True,
              help="SQLite FTS5 and Tantivy over the same documents (Whoosh only).")
@click.option("--opensearch", is_flag=True,
              help="Per-shard figures of one-shard indexes on the cluster of $EGOV_OPENSEARCH_URL instead.")
@click.option("--alias", default=ALIAS, show_default=True, help="With --opensearch: the aliases' prefix.")
@click.option("--cluster-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="With --opensearch: the cluster's folder (.opensearch), for the nodes' memory.")
@click.option("--keep", is_flag=True, help="With --opensearch: keep the indexes.")
@click.option("--smoke", is_flag=True, help="Quick check: small sizes, fewer searches.")
def main(work: Path, sizes: str | None, procs: int, searches: int | None, peers: bool, opensearch: bool,
         alias: str, cluster_dir: Path | None, keep: bool, smoke: bool) -> None:
    """Measure the Whoosh backend (or one OpenSearch shard) at several collection sizes."""
    chosen = (tuple(int(size) for size in sizes.split(",")) if sizes
              else SMOKE_SIZES if smoke else SIZES)
    started = time.strftime("%Y-%m-%d %H:%M %Z")
    if opensearch:
        runs = run_cluster(work, chosen, procs, alias, cluster_dir, keep)
        table = cluster_table(runs)
    else:
        runs = run_whoosh(work, chosen, procs, searches or (SMOKE_SEARCHES if smoke else SEARCHES), peers)
        table = whoosh_table(runs)
    click.echo(f"Machine: {machine()}; started {started}, `--procs {procs}`.\n\n{table}")


if __name__ == "__main__":
    main()
