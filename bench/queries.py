"""Benchmark queries sampled from the corpus: words, two-word AND, phrases, characters, misses,
and, apart from those 300, questions of 20–60 characters made from the corpus's sentences."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

import rjieba

from indexer import Document
from indexer.analysis.normalize import HAN

HAN_WORD = re.compile(f"[{HAN}]{{2,}}")
HAN_CHAR = re.compile(f"[{HAN}]")
MIX = {"word": 0.3, "and": 0.23, "phrase": 0.2, "char": 0.15, "miss": 0.12}
MISS_CHARS = (0x3400, 0x4DBF)  # CJK extension A: rare characters, checked absent below
SENTENCE = re.compile(r"[^。！？!?；;\n]+")
ASKING = [("如何", ""), ("怎么", ""), ("", "是什么"), ("", "有哪些"), ("", "吗"), ("请问", "怎么办"),
          ("", "需要注意什么"), ("为什么", "")]  # how people wrap what they ask about
QUESTION_CHARS = (20, 60)


def sample_queries(docs: Sequence[Document], count: int = 300, seed: int = 5) -> list[tuple[str, str]]:
    """``count`` (kind, query) pairs in :data:`MIX` proportions, the same for the same corpus."""
    rng = random.Random(seed)
    texts = [doc.title + "\n" + doc.body for doc in docs]
    rich = [text for text in texts if len(HAN_WORD.findall(text)) >= 3]
    if not rich:
        raise ValueError("the corpus has no Chinese text to sample queries from")
    quotas = {kind: round(share * count) for kind, share in MIX.items()}
    quotas["word"] += count - sum(quotas.values())
    queries: list[tuple[str, str]] = []
    for kind, quota in quotas.items():
        while sum(1 for k, _ in queries if k == kind) < quota:
            query = _miss(rng, texts) if kind == "miss" else _from_text(kind, rng.choice(rich), rng)
            if query:
                queries.append((kind, query))
    rng.shuffle(queries)
    return queries


def _from_text(kind: str, text: str, rng: random.Random) -> str | None:
    """One query of ``kind`` taken from ``text``."""
    if kind == "char":
        return rng.choice(HAN_CHAR.findall(text))
    words = [w for w in rjieba.cut(text) if HAN_WORD.fullmatch(w)]
    if len(words) < 2:
        return None
    if kind == "word":
        return rng.choice(words)
    if kind == "and":
        first, second = rng.sample(words, 2)
        return f"{first} {second}" if first != second else None
    pieces = list(rjieba.cut(text))
    starts = [i for i in range(len(pieces) - 1)
              if HAN_WORD.fullmatch(pieces[i]) and HAN_WORD.fullmatch(pieces[i + 1])]
    if not starts:
        return None
    start = rng.choice(starts)
    return f'"{pieces[start]}{pieces[start + 1]}"'


def _miss(rng: random.Random, texts: Sequence[str]) -> str | None:
    """Two rare characters that occur nowhere in the corpus."""
    query = "".join(chr(rng.randint(*MISS_CHARS)) for _ in range(2))
    return None if any(query[0] in text or query[1] in text for text in texts) else query


def sample_questions(docs: Sequence[Document], count: int = 60, seed: int = 7) -> list[tuple[str, str]]:
    """``count`` ("question", query) pairs: a clause of the corpus (a run of its words) asked
    about the way people ask (如何…, …有哪些, …吗), 20 to 60 characters, the same for the same
    corpus. Sampled apart from :func:`sample_queries`, whose 300 queries they leave as they are."""
    rng = random.Random(seed)
    clauses = [clause.strip() for doc in docs for clause in SENTENCE.findall(doc.body)
               if len(HAN_WORD.findall(clause)) >= 4]
    if not clauses:
        raise ValueError("the corpus has no Chinese sentences to make questions of")
    low, high = QUESTION_CHARS
    found: list[tuple[str, str]] = []
    while len(found) < count:
        words = [word for word in rjieba.cut(rng.choice(clauses)) if word.strip()]
        before, after = rng.choice(ASKING)
        start = rng.randrange(len(words))
        taken = "".join(words[start:start + rng.randint(6, 16)])
        question = f"{before}{taken}{after}"
        if low <= len(question) <= high and len(HAN_WORD.findall(taken)) >= 3:
            found.append(("question", question))
    return found
