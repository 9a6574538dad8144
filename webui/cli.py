"""The installed ``egov-search`` command: the index commands of :mod:`indexer.cli`, plus
``serve`` (this package) and ``bench`` (the benchmark, imported only when it runs)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from indexer import (
    BuildError,
    ConfigError,
    CorpusError,
    IndexDamagedError,
    IndexMissingError,
    IndexUnavailableError,
    backends,
    build_index,
    config,
)
from indexer.cli import INDEX_OPTION, main, on_opensearch
from indexer.crawl.command import PARENT_VARIABLE
from indexer.crawl.settings import parse_duration
from indexer.crawl.store import Store

from . import create_app, querylog, recording, serving
from . import popular as popular_lists
from .logpath import default_log_path, shared_log_path
from .report import search_report, search_report_csv, search_report_text, text_table


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="EGOV_HOST",
              help="Address to listen on; 0.0.0.0 exposes the site to the network.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              envvar="EGOV_PORT", help="Port to listen on.")
@INDEX_OPTION
@click.option("--workers", default=config.default_procs, show_default="cores, at most 4",
              type=click.IntRange(1, 64), envvar="EGOV_WORKERS", show_envvar=True,
              help="Processes answering requests, sharing the port.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Threads per process.")
@click.option("--debug", is_flag=True, help="Flask's development server with reloader and debugger.")
@click.option("--crawl-every", default=None, metavar="DURATION",
              help="Recrawl the crawled site every DURATION (30m, 6h, 1d) while serving "
                   "(`egov-search crawl --recrawl --every`, in its own process).")
def serve(host: str, port: int, index_dir: Path | None, workers: int, threads: int, debug: bool,
          crawl_every: str | None) -> None:
    """Serve the search site and JSON API (waitress); build the index first if it is missing.

    A damaged index is not replaced: it may hold a collection the seed cannot rebuild. With
    EGOV_BACKEND=opensearch, the alias must point to a build already; a cluster that does not
    answer yet is waited for (searches answer 503 until it does).
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(process)d] %(name)s %(message)s")
    # The OpenSearch client logs each failed try with a traceback; the 503 logs the reason once.
    logging.getLogger("opensearch").setLevel(logging.ERROR)
    index_dir = config.index_dir(index_dir)
    clustered = on_opensearch()
    try:
        backends.open_engine(index_dir)
    except IndexUnavailableError as err:
        click.echo(f"{err}\nserving anyway: searches answer 503 until it does", err=True)
    except IndexDamagedError as err:
        raise click.ClickException(str(err)) from None
    except IndexMissingError as err:
        if clustered:
            raise click.ClickException(str(err)) from None
        click.echo(f"{err}\nbuilding it now …", err=True)
        try:
            click.echo(str(build_index(index_dir=index_dir)), err=True)
        except (CorpusError, BuildError, ConfigError) as build_err:
            raise click.ClickException(f"cannot build the index: {build_err}") from None
    try:
        limits = serving.Limits.from_environ()
        app = create_app({"INDEX": str(index_dir)})
    except ConfigError as err:
        raise click.ClickException(str(err)) from None
    interval = _crawl_interval(crawl_every, index_dir)
    if debug:
        app.run(host=host, port=port, debug=True, threaded=True)
        return
    try:
        sock = serving.listen(host, port)
    except OSError as err:  # the port is taken, or the host is not an address of this machine
        raise click.ClickException(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    click.echo(f"egov-search on http://{host}:{port}/ (index {index_dir}, "
               f"--workers {workers} --threads {threads})", err=True)
    try:
        with _recrawling(interval, index_dir):
            serving.serve(app, sock, threads=threads, workers=workers, limits=limits)
    except serving.WorkerFailed as err:
        raise click.ClickException(str(err)) from None


def _crawl_interval(every: str | None, index_dir: Path) -> str | None:
    """``--crawl-every``, checked: a duration, and a crawl store with a site to recrawl."""
    if every is None:
        return None
    try:
        parse_duration(every)
        with Store(config.crawl_store(None, index_dir), lock=False) as store:
            if store.get("scope") is None:
                raise FileNotFoundError
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--crawl-every") from None
    except FileNotFoundError:
        raise click.UsageError("--crawl-every recrawls a crawled site: run `egov-search crawl URL` "
                               "with this index first") from None
    return every


@contextmanager
def _recrawling(every: str | None, index_dir: Path):
    """While the block runs, ``crawl --recrawl --every`` in a child process (its swaps are the
    index's atomic ones; workers follow them by themselves)."""
    if every is None:
        yield
        return
    command = [sys.executable, "-m", "webui", "crawl", "--recrawl", "--every", every,
               "--index", str(index_dir)]
    crawler = subprocess.Popen(command, env={**os.environ, PARENT_VARIABLE: str(os.getpid())})
    click.echo(f"recrawling every {every} (process {crawler.pid})", err=True)
    try:
        yield
    finally:
        crawler.terminate()
        try:
            crawler.wait(timeout=30)
        except subprocess.TimeoutExpired:
            crawler.kill()


LOG_OPTION = click.option("--log", "log_file", type=click.Path(dir_okay=False, path_type=Path),
                          envvar="EGOV_QUERY_LOG",
                          help="The query log (default: the index's own, INDEX.queries.sqlite3 "
                               "beside the index folder).")


@main.command()
@INDEX_OPTION
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, querylog.RETENTION_DAYS),
              help="How far back to look.")
@click.option("--top", default=20, show_default=True, type=click.IntRange(1, 1000), help="Rows per list.")
@LOG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON (English keys).")
@click.option("--csv", "as_csv", is_flag=True, help="Print them as CSV for a spreadsheet (UTF-8 with a BOM).")
def report(index_dir: Path | None, days: int, top: int, log_file: Path | None, as_json: bool,
           as_csv: bool) -> None:
    """Report, in Chinese, what people searched and opened: searches by day, top queries,
    queries that found nothing, queries whose results nobody opened, clicks by position,
    corrections kept or refused (仍然搜索), autocomplete picks and the filters used. A search's
    refinements (a facet, a sort, a page, the time filter) count as that one search. Read
    from the index's query log, which holds no addresses."""
    if as_json and as_csv:
        raise click.UsageError("--json 和 --csv 只能选一个")
    path = _existing_log(index_dir, log_file)
    log = querylog.LogFile(path)
    try:
        found = search_report(log.db(), days, top)
    finally:
        log.close()
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
    elif as_csv:
        click.echo(search_report_csv(found), nl=False)
    else:
        click.echo(search_report_text(found, str(path)))


@main.group()
def popular() -> None:
    """Review 热门搜索 and 相关搜索: list the candidates, approve, hide or pin a query.

    A running server shows a decision at its next refresh ($EGOV_POPULAR_REFRESH, 60 s).
    """


@popular.command("list")
@INDEX_OPTION
@LOG_OPTION
@click.option("--top", default=50, show_default=True, type=click.IntRange(1, 10_000),
              help="Most searched queries listed (every decided one is listed too).")
def popular_list(index_dir: Path | None, log_file: Path | None, top: int) -> None:
    """List the most searched queries of the last 30 days: distinct clients, searches, the
    editor's decision, and whether each is shown and why (in Chinese)."""
    log = _editor_log(index_dir, log_file)
    entries = log.entries(top)
    mode = {"1": "达到人数即显示", "approved": "批准后才显示", "0": "不显示"}[log.settings.mode]
    click.echo(f"近 {popular_lists.WINDOW_DAYS} 天的搜索（至少 {log.settings.min_clients} 人搜索；{mode}）")
    click.echo("\n热门搜索候选：")
    rows = [[e.clients, e.searches, STATE_LABELS.get(e.state, "-"), e.reason, e.key] for e in entries]
    click.echo("\n".join(text_table(["人数", "次数", "决定", "显示情况", "查询"], rows,
                                    [True, True, False, False, False])))


def _decision(name: str, state: str | None, label: str, summary: str) -> None:
    """Register ``egov-search popular NAME QUERY``, which records ``state`` for the query."""

    @popular.command(name, help=summary)
    @click.argument("query")
    @INDEX_OPTION
    @LOG_OPTION
    def command(query: str, index_dir: Path | None, log_file: Path | None) -> None:
        if not query.split():
            raise click.UsageError("QUERY is empty")
        log = _editor_log(index_dir, log_file)
        key = log.decide(query, state)
        blocked = popular_lists.is_blocked(key, popular_lists.blocked_terms(log.settings.blocklist))
        warning = "（注意：含屏蔽词，不会显示）" if blocked and state != "hidden" else ""
        click.echo(f"{label}：{key}{warning}")


STATE_LABELS = {"approved": "已批准", "hidden": "已隐藏", "pinned": "置顶"}
_decision("approve", "approved", "已批准", "Approve QUERY: it may be shown (EGOV_POPULAR=approved needs it).")
_decision("hide", "hidden", "已隐藏", "Hide QUERY from 热门搜索 and 相关搜索 (approve shows it again).")
_decision("pin", "pinned", "已置顶", "Pin QUERY at the top of 热门搜索, however often it was searched.")
_decision("unpin", "approved", "已取消置顶", "Unpin QUERY (it stays approved).")


def _existing_log(index_dir: Path | None, log_file: Path | None) -> Path:
    """The query log's path: ``--log``, else the index's own; an error naming it if there is
    none (and the log all indexes of the folder shared before, if it is there)."""
    index = config.index_dir(index_dir)
    path = log_file or default_log_path(index)
    if not path.exists():
        shared = shared_log_path(index)
        hint = (f"；此前同一文件夹中各索引共用的查询日志在 {shared}，可用 --log {shared} 查看"
                if log_file is None and shared.exists() else "")
        raise click.ClickException(f"没有查询日志 {path}：它由 egov-search serve 写入{hint}")
    return path


def _editor_log(index_dir: Path | None, log_file: Path | None) -> popular_lists.QueryLog:
    """The query log with the server's settings (from the environment)."""
    path = _existing_log(index_dir, log_file)
    try:
        app = create_app({"INDEX": str(config.index_dir(index_dir)), "QUERY_LOG": str(path)})
    except ConfigError as err:
        raise click.ClickException(str(err)) from None
    return app.extensions[recording.EXTENSION]


@main.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(args: tuple[str, ...]) -> None:
    """Run the benchmark (same options as `python -m bench`; see `egov-search bench --help`)."""
    from bench.run import bench as run_bench

    run_bench.main(list(args), prog_name="egov-search bench")
