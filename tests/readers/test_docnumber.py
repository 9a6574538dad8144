"""canonical() never raises and is idempotent; every typing of one number is one key."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from indexer.analysis.docnumber import canonical, find_numbers, looks_like, series

PIECES = st.sampled_from(["京政发", "国办函", "令", "第", "号", "年", "〔", "〕", "[", "]", "（", "）",
                          "【", "】", "﹝", "﹞", " ", "\u3000", "2021", "１２", "12", "0", "的", "根据"])
TEXT = st.one_of(st.text(), st.lists(PIECES, max_size=12).map("".join))


@given(TEXT)
def test_canonical_is_idempotent_and_never_raises(text: str) -> None:
    key = canonical(text)
    if key is not None:
        assert canonical(key) == key
        assert looks_like(key)
    series(text)
    for start, end, number in find_numbers(text):
        assert 0 <= start < end <= len(text) + 8
        assert canonical(number) == number


@given(st.integers(1900, 2099), st.integers(0, 99999))
def test_every_typing_is_one_key(year: int, number: int) -> None:
    wide = str(year).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    forms = [f"京政发〔{year}〕{number}号", f"京政发[{year}]{number}号", f"京政发（{wide}）第{number}号",
             f"京政发{year}年{number}号", f"京政发 {year} {number}号", f"京政发【{year}】{number}号"]
    assert {canonical(form) for form in forms} == {f"京政发〔{year}〕{number}号"}
    assert canonical(forms[0]).startswith(series(f"京政发〔{year}〕"))
    assert canonical(forms[0]).startswith(series("京政发"))


def test_order_numbers() -> None:
    expected = "国家发展改革委令第10号"
    assert canonical("国家发展改革委令第10号") == canonical("国家发展改革委令10号") == expected
    assert canonical("中华人民共和国住房和城乡建设部令第1号") == "中华人民共和国住房和城乡建设部令第1号"
    assert canonical("令第10号") is None


def test_ordinary_text_is_not_a_number() -> None:
    assert find_numbers("自2021年12月1日起施行，共12号楼") == []
    assert not looks_like("2021年12月")
    assert not looks_like("政府信息公开")
