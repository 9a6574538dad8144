"""Segmentation: jieba's algorithm and dictionary through jieba-rs (the default) or jieba."""

from __future__ import annotations

import gzip
import itertools
import json
import re

import pytest

from bench.corpora import MODERN, shared
from indexer import ConfigError, config, load_documents
from indexer.analysis.normalize import HAN_RUN, normalize_text
from indexer.analysis.segment import KEPT_SEGMENTERS, Segmenter, segmenter_for

# Python jieba's Han pattern stops at U+9FD5, so it cuts rarer characters one by one, and it
# splits Latin words at hyphens and dots where jieba-rs keeps them whole.
PYTHON_JIEBA_HAN = re.compile("[\u4e00-\u9fd5]+")


def _texts() -> list[str]:
    texts = [d.title + "\n" + d.body for d in load_documents([config.seed_path()])]
    for name, step in (("modern.jsonl.gz", 20), ("poems.jsonl.gz", 100)):
        with gzip.open(shared(name), "rt", encoding="utf-8") as stream:
            for line in itertools.islice(stream, 0, 40 * step * 10, step):
                record = json.loads(line)
                texts.append(record["title"] + "\n" + record["body"])
    return [normalize_text(text) for text in texts]


def _chinese(tokens) -> list:
    return [token for token in tokens if HAN_RUN.fullmatch(token[0])]


@pytest.mark.slow  # over 2 s on its own: `make test`, not `make test-fast`
@pytest.mark.parametrize("search", [False, True])
def test_both_engines_cut_chinese_the_same_way(search):
    fast, pure = Segmenter(engine="rjieba"), Segmenter(engine="jieba")
    texts = _texts()
    assert len(texts) > 800
    differ = []
    for text in texts:
        ours, theirs = _chinese(fast.tokens(text, search)), _chinese(pure.tokens(text, search))
        if ours != theirs:
            differ.append(text)
            rare = {char for word, *_ in ours + theirs for char in word
                    if not PYTHON_JIEBA_HAN.fullmatch(char)}
            assert rare, f"the engines cut {text[:80]!r} differently"  # only rare characters may
    assert len(differ) < len(texts) / 50


def test_the_engine_is_chosen_by_the_environment(monkeypatch):
    monkeypatch.setenv("EGOV_SEGMENTER", "jieba")
    assert Segmenter().engine == "jieba"
    monkeypatch.setenv("EGOV_SEGMENTER", "nope")
    with pytest.raises(ConfigError, match="EGOV_SEGMENTER"):
        Segmenter()


def test_offsets_are_the_libraries_own():
    text = "华宇软件的OA系统，城市大脑"
    for word, start, end, _ in Segmenter().tokens(text, search=True):
        assert text[start:end] == word


def test_words_of_one_generation_do_not_pile_up():
    first = segmenter_for(["数梦工场"])
    assert first.has_word("数梦工场") and not segmenter_for().has_word("数梦工场")
    for number in range(KEPT_SEGMENTERS + 1):
        segmenter_for([f"词{number}号"])
    assert segmenter_for(["数梦工场"]) is not first  # the old one was let go


def _all_texts() -> list[str]:
    """Every title and body of the seed and of all of modern.jsonl.gz, normalised."""
    texts = [text for d in load_documents([config.seed_path()]) for text in (d.title, d.body)]
    with gzip.open(shared(MODERN), "rt", encoding="utf-8") as stream:
        for line in stream:
            record = json.loads(line)
            texts += [record["title"], record["body"]]
    return [normalize_text(text) for text in texts]


@pytest.mark.slow  # over 2 s on its own: `make test`, not `make test-fast`
@pytest.mark.parametrize("engine", ["rjieba", "jieba"])
def test_one_search_mode_cut_gives_both_cuts(engine):
    """``tokens(search=True)`` cuts once, in search mode, and finds the words of the default
    cut among its tokens: they must be exactly the default cut, and the rest its sub-words."""
    segmenter = Segmenter(engine=engine)
    texts = _all_texts()
    if engine == "jieba":
        texts = texts[:: len(texts) // 400]  # pure Python jieba: a sample
    for text in texts:
        default = [tuple(token) for token in segmenter._jieba.tokenize(text)]
        words = {(start, end) for _, start, end in default}
        search = [tuple(token) for token in segmenter._jieba.tokenize(text, mode="search")]
        ours = segmenter.tokens(text, search=True)
        assert ours == [(word, start, end, (start, end) not in words) for word, start, end in search]
        assert [token[:3] for token in ours if not token[3]] == default
