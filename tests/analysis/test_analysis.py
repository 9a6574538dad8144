"""The analysis chains: normalisation, offsets, positions."""

from __future__ import annotations

import unicodedata

import pytest

from indexer import config, load_documents
from indexer.analysis.normalize import SINGLE_FORMS, nfkc, normalize_text
from indexer.analysis.tokenizers import CJK_OR_WORD, char_analyzer, word_analyzer


def tokens(analyzer, text, **kwargs):
    return [(t.text, t.pos, t.startchar, t.endchar)
            for t in analyzer(text, positions=True, chars=True, **kwargs)]


def test_normalisation_folds_width_case_script_and_variants():
    assert normalize_text("ＱｉｎｇＣｌｏｕｄ") == "qingcloud"
    assert normalize_text("華宇軟件 區塊鏈") == "华宇软件 区块链"
    assert normalize_text("智慧城巿") == "智慧城市"


def test_fast_nfkc_is_nfkc_for_every_single_form_next_to_combining_marks():
    # each form before a combining mark (composes with a Latin letter) and after a Hangul lead
    text = "".join(f"{char}\u0301\u1100{char}e\u0327" for char in SINGLE_FORMS) + "㈱ﬁ…，"
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_offsets_point_into_the_original_text():
    text = "ＯＡ办公系統 城巿"
    for word, _, start, end in tokens(word_analyzer(), text) + tokens(char_analyzer(), text):
        assert normalize_text(text[start:end]) == word


def test_offsets_survive_length_changing_normalisation():
    text = "㈱华宇 ﬁle"  # ㈱ → (株), ﬁ → fi: the normalised text is longer
    spans = {word: text[start:end] for word, _, start, end in tokens(char_analyzer(), text)}
    assert spans["华宇"] == "华宇"
    assert spans["file"] == "ﬁle"


def test_word_positions_count_words_and_subwords_share_them():
    toks = tokens(word_analyzer(), "北京市海淀区的智慧城市建设")
    words = [t for t in toks if not any(o is not t and o[2] <= t[2] and t[3] <= o[3]
                                          for o in toks)]
    assert [pos for _, pos, _, _ in words] == list(range(len(words)))
    for text, pos, start, end in toks:
        parent = next(w for w in words if w[2] <= start and end <= w[3])
        assert pos == parent[1], text
    assert {"海淀", "海淀区"} <= {t[0] for t in toks}


def test_query_mode_drops_subwords():
    assert [t[0] for t in tokens(word_analyzer(), "北京市海淀区", mode="query")] == ["北京市", "海淀区"]


def test_char_field_has_unigrams_and_bigrams_latin_whole():
    texts = [t[0] for t in tokens(char_analyzer(), "政通PaaS化NCS4450")]
    assert texts == ["政", "政通", "通", "paas", "化", "ncs4450"]
    assert [t[0] for t in tokens(char_analyzer(), "数梦工场", mode="query")] == ["数梦", "梦工", "工场"]


def test_char_positions_are_sequential_per_character():
    toks = tokens(char_analyzer(), "城市大脑")
    bigrams = [(text, pos) for text, pos, _, _ in toks if len(text) == 2]
    assert bigrams == [("城市", 0), ("市大", 1), ("大脑", 2)]


def _ngrams_one_by_one(text: str, query: bool) -> list[tuple[str, int, int, int]]:
    """The character field's tokens of normalised ``text``, a character at a time: the
    definition :meth:`CJKNgramTokenizer.columns` computes a run at a time."""
    found, position = [], 0
    for match in CJK_OR_WORD.finditer(text):
        start, run = match.start(), match.group(1)
        if run is None:
            found.append((match.group(), position, start, match.end()))
            position += 1
            continue
        for index, char in enumerate(run):
            if not query or len(run) == 1:
                found.append((char, position + index, start + index, start + index + 1))
            if index < len(run) - 1:
                found.append((run[index:index + 2], position + index, start + index, start + index + 2))
        position += len(run)
    return found


@pytest.mark.parametrize("query", [False, True])
def test_char_tokens_a_run_at_a_time_are_those_a_character_at_a_time(query):
    texts = [text for d in load_documents([config.seed_path()]) for text in (d.title, d.body)]
    texts += ["", "云", "a", "云a", "城市", "数字政府建设", "城市 大脑，OA2021", "日本語のテキスト",
              "日本語のテキスト 한국어"]
    for text in map(normalize_text, texts):
        expected = _ngrams_one_by_one(text, query)
        assert list(char_analyzer().spans(text, query)) == expected
        if not query:
            assert list(zip(*char_analyzer().index_tokens(text), strict=True)) == [t[:2] for t in expected]


def test_short_texts_are_remembered_and_long_ones_are_not():
    short, long = "華宇 雲計算 " + str(id(object())), "華宇雲計算" * 100 + str(id(object()))
    before = normalize_text.cache_info()
    assert normalize_text(short) == normalize_text(short) == "华宇 云计算 " + short.split()[-1]
    after = normalize_text.cache_info()
    assert (after.misses, after.hits) == (before.misses + 1, before.hits + 1)
    assert normalize_text(long) == normalize_text(long) == "华宇云计算" * 100 + long[500:]
    last = normalize_text.cache_info()
    assert (last.misses, last.hits) == (after.misses, after.hits)  # computed each time, never kept
