"""Small helpers the tests share (imported as ``helpers``; fixtures live in ``conftest.py``)."""

from __future__ import annotations


def titles(result) -> list[str]:
    """Titles of a result's hits, in rank order."""
    return [hit.title for hit in result.hits]
