"""The cluster of the settings, and its failures as one error that says what to fix."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opensearchpy import OpenSearch, exceptions

from ... import config
from ...index.build import BuildError
from ...index.store import IndexMissingError, IndexUnavailableError

REQUEST_TIMEOUT = 120  # seconds: a bulk request of many documents on a busy cluster
RETRIES = 3  # a request whose node does not answer goes to the next node, this many times


class ClusterError(BuildError):
    """The cluster cannot be reached, or refused a request: the operator's to fix, not the
    corpus's; the live index is untouched."""


def connect(settings: config.OpenSearchSettings) -> OpenSearch:
    """A client of the cluster; a request is retried on the next node when one fails."""
    credentials = (settings.user, settings.password or "") if settings.user else None
    return OpenSearch(list(settings.hosts), http_auth=credentials, ca_certs=settings.ca_certs,
                      verify_certs=settings.verify_certs, ssl_show_warn=settings.verify_certs,
                      timeout=REQUEST_TIMEOUT, max_retries=RETRIES, retry_on_timeout=True)


@contextmanager
def cluster_errors(settings: config.OpenSearchSettings) -> Iterator[None]:
    """Turn the client's errors into :class:`ClusterError`, naming the cluster and the reason."""
    where = f"OpenSearch at {', '.join(settings.hosts)}"
    try:
        yield
    except exceptions.ConnectionError as err:  # refused, timed out, TLS: no node answered
        reason = str(err.error).rpartition(": ")[2] or type(err.info).__name__
        raise ClusterError(f"{where}: cannot connect ({reason}); is the cluster running and "
                           "EGOV_OPENSEARCH_URL right?") from None
    except exceptions.AuthenticationException:
        raise ClusterError(f"{where}: the credentials were refused "
                           "(EGOV_OPENSEARCH_USER and EGOV_OPENSEARCH_PASSWORD)") from None
    except exceptions.TransportError as err:
        raise ClusterError(f"{where}: {refusal(err)}") from None


def refusal(err: exceptions.TransportError) -> str:
    """What the cluster said when it refused a request: status, error type and reason."""
    info = err.info.get("error") if isinstance(err.info, dict) else None
    if isinstance(info, dict):
        return f"{err.status_code} {info.get('type')}: {info.get('reason')}"
    return f"{err.status_code} {err.error}"


@contextmanager
def search_errors(where: str) -> Iterator[None]:
    """Turn the client's errors while searching into the engine's: no node answers, or the
    cluster cannot answer now (overloaded, no copy of a shard, credentials refused) →
    :class:`IndexUnavailableError`;
    the index is gone (a later build dropped it) → :class:`IndexMissingError`. ``where``
    names the cluster and index in the message (for the log, not for the visitor)."""
    try:
        yield
    except exceptions.ConnectionError as err:  # refused, timed out: no node answered
        raise IndexUnavailableError(f"{where}: no node answers ({type(err).__name__})") from None
    except exceptions.NotFoundError as err:
        raise IndexMissingError(f"{where}: {refusal(err)}; run `egov-search build`") from None
    except exceptions.TransportError as err:
        status = err.status_code
        if isinstance(status, int) and (status >= 500 or status in (401, 403, 429)):
            raise IndexUnavailableError(f"{where}: {refusal(err)}") from None
        raise
