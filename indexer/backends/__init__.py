"""Index backends: the one place that chooses between the embedded Whoosh index
(:mod:`indexer.index` and :mod:`indexer.search`, the default) and an OpenSearch cluster
(:mod:`.opensearch`), by ``EGOV_BACKEND`` (:func:`indexer.config.backend`). Both index the
same analysis, computed by egov-search, and both are searched through the same seam
(:mod:`indexer.search.backend`), so the commands, the pages and the API call these functions
and never ask which backend they have. The OpenSearch client is imported only when chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .. import config
from ..index.build import Progress, build_index
from ..index.update import add_documents, delete_documents
from ..search.engine import Engine, open_index


def on_opensearch() -> bool:
    """Whether ``$EGOV_BACKEND`` chooses OpenSearch (:class:`~indexer.config.ConfigError` if
    it, or the cluster's settings, cannot be used)."""
    if config.backend() != "opensearch":
        return False
    config.opensearch_settings()
    return True


def open_engine(index_dir: Path | str | None = None) -> Engine:
    """The search engine of the chosen backend: the Whoosh index folder ``index_dir``
    (default ``$EGOV_INDEX``), or the OpenSearch alias of ``$EGOV_OPENSEARCH_*`` with the
    editors' files beside ``index_dir``."""
    if on_opensearch():
        from .opensearch.engine import ClusterEngine

        return ClusterEngine(index_dir=index_dir)
    return open_index(index_dir)


def build(paths: Sequence[Path | str], index_dir: Path | str | None = None, progress: Progress | None = None,
          procs: int = 1, base_url: str | None = None, reading: Progress | None = None):
    """Build ``paths`` (default: the seed) into a new index of the chosen backend and make it live."""
    if on_opensearch():
        from .opensearch.build import build_index as build_cluster_index

        return build_cluster_index(paths, progress=progress, procs=procs, base_url=base_url, reading=reading)
    return build_index(paths, config.index_dir(index_dir), progress=progress, procs=procs, base_url=base_url,
                       reading=reading)


def add(paths: Sequence[Path | str], index_dir: Path | str | None = None, procs: int = 1):
    """Add the documents of ``paths`` (parsed by ``procs`` processes) to the live index of the
    chosen backend."""
    if on_opensearch():
        from .opensearch.update import add_documents as add_to_cluster

        return add_to_cluster(paths, procs=procs)
    return add_documents(paths, config.index_dir(index_dir), procs=procs)


def delete(ids: Sequence[str], index_dir: Path | str | None = None):
    """Delete the documents ``ids`` from the live index of the chosen backend (all or none)."""
    if on_opensearch():
        from .opensearch.update import delete_documents as delete_from_cluster

        return delete_from_cluster(ids)
    return delete_documents(ids, config.index_dir(index_dir))
