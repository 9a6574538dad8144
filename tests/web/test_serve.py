"""``egov-search serve`` as a real process: builds a missing index, logs requests, stays local."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path


def fetch(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_serve_builds_the_missing_index_and_answers(live_server):
    status, headers, body = fetch(f"{live_server['url']}/api/search?q=%E5%8D%8E%E5%AE%87")
    assert status == 200 and headers["X-Content-Type-Options"] == "nosniff"
    assert json.loads(body)["hits"][0]["title"] == "华宇软件"
    log = live_server["log"].read_text()
    assert "no index at" in log and "building it now" in log and "indexed 57 documents" in log


def test_one_access_log_line_per_request(live_server):
    fetch(f"{live_server['url']}/api/documents/nope-for-the-log")
    fetch(f"{live_server['url']}/doc/%0Afake%20line")
    fetch(f"{live_server['url']}/?q=%E4%BA%91&page=abc")
    lines = live_server["log"].read_text().splitlines()
    assert len([line for line in lines if "GET /api/documents/nope-for-the-log 404" in line]) == 1
    assert len([line for line in lines if "GET /?q=%E4%BA%91&page=abc 400" in line]) == 1
    assert "GET /doc/%0Afake%20line 404" in "\n".join(lines)  # no forged log lines
    assert all(line.rstrip().endswith("ms") for line in lines if "egov_search.access" in line)


def test_errors_over_http_are_never_500(live_server):
    for path in ("/api/search?q=%ff%00", "/api/search?limit=-1&q=a", "/doc/%2e%2e/%2e%2e/etc/passwd",
                 "/api/documents/..%2F..%2Fetc%2Fpasswd", "/static/../pyproject.toml"):
        status, _, body = fetch(live_server["url"] + path)
        assert status < 500 and b"Traceback" not in body, path


def test_binds_loopback_by_default(live_server):
    table = Path("/proc/net/tcp")  # Linux, as the project's machines are
    port = f"{live_server['port']:04X}"
    listening = [line.split()[1] for line in table.read_text().splitlines()[1:]
                 if line.split()[1].endswith(f":{port}") and line.split()[3] == "0A"]
    assert listening == [f"0100007F:{port}"]


def test_a_taken_port_is_a_clear_error(live_server):
    from click.testing import CliRunner

    from webui.cli import main

    index = live_server["log"].parent / "index"
    result = CliRunner().invoke(main, ["serve", "--index", str(index), "--port", str(live_server["port"])])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{live_server['port']}" in result.output
    assert "Traceback" not in result.output


def test_serve_refuses_a_damaged_index_instead_of_replacing_it(tmp_path):
    from click.testing import CliRunner

    from webui.cli import main

    index = tmp_path / "ix"
    (index / "gen-broken").mkdir(parents=True)
    (index / "current").symlink_to("gen-broken")
    result = CliRunner().invoke(main, ["serve", "--index", str(index), "--port", "1"])
    assert result.exit_code == 1
    assert "damaged or incomplete" in result.output and "egov-search build" in result.output
    assert sorted(p.name for p in index.iterdir()) == ["current", "gen-broken"]
