"""The results page's 发布时间 row: 时间不限 / 一周内 / 一月内 / 一年内, each with how many
results it would leave, so an empty one is greyed rather than a dead end, and 自定义 for
other dates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from indexer import date_range

from .engine import get_engine

PRESETS = (("一周内", 7), ("一月内", 31), ("一年内", 365))


def preset_start(days: int, today: date) -> str:
    """The ``from`` date of a preset: ``days`` before ``today``."""
    return (today - timedelta(days=days)).isoformat()


def count_since(page: dict, exact: bool, start: str) -> int:
    """How many results the search of ``page`` finds published on or after ``start``: the
    same query, filters, scope and correction, the custom dates replaced."""
    filters = {**page["filters"], "published": [date_range(start, None)]}
    result = get_engine().search(page["query"], per_page=1, filters=filters, scope=page["in"],
                                 correct=not exact, answer=False)
    return result.total


def time_links(state: dict, url: Callable[..., str], count: Callable[[str], int] | None = None,
               today: date | None = None) -> dict:
    """时间不限 and the presets as links on ``from`` (``url(**changes)`` makes each), with
    ``count(start)`` results each when given (a preset with none has no link); ``custom``
    when the dates in force are none of them."""
    today = today or date.today()
    presets = [{"label": "时间不限", "url": url(**{"from": None, "to": None}), "count": None,
                "active": not state["from"] and not state["to"]}]
    matched = presets[0]["active"]
    for label, days in PRESETS:
        start = preset_start(days, today)
        active = state["from"] == start and not state["to"]
        matched = matched or active
        found = count(start) if count else None
        presets.append({"label": label, "active": active, "count": found,
                        "url": url(**{"from": start, "to": None}) if found != 0 or active else None})
    return {"presets": presets, "custom": not matched, "today": today.isoformat()}
