"""Examples of what to search for, taken from the collection served: its 热门搜索, else the
most frequent words of its titles (never another collection's, such as the seed's 智慧城市)."""

from __future__ import annotations

from indexer import top_title_words

from . import recording
from .engine import get_engine

SHOWN = 3


def example_queries() -> list[str]:
    """Up to three queries to suggest in the search box's placeholder and the tips."""
    popular = recording.popular()
    if popular:
        return popular[:SHOWN]
    engine = get_engine()
    return engine.cached("example_queries", lambda: top_title_words(engine, SHOWN))


def placeholder(examples: list[str]) -> str:
    """The search box's hint: a few of ``examples``, else what the site holds in general."""
    return "例如：" + "、".join(examples) if examples else "搜索政策、通知、办事指南…"
