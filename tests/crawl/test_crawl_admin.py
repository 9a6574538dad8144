"""The crawl report on the authenticated admin API, and ``serve --crawl-every`` keeping a
served site fresh."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from crawling import (
    crawl,
    crawled_gov,  # noqa: F401 (the fixture gov_crawl)
)
from live_server import free_port, request

from bench.crawl_site import gov_records, gov_site, kinds_of, page_path, render_page
from indexer.crawl.report import crawl_report, report_csv
from indexer.crawl.store import Store
from webui import create_app

TOKEN = "crawl-report-token"
EDIT = "试行期间适用蓝色预警"


def _client(folder, **config):
    return create_app({"INDEX": str(folder / "index"), "CRAWL_STORE": str(folder / "crawl"),
                       "ADMIN_TOKEN": TOKEN, **config}).test_client()


@pytest.mark.parametrize("path", ["/api/admin/crawl", "/api/admin/crawl.csv"])
def test_the_report_needs_the_token(gov_crawl, path):
    _, folder, _ = gov_crawl
    refused = _client(folder).get(path)
    assert refused.status_code == 401 and refused.get_json()["error"]
    assert _client(folder).get(path, headers={"Authorization": f"Bearer {TOKEN}x"}).status_code == 401


def test_the_report_as_json_and_csv(gov_crawl):
    site, folder, _ = gov_crawl
    client = _client(folder)
    answer = client.get("/api/admin/crawl", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200
    report = answer.get_json()
    assert report["counts"]["new"] == 63 and report["seeds"] == [site.origin + "/"]
    targets = [link["target"].removeprefix(site.origin) for link in report["dead_links"]]
    assert targets == ["/picture/0/s2112061638561234567.pdf", "/picture/0/s2203181001237701234.docx"]
    table = client.get("/api/admin/crawl.csv", headers={"Authorization": f"Bearer {TOKEN}"})
    assert table.status_code == 200 and table.mimetype == "text/csv"
    with Store(folder / "crawl", lock=False) as store:
        assert table.get_data(as_text=True) == report_csv(crawl_report(store))
    rows = list(csv.reader(io.StringIO(table.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["类别", "网址", "状态码", "原因"] and len(rows) == 1 + 2 + 63 + 2 + 2


def test_before_any_crawl_the_report_is_a_404(tmp_path):
    answer = _client(tmp_path).get("/api/admin/crawl", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 404 and "还没有抓取记录" in answer.get_json()["error"]["message"]
    assert not (tmp_path / "crawl").exists()  # reading the report never makes a store


@pytest.mark.slow
def test_serve_crawl_every_makes_an_edit_searchable_while_serving(tmp_path):
    records = gov_records(20)
    with gov_site(records) as site:
        crawl([site.origin + "/"], tmp_path)
        edited = records[3]
        site.files[page_path(edited)] = render_page(edited, kinds_of(records), f"新增段落：{EDIT}。")
        site.mtimes[page_path(edited)] = time.time()
        port = free_port()
        log = (tmp_path / "serve.log").open("wb")
        command = [sys.executable, "-m", "webui", "serve", "--index", str(tmp_path / "index"),
                   "--port", str(port), "--workers", "1", "--crawl-every", "1s"]
        server = subprocess.Popen(command,
                                  stdout=log, stderr=subprocess.STDOUT,
                                  env={**os.environ, "EGOV_CRAWL_DELAY": "0", "EGOV_CRAWL_CONCURRENCY": "4"})
        try:
            found, deadline = [], time.monotonic() + 120  # a bound for a stuck server, not a measurement
            while not found and time.monotonic() < deadline and server.poll() is None:
                time.sleep(0.5)
                try:
                    status, body, _ = request(port, f"/api/search?q={quote(chr(34) + EDIT + chr(34))}")
                except OSError:
                    continue
                found = [hit["id"] for hit in json.loads(body)["hits"]] if status == 200 else []
            assert found == [page_path(edited).lstrip("/")], (tmp_path / "serve.log").read_text()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
            log.close()
    output = (tmp_path / "serve.log").read_text()
    crawler = int(output.split("recrawling every 1s (process ")[1].split(")")[0])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _alive(crawler):
        time.sleep(0.2)
    assert not _alive(crawler)  # the recrawling process ends with the server


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
