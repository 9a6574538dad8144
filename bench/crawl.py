"""``python -m bench.crawl``: the crawler on a loopback site of the real documents of
``gov-dev.jsonl.gz`` (4,575 pages and their column listings: 5,000 pages and more), against
today's way, ``wget --mirror`` then ``egov-search build`` of the mirror, measured in the same run.

Three rounds: the first crawl; a recrawl after 1 % of the documents changed; a recrawl of the
site unchanged. For each: wall-clock seconds of fetching and of indexing, requests and full
answers (200) counted by the server, pages per second. The site is served by a process of its
own, so that neither side shares its interpreter with the server. wget's recrawl is timestamped
with HEAD requests (``--no-if-modified-since``): with conditional GETs, wget 1.21 stops at the
home page's 304 and never sees a changed page. ``--smoke`` runs it on 300 documents.
"""

from __future__ import annotations

import multiprocessing
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import click

from indexer import build_index
from indexer.crawl.run import crawl_site
from indexer.crawl.settings import Limits

from .crawl_site import gov_records, gov_site, kinds_of, page_path, render_page
from .loopback_site import LoopbackSite, Request
from .run import machine

SMOKE_DOCS = 300
CHANGED_SHARE = 0.01
EDIT = "本文件已于近日修订，修订内容自发布之日起施行。"
HEADER = ["round", "egov-search crawl", "wget --mirror + build", "ratio"]


@dataclass
class Round:
    """One way of bringing the index up to date with the site, measured."""

    fetch_s: float
    index_s: float
    requests: int
    full_answers: int  # 200s: bodies sent

    @property
    def total_s(self) -> float:
        return self.fetch_s + self.index_s


class ServedSite:
    """A :class:`LoopbackSite` answered by a child process; edits and the request log go
    through a pipe."""

    def __init__(self, site: LoopbackSite):
        self.origin, self.files = site.origin, dict(site.files)
        self._pipe, child = multiprocessing.Pipe()
        context = multiprocessing.get_context("fork")
        self._process = context.Process(target=_serve, args=(site, child), daemon=True)

    def __enter__(self) -> ServedSite:
        self._process.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._pipe.send(("stop",))
        self._process.join(timeout=30)

    def edit(self, path: str, data: bytes) -> None:
        """Change the file at ``path`` (and its modification time)."""
        self._pipe.send(("edit", path, data))
        self._pipe.recv()

    def requests(self, since: int = 0) -> list[Request]:
        """The requests answered from the ``since``-th on."""
        self._pipe.send(("requests", since))
        return self._pipe.recv()


def _serve(site: LoopbackSite, pipe) -> None:
    """The child: serve ``site`` and do what the pipe asks until ``stop``."""
    with site:
        while (message := pipe.recv())[0] != "stop":
            if message[0] == "edit":
                site.files[message[1]], site.mtimes[message[1]] = message[2], time.time()
                pipe.send(True)
            else:
                pipe.send(site.requests(message[1]))


def _served(site: ServedSite, since: int) -> tuple[int, int]:
    """Requests the site answered since ``since``, and how many of them with a body (a GET
    answered 200; wget's HEAD requests have none)."""
    asked = site.requests(since)
    return len(asked), sum(1 for request in asked if request.status == 200 and request.method == "GET")


def ours(site: ServedSite, work: Path, first: bool) -> Round:
    """One ``egov-search crawl`` (the first, or a recrawl) into ``work``."""
    since = len(site.requests())
    limits = Limits.from_environ(delay=0.0, concurrency=8)
    summary = crawl_site([site.origin + "/"] if first else [], store_dir=work / "crawl",
                         index_dir=work / "index", limits=limits, user_agent="egov-search-bench/1.0")
    return Round(summary.seconds, summary.index_seconds, *_served(site, since))


def peer(site: ServedSite, work: Path) -> Round | None:
    """``wget --mirror`` of the site (timestamped: a second run asks If-Modified-Since), then a
    build of the mirror: today's way; ``None`` without wget."""
    if shutil.which("wget") is None:
        return None
    since = len(site.requests())
    started = time.perf_counter()
    subprocess.run(["wget", "--mirror", "--no-parent", "--no-if-modified-since", "--quiet",
                    "--directory-prefix", str(work / "mirror"), "--user-agent", "egov-search-bench/1.0",
                    site.origin + "/"], check=False)
    fetched = time.perf_counter() - started
    started = time.perf_counter()
    host = site.origin.split("//")[1]
    build_index([work / "mirror" / host], work / "mirror-index", base_url=site.origin + "/")
    return Round(fetched, time.perf_counter() - started, *_served(site, since))


def change(site: ServedSite, records: list[dict]) -> int:
    """Edit 1 % of the documents (spread over the site), as a CMS would; how many."""
    step = max(1, round(1 / CHANGED_SHARE))
    edited = records[::step]
    for record in edited:
        site.edit(page_path(record), render_page(record, kinds_of(records), EDIT))
    return len(edited)


def rows(name: str, pages: int, mine: Round, theirs: Round | None) -> list[list[str]]:
    """The table rows of one round."""
    def cell(value: float | int, digits: int = 1) -> str:
        return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"

    def line(label: str, get, digits: int = 1, per_page: bool = False) -> list[str]:
        a = get(mine)
        b = get(theirs) if theirs else None
        ratio = f"{a / b:.2f}×" if b else "–"
        return [f"{name}: {label}", cell(a, digits), cell(b, digits) if b is not None else "–", ratio]

    return [line("fetch, s", lambda r: r.fetch_s), line("index, s", lambda r: r.index_s),
            line("total, s", lambda r: r.total_s),
            line("pages/s, fetched", lambda r: pages / r.fetch_s if r.fetch_s else 0.0),
            line("pages/s, fetched and indexed", lambda r: pages / r.total_s if r.total_s else 0.0),
            line("requests", lambda r: r.requests),
            line("answers with a body (200)", lambda r: r.full_answers)]


def run_crawl_benchmark(docs: int | None) -> str:
    """Run the three rounds; the report as Markdown."""
    records = gov_records(docs)
    served = ServedSite(gov_site(records))
    with tempfile.TemporaryDirectory(prefix="egov-crawl-bench-") as folder, served as site:
        work = Path(folder)
        pages = sum(1 for path in site.files if path.endswith(".html"))
        table = rows("first crawl", pages, ours(site, work, True), peer(site, work))
        edited = change(site, records)
        table += rows(f"after {edited} pages changed", pages, ours(site, work, False), peer(site, work))
        table += rows("unchanged", pages, ours(site, work, False), peer(site, work))
    lines = [f"Crawl: a loopback site of {len(records):,} documents of gov-dev.jsonl.gz, {pages:,} pages "
             f"with the column listings; {machine()}", "", "| " + " | ".join(HEADER) + " |",
             "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in table]
    return "\n".join(lines)


@click.command()
@click.option("--smoke", is_flag=True, help=f"Only {SMOKE_DOCS} documents: checks that it runs.")
@click.option("--docs", type=click.IntRange(10), default=None, help="The first N documents [default: all].")
def main(smoke: bool, docs: int | None) -> None:
    """Pages per second fetched and indexed, and the cost of a recrawl with 1 % changed."""
    click.echo(run_crawl_benchmark(SMOKE_DOCS if smoke else docs))


if __name__ == "__main__":
    main()
