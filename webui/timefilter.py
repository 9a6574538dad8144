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
    same query, filters, scope and correction, the custom dates replaced. None, without
    searching, when the page's 年份 counts show nothing from ``start``'s year on."""
    years = page["facets"].get("year") or {}
    since = [count for year, count in years.items() if year >= start[:4]]
    if not (page["from"] or page["to"]) and not any(since):
        return 0
    filters = {**page["filters"], "published": [date_range(start, None)]}
    result = get_engine().search(page["query"], per_page=1, filters=filters, scope=page["in"],
                                 correct=not exact, answer=False)
    return result.total


def time_links(state: dict, url: Callable[..., str], count: Callable[[str], int] | None = None,
               today: date | None = None) -> dict:
    """时间不限 and the presets as links on ``from`` (``url(**changes)`` makes each), with
    ``count(start)`` results each when given (a preset with none has no link; a shorter one
    inside an empty one is not counted); ``custom`` when the dates in force are none of them."""
    today = today or date.today()
    counts: dict[int, int | None] = {}
    for _, days in sorted(PRESETS, key=lambda preset: -preset[1]):
        longer = [found for other, found in counts.items() if other > days]
        counts[days] = None if count is None else 0 if 0 in longer else count(preset_start(days, today))
    presets = [{"label": "时间不限", "url": url(**{"from": None, "to": None}), "count": None,
                "active": not state["from"] and not state["to"]}]
    matched = presets[0]["active"]
    for label, days in PRESETS:
        start = preset_start(days, today)
        active = state["from"] == start and not state["to"]
        matched = matched or active
        presets.append({"label": label, "active": active, "count": counts[days],
                        "url": url(**{"from": start, "to": None}) if counts[days] != 0 or active else None})
    return {"presets": presets, "custom": not matched, "today": today.isoformat()}
