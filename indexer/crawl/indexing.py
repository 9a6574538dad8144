"""The crawl store into the index, read like a mirror by the site readers.

The kept files are read by :func:`indexer.readers.load_documents` exactly as a site folder is
(metadata, encodings, boilerplate, attachments and their link texts), from ``files/<host>``
with the site's address as ``base_url`` when the crawl covers one host (so ids are the paths
below it, as ``build --corpus FOLDER --base-url URL`` gives), else from ``files/`` (ids begin
with the host, as in a ``wget --mirror`` tree). A document whose page gives no address of its
own gets the one it was fetched from.

Every document read is written to ``documents.jsonl.gz`` in the store (a rebuild from it needs
neither a request nor a page parsed), and compared by hash with what the index holds from the
store: the changed and new ones go in through :func:`indexer.add_documents`, those no longer
read are deleted with :func:`indexer.delete_documents`, each an atomic swap. The index is built
whole instead when it is missing, was built from something else since, or most of it changed.
Nothing is read at all when no kept file changed since the last update.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..index.build import build_index
from ..index.progress import progress_reporter
from ..index.store import IndexMissingError, live_name
from ..index.update import add_documents, delete_documents
from ..readers import Skipped, load_documents
from ..readers.address import address
from .store import Store
from .urls import Scope, host_of

DOCUMENTS = "documents.jsonl.gz"


@dataclass
class IndexUpdate:
    """What the index step did."""

    how: str  # "built", "updated" or "unchanged"
    documents: int = 0
    added: int = 0  # new or changed documents written
    deleted: int = 0
    skipped: dict | None = None  # files the readers left out, by reason
    generation: str = ""

    def __str__(self) -> str:
        if self.how == "unchanged":
            return "index unchanged: no kept file changed since the last update"
        left_out = f"; {sum(self.skipped.values())} files left out by the readers" if self.skipped else ""
        return (f"index {self.how}: {self.documents} documents, {self.added} written, {self.deleted} deleted"
                f"{left_out}; live generation {self.generation}")


def corpus_of(store: Store, scope: Scope) -> tuple[Path, str | None]:
    """The folder the readers read and the ``base_url`` they read it with."""
    if len(scope.hosts) == 1:
        host = scope.hosts[0]
        scheme = next((seed.split("://")[0] for seed in scope.seeds if host_of(seed) == host), "http")
        return store.files / host, f"{scheme}://{host}/"
    return store.files, None


def _live(index_dir: Path) -> str | None:
    try:
        return live_name(index_dir)
    except IndexMissingError:
        return None


def index_store(store: Store, scope: Scope, index_dir: Path | None = None, rebuild: bool = False,
                procs: int = 1) -> IndexUpdate:
    """Bring the index up to date with the store's files (see the module docstring)."""
    index_dir = config.index_dir(index_dir)
    root, base_url = corpus_of(store, scope)
    corpus = [str(root), base_url]
    ours = _live(index_dir) is not None and store.get("generation") == _live(index_dir) \
        and store.get("corpus") == corpus
    if ours and not rebuild and not store.get("dirty", True):
        return IndexUpdate("unchanged", len(store.indexed()))
    previous = store.indexed() if ours and not rebuild else {}
    every, changes = store.folder / DOCUMENTS, store.folder / "changes.jsonl"
    hashes, skipped = _write_documents(store, root, base_url, every, changes, previous)
    gone = [doc_id for doc_id in previous if doc_id not in hashes]
    added = sum(1 for doc_id, digest in hashes.items() if previous.get(doc_id) != digest)
    try:
        if not hashes:
            how = "unchanged"
        elif not previous or added + len(gone) > len(hashes) // 2:
            how, added, gone = "built", len(hashes), []
            with progress_reporter("indexing") as progress:
                build_index([every], index_dir, progress=progress, procs=procs)
        else:
            how = "updated"
            if added:
                add_documents([changes], index_dir)
            if gone:
                delete_documents(gone, index_dir)
    finally:
        changes.unlink(missing_ok=True)
    store.put("generation", _live(index_dir))
    store.put("corpus", corpus)
    store.put("dirty", False)
    root_prefix = _prefix(store, root)
    addresses = store.addresses()
    store.put("unread", [[addresses.get(root_prefix + path, path), reason] for path, reason in skipped.files])
    store.set_indexed(hashes)
    return IndexUpdate(how, len(hashes), added, len(gone), dict(skipped.counts()), _live(index_dir) or "")


def _prefix(store: Store, root: Path) -> str:
    """The path of the readers' folder below ``files/``, to turn a document id into a kept file."""
    prefix = os.path.relpath(root, store.files).replace(os.sep, "/").strip(".")
    return f"{prefix}/" if prefix else ""


def _write_documents(store: Store, root: Path, base_url: str | None, every: Path, changes: Path,
                     previous: dict[str, str]) -> tuple[dict[str, str], Skipped]:
    """Read the kept files; write every document to ``every`` and those whose hash differs from
    ``previous`` to ``changes``; return ``{id: hash}`` and what the readers left out."""
    prefix = _prefix(store, root)
    addresses = store.addresses()
    skipped = Skipped(log=True)
    hashes: dict[str, str] = {}
    partial = every.with_name(every.name + ".partial")
    with gzip.open(partial, "wt", encoding="utf-8") as out, changes.open("w", encoding="utf-8") as changed:
        if root.is_dir():
            for doc in load_documents([root], base_url=base_url, skipped=skipped):
                fetched_at = addresses.get(prefix + doc.id)
                if fetched_at and doc.fields.get("url") in (None, address(doc.id, base_url)):
                    doc.fields["url"] = fetched_at  # the page gives no address: where it was fetched
                line = json.dumps(doc.to_dict(), ensure_ascii=False)
                hashes[doc.id] = hashlib.sha256(line.encode()).hexdigest()
                out.write(line + "\n")
                if previous.get(doc.id) != hashes[doc.id]:
                    changed.write(line + "\n")
    os.replace(partial, every)
    return hashes, skipped
