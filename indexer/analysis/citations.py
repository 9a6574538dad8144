"""Which documents a text names, and by which names a document is known.

A 政策解读 names its policy by 《title》 or 文号; a policy that replaces another says so
(《旧办法》同时废止). Names are compared by :func:`name_key`: the normalised text without
punctuation or white space, so 《关于扩大失业保险保障范围的通知》 finds the title that a
publisher's name precedes, and a full-width bracket finds the half-width one.

>>> document_names("人力资源社会保障部 财政部关于扩大失业保险保障范围的通知")
['人力资源社会保障部财政部关于扩大失业保险保障范围的通知', '关于扩大失业保险保障范围的通知']
>>> document_names("省政府关于印发江苏省被征地农民社会保障办法的通知")[-1]
'江苏省被征地农民社会保障办法'
>>> interpreted("《江苏省被征地农民社会保障办法》政策解读", "近日印发《办法》（苏政发〔2021〕87号）。")
[(0, 'title', '江苏省被征地农民社会保障办法'), (1, 'number', '苏政发〔2021〕87号')]
>>> repealed("本规定自2018年6月1日起施行，原《工程建设项目招标范围和规模标准规定》同时废止。")
[('已废止', 'title', '工程建设项目招标范围和规模标准规定')]
"""

from __future__ import annotations

import re

from .docnumber import find_numbers
from .normalize import exact_key
from .validity import AMENDED, EXPIRED, REPEALED

QUOTED = re.compile(r"《([^《》\n]{2,100})》")
ABOUT = "关于"
ISSUED = re.compile(r"(?:印发|转发|公布|颁布|发布)《?(.+?)》?的(?:通知|决定|公告|令|通告)$")
NOT_WORD = re.compile(r"[\W_]+")
MIN_NAME_CHARS = 4  # shorter names (《办法》) name too many documents
OPENING_CHARS = 300  # where a 解读 says what it interprets, when its title does not
INTERPRETATION_WORDS = ("解读", "图解", "答记者问", "政策问答")
INTERPRETATION_DOCTYPE = "政策解读"
SENTENCE = re.compile(r"[。；;\n]")
CLAUSE = re.compile(r"[，,]")
# (verb in a clause, what the documents it names become); 修改 only where a title says it
CLAUSE_VERBS = (("废止", REPEALED), ("失效", EXPIRED))
TITLE_VERBS = (("废止", REPEALED), ("失效", EXPIRED), ("修改", AMENDED), ("修订", AMENDED))

Name = tuple[str, str]  # ("title", name key) or ("number", canonical 文号)


def name_key(text: str) -> str:
    """What names are compared by: normalised, without punctuation or white space.

    >>> name_key("《产业结构调整指导目录（2024年本）》"), name_key("产业结构调整指导目录(2024年本)")
    ('产业结构调整指导目录2024年本', '产业结构调整指导目录2024年本')
    """
    return NOT_WORD.sub("", exact_key(text))


def document_names(title: str) -> list[str]:
    """The names a document of ``title`` is known by: its title, the title from 关于 on (without
    the publishers before it), and the document a 印发…的通知 issues."""
    title = title.strip()
    names = [title]
    about = title.find(ABOUT)
    if about > 0:
        names.append(title[about:])
    issued = ISSUED.search(title)
    if issued:
        names.append(issued.group(1).removeprefix(ABOUT))
    keys = (name_key(name) for name in names)
    return list(dict.fromkeys(key for key in keys if len(key) >= MIN_NAME_CHARS))


def named(text: str) -> list[Name]:
    """The 《titles》 and 文号 ``text`` names, in order."""
    found = [(match.start(), ("title", name_key(match.group(1)))) for match in QUOTED.finditer(text)]
    found += [(start, ("number", number)) for start, _, number in find_numbers(text)]
    return list(dict.fromkeys(name for _, name in sorted(found) if len(name[1]) >= MIN_NAME_CHARS))


def is_interpretation(title: str, doctype: str | None) -> bool:
    """Whether a document is a 政策解读 (a 图解, an 答记者问): its doctype, else its title."""
    return doctype == INTERPRETATION_DOCTYPE or any(word in title for word in INTERPRETATION_WORDS)


def interpreted(title: str, body: str) -> list[tuple[int, str, str]]:
    """``(rank, kind, name)`` of what a 解读 interprets: rank 0 what its title names, rank 1
    what the opening of its text names (used only if rank 0 finds nothing)."""
    return [(rank, kind, name) for rank, text in ((0, title), (1, body[:OPENING_CHARS]))
            for kind, name in named(text)]


def repealed(body: str, title: str = "") -> list[tuple[str, str, str]]:
    """``(validity, kind, name)`` of each document the text declares repealed or expired: one
    named in the clause that says so (《旧办法》同时废止; a clause ending in a colon goes on to
    the lines after it), or in a title that announces it (关于废止《…》的决定, also 修改)."""
    found: list[tuple[str, str, str]] = []
    for verb, value in TITLE_VERBS:
        if verb in title:
            found += [(value, kind, name) for kind, name in named(title[title.find(verb):])]
    listing: str | None = None  # the verb's value while the lines of a list follow it
    for line in body.splitlines():
        names = named(line)
        if listing is not None and names and len(line) < 200:
            found += [(listing, kind, name) for kind, name in names]
            continue
        listing = None
        for sentence in SENTENCE.split(line):
            for clause in CLAUSE.split(sentence):
                value = next((value for verb, value in CLAUSE_VERBS if verb in clause), None)
                if value is None:
                    continue
                found += [(value, kind, name) for kind, name in named(clause)]
                if clause.rstrip().endswith((":", "：")):
                    listing = value
    return list(dict.fromkeys(found))
