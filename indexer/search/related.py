"""Browse without a query: documents of one kind, the documents that mention an entity,
and documents similar to one document (more like this)."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Collection

from ..analysis.question import is_function_word
from ..index.build import ENTITY_KINDS
from .backend import IndexView
from .engine import Engine
from .logical import AnyOf, Excluding, Term
from .results import Hit

KEY_TERMS = 12  # words of a document that define "similar"
KEY_TEXT_CHARS = 5_000  # of the body, read for them: a document's opening says what it is about
COMMON = 0.3  # a word in more than this share of documents says nothing about similarity
WORD_FIELDS = ("title", "body")  # where the key terms are looked for
QUOTE_MARKS = re.compile(r'["“”「」『』]')
HAN_WORD = re.compile(r"[\u4e00-\u9fff]{2,6}")


def documents_of_kind(engine: Engine, kind: str, limit: int = 500) -> list[dict]:
    """Up to ``limit`` documents of ``kind`` in corpus order."""
    return engine.view().documents("kind", kind, limit)


def attachments_by_page(engine: Engine) -> dict[str, list[dict]]:
    """Each page's attachments (``id``, ``title``, ``url``, ``format``), by the id of the page
    that first links them (their ``parent``), in corpus order."""
    view = engine.view()
    found: dict[str, list[dict]] = {}
    for doc in view.documents("kind", "attachment", view.doc_count()):
        if doc.get("parent"):
            found.setdefault(doc["parent"], []).append(
                {name: doc.get(name) for name in ("id", "title", "url", "format")})
    return found


def top_title_words(engine: Engine, limit: int = 5, common: float = 0.2) -> list[str]:
    """The collection's ``limit`` most frequent title words (Chinese, two to six characters,
    a longer word counting more), leaving out function words, words in more than ``common``
    of the titles (关于, 通知) and a word overlapping one already taken (公积 after 公积金):
    examples of what the collection holds."""
    view = engine.view()
    most = max(1, int(view.doc_count() * common))
    frequent = view.frequent_words("title", 200)
    documents = view.term_stats("title", [word for word, _ in frequent])
    taken: list[str] = []
    for term, _ in sorted(frequent, key=lambda pair: -pair[1] * len(pair[0])):
        if len(taken) == limit:
            break
        if (HAN_WORD.fullmatch(term) and not is_function_word(term)
                and documents[term][0] <= most
                and not any(term in word or word in term for word in taken)):
            taken.append(term)
    return taken


def mentions(engine: Engine, doc: dict, limit: int = 10) -> list[Hit]:
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


def similar(engine: Engine, doc: dict, limit: int = 5,
            exclude: Collection[str] = ()) -> list[Hit]:
    """Documents that share the most telling words of stored document ``doc`` (more like
    this), leaving out the ids in ``exclude`` (say, documents already shown as mentions).

    The words come from the title and the first :data:`KEY_TEXT_CHARS` characters of the body,
    so a 1 MB attachment costs what a page does."""
    view = engine.view()
    most = COMMON * view.doc_count()
    terms = [(term, weight) for term, weight, documents in key_terms(view, key_text(doc), KEY_TERMS)
             if documents <= most]
    if not terms:
        return []
    query = AnyOf(tuple(Term(fieldname, term, weight) for term, weight in terms for fieldname in WORD_FIELDS))
    hidden = AnyOf(tuple(Term("id", hidden_id) for hidden_id in {doc["id"], *exclude}))
    context = view.context(limit)
    found = context.top(Excluding(query, hidden), limit)
    marks = [term for term, _ in terms if len(term) > 1]  # a marked 以 or 的 only distracts
    return [Hit(doc_id, hit.score, functools.partial(context.stored, hit), lambda _: marks)
            for doc_id, hit in zip(context.ids(found), found, strict=True)]


def key_terms(view: IndexView, text: str, count: int) -> list[tuple[str, float, int]]:
    """The ``count`` words of ``text`` (as the body indexes it) that say most about it, by
    Bo1 (divergence from randomness, Whoosh's ``key_terms_from_text``): each with its weight,
    normalised as Whoosh does, and how many documents have it; words the index lacks are left
    out. Ties go to the word first in term order."""
    weights = Counter(view.planner.words.index_tokens(text)[0])
    stats = view.term_stats("body", weights)
    documents = view.doc_count()
    scored = []
    for word, weight in weights.items():
        if word in stats:
            share = stats[word][1] / documents  # its occurrences in the collection, per document
            scored.append((weight * math.log((1.0 + share) / share, 2) + math.log(1.0 + share, 2), word))
    best = max((score for score, _ in scored), default=0.0)
    if best <= 0:
        return []
    share = best / documents
    norm = (best * math.log((1.0 + share) / share) + math.log(1.0 + share)) / math.log(2.0)
    ranked = sorted(((score / norm, word) for score, word in scored), key=lambda pair: (-pair[0], pair[1]))
    return [(word, weight, stats[word][0]) for weight, word in ranked[:count]]


def key_text(doc: dict) -> str:
    """What :func:`similar` reads of ``doc``: its title and the opening of its body.

    >>> len(key_text({"title": "标题", "body": "正文" * KEY_TEXT_CHARS}))
    5003
    """
    return f"{doc['title']}\n{doc['body'][:KEY_TEXT_CHARS]}"
