"""Browse without a query: documents of one kind, the documents that mention an entity,
and documents similar to one document (more like this)."""

from __future__ import annotations

import functools
import re
from collections.abc import Collection

from whoosh import query as wq

from ..analysis.question import is_function_word
from ..index.build import ENTITY_KINDS
from ..index.schema import stored_document
from .engine import SearchEngine
from .results import Hit

KEY_TERMS = 12  # words of a document that define "similar"
KEY_TEXT_CHARS = 5_000  # of the body, read for them: a document's opening says what it is about
COMMON = 0.3  # a word in more than this share of documents says nothing about similarity
QUOTE_MARKS = re.compile(r'["“”「」『』]')
HAN_WORD = re.compile(r"[\u4e00-\u9fff]{2,6}")


def documents_of_kind(engine: SearchEngine, kind: str, limit: int = 500) -> list[dict]:
    """Up to ``limit`` documents of ``kind`` in corpus order."""
    searcher = engine.searcher()
    found = []
    for stored in searcher.documents(kind=kind):
        if len(found) == limit:
            break
        found.append(engine.document(stored["id"]))
    return found


def attachments_by_page(engine: SearchEngine) -> dict[str, list[dict]]:
    """Each page's attachments (``id``, ``title``, ``url``, ``format``), by the id of the page
    that first links them (their ``parent``), in corpus order."""
    found: dict[str, list[dict]] = {}
    for stored in engine.searcher().documents(kind="attachment"):
        doc = stored_document(stored)
        if doc.get("parent"):
            found.setdefault(doc["parent"], []).append(
                {name: doc.get(name) for name in ("id", "title", "url", "format")})
    return found


def top_title_words(engine: SearchEngine, limit: int = 5, common: float = 0.2) -> list[str]:
    """The collection's ``limit`` most frequent title words (Chinese, two to six characters,
    a longer word counting more), leaving out function words, words in more than ``common``
    of the titles (关于, 通知) and a word overlapping one already taken (公积 after 公积金):
    examples of what the collection holds."""
    reader = engine.searcher().reader()
    most = max(1, int(reader.doc_count() * common))
    taken: list[str] = []
    frequent = ((term.decode("utf-8"), times) for times, term in reader.most_frequent_terms("title", 200))
    for term, _ in sorted(frequent, key=lambda pair: -pair[1] * len(pair[0])):
        if len(taken) == limit:
            break
        if (HAN_WORD.fullmatch(term) and not is_function_word(term)
                and reader.doc_frequency("title", term) <= most
                and not any(term in word or word in term for word in taken)):
            taken.append(term)
    return taken


def mentions(engine: SearchEngine, doc: dict, limit: int = 10) -> list[Hit]:
    """For an entity (a vendor), the documents of other kinds that name it: 神州数码 → 案例三."""
    if doc["kind"] not in ENTITY_KINDS:
        return []
    phrase = QUOTE_MARKS.sub(" ", doc["title"]).strip()
    if not phrase:
        return []
    query = f'"{phrase}"'
    kinds = [kind for kind in engine.search(query, per_page=1).facets["kind"]
             if kind not in ENTITY_KINDS]
    hits = []
    for kind in kinds:
        result = engine.search(query, kind=kind, per_page=limit)
        if result.mode == "all":  # not a fallback or a corrected query: the name itself
            hits.extend(result.hits)
    return sorted(hits, key=lambda hit: -hit.score)[:limit]


def similar(engine: SearchEngine, doc: dict, limit: int = 5,
            exclude: Collection[str] = ()) -> list[Hit]:
    """Documents that share the most telling words of stored document ``doc`` (more like
    this), leaving out the ids in ``exclude`` (say, documents already shown as mentions).

    The words come from the title and the first :data:`KEY_TEXT_CHARS` characters of the body,
    so a 1 MB attachment costs what a page does."""
    searcher = engine.searcher()
    reader, most = searcher.reader(), COMMON * searcher.doc_count()
    terms = [(term, weight) for term, weight
             in searcher.key_terms_from_text("body", key_text(doc), numterms=KEY_TERMS)
             if reader.doc_frequency("body", term) <= most]
    if not terms:
        return []
    query = wq.Or([wq.Term(fieldname, term, boost=weight)
                   for term, weight in terms for fieldname in ("title", "body")])
    hidden = wq.Or([wq.Term("id", hidden_id) for hidden_id in {doc["id"], *exclude}])
    results = searcher.search(query, limit=limit, mask=hidden)
    marks = [term for term, _ in terms if len(term) > 1]  # a marked 以 or 的 only distracts
    return [Hit(hit["id"], hit.score, functools.partial(stored_document, hit.fields()), lambda _: marks)
            for hit in results]


def key_text(doc: dict) -> str:
    """What :func:`similar` reads of ``doc``: its title and the opening of its body.

    >>> len(key_text({"title": "标题", "body": "正文" * KEY_TEXT_CHARS}))
    5003
    """
    return f"{doc['title']}\n{doc['body'][:KEY_TEXT_CHARS]}"
