"""The analysis chains: normalisation, offsets, positions."""

from __future__ import annotations

from indexer.analysis.normalize import normalize_text
from indexer.analysis.tokenizers import char_analyzer, word_analyzer


def tokens(analyzer, text, **kwargs):
    return [(t.text, t.pos, t.startchar, t.endchar)
            for t in analyzer(text, positions=True, chars=True, **kwargs)]


def test_normalisation_folds_width_case_script_and_variants():
    assert normalize_text("ＱｉｎｇＣｌｏｕｄ") == "qingcloud"
    assert normalize_text("華宇軟件 區塊鏈") == "华宇软件 区块链"
    assert normalize_text("智慧城巿") == "智慧城市"


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
