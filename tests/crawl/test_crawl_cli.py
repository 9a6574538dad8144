"""``egov-search crawl`` as an operator runs it (click's CliRunner, and a real process for
Ctrl-C): crawl then search gives the folder's relevance figures; Ctrl-C stops cleanly and the
next run resumes; bad input is a clear message."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from crawling import GOV_SITE, OVERLAY, TESTS

from bench.loopback_site import LoopbackSite
from indexer.crawl.store import Store
from webui.cli import main

QRELS = TESTS / "relevance" / "gov" / "qrels.tsv"
COMMAND = [sys.executable, "-m", "webui"]


def egov(*args: str, **kwargs) -> subprocess.CompletedProcess:
    """Run ``egov-search`` with ``args`` in a process of its own; its output as text."""
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=300, **kwargs)


def invoke(*args: str, **env: str):
    """Run ``egov-search`` with ``args`` in this process (click's CliRunner)."""
    return CliRunner().invoke(main, list(args), env=env)


@pytest.mark.slow
def test_crawl_then_search_gives_the_relevance_figures_of_the_folder(tmp_path, gov_index):
    with LoopbackSite([GOV_SITE], overlay=OVERLAY) as site:
        crawled = invoke("crawl", site.origin + "/", "--delay", "0", "--concurrency", "4",
                         "--index", str(tmp_path / "index"))
    assert crawled.exit_code == 0, crawled.output
    assert "63 new" in crawled.stdout and "index built: 63 documents" in crawled.stdout
    from_crawl = invoke("eval", str(QRELS), "--index", str(tmp_path / "index"))
    from_folder = invoke("eval", str(QRELS), "--index", str(gov_index))
    assert from_crawl.exit_code == 0 and "| egov-search | 0." in from_crawl.stdout
    assert from_crawl.stdout == from_folder.stdout


@pytest.mark.slow
def interruptible() -> None:
    """In the child: Ctrl-C as in a terminal, even when the tests run in the background (a
    shell starts a background job with SIGINT ignored, and Python keeps it ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow  # a crawl at a human pace: `make test`, not `make test-fast`
def test_ctrl_c_stops_cleanly_and_the_next_run_resumes(tmp_path):
    with LoopbackSite([GOV_SITE], overlay=OVERLAY) as site:
        args = ["crawl", site.origin + "/", "--delay", "0.2", "--concurrency", "1",
                "--index", str(tmp_path / "index")]
        process = subprocess.Popen([*COMMAND, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, preexec_fn=interruptible)
        deadline = time.monotonic() + 60
        while len([r for r in site.requests() if r.path.endswith((".html", ".htm"))]) < 20:
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        assert process.returncode == 130, err
        assert "stopped; run the crawl again to resume it" in err and "Traceback" not in err
        assert not (tmp_path / "index").exists()  # nothing indexed from half a crawl
        with Store(tmp_path / "crawl", lock=False) as store:
            assert store.run()["state"] == "interrupted"
        before = len(site.requests())
        resumed = egov(*args)
        assert resumed.returncode == 0, resumed.stderr
        assert "(resumed)" in resumed.stdout and "index built: 63 documents" in resumed.stdout
        paths = [r.path for r in site.requests()]
        again = [path for path in paths[before:] if path in paths[:before] and not path.endswith(".txt")]
    assert len(again) <= 1  # only what was in flight at Ctrl-C is asked again (robots.txt aside)


@pytest.mark.parametrize(("args", "message"), [
    (["crawl"], "give the site's URL"),
    (["crawl", "--recrawl"], "no site crawled here yet"),
    (["crawl", "ftp://example.gov.cn/"], "not a web address: 'ftp://example.gov.cn/'"),
    (["crawl", "http://127.0.0.1:9/", "--deny", "(unclosed"],
     "--deny '(unclosed' is not a regular expression"),
    (["crawl", "http://127.0.0.1:9/", "--every", "soon"], "not a duration: 'soon'"),
    (["crawl", "--report"], "no crawl yet"),
])
def test_bad_input_is_a_clear_message(tmp_path, args, message):
    result = invoke(*args, "--index", str(tmp_path / "index"))
    assert result.exit_code in (1, 2), result.output
    assert message in result.stderr and "Traceback" not in result.output


def test_a_limit_set_in_the_environment_must_be_a_number(tmp_path):
    result = invoke("crawl", "http://127.0.0.1:9/", "--index", str(tmp_path / "index"),
                    EGOV_CRAWL_DELAY="soon")
    assert result.exit_code == 2
    assert "EGOV_CRAWL_DELAY must be a number of 0 or more, not 'soon'" in result.stderr


def test_every_crawl_option_and_limit_is_documented():
    import dataclasses

    from indexer.crawl.settings import Limits

    guide = (TESTS.parent / "docs" / "crawling.md").read_text(encoding="utf-8")
    options = [name for param in main.commands["crawl"].params for name in param.opts
               if name.startswith("--")]
    assert options and [name for name in options if f"`{name}" not in guide] == []
    variables = [f"EGOV_CRAWL_{field.name.upper()}" for field in dataclasses.fields(Limits)]
    assert [name for name in variables if f"`{name}`" not in guide] == []
    serve = [name for param in main.commands["serve"].params for name in param.opts]
    assert "--crawl-every" in serve and "serve --crawl-every 6h" in guide
