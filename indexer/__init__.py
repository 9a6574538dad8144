"""egov-search's engine: read a corpus, analyse Chinese, build a Whoosh index, search it.

Importing it changes nothing in Whoosh (see :mod:`indexer.whoosh_ext`). Usage::

    from indexer import build_index, open_index
    build_index()                              # the seed corpus into .egov-index
    open_index().search("华宇").hits[0].title   # '华宇软件'

Data flows through the sub-packages in this order: ``readers`` → ``analysis`` → ``index``
→ ``search``; ``fields`` is the table they share and ``config`` the settings.
"""

from . import backends
from .config import ConfigError
from .fields import FIELDS, Field, facets
from .index.build import BuildError, BuildSummary, StorageError, build_index
from .index.store import IndexDamagedError, IndexMissingError, IndexUnavailableError, is_index_folder
from .index.update import UpdateSummary, add_documents, delete_documents
from .readers import CorpusError, Document, load_documents
from .search.engine import Engine, SearchEngine, open_index
from .search.highlight import first_match, highlight, marked_lines
from .search.pipeline import MAX_FILTER_VALUES, MAX_QUERY_CHARS, SORTS, date_range
from .search.related import attachments_by_page, documents_of_kind, mentions, similar, top_title_words
from .search.results import Hit, Pinned, SearchResult

__all__ = [
    "FIELDS", "MAX_FILTER_VALUES", "MAX_QUERY_CHARS", "BuildError", "BuildSummary", "ConfigError",
    "CorpusError", "Document", "Engine",
    "Field", "Hit", "IndexDamagedError", "IndexMissingError", "IndexUnavailableError", "Pinned",
    "SearchEngine", "SearchResult",
    "StorageError", "UpdateSummary", "add_documents", "backends", "build_index", "delete_documents",
    "is_index_folder",
    "SORTS", "attachments_by_page", "date_range", "documents_of_kind", "facets", "first_match", "highlight",
    "marked_lines", "load_documents", "mentions", "open_index", "similar", "top_title_words",
]
