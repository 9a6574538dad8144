"""A hostile host: slow answers, a body that never ends, a 2 GB file, a lying content type and
charset, a redirect loop, a million generated pages, a calendar, 500s. The crawl keeps its
limits, logs each case with its URL and reason, keeps the index it had, and finishes."""

from __future__ import annotations

import logging
import time

import pytest
from crawling import TESTS, crawl

from bench.loopback_site import LoopbackSite
from indexer import open_index
from indexer.crawl.store import Store

PDF = (TESTS / "readers" / "fixtures" / "notice.pdf").read_bytes()
MAX_BYTES = 1 << 20
LIMITS = {"max_bytes": MAX_BYTES, "max_pages": 60, "max_query_variants": 5, "retries": 1}
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><div class="TRS_Editor"><p>{body}</p></div>{links}</body></html>"""
CASES = ["/slow.html", "/trickle.html", "/huge.pdf", "/endless", "/liar-type.html", "/liar-page",
         "/liar-charset.html", "/loop-a", "/error.html", "/gen/1.html", "/calendar?month=1", "/good.html"]


def page(title: str, body: str, links: list[str] = ()) -> bytes:
    """A small UTF-8 page."""
    anchors = "".join(f'<a href="{link}">{link}</a>' for link in links)
    return PAGE.format(title=title, body=body, links=anchors).encode()


class Hostile:
    """The hostile routes, with what they sent."""

    def __init__(self):
        self.sent: dict[str, int] = {}
        self.good_fails = False

    def routes(self) -> dict:
        return {"/slow.html": self.slow, "/trickle.html": self.trickle, "/huge.pdf": self.huge,
                "/endless": self.endless, "/liar-type.html": self.liar_type, "/liar-page": self.liar_page,
                "/liar-charset.html": self.liar_charset, "/loop-a": self.loop("/loop-b"),
                "/loop-b": self.loop("/loop-a"), "/error.html": self.error, "/gen/": self.generated,
                "/calendar": self.calendar, "/good.html": self.good}

    def slow(self, handler) -> None:
        time.sleep(2.5)  # past the 1 s timeout
        _quietly(handler.answer, 200, page("慢", "迟到的页面"), {"Content-Type": "text/html"})

    def _stream(self, handler, name: str, headers: dict, chunk: bytes, pause: float, chunked: bool = False):
        handler.send_response(200)
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        sent, stop = 0, time.monotonic() + 20
        try:
            while time.monotonic() < stop and sent < 256 * MAX_BYTES:
                data = b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk
                handler.wfile.write(data)
                handler.wfile.flush()
                sent += len(chunk)
                time.sleep(pause)
        except OSError:
            pass
        self.sent[name] = sent
        handler.close_connection = True
        handler.logged(200)

    def trickle(self, handler) -> None:
        headers = {"Content-Type": "text/html", "Content-Length": "100000"}
        self._stream(handler, "trickle", headers, b" ", 0.05)

    def huge(self, handler) -> None:
        self._stream(handler, "huge", {"Content-Type": "application/pdf", "Content-Length": str(2 << 30)},
                     b"%PDF-1.4\n" + b"0" * 65527, 0)

    def endless(self, handler) -> None:
        self._stream(handler, "endless", {"Content-Type": "text/html", "Transfer-Encoding": "chunked"},
                     b"<p>" + "无尽".encode() * 10000 + b"</p>", 0, chunked=True)

    def liar_type(self, handler) -> None:
        handler.answer(200, PDF, {"Content-Type": "text/html; charset=utf-8"})

    def liar_page(self, handler) -> None:
        handler.answer(200, page("伪装成图片的通知", "关于开展防汛应急演练的通知，请各单位做好准备。"),
                       {"Content-Type": "image/png"})

    def liar_charset(self, handler) -> None:
        body = "<html><head><title>关于调整公积金缴存比例的通知</title></head><body>" \
               "<div class='TRS_Editor'><p>住房公积金缴存比例调整为百分之十二，" \
               "自下月起执行。</p></div></body></html>"
        handler.answer(200, body.encode("gbk"), {"Content-Type": "text/html; charset=utf-8"})

    @staticmethod
    def loop(target: str):
        return lambda handler: handler.answer(302, headers={"Location": target})

    def error(self, handler) -> None:
        handler.answer(500, b"server error", {"Content-Type": "text/plain"})

    def generated(self, handler) -> None:
        number = int(handler.path.rsplit("/", 1)[1].split(".")[0])
        links = [f"/gen/{number * 10 + k}.html" for k in range(10)]
        handler.answer(200, page(f"生成页 {number}", f"第 {number} 个自动生成的页面，内容各不相同。", links),
                       {"Content-Type": "text/html"})

    def calendar(self, handler) -> None:
        month = int(handler.path.rsplit("=", 1)[1])  # a month view linking the months after it
        months = [f"/calendar?month={month + k}" for k in range(1, 7)]
        handler.answer(200, page(f"日历 {month}", f"第 {month} 月的活动安排各不相同。", months),
                       {"Content-Type": "text/html"})

    def good(self, handler) -> None:
        if self.good_fails:
            handler.answer(503, b"busy", {"Content-Type": "text/plain"})
        else:
            handler.answer(200, page("关于做好防汛工作的通知", "各区要落实防汛责任，做好物资储备。"),
                           {"Content-Type": "text/html"})


def _quietly(action, *args) -> None:
    try:
        action(*args)
    except OSError:  # the crawler gave up first, as it should
        pass


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile host crawled twice (the second time its good page fails), with the logs."""
    folder = tmp_path_factory.mktemp("hostile")
    routes = Hostile()
    handler = _Records()
    logging.getLogger("egov_search.crawl").addHandler(handler)
    try:
        home = {"/index.html": page("首页", "恶意主机", CASES)}
        with LoopbackSite(files=home, routes=routes.routes()) as site:
            first = crawl([site.origin + "/"], folder, **LIMITS)
            before = len(site.requests())
            routes.good_fails = True
            second = crawl([], folder, **LIMITS)
            yield {"site": site, "folder": folder, "first": first, "second": second, "routes": routes,
                   "logs": handler.lines, "second_requests": site.requests(before)}
    finally:
        logging.getLogger("egov_search.crawl").removeHandler(handler)


class _Records(logging.Handler):
    """The crawl's log lines (``Handler.handle`` holds the handler's lock around ``emit``)."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _record(hostile, path: str):
    with Store(hostile["folder"] / "crawl", lock=False) as store:
        return store.record(hostile["site"].origin + path)


@pytest.mark.slow
@pytest.mark.parametrize(("path", "reason"), [
    ("/slow.html", "timeout"), ("/trickle.html", "too slow"), ("/huge.pdf", "too large"),
    ("/endless", "too large"), ("/loop-b", "redirect loop"), ("/error.html", "HTTP 500")])
def test_each_hostile_answer_is_an_error_with_its_reason_and_is_logged(hostile, path, reason):
    record = _record(hostile, path)
    assert (record["outcome"], record["reason"]) == ("error", reason)
    assert f"{hostile['site'].origin}{path}: {reason}" in hostile["logs"]


@pytest.mark.slow
def test_limits_hold(hostile):
    first = hostile["first"]
    assert first.tally.limit == "max_pages" and first.tally.requests == LIMITS["max_pages"]
    assert hostile["routes"].sent["huge"] < 64 * MAX_BYTES  # not the 2 GB it offered
    assert hostile["routes"].sent["trickle"] < 100  # the 3 s deadline, not the 20 s it would trickle
    with Store(hostile["folder"] / "crawl", lock=False) as store:
        calendar = store.db.execute("SELECT COUNT(*) FROM urls WHERE url LIKE '%/calendar?%' "
                                    "AND file IS NOT NULL").fetchone()[0]
        trapped = store.db.execute("SELECT reason FROM urls WHERE url LIKE '%/calendar?%' "
                                   "AND outcome = 'skipped'").fetchone()[0]
    assert calendar == LIMITS["max_query_variants"] and trapped == "too many query variants"
    errors = [r for r in hostile["site"].requests() if r.path == "/error.html"]
    assert len(errors) == 2 * (1 + LIMITS["retries"])  # each crawl tried it once more, then gave up
    assert any("crawl limit max_pages reached" in line for line in hostile["logs"])


@pytest.mark.slow
def test_lies_about_type_and_charset_are_read_for_what_the_bytes_are(hostile):
    engine = open_index(hostile["folder"] / "index")
    assert engine.document("liar-type.html.pdf")["kind"] == "attachment"
    assert engine.document("liar-page.html")["title"] == "伪装成图片的通知"
    charset = engine.document("liar-charset.html")
    assert charset["title"] == "关于调整公积金缴存比例的通知" and "百分之十二" in charset["body"]


@pytest.mark.slow
def test_a_failing_recrawl_keeps_the_index_it_had(hostile):
    second = hostile["second"]
    assert _record(hostile, "/good.html")["outcome"] == "error"
    assert [r.status for r in hostile["second_requests"] if r.path == "/good.html"] == [503, 503]
    engine = open_index(hostile["folder"] / "index")
    assert engine.document("good.html")["title"] == "关于做好防汛工作的通知"
    assert engine.search("防汛责任").hits[0].id == "good.html"
    assert second.index.deleted == 0

