"""Links between documents, found when they are indexed and kept beside the index in each
generation (``links.json``): a 政策解读 (图解, 答记者问) to the policy it names, and a document
to those it declares repealed or expired (《旧办法》同时废止).

A document's references (:func:`references`, from :mod:`indexer.analysis.citations`) are
names: a 《title》, found among the names each indexed title is known by (the ``names``
field), or a 文号 (the ``doc_number`` field). A build resolves them once every document is
written; an update keeps the references of the documents it leaves alone, adds those of the
new ones and resolves them all again, so a policy added after its 解读 is linked too.

- A 解读 links to what its title names; if that finds nothing, to the first document named
  in its opening. Never to itself or another 解读, and to an attachment only when no page
  has the name.
- A repeal applies only to a document published no later than the one that declares it.
"""

from __future__ import annotations

import json
import os
from dataclasses import astuple, dataclass, field
from pathlib import Path

from whoosh import query as wq

from ..analysis.citations import interpreted, is_interpretation, repealed
from ..analysis.validity import AMENDED, EXPIRED, REPEALED

LINKS = "links.json"
INTERPRETS = "interprets"
STRONGER = {REPEALED: 3, EXPIRED: 2, AMENDED: 1}  # of two declarations, the stronger holds
LOOKED_UP = {"title": "names", "number": "doc_number"}
ATTACHMENT = "attachment"


@dataclass(frozen=True)
class Reference:
    """A name a document gives: ``relation`` is ``interprets`` or the validity it declares;
    ``rank`` 0 if named in a 解读's title, 1 in its opening (used only if 0 finds nothing)."""

    source: str
    relation: str
    rank: int
    kind: str  # "title" (a name key) or "number" (a canonical 文号)
    name: str
    published: int | None  # the source's date as the index holds it (YYYYMMDD)


def references(doc, values: dict) -> list[Reference]:
    """The references of a :class:`~indexer.readers.Document` whose fields as indexed are ``values``."""
    published = values.get("published")
    found = []
    if is_interpretation(doc.title, doc.fields.get("doctype")):
        found += [Reference(doc.id, INTERPRETS, rank, kind, name, published)
                  for rank, kind, name in interpreted(doc.title, doc.body)]
    found += [Reference(doc.id, value, 0, kind, name, published)
              for value, kind, name in repealed(doc.body, doc.title)]
    return found


@dataclass
class LinkTable:
    """A generation's references and the links they resolved to, with the titles of the
    documents linked; looked up by id."""

    references: list[Reference] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (source, relation, target)
    titles: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        self._interprets: dict[str, list[str]] = {}
        self._interpreted: dict[str, list[str]] = {}
        self._validity: dict[str, str] = {}
        for source, relation, target in self.links:
            if relation == INTERPRETS:
                self._interprets.setdefault(source, []).append(target)
                self._interpreted.setdefault(target, []).append(source)
            elif STRONGER[relation] > STRONGER.get(self._validity.get(target), 0):
                self._validity[target] = relation

    def interprets(self, doc_id: str) -> list[tuple[str, str]]:
        """(id, title) of the documents a 解读 interprets (解读的文件)."""
        return [(target, self.titles.get(target, "")) for target in self._interprets.get(doc_id, [])]

    def interpretations(self, doc_id: str) -> list[tuple[str, str]]:
        """(id, title) of the 解读 of a document (相关解读)."""
        return [(source, self.titles.get(source, "")) for source in self._interpreted.get(doc_id, [])]

    @property
    def validity(self) -> dict[str, str]:
        """Each document declared repealed, expired or amended by another: id → validity."""
        return self._validity


def resolve(searcher, found: list[Reference]) -> LinkTable:
    """The links ``found`` references resolve to in ``searcher``'s index (see the module's doc)."""
    documents: dict[int, dict] = {}

    def document(docnum: int) -> dict:
        if docnum not in documents:
            documents[docnum] = searcher.stored_fields(docnum)
        return documents[docnum]

    links: dict[tuple[str, str, str], None] = {}
    interpreted_by_title = set()
    for ref in sorted(found, key=lambda ref: ref.rank):
        if ref.relation == INTERPRETS and ref.rank == 1 and ref.source in interpreted_by_title:
            continue
        query = wq.Term(LOOKED_UP[ref.kind], ref.name)
        targets = [document(docnum) for docnum in searcher.docs_for_query(query)]
        targets = [doc for doc in targets if doc["id"] != ref.source and _fits(ref, doc)]
        pages = [doc for doc in targets if doc.get("kind") != ATTACHMENT]
        for doc in (pages or targets)[:1 if ref.rank == 1 else None]:
            links[(ref.source, ref.relation, doc["id"])] = None
            if ref.relation == INTERPRETS:
                interpreted_by_title.add(ref.source)
    ids = {doc_id for link in links for doc_id in (link[0], link[2])}
    titles = {doc["id"]: doc.get("title", "") for doc in documents.values() if doc["id"] in ids}
    for source in ids - titles.keys():
        docnum = searcher.document_number(id=source)
        titles[source] = document(docnum).get("title", "") if docnum is not None else ""
    return LinkTable(list(found), list(links), titles)


def _fits(ref: Reference, target: dict) -> bool:
    """Whether ``target`` (stored fields) can be what ``ref`` names."""
    if ref.relation == INTERPRETS:
        extra = target.get("extra") or {}
        return not is_interpretation(target.get("title", ""), extra.get("doctype"))
    published = target.get("published")
    return ref.published is None or published is None or published <= ref.published


def write(generation: Path, table: LinkTable) -> None:
    """Save ``table`` in ``generation`` (a new file moved over the old one)."""
    staging = generation / f"{LINKS}.new"
    staging.write_text(json.dumps({"references": [astuple(ref) for ref in table.references],
                                   "links": table.links, "titles": table.titles},
                                  ensure_ascii=False), encoding="utf-8")
    os.replace(staging, generation / LINKS)


def read(generation: Path) -> LinkTable:
    """The generation's links (none for a generation without the file)."""
    try:
        saved = json.loads((generation / LINKS).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return LinkTable()
    return LinkTable([Reference(*ref) for ref in saved["references"]],
                     [tuple(link) for link in saved["links"]], saved["titles"])
