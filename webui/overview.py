"""``/api/overview`` and the home page: what the served collection holds.

Every collection gets its size, kinds, years and facets; the seed's ranking (``ranking``)
and article (``article``) are there only when the index holds vendors or sections.
"""

from __future__ import annotations

from collections.abc import Mapping

from pypinyin import lazy_pinyin

from indexer import SearchEngine, documents_of_kind

from . import params
from .data import document_url
from .engine import get_engine


def overview_data(args: Mapping[str, str]) -> dict:
    """The collection, with its ranking (if any) sorted as asked. Computed once per index
    generation and sort, so it costs the same at any collection size after the first
    request; every request gets the same dict, to read and never to change."""
    sort = params.read("overview", args)["sort"]
    engine = get_engine()
    return engine.cached(("overview", sort), lambda: _sorted_overview(engine, sort))


def _sorted_overview(engine: SearchEngine, sort: str) -> dict:
    overview = engine.cached("overview", lambda: _overview(engine))
    if "ranking" not in overview:
        return {"sort": sort, **overview}
    ranking = overview["ranking"]
    items = sorted(ranking["items"], key=_sort_key(sort.lstrip("-")), reverse=sort.startswith("-"))
    return {"sort": sort, **overview, "ranking": {**ranking, "items": items}}


def _overview(engine: SearchEngine) -> dict:
    """What the home page shows in any order: counts, kinds, years and facets; the ranking and
    the article where the collection has them."""
    facets = engine.search("", answer=False).facets
    years = sorted(facets.get("year") or {})
    overview = {"documents": engine.doc_count(), "kinds": facets.get("kind") or {},
                "years": {"first": years[0], "last": years[-1]} if years else None, "facets": facets}
    vendors = documents_of_kind(engine, "vendor")
    if vendors:
        overview["ranking"] = {"title": vendors[0].get("list", "提供商"), "source": vendors[0].get("source"),
                               "items": [_listed(doc) for doc in vendors]}
    sections = documents_of_kind(engine, "section")
    if sections:
        overview["article"] = {"title": sections[0].get("article", "文章"),
                               "sections": [_listed(doc) for doc in sections]}
    return overview


def _listed(doc: dict) -> dict:
    return {"id": doc["id"], "title": doc["title"], "rank": doc["rank"], "body": doc["body"],
            "url": document_url(doc["id"])}


def _sort_key(column: str):
    """Rank order (unranked last), or names in pinyin order as a Chinese reader expects."""
    if column == "rank":
        return lambda doc: (doc["rank"] is None, doc["rank"] or 0)
    return lambda doc: ("".join(lazy_pinyin(doc["title"])).lower(), doc["title"])
