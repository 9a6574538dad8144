"""Addresses, sitemaps and file names on hostile or odd input, and what a small crawl keeps."""

from __future__ import annotations

import gzip
import time

from crawling import crawl

from bench.loopback_site import LoopbackSite
from indexer import open_index
from indexer.crawl.settings import Limits
from indexer.crawl.sitemaps import parse_sitemap
from indexer.crawl.store import Store
from indexer.crawl.urls import Scope, Traps, canonical, file_path

URLSET = '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{}</urlset>'


def test_sitemap_entities_are_never_expanded_nor_fetched(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file://{secret}">]>'
           '<urlset><url><loc>http://x.gov.cn/&x;</loc></url></urlset>').encode()
    assert all("TOP-SECRET" not in loc for loc, _ in parse_sitemap(xxe, 10).entries)
    laughs = '<!DOCTYPE u [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(9)) + "]>"
    bomb = (f'<?xml version="1.0"?>{laughs}<urlset><url><loc>http://x.gov.cn/&j;</loc></url></urlset>').encode()
    started = time.process_time()
    entries = parse_sitemap(bomb, 10).entries
    assert time.process_time() - started < 5 and all(len(loc) < 1000 for loc, _ in entries)


def test_gzipped_sitemaps_and_the_entry_limit():
    entries = "".join(f"<url><loc>http://x.gov.cn/{n}.html</loc>"
                      f"<lastmod>2024-0{1 + n % 9}-01</lastmod></url>" for n in range(30))
    found = parse_sitemap(gzip.compress(URLSET.format(entries).encode()), 25)
    assert not found.index and len(found.entries) == 25
    assert found.entries[3] == ("http://x.gov.cn/3.html", "2024-04-01")
    assert parse_sitemap(b"\x1f\x8b broken gzip", 10).entries == []
    assert parse_sitemap(b"<urlset><url><loc>http://x.gov.cn/a.html</loc></url><url><loc>", 10).entries == [
        ("http://x.gov.cn/a.html", None)]  # what came before a fault


def test_scope_and_traps():
    scope = Scope(["https://www.x.gov.cn/zwgk/"], deny=[r"/print/", r"\?keyword="],
                  allow=["http://www.x.gov.cn/zwgk/", "https://rsj.x.gov.cn/"])
    assert scope.hosts == ["rsj.x.gov.cn", "www.x.gov.cn"]
    assert scope.allows("https://rsj.x.gov.cn/a.html") and scope.allows("http://www.x.gov.cn/zwgk/a.html")
    assert not scope.allows("https://www.x.gov.cn/zwgk/print/a.html")
    assert not scope.allows(canonical("https://www.x.gov.cn/zwgk/search?keyword=%E9%80%9A"))
    narrow = Scope(["https://www.x.gov.cn/"], allow=["https://www.x.gov.cn/zwgk/"])
    assert narrow.allows("https://www.x.gov.cn/") and not narrow.allows("https://www.x.gov.cn/other.html")
    traps = Traps(Limits.from_environ({}, max_query_variants=2))
    assert traps.reason("http://x.gov.cn/" + "a/b/" * 3 + "a/b/c.html") == "repeating path"
    assert traps.reason("http://x.gov.cn/" + "/".join(map(str, range(30)))) == "path too deep"
    assert traps.reason("http://x.gov.cn/" + "a" * 2000) == "URL too long"
    reasons = [traps.reason(f"http://x.gov.cn/cal?m={m}") for m in range(3)]
    assert reasons == [None, None, "too many query variants"]


def test_file_names_for_odd_addresses():
    assert file_path("http://x.gov.cn/%C4%E3%BA%C3.html", "html") == "x.gov.cn/%C4%E3%BA%C3.html"  # GBK bytes
    assert file_path("http://x.gov.cn/%E9%80%9A%E7%9F%A5/a%2Fb.pdf", "pdf") == "x.gov.cn/通知/a%2Fb.pdf"
    assert file_path("http://x.gov.cn/.hidden/a", "html") == "x.gov.cn/_.hidden/a.html"
    assert file_path("http://x.gov.cn/download?id=7", "pdf") == "x.gov.cn/download@id=7.pdf"
    long = file_path("http://x.gov.cn/" + "长" * 300 + ".html", "html")
    assert len(long.rsplit("/", 1)[1].encode()) <= 200 and long.endswith(".html")


def test_two_addresses_of_one_file_name_are_both_kept(tmp_path):
    page = "<html><body><div class='TRS_Editor'><p>{}</p></div></body></html>"
    files = {"/index.html": b'<html><body><a href="/a">a</a> <a href="/a.html">b</a></body></html>',
             "/a.html": page.format("带后缀的地址上的页面，关于开展防汛检查的通知。").encode()}
    with LoopbackSite(files=files) as site:  # /a is a page too: saved as a.html, like /a.html
        site.routes["/a"] = lambda handler: handler.answer(
            200, page.format("不带后缀的地址上的页面，关于做好安全生产工作的通知。").encode(),
            {"Content-Type": "text/html"})
        crawl([site.origin + "/"], tmp_path)
        with Store(tmp_path / "crawl", lock=False) as store:
            kept = store.addresses()
    host = site.origin.split("//")[1]
    assert sorted(kept.values()) == [f"{site.origin}/", f"{site.origin}/a", f"{site.origin}/a.html"]
    assert kept[f"{host}/a.html"] in (f"{site.origin}/a", f"{site.origin}/a.html")
    assert len([path for path in kept if path.startswith(f"{host}/_/")]) == 1
    engine = open_index(tmp_path / "index")
    assert engine.search("防汛检查").total == 1 and engine.search("安全生产").total == 1


def test_redirect_chains_and_depth_are_bounded(tmp_path):
    def chain(handler):
        number = int(handler.path.rsplit("/", 1)[1])
        handler.answer(302, headers={"Location": f"/chain/{number + 1}"})

    def deep(handler):
        number = int(handler.path.rsplit("/", 1)[1].split(".")[0])
        body = f'<p>第{number}层的页面内容。</p><a href="/deep/{number + 1}.html">下一层</a>'
        handler.answer(200, f"<html><body>{body}</body></html>".encode(), {"Content-Type": "text/html"})

    home = b'<html><body><a href="/chain/1">chain</a><a href="/deep/1.html">deep</a></body></html>'
    with LoopbackSite(files={"/index.html": home}, routes={"/chain/": chain, "/deep/": deep}) as site:
        crawl([site.origin + "/"], tmp_path, max_redirects=3, max_depth=4)
        with Store(tmp_path / "crawl", lock=False) as store:
            rows = store.db.execute("SELECT url, outcome, reason FROM urls WHERE url LIKE '%/chain/%'")
            chained = {url.removeprefix(site.origin): (outcome, reason) for url, outcome, reason in rows}
            deepest = store.record(f"{site.origin}/deep/5.html")
    assert chained["/chain/4"] == ("error", "too many redirects") and "/chain/5" not in chained
    assert (deepest["outcome"], deepest["reason"]) == ("skipped", "too deep")
    assert not [r for r in site.requests() if r.path in ("/chain/5", "/deep/5.html")]


def test_the_total_bytes_of_a_crawl_are_bounded(tmp_path):
    page = "<html><body><div class='TRS_Editor'><p>{}</p></div>{}</body></html>"
    links = [f'<a href="/p{n + 1}.html">下一页</a>' for n in range(20)]
    files = {f"/p{n}.html": page.format(f"关于开展第{n}次检查的通知。" * 300, links[n]).encode()
             for n in range(20)}
    files["/index.html"] = b'<html><body><a href="/p0.html">p0</a></body></html>'
    size = len(files["/p1.html"])
    with LoopbackSite(files=files) as site:
        summary = crawl([site.origin + "/"], tmp_path, max_total_bytes=5 * size)
    assert summary.tally.limit == "max_total_bytes"
    assert summary.tally.bytes <= 6 * size + len(files["/index.html"])
    assert len(site.requests()) < 10
