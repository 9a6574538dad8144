"""What people type around what they look for, when they ask (如何办理居住证, 失业了能领多少钱):
function words, and the scaffolding of a question. Neither need match: a document that
answers a question rarely repeats 如何, 有没有 or 吗.

- :data:`FUNCTION_WORDS` are words that say nothing of the subject (的, 我, 在, 可以 …);
- :data:`SCAFFOLDING` finds the interrogatives and request phrases as patterns, wherever
  they stand and however jieba would cut them (有何, 哪几个方面, 什么时候, 能不能, 是不是,
  a sentence-final 吗 or 呢), so that :func:`fragments` keeps only what is asked about. Place
  and office words (省, 市, 区, 部, 局) are content.

>>> is_function_word("如何"), is_function_word("居住证")
(True, False)
>>> content_words(["外地", "户口", "在", "本市", "怎么", "办理", "居住证", "？"])
['外地', '户口', '本市', '办理', '居住证']
>>> fragments("退休了医保还要继续交吗？"), fragments("申报需要提交哪几个方面的材料")
(['退休了医保还要继续交'], ['申报需要提交', '的材料'])
>>> asks("公积金提取"), asks("公积金能不能提取"), asks("公积金提取？")
(False, True, True)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .normalize import HAN_RUN, exact_key

FUNCTION_WORDS = frozenset("""
如何 怎么 怎样 怎么样 咋 咋样 为何 为什么 什么 啥 哪些 哪个 哪里 哪儿 哪 谁 几 多少 多久 是否 能否 可否
可以 能 能不能 可不可以 会 会不会 要 要不要 需要 需 想 想要 请问 请 问 吗 呢 吧 啊 呀 么 嘛 了 的 地 得 着 过
我 我们 你 你们 他 她 它 他们 自己 本人 在 到 从 向 对 给 把 被 和 与 及 或 或者 还是
就 都 也 还 又 才 有 没有 有没有
是 不是 一下 一些 些 个 里 中 上 下 时 时候 以后 之后 之前 以前 如果 要是 的话 怎么办
""".split())
INTERROGATIVES = """
有没有 有什么 有哪些 有何 哪几个方面 哪些方面 哪几个 哪几种 哪几类 哪些 哪个 哪里 哪儿 哪家 哪天
怎么办 怎么样 怎么 怎样 咋办 咋样 如何 为什么 为何 干什么 是否 能否 可否 能不能 可不可以 行不行
是不是 要不要 需不需要 用不用 会不会 算不算 多少钱 多少 多久 多长时间 多大 几个 几家 几号 几点
什么时候 啥时候 什么样 什么 啥 请问 想问一下 问一下 咨询一下
""".split()
ENDINGS = "吗 呢 吧 呀 啊 么 嘛".split()  # particles that close a question
SCAFFOLDING = re.compile("|".join(sorted(map(re.escape, INTERROGATIVES), key=len, reverse=True))
                         + "|(?:" + "|".join(ENDINGS) + r")(?=[\s，,。.？?！!；;]|$)|[？?]")


HOW_LONG = r"多久|多长时间|期限|时限"
EXPECTED = {  # what kind of answer a question wants, by the words it asks with
    "duration": re.compile(HOW_LONG),
    "amount": re.compile(r"多少|百分之几|几个|几家|几项|几种|几类|几条|几倍|几成|多大|多高|多长|比例"),
    "time": re.compile(r"什么时候|啥时候|何时|哪天|哪年|哪一年|几号|几月|最晚|最迟|截止"),
    "ruling": re.compile(r"能不能|可不可以|可以不|是否|能否|可否|要不要|需不需要|用不用|算不算|行不行|吗"),
    "way": re.compile(r"(?:怎么|如何|怎样|咋)(?!回事|样了|看|评价|处理的)|流程|手续|步骤"),
}


def expected(text: str) -> str | None:
    """The kind of answer ``text`` asks for (``duration``, ``amount``, ``time``, ``ruling``,
    ``way``) or None.

    >>> expected("公积金一年能取多少"), expected("最晚什么时候交"), expected("个体户有补贴吗")
    ('amount', 'time', 'ruling')
    >>> expected("核准要等多久")
    'duration'
    """
    for kind, pattern in EXPECTED.items():
        if pattern.search(text):
            return kind
    return None


NOT_WHEN = r"(?<![这近前头])"  # 这几年, 前几天, 头几个月 say when, they do not ask
UNIT_ASKED = re.compile(NOT_WHEN + r"(?:多少|几)"
                        r"(?:钱|块钱|元|个|家|项|名|人|部|座|套|台|辆|所|条|类|种|次|倍|年|天|个月|月|周|公里|千米|米|平方米|吨|亩|万|亿|岁|级|批|轮|期|号|处|户|张|间|位|只|头|元钱)")
SAME_UNIT = {"钱": "元", "块钱": "元", "元钱": "元", "人": "人|名", "名": "人|名", "个月": "个月",
             "月": "个?月", "号": "日|号", "千米": "千米|公里", "公里": "千米|公里"}


PERCENT_ASKED = re.compile(r"百分之(?:几|多少)|(?:几|多少)个百分点|百分比是多少")
MONEY_ASKED = re.compile(r"(?:罚|补贴|补助|奖励|奖补|赔|报销|收费|缴|交|花|贷)"
                         r"[了款得到能可以要给还共]*多少(?!次|人|天)")


FEE_ASKED = re.compile(r"(?:要|掏|花|交|付|收)钱[吗么]|免费[^，,。？?]{0,8}[吗么]|免不免费|收费[吗么]"
                       r"|收不收费|要不要钱")  # whether something costs: answered by what it costs
DURATION_ASKED = re.compile(HOW_LONG + "|" + NOT_WHEN + r"几(?:天|个月|年|个工作日|小时)"
                            r"|多少(?:天|个工作日)")  # how long, or how many days: answered by a time limit
DURATION_WORDS = ("日内", "工作日", "个月", "小时", "天内", "年内")  # how a rule states a time limit
FEE_WORDS = ("免费", "费用", "收费", "收取")  # how a text says what something costs


def answer_words(text: str) -> tuple[str, ...]:
    """Words in which a text answers what question ``text`` asks for: a time limit's for 多久 or
    几天, a cost's for 要钱吗, the unit of a 多少 or 几 (but not 个); none for other questions.

    >>> answer_words("企业几天内得回话")[:2], answer_words("要交钱吗")[0], answer_words("出多少吨危废")
    (('日内', '工作日'), '免费', ('吨',))
    >>> answer_words("这几年拿到多少钱"), answer_words("化解了多少个"), answer_words("怎么申请")
    (('元',), (), ())
    """
    if FEE_ASKED.search(text):
        return FEE_WORDS
    if DURATION_ASKED.search(text):
        return DURATION_WORDS
    unit = asked_unit(text)
    return (unit,) if unit is not None and unit != "个" and HAN_RUN.fullmatch(unit) else ()


def asked_unit(text: str) -> str | None:
    """The measure a 多少 or 几 question asks in, as a pattern of its forms (多少钱 → 元; a sum
    of money after 罚, 补贴, 报销 …; a share after 百分之几), or None.

    >>> asked_unit("淮安的烂尾楼化解了多少个"), asked_unit("低保一个月给多少钱"), asked_unit("能取多少")
    ('个', '元', None)
    >>> asked_unit("没验收就投运被罚了多少"), asked_unit("退休金涨了百分之几")
    ('元', '%|个百分点')
    """
    if PERCENT_ASKED.search(text):
        return "%|个百分点"
    found = UNIT_ASKED.search(text)
    if found is None:
        return "元" if MONEY_ASKED.search(text) else None
    unit = found.group()[2:] if found.group().startswith("多少") else found.group()[1:]
    return SAME_UNIT.get(unit, unit)


def is_function_word(word: str) -> bool:
    """Whether ``word`` is one of :data:`FUNCTION_WORDS` (compared normalised)."""
    return exact_key(word) in FUNCTION_WORDS


def content_words(words: Iterable[str]) -> list[str]:
    """``words`` without function words and punctuation, in order."""
    return [w for w in words if any(ch.isalnum() for ch in w) and not is_function_word(w)]


def fragments(text: str) -> list[str]:
    """``text`` (normalised) without the scaffolding of a question: the stretches between."""
    return [part for part in SCAFFOLDING.split(text) if part.strip()]


FILLER = re.compile("|".join(sorted((re.escape(word) for word in FUNCTION_WORDS if len(word) > 1),
                                    key=len, reverse=True)))


def content_fragments(text: str) -> list[str]:
    """:func:`fragments` of ``text`` also cut at function words of two characters or more.

    >>> content_fragments("可以办理居住证吗")
    ['办理居住证']
    """
    return [piece for part in fragments(text) for piece in FILLER.split(part) if piece.strip()]


def asks(text: str) -> bool:
    """Whether ``text`` (normalised) holds the scaffolding of a question."""
    return SCAFFOLDING.search(text) is not None
