"""The function words of questions and requests: what people type around what they look for
(如何办理居住证, 失业了能领多少钱). They need not match: a document that answers the question
rarely repeats 如何 or 吗.

>>> is_function_word("如何"), is_function_word("居住证")
(True, False)
>>> content_words(["外地", "户口", "在", "本市", "怎么", "办理", "居住证", "？"])
['外地', '户口', '本市', '办理', '居住证']
"""

from __future__ import annotations

from collections.abc import Iterable

from .normalize import exact_key

FUNCTION_WORDS = frozenset("""
如何 怎么 怎样 怎么样 咋 咋样 为何 为什么 什么 啥 哪些 哪个 哪里 哪儿 哪 谁 几 多少 多久 是否 能否 可否
可以 能 能不能 可不可以 会 会不会 要 要不要 需要 需 想 想要 请问 请 问 吗 呢 吧 啊 呀 么 嘛 了 的 地 得 着 过
我 我们 你 你们 他 她 它 他们 自己 本人 在 到 从 向 对 给 把 被 和 与 及 或 或者 还是
就 都 也 还 又 才 有 没有 有没有
是 不是 一下 一些 些 个 里 中 上 下 时 时候 以后 之后 之前 以前 如果 要是 的话 怎么办
""".split())


def is_function_word(word: str) -> bool:
    """Whether ``word`` is one of :data:`FUNCTION_WORDS` (compared normalised)."""
    return exact_key(word) in FUNCTION_WORDS


def content_words(words: Iterable[str]) -> list[str]:
    """``words`` without function words and punctuation, in order."""
    return [w for w in words if any(ch.isalnum() for ch in w) and not is_function_word(w)]
