"""最佳答案: for a question, the passage of the top document that best answers it, taken from
the document as written (extractive, never generated).

A passage is a run of clauses of at most :data:`MAX_CHARS` characters, widened to whole
sentences (the end of its last before the start of its first) and on to the sentences after it
where they fit (an answer often follows the words that echo the question). It scores by the
question's pieces it holds, each weighted by what the index says it is worth and by how few of
the document's clauses hold it (the city of a city's report is in every clause and tells no
passage from another; a piece of one character, found inside other words too, counts for less),
as a share of all the pieces the document holds, plus :data:`CUE_BONUS` when it holds what the
question asks for (a number for 多少, a date for 什么时候, a span of time for 多久, a ruling for 能不能, a
way for 怎么办, for a name asked without a question word what it is: 排放因子为). A passage that only
restates the title is passed over; one that reaches into a question of a question-and-answer
text (问：… 答：…) gives way to the reply. A question of 去年 or 今年 is answered from the part headed
by that year where a document has one (a work report's review, then its plan). A passage
without what the question asks for is taken on to the sentence after it that has it and names
what is asked of (the fine of 被罚了多少, after the facts it punishes). One cut short inside the
sentence that holds what is asked moves on by whole sentences until that sentence ends in it.
Nothing is shown when no passage holds :data:`CONFIDENT` of the worth.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..analysis.normalize import HAN, normalize, original_span
from ..analysis.question import ENDINGS, FEE_ASKED, SCAFFOLDING, UNIT_ASKED, asked_unit, asks, expected

MAX_CHARS = 200
ONWARD = 2  # sentences after the one that echoes the question: three in all
SCAN_CHARS = 300_000  # of a long document's text, looked through for the passage
CONFIDENT = 0.5
TITLE_SHARE = 0.1  # a piece of the title: what the whole document is about
CUE_BONUS = 0.3
SEEK_CHARS = 2000  # after the passage, looked through for what the question asks of its focus
FOCUS_GAP = re.compile(r"[^\s,，。!?;]{0,2}")  # between a piece and the words that ask (罚了多少)
ENDING = {*ENDINGS, "?"}  # what closes a question, not what it asks
DATE_SHARE = 0.3  # a date of the question places the event, in the title or a heading, not the answer
DATE = re.compile(r"[\d年月日号]+")
CHARACTER_SHARE = 0.5  # a piece of one character also stands inside other words (修 of 修订, 维修)
SENTENCE_ENDS = "。!?;\n"  # normalised text: ！？； are ASCII
CLAUSE = re.compile(r"[^。!?;\n,，]+[。!?;,，]*")  # a sentence's clauses, and its end
LIST_PART = 50  # a clause longer than a passage (a list, a table read as text) is cut in parts
LIST_BREAK = re.compile(r"(?<=[、）)\s])")
QUESTION_LINE = re.compile(r"\s*(?:问|提问|记者)\s*[:：]")
REPLY = re.compile(r"(?:^|\n)\s*答\s*[:：]\s*")
CUES = {  # what the question expects, as the passage that answers it holds it
    "amount": re.compile(r"(?<!\d)\d+(?:\.\d+)?(?![\d.]|\s*[年月日号时])"  # a number, not a date's
                         r"|%|比例|[一二三四五六七八九十百千万亿两]+(?:个|家|项|名|人|元|万|亿|倍|类|次|条|所)"),
    "time": re.compile(r"\d{1,4}\s*(?:年|月|日|天|个月|周|小时|个工作日)"
                       r"|[一二三四五六七八九十]+个?(?:月|日|天|年|周|工作日)|之前|以前|前完成|截止"),
    "duration": re.compile(r"(?<![\d.月])\d{1,3}(?:\.\d+)?\s*个?(?:工作日|日|天|月|周|小时|年)"
                           r"|[一二三四五六七八九十两半]+个?(?:工作日|日|天|月|周|小时|年)"),
    "ruling": re.compile(r"可以|不得|应当|须|不能|不可|禁止|允许|不予|予以|不需要|需要|免于|免予|不再"),
    "way": re.compile(r"办理|申请|提交|携带|材料|程序|流程|步骤|登录|前往|通过"),
}
FEE = re.compile(r"免费|免收|免除|不收|减免|自付|自费|报销"
                 r"|(?<![\d.])\d+(?:\.\d+)?\s*万?元|[一二三四五六七八九十百千万两]+元")
COUNTED_IN = {"天": "天|日|个?工作日",  # what a count in a unit is also stated in: 几天 → 五个工作日,
              **{thing: f"{thing}|个" for thing in "家项部座所台辆套处间张条只头"}}  # 几家 → 41个
NUMERAL = "\\d一二三四五六七八九十百千两"
COUNT = rf"(?<![\d.])(?!(?:19|20)\d\d年)[{NUMERAL}][{NUMERAL}.,，]*"  # a count, not a year: 2017年
HEAD = re.compile(f"[{HAN}]{{2}}$")  # a name's last word: what it names (…排放因子)
RELATIVE_YEARS = {"去年": -1, "上年": -1, "今年": 0, "本年": 0, "明年": 1}
RELATIVE_YEAR = re.compile("|".join(RELATIVE_YEARS))
YEAR = re.compile(r"((?:19|20)\d{2})年")
YEAR_HEADING = re.compile(r"(?m)^[^\n。]{0,12}?((?:19|20)\d{2})年[^\n。,，;]{0,20}$")  # 二、2024年工作安排


@dataclass(frozen=True)
class Answer:
    """The passage shown as the answer: document, text and where it stands in the body."""

    doc_id: str
    text: str
    start: int
    end: int
    confidence: float

    def to_dict(self) -> dict:
        """JSON-ready: ``text``, ``doc_id``, ``start``, ``end`` (characters of the body)."""
        return {"text": self.text, "doc_id": self.doc_id, "start": self.start, "end": self.end,
                "confidence": round(self.confidence, 3)}


def best_answer(doc_id: str, title: str, body: str, pieces: list[tuple[list[str], float]],
                question: str) -> Answer | None:
    """The passage of ``body`` that best answers ``question``, whose pieces are given as
    (normalised forms, weight in the index); ``None`` when no passage is a confident answer
    (see the module's doc)."""
    text, offsets = normalize(body[:SCAN_CHARS])
    clauses = [part for match in CLAUSE.finditer(text) if match.group().strip()
               for part in parts(text, match.start(), match.end())]
    titled = normalize(title)[0]
    skip = echoed_title(text, titled)
    clauses = [clause for clause in clauses if clause[0] >= skip] or clauses
    period = asked_period(text, titled, question)
    if period is not None:
        clauses = [clause for clause in clauses if period[0] <= clause[0] < period[1]] or clauses
    held = [[any(form in text[start:end] for form in forms) for start, end in clauses] for forms, _ in pieces]
    present = [n for n, found in enumerate(held) if any(found)]
    if not present:
        return None
    worth = {n: pieces[n][1] * math.log(1 + len(clauses) / sum(held[n]))
             * (TITLE_SHARE if any(form in titled for form in pieces[n][0]) else 1.0)
             * (DATE_SHARE if all(DATE.fullmatch(form) for form in pieces[n][0]) else 1.0)
             * (CHARACTER_SHARE if all(len(form) == 1 for form in pieces[n][0]) else 1.0) for n in present}
    whole = sum(worth.values())
    cue = cue_of(question)
    best, best_score = None, 0.0
    for first in range(len(clauses)):
        for last in range(first, len(clauses)):
            start, end = clauses[first][0], min(clauses[last][1], clauses[first][0] + MAX_CHARS)
            if last > first and clauses[last][1] - start > MAX_CHARS:
                break
            share = sum(weight for n, weight in worth.items() if any(held[n][first:last + 1])) / whole
            score = share + (CUE_BONUS if cue is not None and cue.search(text, start, end) else 0.0) \
                - (end - start) / 10_000  # of equal worth, the shorter passage
            if score > best_score:
                best, best_score = (start, end, share), score
    if best is None or best[2] < CONFIDENT:
        return None
    start, end = replied(text, *sentences_around(text, best[0], best[1]))
    start, end = with_cue(text, start, end, cue, focus(question, pieces))
    start, end = ended(text, start, end, cue)
    start, end = original_span(offsets, start, end, len(body))
    passage = body[start:end]
    lead = len(passage) - len(passage.lstrip())
    passage = passage.strip()
    return Answer(doc_id, passage, start + lead, start + lead + len(passage), best[2])


def asked_period(text: str, title: str, question: str) -> tuple[int, int] | None:
    """Where ``text`` tells of the year ``question`` asks about (去年, 今年, 明年, counted from
    the year of ``title``): from the heading that names that year to the next that names
    another (a work report's review of last year, then its plan for this one), or None."""
    asked, dated = RELATIVE_YEAR.search(question), YEAR.search(title)
    if asked is None or dated is None:
        return None
    year = int(dated.group(1)) + RELATIVE_YEARS[asked.group()]
    headings = [(match.start(), int(match.group(1))) for match in YEAR_HEADING.finditer(text)]
    starts = [start for start, named in headings if named == year]
    if not starts:
        return None
    ends = [start for start, named in headings if named != year and start > starts[0]]
    return starts[0], min(ends, default=len(text))


def cue_of(question: str) -> re.Pattern | None:
    """What a passage that answers ``question`` holds: a number in the unit it asks in or in
    one it is also stated in (多少家 → 85家 or 41个, 几天 → 五个工作日, 几年 → 两年 but not
    2017年), whether it costs (要钱吗 → 免费, 20元), else the cue of its kind (:data:`CUES`),
    or, asked without a question word, what it is (:func:`stated`)."""
    if FEE_ASKED.search(question):
        return FEE
    unit = asked_unit(question)
    if unit is not None:
        return re.compile(rf"{COUNT}\s*(?:多|余|万|亿)*\s*(?:{COUNTED_IN.get(unit, unit)})")
    kind = expected(question)
    return CUES[kind] if kind is not None else stated(normalize(question)[0])


def stated(name: str) -> re.Pattern | None:
    """What says what a name asked without a question word is (全国电网平均排放因子,
    2022六五环境日主题): its last word followed by 为 or 是 (排放因子为0.5703), or None."""
    head = HEAD.search(name.strip())
    return None if head is None or asks(name) else re.compile(re.escape(head.group()) + r"\s*(?:为|是)")


def parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A clause as passages are made of: itself, or, past :data:`MAX_CHARS` (the names of a
    list, a table read as text), parts of about :data:`LIST_PART` characters cut after a 、, a
    closing bracket or a space where there is one, so that a passage can stand on one item."""
    if end - start <= MAX_CHARS:
        return [(start, end)]
    found, first, last = [], start, start  # the part so far, and its last possible cut
    for cut in [match.start() for match in LIST_BREAK.finditer(text, start, end)] + [end]:
        if cut - first > LIST_PART and last > first:
            found.append((first, last))
            first = last
        while cut - first > LIST_PART:  # no cut in sight: a hard one
            found.append((first, first + LIST_PART))
            first += LIST_PART
        last = cut
    return found + [(first, end)] if first < end else found


def echoed_title(text: str, title: str) -> int:
    """Where the body goes on after the title it repeats near its start (else 0)."""
    key = title.strip()
    found = text.find(key) if len(key) > 4 else -1
    return found + len(key) if 0 <= found < 40 else 0


def replied(text: str, start: int, end: int) -> tuple[int, int]:
    """A passage that reaches into a question of a question-and-answer text (问：… 答：…, a press
    conference, a 答记者问) moved on to the reply that follows that question."""
    lines = [line for line in range(text.rfind("\n", 0, start) + 1, end)
             if (line == 0 or text[line - 1] == "\n") and QUESTION_LINE.match(text, line)]
    if not lines:
        return start, end
    reply = REPLY.search(text, lines[-1])
    if reply is None or reply.start() - lines[-1] > 2 * MAX_CHARS:
        return start, end
    return reply.end(), sentences_around(text, reply.end(), reply.end() + 1)[1]


def with_cue(text: str, start: int, end: int, cue: re.Pattern | None,
             focused: list[str]) -> tuple[int, int]:
    """A passage that lacks what the question asks for (the number of a 多少) taken on to the
    sentence after it that has it: the first within :data:`SEEK_CHARS` that also names the
    question's :func:`focus` (a fine after the facts it punishes), else the first within
    :data:`MAX_CHARS`; with the passage if both fit, else that sentence alone."""
    if cue is None or cue.search(text, start, end):
        return start, end
    found = next((match for match in cue.finditer(text, end, end + SEEK_CHARS)
                  if names(text, match.start(), focused)), None) or cue.search(text, end, end + MAX_CHARS)
    if found is None:
        return start, end
    first, last = sentences_around(text, found.start(), found.end(), onward=0)
    return (start, last) if last - start <= MAX_CHARS else (first, last)


def ended(text: str, start: int, end: int, cue: re.Pattern | None) -> tuple[int, int]:
    """A passage cut short inside a sentence that holds what the question asks for (五个工作日
    of 几天) moved on by whole sentences until that sentence ends in it, where it fits."""
    closing, opening = min(closed(text, end - 1), len(text)), opened(text, end)
    if cue is None or closing <= end or closing - opening > MAX_CHARS \
            or not cue.search(text, opening, closing):
        return start, end
    while closing - start > MAX_CHARS:
        start = closed(text, start)
    return start, closing


def focus(question: str, pieces: list[tuple[list[str], float]]) -> list[str]:
    """The forms of the piece just before the words that ask (罚 of 被罚了多少, 供 of 能供多少水, 判
    of 判了几年): what the sentence that answers speaks of; none when no piece stands there."""
    text = normalize(question)[0]
    asking = min([match.start() for match in SCAFFOLDING.finditer(text) if match.group() not in ENDING]
                 + [match.start() for match in UNIT_ASKED.finditer(text)], default=None)
    if asking is None:
        return []
    ends = {text.find(forms[0]) + len(forms[0]): forms for forms, _ in pieces}
    near = [end for end in ends if FOCUS_GAP.fullmatch(text, end, asking)]
    return ends[max(near)] if near else []


def names(text: str, at: int, focused: list[str]) -> bool:
    """Whether the sentence around ``at`` names one of ``focused`` in its own words: ``at`` not
    inside quotation marks opened in its paragraph (a law cited before the ruling)."""
    line = text[text.rfind("\n", 0, at) + 1:at]
    first, last = sentences_around(text, at, at, onward=0)
    return line.count("“") <= line.count("”") and any(form in text[first:last] for form in focused)


def sentences_around(text: str, start: int, end: int, onward: int = ONWARD) -> tuple[int, int]:
    """[start, end) taken on to the end of the sentence it ends in, back to the start of the
    one it starts in, and on to at most ``onward`` sentences after, each while that stays within
    :data:`MAX_CHARS` (the end first: an answer follows the words that echo the question)."""
    end = sentence_end(text, start, end)
    opening = opened(text, start)
    if end - opening <= MAX_CHARS:
        start = opening
    for _ in range(onward):
        end = sentence_end(text, start, end)
    return start, min(end, start + MAX_CHARS)


def sentence_end(text: str, start: int, end: int) -> int:
    """``end`` taken on to the end of its sentence if [start, that end) fits :data:`MAX_CHARS`."""
    closing = closed(text, end)
    return end if closing - start > MAX_CHARS or closing > len(text) else closing


def opened(text: str, at: int) -> int:
    """Where the sentence that ``at`` stands in starts."""
    return max(text.rfind(mark, 0, at) for mark in SENTENCE_ENDS) + 1


def closed(text: str, at: int) -> int:
    """Just after the first sentence end from ``at`` on; past the text's end when there is none."""
    return min((found + 1 for mark in SENTENCE_ENDS if (found := text.find(mark, at)) >= 0),
               default=len(text) + 1)


def worth(frequency: int, documents: int) -> float:
    """A piece's weight from how many of ``documents`` have it: BM25's idf."""
    return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))
