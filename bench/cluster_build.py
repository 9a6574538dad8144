"""The OpenSearch backend's build and searches beside the Whoosh backend's, in the same run.

``python -m bench.cluster_build [--corpus ../shared/bench/gov-dev.jsonl.gz] [--procs 2]
[--rounds 1]`` (or ``python -m bench --backend opensearch [--corpus …] [--smoke]``) starts a
fresh local cluster of its own (``opensearch/cluster.py``, two nodes, on ports beside the
usual ones, so a cluster already running is left alone) and times the start; then, round
after round, builds the corpus into a Whoosh index and into an OpenSearch index of 2 shards
and 1 replica (the test cluster's layout), each with ``--procs`` analysing processes. It
prints Markdown tables: documents per second, the index size (OpenSearch's primary shards as
the build leaves them, and after a merge to one segment a shard; Whoosh's build writes a
segment a process), the start time and the nodes' memory; then the latency of the
benchmark's 300 queries (:mod:`.queries`) on each backend's last build (after a warm-up pass;
the two take turns query by query; a search's whole first page, as the API shows it) and how
many of them have the same ten documents first; with OpenSearch's ratio to Whoosh.
"""

from __future__ import annotations

import dataclasses
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

from indexer import build_index, config, load_documents, open_index
from indexer.backends.opensearch import aliases
from indexer.backends.opensearch.build import build_index as build_cluster_index
from indexer.backends.opensearch.connection import connect
from indexer.backends.opensearch.engine import ClusterEngine
from indexer.index.store import folder_size

from .corpora import GOV_DEV, shared
from .measure import tree_rss
from .queries import sample_queries
from .run import machine, percentile

CLUSTER_SCRIPT = Path(__file__).parents[1] / "opensearch" / "cluster.py"
ALIAS = "egov-bench"
LEASE_SECONDS = 90  # three of the cluster's lease renewals


def cluster(folder: Path, *args: str) -> None:
    subprocess.run([sys.executable, str(CLUSTER_SCRIPT), "--dir", str(folder), *args], check=True,
                   stdout=subprocess.DEVNULL)


def timed_build(build) -> tuple[float, object]:
    started = time.perf_counter()
    summary = build()
    return time.perf_counter() - started, summary


def merged_bytes(client, index: str) -> tuple[int, float]:
    """``index``'s primaries after a merge to one segment a shard, and the seconds the merge took.

    A merge drops the whole sources OpenSearch keeps beside a filtered ``_source`` (our tokens)
    only for operations no copy may still need: it waits until every shard's retention leases
    have moved past the load, which the cluster renews every 30 s.
    """
    deadline = time.monotonic() + LEASE_SECONDS
    while not leases_past_load(client, index) and time.monotonic() < deadline:
        time.sleep(1)
    started = time.perf_counter()
    client.indices.forcemerge(index=index, max_num_segments=1, request_timeout=3600)
    seconds = time.perf_counter() - started
    client.indices.refresh(index=index)  # the merged-away segments go once no reader holds them
    client.indices.flush(index=index)
    return aliases.primary_bytes(client, index), seconds


def leases_past_load(client, index: str) -> bool:
    """Whether every copy's retention leases retain none of the operations it holds."""
    stats = client.indices.stats(index=index, level="shards")["indices"][index]["shards"]
    return all(lease["retaining_seq_no"] > copy["seq_no"]["max_seq_no"]
               for copies in stats.values() for copy in copies
               for lease in copy["retention_leases"]["leases"])


def timed_searches(engines: dict[str, object], queries: list[str]) -> dict[str, tuple[list[float], list]]:
    """Each engine's milliseconds for each query's first page (``to_dict``) and its ten ids,
    after one untimed pass; the engines take turns query by query."""
    for engine in engines.values():
        for query in queries:
            engine.search(query)
    found: dict[str, tuple[list[float], list]] = {name: ([], []) for name in engines}
    for query in queries:
        for name, engine in engines.items():
            started = time.perf_counter()
            result = engine.search(query)
            result.to_dict()
            found[name][0].append((time.perf_counter() - started) * 1000)
            found[name][1].append([hit.id for hit in result.hits])
    return found


def node_rss(folder: Path) -> int:
    """Resident bytes of the cluster's JVMs."""
    return sum(tree_rss(int(pid.read_text())) for pid in folder.glob("node-*/pid"))


@click.command()
@click.option("--corpus", type=click.Path(exists=True, path_type=Path), default=None,
              show_default="../shared/bench/gov-dev.jsonl.gz", help="The corpus both backends build.")
@click.option("--procs", type=click.IntRange(1, 8), default=2, show_default=True,
              help="Analysing processes of each build.")
@click.option("--rounds", type=click.IntRange(1, 9), default=1, show_default=True,
              help="Builds of each backend, interleaved; the table shows medians.")
@click.option("--http-port", default=9220, show_default=True, help="Node 1's HTTP port (node 2: +1).")
@click.option("--transport-port", default=9320, show_default=True, help="Node 1's transport port.")
def main(corpus: Path, procs: int, rounds: int, http_port: int, transport_port: int) -> None:
    """Build CORPUS into Whoosh and into a fresh two-node OpenSearch cluster; print the table."""
    click.echo(run(corpus or shared(GOV_DEV), procs, rounds, http_port, transport_port))


def run(corpus: Path, procs: int = 2, rounds: int = 1, http_port: int = 9220,
        transport_port: int = 9320) -> str:
    """The report of :func:`main`: both backends built and searched in one run."""
    with tempfile.TemporaryDirectory(prefix="egov-cluster-bench-") as work:
        folder = Path(work) / "cluster"
        started = time.perf_counter()
        cluster(folder, "start", "--fresh", "--http-port", str(http_port),
                "--transport-port", str(transport_port))
        start_seconds = time.perf_counter() - started
        archived = "SharedArchiveFile" in (folder / "node-1" / "node.log").read_text()
        try:
            urls = f"http://127.0.0.1:{http_port},http://127.0.0.1:{http_port + 1}"
            settings = dataclasses.replace(config.opensearch_settings({"EGOV_OPENSEARCH_URL": urls}),
                                           alias=ALIAS, shards=2, replicas=1)
            client = connect(settings)
            whoosh, opensearch = [], []
            whoosh_dir = Path(work) / "whoosh"
            for round_number in range(rounds):
                seconds, summary = timed_build(lambda: build_index([corpus], whoosh_dir, procs=procs))
                whoosh.append((seconds, folder_size(summary.generation)))
                seconds, summary = timed_build(lambda: build_cluster_index([corpus], settings, procs=procs))
                merged, merge_seconds = merged_bytes(client, summary.index)
                opensearch.append((seconds, summary.size_bytes, merged, merge_seconds))
                docs = sum(summary.documents.values())
                click.echo(f"round {round_number + 1}: Whoosh {whoosh[-1][0]:.1f} s, "
                           f"OpenSearch {seconds:.1f} s", err=True)
            queries = [query for _, query in sample_queries(list(load_documents([corpus])))]
            engines = {"whoosh": open_index(whoosh_dir), "opensearch": ClusterEngine(settings)}
            searched = timed_searches(engines, queries)
            rss = node_rss(folder)
        finally:
            cluster(folder, "stop")
    return report(corpus, docs, procs, rounds, (start_seconds, archived), whoosh, opensearch, rss) + \
        "\n" + search_report(searched)


def search_report(searched: dict[str, tuple[list[float], list]]) -> str:
    """The latency rows, and the queries whose ten first documents are the same."""
    (w_times, w_ids), (o_times, o_ids) = searched["whoosh"], searched["opensearch"]
    lines = ["", f"| {len(w_times)} queries, whole first page | Whoosh | OpenSearch | OpenSearch / Whoosh |",
             "|---|---|---|---|"]
    for label, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        w, o = percentile(w_times, share), percentile(o_times, share)
        lines.append(f"| {label}, ms | {w:.1f} | {o:.1f} | {o / w:.1f}× |")
    same = sum(left == right for left, right in zip(w_ids, o_ids, strict=True))
    lines.append(f"| the same ten documents first | | {same} of {len(w_ids)} | |")
    return "\n".join(lines)


def report(corpus: Path, docs: int, procs: int, rounds: int, start: tuple[float, bool],
           whoosh: list[tuple], opensearch: list[tuple], rss: int) -> str:
    """The Markdown table of the medians, with OpenSearch's ratio to Whoosh."""
    def median(runs: list[tuple], at: int) -> float:
        return statistics.median(run[at] for run in runs)

    w_seconds, w_bytes = median(whoosh, 0), median(whoosh, 1)
    o_seconds, o_bytes, o_merged = median(opensearch, 0), median(opensearch, 1), median(opensearch, 2)
    lines = [
        f"Machine: {machine()}.  ",
        f"Corpus: `{corpus.name}`, {docs:,} documents; `--procs {procs}`, {rounds} round(s), medians.",
        "",
        "| | Whoosh | OpenSearch (2 shards, 1 replica) | OpenSearch / Whoosh |",
        "|---|---|---|---|",
        f"| build, docs/s | {docs / w_seconds:,.0f} | {docs / o_seconds:,.0f} | "
        f"{w_seconds / o_seconds:.2f}× |",
        f"| build, s | {w_seconds:.1f} | {o_seconds:.1f} | |",
        f"| index size, MB (OpenSearch: primaries as built) | {w_bytes / 1e6:.1f} | {o_bytes / 1e6:.1f} | "
        f"{o_bytes / w_bytes:.2f}× |",
        f"| index size, MB (OpenSearch: merged to one segment a shard, "
        f"{median(opensearch, 3):.1f} s) | | {o_merged / 1e6:.1f} | {o_merged / w_bytes:.2f}× |",
        f"| cluster start, two nodes, s ({'with' if start[1] else 'without'} the class-data archive) "
        f"| | {start[0]:.1f} | |",
        f"| the nodes' resident memory after the builds, MB | | {rss / 1e6:,.0f} | |",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
