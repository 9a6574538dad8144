"""A build's indexes behind one alias, as generations are behind ``current`` in Whoosh.

Each build writes a new index named after the alias and the time (``egov-search-20260105t
093000123456``); one ``_aliases`` request moves the alias to it, so a search sees the old
index or the new one, never a mix or none. The index it replaced is kept until the next build
(for a quick way back); older ones, and those of failed builds, go then.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from opensearchpy import OpenSearch

from ...index.build import BuildError
from .words import words_index

STAMP = "%Y%m%dt%H%M%S%f"
READY_SECONDS = 600  # for a new index's shards to start, replicas copied


class AliasMissingError(BuildError):
    """No index is live behind the alias yet."""


def new_index_name(alias: str) -> str:
    """A name for a build's index: the alias and the time to the microsecond."""
    return f"{alias}-{datetime.now(UTC).strftime(STAMP)}"


def builds(client: OpenSearch, alias: str) -> list[str]:
    """The indexes that builds behind ``alias`` made, oldest first."""
    mine = re.compile(rf"{re.escape(alias)}-\d{{8}}t\d{{12}}")
    found = client.indices.get_alias(index=f"{alias}-*", expand_wildcards="open,closed",
                                     allow_no_indices=True)
    return sorted(name for name in found if mine.fullmatch(name))


def live_indexes(client: OpenSearch, alias: str) -> list[str]:
    """The indexes ``alias`` points to now (none before the first build)."""
    found = client.indices.get_alias(name=alias, ignore=404)  # none yet: not worth a warning
    return [] if found.get("status") == 404 else sorted(found)


def live_index(client: OpenSearch, alias: str) -> str:
    """The one index ``alias`` points to; a clear error when there is none."""
    found = live_indexes(client, alias)
    if len(found) != 1:
        raise AliasMissingError(f"no OpenSearch index is live as {alias!r}: run `egov-search build` "
                                "first" if not found else f"{alias!r} points to {len(found)} indexes")
    return found[0]


def wait_ready(client: OpenSearch, index: str, replicas: int) -> None:
    """Wait until every shard of ``index`` has started with its replicas, or, where the
    cluster has too few data nodes to hold them, its primaries."""
    enough = client.cluster.health()["number_of_data_nodes"] > replicas
    status = "green" if enough else "yellow"
    # the client reads a lone ``timeout`` as its own; beside ``request_timeout`` it is the cluster's
    health = client.cluster.health(index=index, wait_for_status=status, timeout=f"{READY_SECONDS}s",
                                   request_timeout=READY_SECONDS + 10)
    if health["timed_out"]:
        raise BuildError(f"{index}: its shards did not start within {READY_SECONDS} s "
                         f"(cluster status {health['status']})")


def swap(client: OpenSearch, alias: str, index: str) -> list[str]:
    """Point ``alias`` at ``index`` alone, in one request; return the indexes it left."""
    previous = live_indexes(client, alias)
    actions = [{"remove": {"index": name, "alias": alias}} for name in previous]
    client.indices.update_aliases(body={"actions": [*actions, {"add": {"index": index, "alias": alias}}]})
    return previous


def drop_old(client: OpenSearch, alias: str, keep: set[str]) -> None:
    """Delete the build indexes behind ``alias`` other than ``keep``, with their word tables."""
    old = [name for name in builds(client, alias) if name not in keep]
    if old:
        tables = [words_index(name) for name in old]
        client.indices.delete(index=",".join(old + tables), ignore_unavailable=True)


def primary_bytes(client: OpenSearch, index: str) -> int:
    """The size of ``index``'s primary shards on disk (one copy of the data)."""
    stats = client.indices.stats(index=index, metric="store")
    return stats["indices"][index]["primaries"]["store"]["size_in_bytes"]
