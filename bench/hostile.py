"""Hostile queries: what an attacker or an unlucky visitor types, each timed through the engine.

``python -m bench.hostile --index DIR --corpus FILE.jsonl.gz`` draws 1,000 queries from the
corpus (the same ones for the same corpus), five kinds of 200:

- ``repeat``: one of the corpus's most common words or characters typed 2–128 times, with
  spaces or without;
- ``chars``: 256 characters: common single characters, space-separated or run together;
- ``phrase``: a quoted phrase of common bigrams, up to the query length cap;
- ``miss``: something that finds nothing and so looks for a correction: rare characters
  (which have no pinyin), Latin letters that look like pinyin, a common word beside a rare
  character;
- ``deep``: any of the above asking for page 10 of 100 results, or sorted by date.

Then the bench's 300 sampled queries (:mod:`bench.queries`) on the same index. It prints a
Markdown table: each kind's p50, p99 and slowest (wall and thread CPU), how many answered
with the "ran out of time" notice, and how many took a second or more.
"""

from __future__ import annotations

import itertools
import random
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import click
import rjieba

from indexer import Document, load_documents, open_index
from indexer.search.pipeline import MAX_QUERY_CHARS

from .queries import HAN_CHAR, HAN_WORD, MISS_CHARS, sample_queries
from .run import percentile

PER_KIND = 200
COMMON = 60  # the most common words and characters that queries are made of
LATIN = "zhongguorenminzhengfuwuxinxigongkaifawenhao"


@dataclass(frozen=True)
class Hostile:
    """One query and how it is asked."""

    kind: str
    q: str
    page: int = 1
    per_page: int = 10
    sort: str | None = None


@dataclass
class Timed:
    """One answered query: wall and thread CPU milliseconds, whether it ran out of time."""

    query: Hostile
    wall_ms: float
    cpu_ms: float
    expired: bool


def common_units(docs: Sequence[Document], rng: random.Random) -> tuple[list[str], list[str], list[str]]:
    """The corpus's most common words, characters and CJK bigrams (of a sample of documents)."""
    sample = rng.sample(list(docs), min(len(docs), 3000))
    words, chars, bigrams = Counter(), Counter(), Counter()
    for doc in sample:
        text = doc.title + "\n" + doc.body
        words.update(w for w in rjieba.cut(text) if HAN_WORD.fullmatch(w))
        found = HAN_CHAR.findall(text)
        chars.update(found)
        bigrams.update(a + b for a, b in zip(found, found[1:], strict=False))
    return ([w for w, _ in words.most_common(COMMON)], [c for c, _ in chars.most_common(COMMON)],
            [b for b, _ in bigrams.most_common(COMMON)])


def hostile_queries(docs: Sequence[Document], per_kind: int = PER_KIND, seed: int = 11) -> list[Hostile]:
    """``per_kind`` queries of each kind (see the module doc), the same for the same corpus."""
    rng = random.Random(seed)
    words, chars, bigrams = common_units(docs, rng)
    made: list[Hostile] = []
    for _ in range(per_kind):
        unit = rng.choice(words + chars)
        times = rng.choice([2, 4, 8, 32, 64, 128])
        gap = " " if rng.random() < 0.5 else ""
        made.append(Hostile("repeat", gap.join([unit] * times)[:MAX_QUERY_CHARS]))
    for _ in range(per_kind):
        picked = [rng.choice(chars) for _ in range(MAX_QUERY_CHARS)]
        text = " ".join(picked) if rng.random() < 0.5 else "".join(picked)
        made.append(Hostile("chars", text[:MAX_QUERY_CHARS]))
    for _ in range(per_kind):
        length = rng.choice([2, 4, 8, 16, 64, 126])
        text = "".join(rng.choice(bigrams) for _ in range(length))[:MAX_QUERY_CHARS - 2]
        made.append(Hostile("phrase", f'"{text}"'))
    for _ in range(per_kind):
        made.append(Hostile("miss", miss(rng, words)))
    for _ in range(per_kind):
        base = rng.choice(made)
        if rng.random() < 0.5:
            made.append(Hostile("deep", base.q, page=10, per_page=100))
        else:
            made.append(Hostile("deep", base.q, sort=rng.choice(["-published", "published"])))
    return made


def miss(rng: random.Random, words: Sequence[str]) -> str:
    """A query that finds nothing as typed."""
    rare = "".join(chr(rng.randint(*MISS_CHARS)) for _ in range(rng.choice([2, 8, 64])))
    start = rng.randrange(len(LATIN) - 8)
    word, other = rng.choice(words), rng.choice(words)
    return rng.choice([rare, " ".join(rare), LATIN[start:start + rng.choice([6, 12, 30])] + "q",
                       f"{word}{rare[:2]}", f"{word} {rare[:2]} {other}"])


def time_queries(engine, queries: Sequence[Hostile]) -> list[Timed]:
    """Each query through ``engine.search``, timed by the wall clock and by this thread's CPU."""
    timed = []
    for query in queries:
        wall, cpu = time.perf_counter(), time.thread_time()
        result = engine.search(query.q, page=query.page, per_page=query.per_page, sort=query.sort)
        timed.append(Timed(query, (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000,
                           any(notice.code == "out_of_time" for notice in result.notices)))
    return timed


def report(timed: Sequence[Timed], docs: int) -> str:
    """The Markdown table of :func:`time_queries`' answers, by kind, and the slowest queries."""
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [f"Queries on {docs:,} documents ({when}):", "",
             "| kind | queries | p50 ms | p99 ms | slowest ms (wall) | slowest ms (CPU) | out of time "
             "| ≥ 1 s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    kinds = list(dict.fromkeys(t.query.kind for t in timed)) + ["all"]
    for kind in kinds:
        chosen = [t for t in timed if kind in ("all", t.query.kind)]
        walls = [t.wall_ms for t in chosen]
        lines.append(f"| {kind} | {len(chosen)} | {statistics.median(walls):.2f} | "
                     f"{percentile(walls, 0.99):.1f} | "
                     f"{max(walls):.1f} | {max(t.cpu_ms for t in chosen):.1f} | "
                     f"{sum(t.expired for t in chosen)} | {sum(w >= 1000 for w in walls)} |")
    lines += ["", "Slowest five:", ""]
    for t in sorted(timed, key=lambda t: -t.wall_ms)[:5]:
        shown = t.query.q if len(t.query.q) <= 40 else t.query.q[:40] + "…"
        lines.append(f"- {t.wall_ms:.0f} ms ({t.query.kind}, page {t.query.page}×{t.query.per_page}, "
                     f"sort {t.query.sort or 'relevance'}): `{shown}`")
    return "\n".join(lines) + "\n"


@click.command()
@click.option("--index", "index_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              required=True, help="A built index of the corpus.")
@click.option("--corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="The JSON Lines corpus the index was built from (queries are drawn from it).")
@click.option("--docs", "limit", type=click.IntRange(100), default=None, help="Only its first N documents.")
@click.option("--per-kind", type=click.IntRange(1), default=PER_KIND, show_default=True,
              help="Hostile queries of each kind.")
def main(index_dir: Path, corpus: Path, limit: int | None, per_kind: int) -> None:
    """Time 1,000 hostile queries and the bench's 300 sampled queries on a built index."""
    docs = list(itertools.islice(load_documents([corpus]), limit))
    engine = open_index(index_dir)
    engine.search("预热")  # open the searcher, load the dictionaries
    hostile = time_queries(engine, hostile_queries(docs, per_kind))
    sampled = time_queries(engine, [Hostile(kind, q) for kind, q in sample_queries(docs)])
    click.echo(report(hostile, len(docs)))
    click.echo("The bench's 300 sampled queries on the same index:\n")
    click.echo(report(sampled, len(docs)))


if __name__ == "__main__":
    main()
