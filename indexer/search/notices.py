"""What a search tells its reader about how it was answered: a stable English ``code`` with
its parameters, worded in Chinese (and English) here in one table, so that a page or a
program tests the code, never the prose.

>>> notice = Notice("partial_match", {"minimum": 3})
>>> notice.text, notice.to_dict()["code"]
('没有同时包含所有词的结果，以下结果至少包含其中 3 个词', 'partial_match')
"""

from __future__ import annotations

from dataclasses import dataclass, field

MESSAGES = {  # code: (Chinese, English), formatted with the notice's parameters
    "query_truncated": ("查询过长，只搜索了前 {chars} 个字符", "query truncated to {chars} characters"),
    "too_many_terms": ("查询词太多，只搜索了前 {kept} 个", "only the first {kept} terms were searched"),
    "corrected": ("没有找到“{query}”的结果，以下是“{suggestion}”的结果",
                  "no good match for {query!r}; showing results for {suggestion!r}"),
    "partial_match": ("没有同时包含所有词的结果，以下结果至少包含其中 {minimum} 个词",
                      "no document matches every term; showing documents that match {minimum}"),
    "any_term": ("没有同时包含所有词的结果，以下结果至少包含其中一个词",
                 "no document matches every term; showing documents that match any"),
    "out_of_time": ("搜索用时超过限制，结果可能不完整",
                    "the search ran out of time; the results may be incomplete"),
    "partial_results": ("部分索引暂时无法访问，结果可能不完整",
                        "part of the index did not answer; the results may be incomplete"),
}


@dataclass(frozen=True)
class Notice:
    """One notice: a code of :data:`MESSAGES` and the values its wording needs."""

    code: str
    params: dict = field(default_factory=dict, compare=True, hash=False)

    @property
    def text(self) -> str:
        """The notice in Chinese."""
        return MESSAGES[self.code][0].format(**self.params)

    @property
    def english(self) -> str:
        """The notice in English."""
        return MESSAGES[self.code][1].format(**self.params)

    def __str__(self) -> str:
        return f"{self.text} ({self.english})"

    def to_dict(self) -> dict:
        """JSON-ready: ``code``, ``message`` (Chinese), ``english`` and the parameters."""
        return {"code": self.code, "message": self.text, "english": self.english, "params": self.params}
