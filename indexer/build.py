"""Build an index from a corpus into a new generation and swap it in atomically."""

from __future__ import annotations

import shutil
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index

from . import store
from .analysis import add_words, exact_key, read_userdict
from .corpus import SEED_PATH, SYNONYMS_PATH, USERDICT_PATH, Document, load_documents
from .correct import write_pinyin_words
from .pinyin import title_initials, title_pinyin
from .schema import make_schema
from .synonyms import SynonymError, Synonyms

ENTITY_KINDS = ("vendor",)  # titles of these kinds join the segmenter's dictionary


@dataclass
class BuildSummary:
    """What a build produced."""

    documents: dict[str, int]
    terms: int
    seconds: float
    size_bytes: int
    generation: Path

    def __str__(self) -> str:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(self.documents.items()))
        total = sum(self.documents.values())
        return (f"indexed {total} documents ({kinds}); {self.terms} terms; "
                f"{self.seconds:.2f} s; {self.size_bytes / 1e6:.2f} MB at {self.generation}")


class BuildError(ValueError):
    """The corpus cannot be indexed as given; the live index is untouched."""


def document_fields(doc: Document) -> dict:
    """The Whoosh fields of one document."""
    return {"id": doc.id, "kind": doc.kind, "rank": doc.rank, "title": doc.title,
            "title_chars": doc.title, "title_exact": exact_key(doc.title),
            "title_pinyin": title_pinyin(doc.title), "title_initials": title_initials(doc.title),
            "body": doc.body,
            "body_chars": doc.body, "fields": doc.fields}


def build_index(paths: Sequence[Path | str] = (), index_dir: Path | None = None,
                progress: Callable[[int], None] | None = None) -> BuildSummary:
    """Index ``paths`` (default: the seed corpus) and make the result the live index."""
    index_dir = Path(index_dir or store.default_index_dir())
    started = time.perf_counter()
    with store.build_lock(index_dir):
        generation = store.new_generation(index_dir)
        try:
            counts = _write(generation, list(paths) or [SEED_PATH], progress)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        reader = whoosh_index.open_dir(str(generation)).reader()
        terms = sum(1 for _ in reader.all_terms())
        reader.close()
        store.publish(index_dir, generation)
    return BuildSummary(dict(counts), terms, time.perf_counter() - started,
                        store.folder_size(generation), generation)


def _write(generation: Path, paths: list, progress: Callable[[int], None] | None) -> Counter:
    """Stream the documents into a Whoosh index in ``generation``; return counts by kind."""
    try:  # a bad synonym file stops the build before any work
        Synonyms.load(SYNONYMS_PATH)
    except SynonymError as err:
        raise BuildError(str(err)) from None
    if SYNONYMS_PATH.exists():
        shutil.copyfile(SYNONYMS_PATH, generation / store.SYNONYMS)
    dictionary = read_userdict(USERDICT_PATH)
    add_words(dictionary)
    writer = whoosh_index.create_in(str(generation), make_schema()).writer(limitmb=256)
    counts: Counter = Counter()
    seen: set[str] = set()
    try:
        for doc in load_documents(paths):
            if doc.id in seen:
                raise BuildError(f"duplicate document id {doc.id!r}")
            seen.add(doc.id)
            if doc.kind in ENTITY_KINDS:
                add_words([doc.title])
                dictionary.append(doc.title)
            writer.add_document(**document_fields(doc))
            counts[doc.kind] += 1
            if progress and len(seen) % 1000 == 0:
                progress(len(seen))
        if not seen:
            raise BuildError(f"no documents in {', '.join(map(str, paths))}")
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    (generation / store.DICTIONARY).write_text("\n".join(dictionary) + "\n", encoding="utf-8")
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        write_pinyin_words(reader, generation / store.PINYIN_WORDS, dictionary)
    if progress:
        progress(len(seen))
    return counts
