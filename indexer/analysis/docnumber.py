"""文号 (document numbers): one canonical form for every way of typing one.

The canonical form is the official one: issuer, the year in 〔〕, the number without ``第`` or
leading zeros, then 号 (``京政发〔2021〕12号``); for an order, ``X令第N号``. Before matching, text
is NFKC-normalized (full-width digits and brackets become ASCII, ``﹝`` becomes ``〔``) and every
bracket pair ``[] () 【】 〖〗 〔〕`` stands for 〔〕.

The rule for the issuer, from real numbers (国发, 国办发明电, 京政办函, 沪府规, 财税, 发改价格,
工信部联规, 人社部发, 国家发展改革委令, 中华人民共和国住房和城乡建设部令): 1–12 Han characters
(up to 20 for an order ``…令``). With the year in brackets any issuer is accepted (财税〔2019〕13号);
without brackets (``京政发2021年12号``) the issuer must end in a typical element of
:data:`TYPICAL_ENDINGS`, so that ordinary text such as ``2021年12月`` or ``截至2021年12号`` is not a
文号. In running text (:func:`find_numbers`) the issuer starts after the last word that cannot be
part of one (``根据``, ``印发``, ``的``, …): ``国务院办公厅印发的国办发〔2021〕12号`` cites
``国办发〔2021〕12号``.

>>> forms = ["京政发〔2021〕12号", "京政发[2021]12号", "京政发(2021)12号", "京政发（2021）12号",
...          "京政发〔2021〕第12号", "京政发2021年12号", "京政发 2021 12号", "京政发〔２０２１〕１２号",
...          "京政发【2021】12号", "京政发﹝2021﹞12号", " 京政发〔2021〕012号 "]
>>> {canonical(form) for form in forms}
{'京政发〔2021〕12号'}
>>> canonical("国家发展改革委令第10号"), canonical("国家发展改革委令10号"), canonical("财税〔2019〕13号")
('国家发展改革委令第10号', '国家发展改革委令第10号', '财税〔2019〕13号')
>>> canonical("2021年12月"), canonical("截至2021年12号"), canonical("京政发"), canonical("")
(None, None, None, None)
>>> series("京政办函〔2021〕"), series("京政办函[2021]"), series("京政办函"), series("国家发展改革委令")
('京政办函〔2021〕', '京政办函〔2021〕', '京政办函〔', '国家发展改革委令第')
>>> series("北京"), series("2021年")
(None, None)
>>> [looks_like(q) for q in ("京政发（2021）12号", "京政办函〔2021〕", "出发", "2021年12月")]
[True, True, False, False]
>>> text = "根据《通知》（国办发〔2021〕12号）和国务院办公厅印发的国办函[2020]3号，废止京政发2019年5号。"
>>> find_numbers(text)
[(7, 19, '国办发〔2021〕12号'), (30, 41, '国办函〔2020〕3号'), (44, 54, '京政发〔2019〕5号')]
>>> [text[start:end] for start, end, _ in find_numbers(text)]
['国办发〔2021〕12号', '国办函[2020]3号', '京政发2019年5号']
>>> find_numbers("2021年12月起施行，截至2021年12号仍有效，见国家发展改革委令第10号")
[(27, 39, '国家发展改革委令第10号')]
>>> [n for _, _, n in find_numbers("依据国发〔2020〕3号和住房和城乡建设部令第1号")]
['国发〔2020〕3号', '住房和城乡建设部令第1号']
"""

from __future__ import annotations

import re
import unicodedata

MAX_ISSUER = 12
MAX_ORDER_ISSUER = 20  # 中华人民共和国住房和城乡建设部令 is 16 characters
#: How an issuer may end when the year is not in brackets, and for a bare series query.
TYPICAL_ENDINGS = "发函字办令通告规电复文"
#: Words after which an issuer starts, in running text: they cannot be part of one.
STOP_WORDS = ("根据", "依据", "按照", "依照", "参照", "印发", "转发", "下发", "颁发", "批转", "废止", "关于")
STOP_CHARS = "的据照按依见将对为于以由在是或经把被从向年月日号即和及与"
#: Issuers' names that hold a stop character: 中华人民共和国, 住房和城乡建设部, ….
KEPT_WORDS = ("共和国", "住房和城乡", "人力资源和社会", "工业和信息化", "文化和旅游", "生态环境和")

_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff]"
_OPEN, _CLOSE = "[(【〖〔{", "])】〗〕}"
_BRACKETS = str.maketrans(_OPEN + _CLOSE, "〔" * len(_OPEN) + "〕" * len(_CLOSE))
_YEAR = r"(?:19|20)\d\d"
_NUMBER = r"\s*第?\s*(?P<number>\d{1,6})\s*号"
_BRACKETED = rf"(?P<issuer>{_HAN}{{1,{MAX_ISSUER}}})\s*〔\s*(?P<year>{_YEAR})\s*〕{_NUMBER}"
_PLAIN = (rf"(?P<issuer>{_HAN}{{0,{MAX_ISSUER - 1}}}[{TYPICAL_ENDINGS}])\s*(?P<year>{_YEAR})"
          rf"(?:\s*年|\s+)(?!\d+\s*[月日]){_NUMBER}")
_ORDER = rf"(?P<issuer>{_HAN}{{1,{MAX_ORDER_ISSUER - 1}}}令){_NUMBER}"
_FORMS = [re.compile(form) for form in (_BRACKETED, _PLAIN, _ORDER)]
_SERIES = [
    re.compile(rf"(?P<issuer>{_HAN}{{1,{MAX_ISSUER}}})\s*〔\s*(?P<year>{_YEAR})\s*〕?"),
    re.compile(rf"(?P<issuer>{_HAN}{{0,{MAX_ISSUER - 1}}}[{TYPICAL_ENDINGS}])\s*(?P<year>{_YEAR})\s*年?"),
    re.compile(rf"(?P<issuer>{_HAN}{{1,{MAX_ORDER_ISSUER - 1}}}令)\s*第?"),
    re.compile(rf"(?P<issuer>{_HAN}{{1,{MAX_ISSUER - 1}}}[{TYPICAL_ENDINGS}])"),
]


def _normalize(text: str) -> str:
    """NFKC, every bracket as 〔〕, spaces (also U+3000) as one ASCII space, stripped."""
    text = unicodedata.normalize("NFKC", text or "").translate(_BRACKETS)
    return re.sub(r"\s+", " ", text).strip()


def _format(match: re.Match[str], issuer: str | None = None) -> str:
    """The canonical form of a matched number."""
    issuer = issuer if issuer is not None else match["issuer"]
    number = int(match["number"])
    if match.re is _FORMS[2]:
        return f"{issuer}第{number}号"
    return f"{issuer}〔{match['year']}〕{number}号"


def canonical(text: str) -> str | None:
    """The canonical form of ``text`` if the whole of it is one 文号, else ``None``."""
    text = _normalize(text)
    for form in _FORMS:
        match = form.fullmatch(text)
        if match:
            return _format(match)
    return None


def cleaned(text: str) -> str | None:
    """The stored 文号 of what a page or a record gives: its canonical form, else the text as
    typed when it holds a digit (a number of a form this module does not know), else ``None``
    (无, —, 暂无).

    >>> cleaned("京政发(2021)12号"), cleaned("京政函字 2021-12"), cleaned("无")
    ('京政发〔2021〕12号', '京政函字 2021-12', None)
    """
    text = " ".join(text.split())
    found = canonical(text)
    if found:
        return found
    return text if any(ch.isdigit() for ch in text) else None


_KEY = re.compile(r"^(.*?)((?:〔\d{4}〕|令第)\d+号)$")


def split_issuer(number: str) -> tuple[str, str]:
    """(issuer, the rest) of a canonical 文号: what stays the same however the issuer is named.

    >>> split_issuer("苏政发〔2021〕87号"), split_issuer("中华人民共和国国家发展和改革委员会令第16号")
    (('苏政发', '〔2021〕87号'), ('中华人民共和国国家发展和改革委员会', '令第16号'))
    """
    found = _KEY.match(number)
    return (found.group(1), found.group(2)) if found else ("", number)


def _all(text: str, word: str) -> list[int]:
    """Every start of ``word`` in ``text``."""
    return [at for at in range(len(text)) if text.startswith(word, at)]


def _trim_issuer(issuer: str) -> str:
    """The issuer after the last stop word or character of running text."""
    cut = 0
    for word in STOP_WORDS:
        at = issuer.rfind(word)
        if at >= 0:
            cut = max(cut, at + len(word))
    kept = [range(at, at + len(word)) for word in KEPT_WORDS for at in _all(issuer, word)]
    for at, char in enumerate(issuer):
        if char in STOP_CHARS and not any(at in span for span in kept):
            cut = max(cut, at + 1)
    return issuer[cut:]


def find_numbers(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, canonical)`` of every 文号 in ``text``, in order; spans index ``text``.

    Spans are exact for text whose NFKC form has the same length (all CJK and full-width
    ASCII); elsewhere they are those of the normalized text.
    """
    normalized = unicodedata.normalize("NFKC", text or "").translate(_BRACKETS)
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for form in _FORMS:
        for match in form.finditer(normalized):
            issuer = _trim_issuer(match["issuer"])
            if not issuer or (form is _FORMS[2] and issuer == "令"):
                continue
            if form is _FORMS[1] and issuer[-1] not in TYPICAL_ENDINGS:
                continue
            start = match.start("issuer") + len(match["issuer"]) - len(issuer)
            if any(start < end and begin < match.end() for begin, end in taken):
                continue
            taken.append((start, match.end()))
            found.append((start, match.end(), _format(match, issuer)))
    return sorted(found)


def series(text: str) -> str | None:
    """The canonical prefix of a series query: ``京政办函〔2021〕``, ``京政办函〔`` or ``X令第``.

    Every canonical number of the series starts with it.
    """
    text = _normalize(text)
    for number, pattern in enumerate(_SERIES):
        match = pattern.fullmatch(text)
        if match:
            if number < 2:
                return f"{match['issuer']}〔{match['year']}〕"
            return f"{match['issuer']}第" if number == 2 else f"{match['issuer']}〔"
    return None


def looks_like(query: str) -> bool:
    """Whether ``query`` is a 文号 or a series with its year (not a bare issuer, too ambiguous)."""
    if canonical(query) is not None:
        return True
    prefix = series(query)
    return prefix is not None and prefix.endswith("〕")
