"""The doctests of the reader and analysis modules, run here too (see conftest.py)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "indexer.analysis.dates",
    "indexer.analysis.docnumber",
    "indexer.readers.boilerplate",
    "indexer.readers.document",
    "indexer.readers.encoding",
    "indexer.readers.skipped",
    "indexer.readers.pdf",
    "indexer.readers.metadata",
    "indexer.readers.html",
    "indexer.readers.site",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
