"""The ``egov-search`` command's index commands: build, add, delete, search, eval and crawl.

``python -m indexer`` runs just these; the installed ``egov-search`` command is this group
with ``serve`` and ``bench`` added by :mod:`webui.cli`.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from . import backends, config
from .crawl.command import crawl_options, run_crawl
from .editors.commands import pins_group, validity_group
from .editors.wordcommands import aliases_group, synonyms_group
from .fields import facets
from .index.build import BuildError
from .index.progress import progress_reporter
from .index.store import IndexMissingError, IndexUnavailableError
from .readers import CorpusError
from .search.engine import Engine
from .search.pipeline import SORTS, date_range

CONTROL = re.compile("[\x00-\x01\x04-\x09\x0b-\x1f\x7f-\x9f]")  # all but \n and the mark stand-ins
INDEX_OPTION = click.option(
    "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
    default=None, envvar="EGOV_INDEX", show_envvar=True,
    help="Index folder [default: .egov-index].")
PROCS_OPTION = click.option(
    "--procs", type=click.IntRange(1, 64), default=config.default_procs, show_default="cores, at most 4",
    help="Processes that parse pages and attachments (and that analyse documents, for build).")


@click.group()
def main() -> None:
    """egov-search: Chinese full-text search over the e-government top-50 and your own texts."""


for _editors in (pins_group, validity_group, synonyms_group, aliases_group):
    main.add_command(_editors(INDEX_OPTION))


@main.command()
@click.option("--corpus", "corpus_paths", multiple=True, type=click.Path(path_type=Path),
              help="A site folder (HTML, PDF, DOCX, …), .jsonl[.gz], .md, seed .txt; repeatable "
                   "[default: the seed].")
@PROCS_OPTION
@click.option("--base-url", default=None, metavar="URL",
              help="The site's address: a page's url is this joined with its path, unless it gives one.")
@INDEX_OPTION
def build(corpus_paths: tuple[Path, ...], procs: int, base_url: str | None, index_dir: Path | None) -> None:
    """Build a new index and swap it in atomically (with EGOV_BACKEND=opensearch: a new
    OpenSearch index, then its alias)."""
    on_opensearch()
    with progress_reporter("reading", unit="file", short="file") as reading, \
            progress_reporter("indexing") as progress:
        try:
            summary = backends.build(corpus_paths, index_dir, progress=progress, procs=procs,
                                     base_url=base_url, reading=reading)
        except (CorpusError, BuildError) as err:
            raise click.ClickException(f"build aborted, live index untouched: {err}") from None
    click.echo(str(summary))


def on_opensearch() -> bool:
    """Whether ``$EGOV_BACKEND`` chooses OpenSearch; a bad setting is the command's error."""
    try:
        return backends.on_opensearch()
    except config.ConfigError as err:
        raise click.ClickException(str(err)) from None


def open_engine(index_dir: Path | None) -> Engine:
    """The chosen backend's engine; an index that is missing or cannot be reached is the
    command's error."""
    on_opensearch()
    try:
        return backends.open_engine(index_dir)
    except (IndexMissingError, IndexUnavailableError) as err:
        raise click.ClickException(str(err)) from None


def _facet_options(command):
    """``--kind``, ``--publisher``, … : one repeatable option for each facet of the field table."""
    for field in reversed(facets()):
        command = click.option(f"--{field.name}", field.name, multiple=True,
                               help=f"Only this {field.name} ({field.label}); repeatable.")(command)
    return command


@main.command()
@click.argument("query")
@_facet_options
@click.option("--from", "start", default=None, help="Published on or after this date (YYYY-MM-DD).")
@click.option("--to", "end", default=None, help="Published on or before this date (YYYY-MM-DD).")
@click.option("--sort", type=click.Choice(SORTS), default="relevance",
              show_default=True, help="Order: relevance, newest first, or oldest first.")
@click.option("--in", "scope", type=click.Choice(["all", "title"]), default="all", show_default=True,
              help="Search the whole text or the titles only.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100),
              help="How many results.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON of the result.")
@click.option("--explain", is_flag=True,
              help="Show how each result's score was made: the matching nodes, signals and BM25F parts.")
@INDEX_OPTION
def search(query: str, start: str | None, end: str | None, sort: str, scope: str, limit: int,
           as_json: bool, explain: bool, index_dir: Path | None, **chosen: tuple[str, ...]) -> None:
    """Search the index and print ranked results."""
    filters = {name: list(values) for name, values in chosen.items() if values}
    if start or end:
        filters["published"] = [date_range(start, end)]
    engine = open_engine(index_dir)
    try:
        result = engine.search(query, per_page=limit, filters=filters, scope=scope,
                               sort=None if sort == "relevance" else sort)
    except (IndexMissingError, IndexUnavailableError) as err:
        raise click.ClickException(str(err)) from None
    except ValueError as err:
        raise click.BadParameter(str(err)) from None
    explained = {hit.id: engine.explain(query, hit.id, filters, scope)
                 for hit in (result.hits if explain else [])}
    if as_json:
        data = result.to_dict()
        for hit in data["hits"] if explain else []:
            made = explained[hit["id"]]
            hit["explain"] = made.to_dict() if made else None
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for notice in result.notices:
        click.echo(notice)
    click.echo(f"{result.total} results ({result.took_ms} ms)")
    for number, hit in enumerate(result.hits, 1):
        rank = f"#{hit.rank}" if hit.rank is not None else ""
        about = "  ".join(_shown(hit.fields[name]) for name in ("published", "publisher", "doc_number",
                                                                 "validity") if hit.fields.get(name))
        click.echo(f"{number:>3}. [{hit.kind}{rank}] {hit.title}  ({hit.score:.2f})  {hit.id}")
        if about:
            click.echo(f"     {about}")
        click.echo(f"     {_plain(hit.snippet)}")
        if explained.get(hit.id):
            click.echo("\n".join(f"       {line}" for line in explained[hit.id].lines()))


def _shown(value) -> str:
    """A field's value as the terminal shows it: several joined with 、."""
    return "、".join(value) if isinstance(value, list) else str(value)


def _plain(html: str) -> str:
    """A snippet for the terminal: a document's control characters shown as ``?`` (no escape
    sequence of a hostile corpus reaches the terminal), marks in bold where it supports it.

    >>> _plain("华宇<mark>软件</mark>\x1b[2J&amp;")
    '华宇[软件]?[2J&'
    """
    from html import unescape

    text = CONTROL.sub("?", unescape(html.replace("<mark>", "\x02").replace("</mark>", "\x03")))
    bold = sys.stdout.isatty()
    return text.replace("\x02", "\033[1m" if bold else "[").replace("\x03", "\033[0m" if bold else "]")


@main.command("eval")
@click.argument("qrels", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--details", is_flag=True,
              help="Also show nDCG@10 by category and the queries egov-search ranks imperfectly.")
@INDEX_OPTION
def eval_command(qrels: Path, details: bool, index_dir: Path | None) -> None:
    """Score egov-search and two baselines on a judgments file (query, doc id, grade 0-3), or
    egov-search and jieba + BM25 on a file of judged questions (.jsonl)."""
    from .evaluate import QrelsError, by_category, evaluate, format_table, read_qrels

    if qrels.suffix == ".jsonl":
        _eval_questions(qrels, details, index_dir)
        return
    try:
        judgments = read_qrels(qrels)
        results = evaluate(open_engine(index_dir), judgments)
    except (QrelsError, IndexMissingError, IndexUnavailableError) as err:
        raise click.ClickException(str(err)) from None
    judged = len(results[0].per_query)
    click.echo(f"{judged} queries with relevant documents "
               f"({len(judgments) - judged} without, left out of the averages)")
    click.echo(format_table(results))
    if details:
        click.echo("nDCG@10 by category (egov-search / jieba + Whoosh / substring):")
        columns = [by_category(scores, judgments) for scores in results]
        for category in columns[0]:
            values = " / ".join(f"{column[category]:.3f}" for column in columns)
            click.echo(f"  {values}  {category or '(no heading)'}")
        click.echo("queries egov-search ranks imperfectly:")
        for query, value in results[0].per_query.items():
            if value < 1:
                click.echo(f"  nDCG {value:.3f}  {query}")


def _eval_questions(path: Path, details: bool, index_dir: Path | None) -> None:
    """``eval`` on questions: MRR@10, Recall@10 and success@1 of egov-search and jieba + BM25."""
    from .evaluate import QrelsError, evaluate_questions, format_questions, read_questions
    from .evaluate import answerable as answered_by

    try:
        engine = open_engine(index_dir)
        questions = answered_by(engine, read_questions([path]))
    except (QrelsError, IndexMissingError, IndexUnavailableError) as err:
        raise click.ClickException(str(err)) from None
    if not questions:
        raise click.ClickException(f"{path}: no question is answered by a document of this index")
    results = evaluate_questions(engine, questions)
    click.echo(f"{len(questions)} questions answered by documents of this index")
    click.echo(format_questions(results))
    if details:
        click.echo("questions egov-search ranks below jieba + BM25 (rank, - for not in the top 10):")
        ours, theirs = (result.ranks for result in results)
        for question in questions:
            if theirs[question.id] and not 0 < ours[question.id] <= theirs[question.id]:
                click.echo(f"  {ours[question.id] or '-'} / {theirs[question.id]}  {question.text}")


@main.command()
@crawl_options
@INDEX_OPTION
def crawl(index_dir: Path | None, **options) -> None:
    """Fetch a site (or a site group: several URLs) politely and build or update the index from it;
    again with --recrawl: only what changed is fetched and re-indexed. Limits: docs/crawling.md."""
    if on_opensearch():
        raise click.ClickException("EGOV_BACKEND=opensearch: crawl indexes into the Whoosh index only so "
                                   "far; crawl without it, then `egov-search build --corpus` its files")
    run_crawl(index_dir, **options)


@main.command()
@click.argument("corpus_paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@PROCS_OPTION
@INDEX_OPTION
def add(corpus_paths: tuple[Path, ...], procs: int, index_dir: Path | None) -> None:
    """Add documents to the live index, replacing any with the same id."""
    on_opensearch()
    _update(lambda: backends.add(corpus_paths, index_dir, procs=procs))


@main.command()
@click.argument("ids", nargs=-1, required=True)
@INDEX_OPTION
def delete(ids: tuple[str, ...], index_dir: Path | None) -> None:
    """Delete documents by id from the live index (all or none)."""
    on_opensearch()
    _update(lambda: backends.delete(ids, index_dir))


def _update(change) -> None:
    """Apply an incremental change, turning its errors into a message and exit code 1."""
    try:
        summary = change()
    except (CorpusError, BuildError, IndexMissingError) as err:
        raise click.ClickException(f"update aborted, live index untouched: {err}") from None
    click.echo(str(summary))
