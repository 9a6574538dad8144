"""The shared corpora the benchmarks and some tests read: ``../shared/bench`` beside the
checkout, or ``$EGOV_SHARED_BENCH``. A missing one is an error that names the folder, never a
test that quietly checks less."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path

SHARED_BENCH = Path(os.environ.get("EGOV_SHARED_BENCH")
                    or Path(__file__).resolve().parent.parent.parent / "shared" / "bench")
MODERN = "modern.jsonl.gz"  # 7,789 records of technical prose
POEMS = "poems.jsonl.gz"  # 321,436 classical poems
GOV_DEV = "gov-dev.jsonl.gz"  # 4,575 real government documents


class MissingCorpus(FileNotFoundError):
    """A shared corpus is not where it should be."""


def shared(name: str) -> Path:
    """The path of shared corpus ``name`` (:class:`MissingCorpus` if it is not there)."""
    path = SHARED_BENCH / name
    if not path.exists():
        raise MissingCorpus(f"the shared corpus {name} is missing from {SHARED_BENCH} (the folder "
                            "../shared/bench beside this checkout, or $EGOV_SHARED_BENCH)")
    return path


def read_records(path: Path) -> Iterator[dict]:
    """The records of a JSON Lines file, gzipped (a shared corpus) or not."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        yield from (json.loads(line) for line in lines if line.strip())
