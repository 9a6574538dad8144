"""Validity (有效性): whether a document is still in force, as one of four canonical values.

《政府网站发展指引》 asks that 修改、废止、失效 documents be clearly labelled. Pages write it in
many ways (有效性：有效, 时效性：现行有效, 已失效, 部分失效, 废止); :func:`canonical` reads each
to one of :data:`VALUES`. A title may carry it too, in brackets (…办法（已废止）, 【失效】…):
:func:`from_title`. A title that *announces* a repeal (关于废止…的决定) says nothing of its own
document's validity, which stays in force.

>>> [canonical(text) for text in ("有效", "现行有效", "已废止", "失效", "部分失效", "已修订", "全文废止")]
['现行有效', '现行有效', '已废止', '已失效', '已修改', '已修改', '已废止']
>>> canonical("待定") is None, canonical("") is None
(True, True)
>>> from_title("南京市城市房屋拆迁管理办法（已废止）"), from_title("【失效】关于开展检查的通知")
('已废止', '已失效')
>>> from_title("关于废止部分规范性文件的决定") is None
True
"""

from __future__ import annotations

import re

VALID, AMENDED, REPEALED, EXPIRED = "现行有效", "已修改", "已废止", "已失效"
VALUES = (VALID, AMENDED, REPEALED, EXPIRED)
NOT_IN_FORCE = (REPEALED, EXPIRED)  # ranked below documents in force (signal ``validity``)
# (words, value): the first rule whose word the text holds wins; 部分失效 is partly in force
RULES = (
    (("部分失效", "部分废止", "部分有效"), AMENDED),
    (("废止", "撤销"), REPEALED),
    (("失效", "无效", "过期", "届满"), EXPIRED),
    (("修改", "修订", "修正"), AMENDED),
    (("有效", "现行"), VALID),
)
MARKER = re.compile(r"[（(【\[〔]\s*((?:已经?|已被|全文|部分)?\s*(?:废止|失效|修改|修订|修正))\s*[）)】\]〕]")


def canonical(text: str) -> str | None:
    """The canonical value of what a page or record says of a document's validity, or ``None``."""
    text = "".join(text.split())
    for words, value in RULES:
        if any(word in text for word in words):
            return value
    return None


def from_title(title: str) -> str | None:
    """The validity a title carries in brackets (``（已废止）``), or ``None``."""
    found = MARKER.search(title or "")
    return canonical(found.group(1)) if found else None
