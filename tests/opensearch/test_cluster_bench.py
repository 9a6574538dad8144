"""The cluster benchmark's smoke run: it starts a cluster of its own, builds the seed into both
backends, searches the 300 queries on both and prints its tables (never a time asserted); and
the scale benchmark's per-shard smoke run on the test cluster."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys

ROWS = ["build, docs/s", "build, s", "index size, MB (OpenSearch: primaries as built)",
        "index size, MB (OpenSearch: merged to one segment a shard", "cluster start, two nodes, s",
        "the nodes' resident memory after the builds, MB"]


def free_pair(first: int) -> int:
    """The first port from ``first`` on that is free with the next one: node 2 listens on node
    1's port plus one."""
    def free(port: int) -> bool:
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", port)) != 0

    return next(port for port in range(first, first + 1000, 2) if free(port) and free(port + 1))


def test_the_cluster_benchmark_builds_the_seed_into_both_backends_and_prints_its_table():
    command = [sys.executable, "-m", "bench.cluster_build", "--corpus", "corpus/2020-egov-top50.txt",
               "--http-port", str(free_pair(19200)), "--transport-port", str(free_pair(19300))]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "57 documents" in done.stdout
    cells = {line.split("|")[1].strip(): line.split("|")[2:5] for line in done.stdout.splitlines()
             if line.startswith("| ") and not line.startswith("| |")}
    for row in ROWS:
        label = next(label for label in cells if label.startswith(row))
        numbers = [cell.strip() for cell in cells[label] if cell.strip()]
        assert numbers and all(re.fullmatch(r"[\d,.]+×?", number) for number in numbers), (row, numbers)
    for row in ("p50, ms", "p95, ms", "p99, ms"):
        assert all(re.fullmatch(r"[\d.]+×?", cell.strip()) for cell in cells[row]), (row, cells[row])
    same = cells["the same ten documents first"][1].strip()
    assert re.fullmatch(r"\d+ of 300", same), same


def test_the_scale_benchmark_measures_a_one_shard_index_of_the_cluster(cluster_settings, client, tmp_path):
    alias = f"egov-test-scale-{os.getpid()}"
    command = [sys.executable, "-m", "bench.scale", "--opensearch", "--smoke", "--sizes", "100",
               "--work", str(tmp_path), "--alias", alias]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    cells = {line.strip("|").split(" | ")[0].strip(): line.strip("|").split(" | ")[1].strip()
             for line in done.stdout.splitlines() if line.startswith("| ")}
    assert cells["the shard's documents (primary)"] == "100"
    assert cells["copies (primary and replicas), nodes"].startswith("p on ")
    for label in ("primary store as built, MB", "primary store merged to one segment, MB",
                  "merged: bytes a document", "merged: bytes a character"):
        assert re.fullmatch(r"[\d,.]+", cells[label]), (label, cells[label])
    heap = cells["heap used per node after build, merge and searches, MB"]
    assert re.fullmatch(r"[\d,]+( / [\d,]+)*", heap), heap
    assert re.fullmatch(r"\d+ of 300", cells["the same ten documents first, in order"])
    assert not client.indices.get(index=f"{alias}-*", allow_no_indices=True)  # deleted after
