"""Index-time tokens of many texts at once are each text's tokens as the tokenizers yield them."""

from __future__ import annotations

import gzip
import itertools
import json
import re

import numpy as np
import pytest

from bench.corpora import MODERN, shared
from indexer import config, load_documents
from indexer.analysis.batches import (
    CJK,
    LONG,
    TokenBatch,
    code_points,
    decode,
    encode,
    is_alnum,
    is_cjk,
    is_han,
)
from indexer.analysis.normalize import HAN_RUN, normalize_text
from indexer.analysis.tokenizers import char_analyzer, word_analyzer

TRICKY = ["", "   ", "，。", "云", "a", "云a", "a云", "城市 大脑，OA2021", "日本語のテキスト 한국어",
          "abcア漢", "ア漢a", "𠀀𠀁城市abc𠀂", "_a_b_", "中华人民共和国国务院办公厅",
          "auth-username:password", "ＱｉｎｇＣｌｏｕｄ華宇軟件", "第１２条", "Ⅻ号文件①", "x²³", "é́ café"]


def _texts() -> list[str]:
    texts = [text for doc in load_documents([config.seed_path()]) for text in (doc.title, doc.body)]
    with gzip.open(shared(MODERN), "rt", encoding="utf-8") as stream:
        for line in itertools.islice(stream, 300):
            record = json.loads(line)
            texts += [record["title"], record["body"]]
    return texts + TRICKY


def _per_text(batch: TokenBatch) -> list[list[tuple[str, int]]]:
    tokens = list(zip(batch.words(), batch.positions.tolist(), strict=True))
    bounds = np.concatenate(([0], np.cumsum(batch.counts))).tolist()
    return [tokens[start:end] for start, end in itertools.pairwise(bounds)]


@pytest.mark.parametrize("analyzer", [word_analyzer(["华宇软件"]), char_analyzer()], ids=["words", "chars"])
@pytest.mark.parametrize("size", [1, 7, 100])
def test_a_batch_of_texts_gives_each_text_its_own_tokens(analyzer, size):
    texts = _texts()
    expected = [[(word, position) for word, position, _, _ in analyzer.spans(normalize_text(text), False)]
                for text in texts]
    found = []
    for start in range(0, len(texts), size):
        found += _per_text(analyzer.index_batch(texts[start:start + size]))
    assert found == expected
    assert sum(map(len, expected)) > 10_000


def test_codes_are_the_texts_of_up_to_three_characters_and_sort_as_they_do():
    texts = ["a", "ab", "abc", "abcd", "云", "云a", "城市", "𠀀", "𠀀𠀁𠀂", "\U0010ffff", "\x00", "a\x00"]
    points = code_points("".join(texts))
    lengths = np.array([len(text) for text in texts])
    codes = encode(points, np.cumsum(lengths) - lengths, lengths)
    assert codes[3] == LONG and (np.delete(codes, 3) >= 0).all()
    short = [text for text in texts if len(text) <= 3]
    assert decode(np.delete(codes, 3)) == short
    assert sorted(short) == decode(np.sort(np.delete(codes, 3)))


def test_character_classes_are_the_patterns_of_the_tokenizers():
    points = np.arange(0x110000, dtype=np.uint32)
    alnum = re.compile(r"[^\W_]")
    assert is_alnum(points).tolist() == [alnum.match(chr(code)) is not None for code in range(0x110000)]
    assert is_han(points).tolist() == [HAN_RUN.match(chr(code)) is not None for code in range(0x110000)]
    cjk = re.compile(f"[{CJK}]")
    assert is_cjk(points).tolist() == [cjk.match(chr(code)) is not None for code in range(0x110000)]
