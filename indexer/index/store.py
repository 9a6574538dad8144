"""The index folder: immutable generations behind an atomically swapped ``current`` link.

::

    .egov-index/
        current -> gen-20261129T051500-1234   (symlink, replaced with os.replace)
        gen-20261129T051500-1234/             (a Whoosh index, word lists, manifest.json)
        build.lock                            (held by the one build that may run)

A build writes a new generation beside the live one and swaps the link only after the
commit, so a reader never sees a half-built index and a killed build leaves the live one
untouched. Searchers already open keep reading their generation's files. The manifest,
written last, records every file's size and CRC-32: a generation without one is incomplete,
and one whose files no longer match it is damaged; either is reported, never half-read.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import Index
from whoosh.reading import IndexReader

from .schema import make_schema

CURRENT = "current"
DICTIONARY = "dictionary.txt"
SYNONYMS = "synonyms.txt"
PINYIN_WORDS = "pinyin-words.tsv"
MANIFEST = "manifest.json"
BUILD_LOCK = "build.lock"
# The egov-search index format, recorded in each generation's manifest. Raise it whenever
# the schema, a pickled class's module path or a sidecar file changes: an index of another
# format is reported with "rebuild", never half-read.
FORMAT_VERSION = 4
_PROCESS_LOCK = threading.Lock()  # builds in one process, one at a time


class IndexMissingError(RuntimeError):
    """No usable index at the path; the message says how to build one."""


class IndexUnavailableError(RuntimeError):
    """The index cannot be reached now (its cluster does not answer): searches fail until it does."""


class IndexDamagedError(IndexMissingError):
    """An index is there but cannot be used (damaged, incomplete, or from an older version)."""


class IndexFormatError(ValueError):
    """A generation written in another egov-search index format."""


def current_generation(index_dir: Path) -> Path:
    """The live generation's folder, or :class:`IndexMissingError` with the fix."""
    return index_dir / live_name(index_dir)


def live_name(index_dir: Path) -> str:
    """The name of the live generation's folder in ``index_dir`` (one system call, no path
    made: a search asks it every time), or :class:`IndexMissingError` with the fix."""
    try:
        return os.readlink(os.path.join(index_dir, CURRENT))
    except OSError:
        raise IndexMissingError(
            f"no index at {index_dir}: run `egov-search build --index {index_dir}` "
            "(or `make run`, which builds it)") from None


def is_index_folder(path: Path) -> bool:
    """Whether ``path`` is an index folder: it has a live generation or a build has begun there."""
    return os.path.islink(os.path.join(path, CURRENT)) or os.path.isfile(os.path.join(path, BUILD_LOCK))


def unmapped_reader(generation: Path) -> IndexReader:
    """A reader of ``generation`` that reads its files instead of mapping them, for one pass
    over every term at build time: mapped pages count as the process's memory (2.8 GB of
    segment files on the poem collection)."""
    return FileStorage(str(generation), supports_mmap=False).open_index().reader()


def open_generation(generation: Path) -> Index:
    """Open a generation's Whoosh index, turning damage into :class:`IndexDamagedError`."""
    rebuild = _rebuild_hint(generation)
    try:
        check_manifest(generation)
    except IndexFormatError as err:
        raise IndexDamagedError(f"the index at {generation} {err}: {rebuild}") from None
    except ValueError as err:
        raise IndexDamagedError(
            f"the index at {generation} is damaged or incomplete ({err}); {rebuild}") from None
    try:
        index = whoosh_index.open_dir(str(generation))
        index.doc_count()
    except Exception as err:  # Whoosh raises many types for a damaged folder, pickle more
        raise unreadable(generation, err) from None
    missing = set(make_schema().names()) - set(index.schema.names())
    if missing:
        raise IndexDamagedError(f"the index at {generation} was built by an older egov-search "
                                f"(no {', '.join(sorted(missing))}); {rebuild}")
    return index


def unreadable(generation: Path, err: Exception) -> IndexDamagedError:
    """The error for a generation whose files Whoosh cannot read (``err``), with the fix."""
    return IndexDamagedError(f"the index at {generation} cannot be read ({type(err).__name__}: "
                             f"{err}); {_rebuild_hint(generation)}")


def _rebuild_hint(generation: Path) -> str:
    """How to replace a damaged generation."""
    return f"rebuild it with `egov-search build --index {generation.parent}`"


def write_manifest(generation: Path) -> None:
    """Flush the generation's files to disk and record their sizes and checksums, last."""
    files = {path.name: _fingerprint(path, flush=True) for path in _index_files(generation)}
    staging = generation / f"{MANIFEST}.new"
    staging.write_text(json.dumps({"format": FORMAT_VERSION, "files": files}, indent=0), encoding="utf-8")
    _fingerprint(staging, flush=True)
    os.replace(staging, generation / MANIFEST)


def check_manifest(generation: Path) -> None:
    """Raise :class:`IndexFormatError` for another index format, and ``ValueError`` naming the
    first file that is missing or differs from the manifest."""
    if not generation.is_dir():
        raise ValueError(f"{generation.name} does not exist")
    try:
        manifest = json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"no {MANIFEST}: the build that wrote it did not finish") from None
    except ValueError:
        raise ValueError(f"{MANIFEST} is not valid JSON") from None
    version = manifest.get("format") if isinstance(manifest, dict) else None
    if version != FORMAT_VERSION:
        raise IndexFormatError(f"was built by another version of egov-search (index format "
                               f"{version or 1}; this one reads format {FORMAT_VERSION})")
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise ValueError(f"{MANIFEST} lists no files")
    for name, expected in files.items():
        path = generation / name
        if not path.is_file():
            raise ValueError(f"{name} is missing")
        if _fingerprint(path) != expected:
            raise ValueError(f"{name} is truncated or overwritten")


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold the folder's build lock; a second build waits. The OS frees it if we die.

    A POSIX record lock (``lockf``) rather than ``flock``: processes a build forks (indexing
    workers) do not inherit it, so workers orphaned by a killed build cannot keep the next
    build waiting. Such locks are per process, so threads take a process lock first.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    with _PROCESS_LOCK, open(index_dir / BUILD_LOCK, "w") as handle:
        fcntl.lockf(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.lockf(handle, fcntl.LOCK_UN)


def new_generation(index_dir: Path) -> Path:
    """A fresh, empty generation folder (not yet live)."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    generation = index_dir / f"gen-{stamp}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    generation.mkdir(parents=True)
    return generation


def publish(index_dir: Path, generation: Path) -> None:
    """Seal ``generation`` with its manifest, make it live in one atomic rename, then prune.

    The generation it replaces is kept for searchers still reading it; anything older, and
    any half-written folder a killed build left, is removed. The build lock is held, so no
    other build is writing a generation.
    """
    write_manifest(generation)
    link, staging = index_dir / CURRENT, index_dir / f"{CURRENT}.new"
    keep = {generation.name, os.readlink(link) if link.is_symlink() else None}
    staging.unlink(missing_ok=True)
    os.symlink(generation.name, staging)
    os.replace(staging, link)
    _fsync_dir(index_dir)
    for old in index_dir.glob("gen-*"):
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def _index_files(generation: Path) -> list[Path]:
    """The files that make up a generation: everything but locks and the manifest."""
    return sorted(path for path in generation.iterdir() if path.is_file()
                  and not path.name.endswith("LOCK") and not path.name.startswith(MANIFEST))


def _fingerprint(path: Path, flush: bool = False) -> list[int]:
    """``[size, crc32]`` of a file, optionally fsynced to disk on the way."""
    crc, size = 0, 0
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            crc, size = zlib.crc32(chunk, crc), size + len(chunk)
        if flush:
            os.fsync(stream.fileno())
    return [size, crc]


def folder_size(folder: Path) -> int:
    """Bytes used by the files in ``folder``."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _fsync_dir(folder: Path) -> None:
    """Flush a folder's entries so the rename survives a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
