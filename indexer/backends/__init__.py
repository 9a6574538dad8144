"""Index backends other than the embedded Whoosh index (:mod:`indexer.index`, the default).

``EGOV_BACKEND=opensearch`` (:func:`indexer.config.backend`) sends the same analysis, computed
here, to an OpenSearch cluster: :mod:`.opensearch`.
"""
