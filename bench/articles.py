"""``python -m bench.articles OUT``: the MEE policy documents of gov-dev split into their
articles (第…条), one record each: the ``gov-articles`` collection of the judged questions
``tests/relevance/questions/articles.jsonl`` (short documents, like a statute's articles).

Reads ``gov-dev.jsonl.gz`` (:mod:`bench.corpora`) and writes a JSON Lines corpus of articles.

Only ``policy`` documents are split, and only those with at least :data:`MIN_ARTICLES`
articles. An article starts at a marker ``第<Chinese numeral>条``; the markers must run
1, 2, 3, … in sequence, and every marker after the first must follow a sentence end
(``。；！？`` maybe with a closing quote or bracket), a space or line break, or a chapter or
section heading (``第二章 基本要求和原则``) that itself follows one. So cross-references such as
"按照第三条、第四条规定" or "依照本办法第十条规定" are not split at. Of several chains
starting at a ``第一条``, the longest is taken (the first of equal length).

Each article becomes ``{"id": "<doc id>#<n>", "title": "<doc title> 第<n>条", "body": …}``
with ``kind``, ``published``, ``date_precision``, ``publisher``, ``url`` and ``site`` copied
from the document. The body is the text after the marker up to the next article; it
leaves out the marker itself (the title has it), a chapter heading before the next
article, and, after the last article, trailing matter that starts after a sentence end:
attachments (``附件2``, ``附1``, ``附表``), ``解读：`` links, ``抄送：`` and an
``…年…月…日印发`` line. Text before the first article (the notice, preamble and the first
chapter heading) is dropped. The output is deterministic: documents in file order,
articles in order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import click

from .corpora import GOV_DEV, read_records, shared

MIN_ARTICLES = 3
COPIED = ("kind", "published", "date_precision", "publisher", "url", "site")

NUMERAL = "零〇一二三四五六七八九十百"
DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
MARKER = re.compile(rf"第([{NUMERAL}]+)条\s*")
# A heading between articles: 第二章 基本要求和原则 / 第一节 一般规定 (no sentence punctuation).
HEADING = re.compile(rf"第[{NUMERAL}]+[章节][^。；！？：，、]{{0,40}}?\s*$")
SENTENCE_END = re.compile(r"(?:[。；！？…]|[。；！？][”’」』）)])\s*$")
TRAILER = re.compile(
    r"(?<=[。；！？”）])\s*(?:附件|附\s*\d|附表|解读：|抄送：|[^。；]{0,40}?\d{4}年\d{1,2}月\d{1,2}日印发)"
)


def numeral_value(text: str) -> int:
    """The value of a Chinese numeral of articles.

    >>> [numeral_value(text) for text in ("一", "十", "二十三", "一百零五", "一百一十")]
    [1, 10, 23, 105, 110]
    """
    total, digit = 0, 0
    for char in text:
        if char in DIGITS:
            digit = DIGITS[char]
        elif char == "十":
            total += (digit or 1) * 10
            digit = 0
        elif char == "百":
            total += (digit or 1) * 100
            digit = 0
    return total + digit


def numeral(value: int) -> str:
    """The Chinese numeral of ``value`` (1–999) as articles are numbered.

    >>> [numeral(value) for value in (1, 10, 23, 105, 110)]
    ['一', '十', '二十三', '一百零五', '一百一十']
    """
    names = "零一二三四五六七八九"
    hundreds, rest = divmod(value, 100)
    tens, ones = divmod(rest, 10)
    text = names[hundreds] + "百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else names[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    if ones:
        text += names[ones]
    return text


def starts_article(body: str, start: int) -> bool:
    """Whether a marker at ``start`` can begin an article (not the first one): it follows a
    sentence end, a space, the start of a line, or a chapter heading that follows one."""
    before = body[max(0, start - 60) : start]
    if not before or before[-1].isspace() or SENTENCE_END.search(before):
        return True
    heading = HEADING.search(before)
    if heading is None:
        return False
    head_start = start - len(before) + heading.start()
    return head_start == 0 or body[head_start - 1].isspace() or bool(SENTENCE_END.search(body[:head_start]))


def article_markers(body: str) -> list[re.Match[str]]:
    """The markers that begin articles, in order: the longest chain 1, 2, 3, …"""
    markers = [(numeral_value(match.group(1)), match) for match in MARKER.finditer(body)]
    best: list[re.Match[str]] = []
    for index, (value, first) in enumerate(markers):
        if value != 1:
            continue
        chain = [first]
        for later_value, later in markers[index + 1 :]:
            if later_value == len(chain) + 1 and starts_article(body, later.start()):
                chain.append(later)
        if len(chain) > len(best):
            best = chain
    return best


def split_articles(body: str) -> list[tuple[int, str]]:
    """(number, text) of the articles of ``body``; empty when it has none.

    >>> split_articles("办法第一章 总则第一条 为了规范，制定本办法。第二条 依照第一条规定执行。"
    ...                "第二章 附则第三条 本办法自印发之日起施行。附件：表格")
    [(1, '为了规范，制定本办法。'), (2, '依照第一条规定执行。'), (3, '本办法自印发之日起施行。')]
    """
    markers = article_markers(body)
    articles = []
    for number, marker in enumerate(markers, start=1):
        if number < len(markers):
            text = body[marker.end() : markers[number].start()]
            heading = HEADING.search(text)
            if heading is not None and (heading.start() == 0 or SENTENCE_END.search(text[: heading.start()])):
                text = text[: heading.start()]
        else:
            text = body[marker.end() :]
            trailer = TRAILER.search(text)
            if trailer is not None:
                text = text[: trailer.start()]
        articles.append((number, text.strip()))
    return articles


def article_records(documents: Iterable[dict]) -> Iterator[tuple[dict, list[dict]]]:
    """For each policy document with at least :data:`MIN_ARTICLES` articles, the document and
    its article records."""
    for document in documents:
        if document.get("kind") != "policy":
            continue
        articles = split_articles(document["body"])
        if len(articles) < MIN_ARTICLES:
            continue
        records = []
        for number, text in articles:
            record = {
                "id": f"{document['id']}#{number}",
                "title": f"{document['title']} 第{numeral(number)}条",
                "body": text,
            }
            record.update({key: document.get(key) for key in COPIED})
            records.append(record)
        yield document, records


def write_articles(out: Path, source: Path | None = None) -> tuple[int, int]:
    """Write the article corpus of ``source`` (gov-dev) to ``out``: (documents, articles)."""
    documents = articles = 0
    with out.open("w", encoding="utf-8") as stream:
        for _document, records in article_records(read_records(source or shared(GOV_DEV))):
            documents += 1
            articles += len(records)
            for record in records:
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    return documents, articles


@click.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def main(out: Path) -> None:
    """Write the article corpus to OUT and say how many documents and articles it holds."""
    documents, articles = write_articles(out)
    click.echo(f"{documents} documents, {articles} articles -> {out}")


if __name__ == "__main__":
    main()
