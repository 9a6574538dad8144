"""The ``crawl`` command's options and its work; :mod:`indexer.cli` registers it.

``egov-search crawl URL…`` crawls and indexes a site (or a site group: several addresses);
``--recrawl`` crawls the store's site again; ``--every 6h`` keeps doing so until stopped;
``--report`` prints the last crawl's report for editors (``--csv FILE`` writes it as CSV).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import click

from .. import config
from ..index.build import BuildError
from ..index.store import IndexMissingError
from ..readers import CorpusError
from .report import crawl_report, report_csv, report_text
from .settings import Limits, parse_duration
from .store import Store

PARENT_VARIABLE = "EGOV_CRAWL_PARENT"  # set by `serve --crawl-every`: the loop ends with that process


def crawl_options(command):
    """Add the ``crawl`` command's options (the index folder is added by the caller)."""
    options = [
        click.argument("urls", nargs=-1, metavar="[URL]..."),
        click.option("--sitemap", "sitemaps", multiple=True, metavar="URL",
                     help="A sitemap or sitemap index to read besides those robots.txt names; repeatable."),
        click.option("--allow", multiple=True, metavar="PREFIX",
                     help="Fetch only addresses below this prefix; repeatable [default: each URL's folder]."),
        click.option("--deny", multiple=True, metavar="PATTERN",
                     help="Never fetch addresses matching this regular expression; repeatable."),
        click.option("--max-pages", type=click.IntRange(1), default=None,
                     help=f"Requests in one crawl [default: {Limits.max_pages}, $EGOV_CRAWL_MAX_PAGES]."),
        click.option("--max-bytes", type=click.IntRange(1), default=None,
                     help=f"Largest file fetched, in bytes [default: {Limits.max_bytes}, "
                          "$EGOV_CRAWL_MAX_BYTES]."),
        click.option("--delay", type=click.FloatRange(0), default=None,
                     help=f"Seconds between requests to one host [default: {Limits.delay}, "
                          "$EGOV_CRAWL_DELAY]; a longer Crawl-delay in robots.txt wins."),
        click.option("--concurrency", type=click.IntRange(1, 64), default=None,
                     help=f"Requests in flight per host [default: {Limits.concurrency}, "
                          "$EGOV_CRAWL_CONCURRENCY]."),
        click.option("--user-agent", default=None, envvar="EGOV_CRAWL_USER_AGENT", show_envvar=True,
                     help="The User-Agent sent; its first word is the token robots.txt rules name."),
        click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                     envvar="EGOV_CRAWL_STORE", show_envvar=True,
                     help="The crawl store [default: crawl/ beside the index folder]."),
        click.option("--recrawl", is_flag=True, help="Crawl the store's site again (no URL needed)."),
        click.option("--rebuild", is_flag=True, help="Build the index whole from the store afterwards."),
        click.option("--every", default=None, metavar="DURATION",
                     help="Crawl again every DURATION (30m, 6h, 1d) until stopped."),
        click.option("--report", "show_report", is_flag=True,
                     help="Print the last crawl's report for editors (after crawling, if a URL or --recrawl "
                          "is given)."),
        click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Also write the report as CSV to this file."),
        click.option("--procs", type=click.IntRange(1, 64), default=1, show_default=True,
                     help="Processes that analyse documents when the index is built whole."),
        click.option("--verbose", is_flag=True, help="Log every address skipped, with its reason."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def run_crawl(index_dir: Path | None, urls: tuple[str, ...], sitemaps: tuple[str, ...],
              allow: tuple[str, ...], deny: tuple[str, ...], max_pages: int | None, max_bytes: int | None,
              delay: float | None, concurrency: int | None, user_agent: str | None, store_dir: Path | None,
              recrawl: bool, rebuild: bool, every: str | None, show_report: bool, csv_file: Path | None,
              procs: int, verbose: bool) -> None:
    """The ``crawl`` command (see :func:`crawl_options`)."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    index_dir = config.index_dir(index_dir)
    store_dir = config.crawl_store(store_dir, index_dir)
    if urls and recrawl:
        raise click.UsageError("give the site's URL or --recrawl, not both")
    crawling = bool(urls or recrawl)
    if not crawling and not (show_report or csv_file):
        raise click.UsageError("give the site's URL (egov-search crawl https://www.example.gov.cn/), "
                               "--recrawl or --report")
    if crawling:
        try:
            limits = Limits.from_environ(max_pages=max_pages, max_bytes=max_bytes, delay=delay,
                                         concurrency=concurrency)
            interval = parse_duration(every) if every else None
        except (config.ConfigError, ValueError) as err:
            raise click.UsageError(str(err)) from None
        agent = config.crawl_user_agent(user_agent)
        options = {"store_dir": store_dir, "index_dir": index_dir, "allow": allow, "deny": deny,
                   "sitemaps": sitemaps, "limits": limits, "user_agent": agent, "procs": procs}
        _crawl_once(urls, rebuild=rebuild, **options)
        while interval:
            _sleep(interval)
            try:
                _crawl_once((), rebuild=False, **options)
            except click.ClickException as err:  # one failed round: the next one may do better
                logging.getLogger("egov_search.crawl").error("%s", err.format_message())
    if show_report or csv_file:
        _report(store_dir, show_report, csv_file)


def _crawl_once(urls: tuple[str, ...], **options) -> None:
    """One crawl with a progress bar; its summary on stdout; errors as click errors."""
    from .run import CrawlError, CrawlInterrupted, crawl_progress, crawl_site  # httpx: only to crawl

    try:
        with crawl_progress() as progress:
            summary = crawl_site(list(urls), progress=progress, **options)
    except CrawlInterrupted as stop:
        click.echo(str(stop), err=True)
        sys.exit(130)
    except CrawlError as err:
        raise click.ClickException(str(err)) from None
    except (CorpusError, BuildError, IndexMissingError) as err:
        raise click.ClickException(f"the pages are kept in the store, but the index was not updated "
                                   f"(the live index is untouched): {err}") from None
    click.echo(str(summary))


def _sleep(seconds: float) -> None:
    """Wait ``seconds``; end the process if the server that started it has gone."""
    parent = os.environ.get(PARENT_VARIABLE)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if parent and str(os.getppid()) != parent:
            sys.exit(0)
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))


def _report(store_dir: Path, show: bool, csv_file: Path | None) -> None:
    """Print the last crawl's report and write its CSV."""
    try:
        with Store(store_dir, lock=False) as store:
            report = crawl_report(store)
    except FileNotFoundError:
        report = None
    if report is None:
        raise click.ClickException(f"{store_dir}: no crawl yet: run egov-search crawl URL first")
    if show:
        click.echo(report_text(report))
    if csv_file:
        csv_file.write_text(report_csv(report), encoding="utf-8")
        click.echo(f"report written to {csv_file}", err=True)
