"""The OpenSearch backend (``EGOV_BACKEND=opensearch``): our analysis, the cluster's engine.

``connection`` makes the client of :func:`indexer.config.opensearch_settings` and turns its
failures into :class:`~.connection.ClusterError`; ``mapping`` makes the index from the field
table; ``tokens`` sends each document pre-tokenized; ``build`` loads a new index and
``aliases`` makes it live; ``update`` adds and deletes documents in the live one.
"""
