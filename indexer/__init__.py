"""egov-search's engine: read a corpus, analyse Chinese, build a Whoosh index, search it.

Usage::

    from indexer import build_index, open_index
    build_index()                              # the seed corpus into .egov-index
    open_index().search("华宇").hits[0].title   # '华宇软件'
"""

from .build import BuildError, BuildSummary, build_index
from .corpus import CorpusError, Document, load_documents
from .search import Hit, SearchEngine, SearchResult, open_index
from .store import IndexMissingError

__all__ = [
    "BuildError", "BuildSummary", "CorpusError", "Document", "Hit", "IndexMissingError",
    "SearchEngine", "SearchResult", "build_index", "load_documents", "open_index",
]
