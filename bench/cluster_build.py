"""The OpenSearch backend's build beside the Whoosh build, measured in the same run.

``python -m bench.cluster_build [--corpus ../shared/bench/gov-dev.jsonl.gz] [--procs 2]
[--rounds 1]`` starts a fresh local cluster of its own (``opensearch/cluster.py``, two nodes,
on ports beside the usual ones, so a cluster already running is left alone) and times the
start; then, round after round, builds the corpus into a Whoosh index and into an OpenSearch
index of 2 shards and 1 replica (the test cluster's layout), each with ``--procs`` analysing
processes. It prints a Markdown table: documents per second, the index size (OpenSearch's
primary shards as the build leaves them, and after a merge to one segment a shard; Whoosh's
build writes a segment a process), the start time and the nodes' memory, with OpenSearch's
ratio to Whoosh.
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

from indexer import build_index, config
from indexer.backends.opensearch import aliases
from indexer.backends.opensearch.build import build_index as build_cluster_index
from indexer.backends.opensearch.connection import connect
from indexer.index.store import folder_size

from .corpora import GOV_DEV, shared
from .measure import tree_rss
from .run import machine

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
    corpus = corpus or shared(GOV_DEV)
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
            rss = node_rss(folder)
        finally:
            cluster(folder, "stop")
    click.echo(report(corpus, docs, procs, rounds, (start_seconds, archived), whoosh, opensearch, rss))


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
