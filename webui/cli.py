"""The installed ``egov-search`` command: the index commands of :mod:`indexer.cli`, plus
``serve`` (this package) and ``bench`` (the benchmark, imported only when it runs)."""

from __future__ import annotations

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
    build_index,
    config,
    open_index,
)
from indexer.cli import INDEX_OPTION, main
from indexer.crawl.command import PARENT_VARIABLE
from indexer.crawl.settings import parse_duration
from indexer.crawl.store import Store

from . import create_app, querylog, serving


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

    A damaged index is not replaced: it may hold a collection the seed cannot rebuild.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(process)d] %(name)s %(message)s")
    index_dir = config.index_dir(index_dir)
    try:
        open_index(index_dir)
    except IndexDamagedError as err:
        raise click.ClickException(str(err)) from None
    except IndexMissingError as err:
        click.echo(f"{err}\nbuilding it now …", err=True)
        try:
            click.echo(str(build_index(index_dir=index_dir)), err=True)
        except (CorpusError, BuildError, ConfigError) as build_err:
            raise click.ClickException(f"cannot build the index: {build_err}") from None
    try:
        limits = serving.Limits.from_environ()
    except ConfigError as err:
        raise click.ClickException(str(err)) from None
    interval = _crawl_interval(crawl_every, index_dir)
    app = create_app({"INDEX": str(index_dir)})
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


@main.command()
@INDEX_OPTION
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, querylog.RETENTION_DAYS),
              help="How far back to look.")
@click.option("--top", default=20, show_default=True, type=click.IntRange(1, 1000), help="Rows per list.")
@click.option("--log", "log_file", type=click.Path(dir_okay=False, path_type=Path), envvar="EGOV_QUERY_LOG",
              help="The query log (default: queries.sqlite3 beside the index folder).")
def report(index_dir: Path | None, days: int, top: int, log_file: Path | None) -> None:
    """Print the top queries, the top queries that found nothing, the corrections shown and
    the queries picked from the autocomplete (from the query log, which holds no addresses)."""
    path = log_file or config.index_dir(index_dir).resolve().parent / "queries.sqlite3"
    if not path.exists():
        raise click.ClickException(f"no query log at {path}: it is written by `egov-search serve`")
    found = querylog.report(path, days=days, top=top)
    click.echo(f"{found['searches']} searches in the last {days} days ({path})")
    _table("top queries", ["searches", "query"], [(n, q) for q, n in found["top"]])
    _table("top queries that found nothing", ["searches", "query"], [(n, q) for q, n in found["nothing"]])
    _table("corrections shown (kept: searched as typed instead)", ["shown", "kept", "query", "corrected to"],
           [(n, kept or 0, q, s or "-") for q, s, n, kept in found["corrections"]])
    _table("queries picked from the autocomplete", ["searches", "query"],
           [(n, q) for q, n in found["autocomplete"]])


def _table(title: str, header: list[str], rows: list[tuple]) -> None:
    """A titled plain-text table; numbers first, right-aligned."""
    click.echo(f"\n{title}:")
    if not rows:
        click.echo("  (none)")
        return
    numeric = [i for i, value in enumerate(rows[0]) if isinstance(value, int)]
    widths = [max(len(str(header[i])), *(len(str(row[i])) for row in rows)) for i in numeric]
    click.echo("  " + "  ".join(str(header[i]).rjust(w) for i, w in zip(numeric, widths, strict=True))
               + "  " + " | ".join(header[len(numeric):]))
    for row in rows:
        cells = [str(row[i]).rjust(w) for i, w in zip(numeric, widths, strict=True)]
        click.echo("  " + "  ".join(cells) + "  " + " | ".join(str(v) for v in row[len(numeric):]))


@main.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def bench(args: tuple[str, ...]) -> None:
    """Run the benchmark (same options as `python -m bench`; see `egov-search bench --help`)."""
    from bench.run import bench as run_bench

    run_bench.main(list(args), prog_name="egov-search bench")
