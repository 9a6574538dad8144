"""Stopping and starting a node of the local test cluster (``opensearch/cluster.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CLUSTER_SCRIPT = Path(__file__).parents[2] / "opensearch" / "cluster.py"


def cluster_command(*args: str) -> None:
    """Run ``opensearch/cluster.py`` on the test cluster (to kill a node, or start it again)."""
    folder = os.environ.get("EGOV_OPENSEARCH_CLUSTER")
    if not folder:
        pytest.fail("EGOV_OPENSEARCH_CLUSTER is not set: the node-failure tests stop and start a node "
                    "of the local cluster, which `make test` and `make opensearch` name", pytrace=False)
    subprocess.run([sys.executable, str(CLUSTER_SCRIPT), "--dir", folder, *args], check=True, timeout=300)
