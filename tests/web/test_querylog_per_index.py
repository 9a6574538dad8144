"""One query log per index: two indexes in one folder keep their searches, 热门搜索 and reports
apart, and the log they shared before is given to the only index in its folder, or left as it
was (its editor's decisions copied) beside several."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_querylog import CLIENTS, link, search, shown_popular

from webui import create_app, querylog
from webui.cli import main


@pytest.fixture
def sites(tmp_path: Path, index_dir: Path, gov_index: Path) -> Path:
    """A folder holding two indexes, ``seed`` and ``gov`` (copies of the session's)."""
    folder = tmp_path / "sites"
    shutil.copytree(index_dir, folder / "seed", symlinks=True)
    shutil.copytree(gov_index, folder / "gov", symlinks=True)
    return folder


def site(index: Path):
    """The app over ``index`` with the query log where it goes by default."""
    return create_app({"TESTING": True, "INDEX": str(index), "POPULAR_REFRESH": 3600}).test_client()


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def report(index: Path) -> dict:
    code, output = cli("report", "--index", str(index), "--json")
    assert code == 0, output
    return json.loads(output)


def shared_log(folder: Path) -> Path:
    """The log every index in ``folder`` shared before: 5 clients searched 智慧城市 and 服务,
    and the editor pinned 华宇软件 and hid 服务."""
    path = folder / "queries.sqlite3"
    log = querylog.LogFile(path)
    now = time.time()
    log.write([querylog.Search(now, query, query, {}, 3, visitor=bytes([client]) * 8)
               for query in ("智慧城市", "服务") for client in range(CLIENTS)])
    log.decide("华宇软件", "pinned", now)
    log.decide("服务", "hidden", now)
    log.close()
    return path


def test_two_indexes_in_one_folder_keep_their_own_logs(sites):
    gov, seed = site(sites / "gov"), site(sites / "seed")
    search(gov, "/?q=医疗保险", clients=CLIENTS)
    search(seed, "/?q=智慧城市")
    assert shown_popular(gov) == [link("医疗保险")]
    assert shown_popular(seed) == []  # the seed site never shows the government site's searches
    assert (sites / "gov.queries.sqlite3").exists() and (sites / "seed.queries.sqlite3").exists()
    assert not (sites / "queries.sqlite3").exists()
    assert [row["query"] for row in report(sites / "gov")["top_queries"]] == ["医疗保险"]
    assert [row["query"] for row in report(sites / "seed")["top_queries"]] == ["智慧城市"]
    code, listed = cli("popular", "list", "--index", str(sites / "seed"))
    assert code == 0 and "智慧城市" in listed and "医疗保险" not in listed


def test_the_shared_log_goes_to_the_only_index_in_its_folder(tmp_path, index_dir, caplog):
    folder = tmp_path / "one"
    shutil.copytree(index_dir, folder / "seed", symlinks=True)
    shared = shared_log(folder)
    seed = site(folder / "seed")
    assert not shared.exists() and (folder / "seed.queries.sqlite3").exists()
    assert "moved to" in caplog.text
    assert shown_popular(seed) == [link("华宇软件"), link("智慧城市")]  # the pin and the hide kept
    assert report(folder / "seed")["searches"] == 2 * CLIENTS


def test_a_shared_log_beside_several_indexes_is_left_and_its_decisions_copied(sites, caplog):
    shared = shared_log(sites)
    before = shared.read_bytes()
    gov = site(sites / "gov")
    assert shared.read_bytes() == before
    assert f"report --log {shared}" in caplog.text and "seed" in caplog.text
    with sqlite3.connect(sites / "gov.queries.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM searches").fetchone()[0] == 0
        decisions = dict(db.execute("SELECT key, state FROM decisions"))
    assert decisions == {"华宇软件": "approved", "服务": "hidden"}  # whose pin it was is unknown
    search(gov, "/?q=服务", clients=CLIENTS)
    assert shown_popular(gov) == []  # still hidden
    assert report(sites / "gov")["searches"] == CLIENTS
    code, output = cli("report", "--index", str(sites / "seed"))  # no own log yet: where to look
    assert code == 1 and f"--log {shared}" in output
    code, output = cli("report", "--log", str(shared), "--json")
    assert code == 0 and json.loads(output)["searches"] == 2 * CLIENTS
