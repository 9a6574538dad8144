"""The HTML pages through the Flask test client: content, escaping, headers, no-JS behaviour."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from pypinyin import lazy_pinyin

from webui import create_app

PAGES = ["/", "/?sort=name", "/?q=智慧城市", "/?q=服务&kind=vendor&page=2", "/?q=量子纠缠xyz",
         "/doc/vendor-10?q=华宇", "/doc/section-4", "/nope", "/?page=abc&q=x"]


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of the page."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def page(client, url, status=200) -> tuple[str, Tags]:
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    return html, Tags(html)


def hrefs(tags: Tags, pattern: str) -> list[str]:
    return [a["href"] for a in tags.find("a") if re.search(pattern, a.get("href", ""))]


def addresses(tags: Tags, pattern: str) -> list[str]:
    """Like :func:`hrefs`, but a result's link by the address it shows where JavaScript runs
    (``data-href``; without JavaScript it goes through ``/go``)."""
    found = (a.get("data-href", a.get("href", "")) for a in tags.find("a"))
    return [address for address in found if re.search(pattern, address)]


def search_id(tags: Tags) -> str:
    """The id of the logged search that a results page's links carry."""
    return next(re.search(r"[?&]s=(\d+)", href).group(1) for href in hrefs(tags, r"[?&]s=\d"))


@pytest.mark.parametrize("url", PAGES + ["/static/style.css", "/static/suggest.js", "/api/search?q=x",
                                         "/api/search?q=x&page=0", "/healthz"])
def test_security_headers_on_every_response(client, url):
    headers = client.get(url).headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]


@pytest.mark.parametrize("url", PAGES)
def test_no_inline_script_style_or_handlers(client, url):
    tags = Tags(client.get(url).get_data(as_text=True))
    for tag, attrs in tags.tags:
        assert tag != "style" and "style" not in attrs
        assert not [name for name in attrs if name.startswith("on")]
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/")
        for name in ("href", "src", "action"):
            assert not attrs.get(name, "").startswith(("http:", "https:", "//", "javascript:"))


def test_home_has_box_ranking_and_sections(client):
    _, tags = page(client, "/")
    assert tags.find("input", name="q")
    ranking = hrefs(tags, r"^/doc/vendor-")
    assert ranking == [f"/doc/vendor-{n}" for n in range(1, 51)]
    assert hrefs(tags, r"^/doc/section-") == [f"/doc/section-{n}" for n in range(1, 8)]


def test_home_links_every_kind_for_browsing(client):
    _, tags = page(client, "/")
    assert hrefs(tags, r"kind=") == ["/?q=&kind=vendor", "/?q=&kind=section"]
    html, browse = page(client, "/?q=&kind=section")
    assert len(hrefs(browse, r"^/doc/section-")) == 7
    assert "<title>全部文档 · 文章段落 - 政务搜索</title>" in html


def test_home_table_sorts_without_javascript(client):
    _, tags = page(client, "/")
    sort_links = hrefs(tags, r"sort=")
    assert "/?sort=-rank#ranking" in sort_links and "/?sort=name#ranking" in sort_links
    _, by_name = page(client, "/?sort=name")
    names = [text for text in by_name.text if text.strip()]
    listed = [name for name in names if name in {"华宇软件", "用友", "安元科技", "中科曙光", "浪潮软件"}]
    assert listed == sorted(listed, key=lambda name: lazy_pinyin(name))
    assert hrefs(by_name, r"^/doc/vendor-")[0] == "/doc/vendor-44"  # 安元科技, a… in pinyin
    _, reverse = page(client, "/?sort=-rank")
    assert hrefs(reverse, r"^/doc/vendor-")[0] == "/doc/vendor-50"
    page(client, "/?sort=bogus", 400)


def test_results_page_shows_count_facets_badges_and_marks(client):
    html, tags = page(client, "/?q=智慧城市")
    assert tags.find("input", name="q", value="智慧城市")
    api = client.get("/api/search?q=智慧城市").get_json()
    assert f"找到 <strong>{api['total']}</strong> 条结果" in html and "毫秒" in html
    facets = {a["data-kind"]: a["href"] for a in tags.find("a") if "data-kind" in a}
    logged = search_id(tags)  # a refinement of this search: the same search in the query log
    assert facets == {"": f"/?q=%E6%99%BA%E6%85%A7%E5%9F%8E%E5%B8%82&s={logged}",
                      "vendor": f"/?q=%E6%99%BA%E6%85%A7%E5%9F%8E%E5%B8%82&kind=vendor&s={logged}",
                      "section": f"/?q=%E6%99%BA%E6%85%A7%E5%9F%8E%E5%B8%82&kind=section&s={logged}"}
    text = "".join(tags.text)
    for kind, label in (("vendor", "提供商"), ("section", "文章段落")):
        assert f"{label}{api['facets']['kind'][kind]}" in text.replace(" ", "").replace("\n", "")
    assert "第 3 名" in text and re.search(r'<span class="badge badge-vendor"[^>]*>提供商</span>', html)
    q = "q=%E6%99%BA%E6%85%A7%E5%9F%8E%E5%B8%82"
    link = (f'<a href="/go?s={logged}&amp;p=1&amp;d=vendor-3&amp;{q}" data-href="/doc/vendor-3?{q}">'
            "平安<mark>智慧城市</mark></a>")
    assert link in html


def test_facet_link_filters_and_marks_itself_active(client):
    html, tags = page(client, "/?q=服务&kind=vendor")
    active = [a for a in tags.find("a") if "facet active" in a.get("class", "")]
    assert [a["data-kind"] for a in active] == ["vendor"] and active[0]["aria-current"] == "page"
    assert html.count("badge badge-vendor") == 10 and "badge-section" not in html.split("</nav>", 1)[1]


def test_pagination_links_and_pages(client):
    total = client.get("/api/search?q=服务").get_json()["total"]
    last = -(-total // 10)
    _, first = page(client, "/?q=服务")
    numbers, logged = hrefs(first, r"[?&]page=\d"), search_id(first)
    assert f"/?q=%E6%9C%8D%E5%8A%A1&page={last}&s={logged}" in numbers
    assert first.find("a", rel="next")[0]["href"] == f"/?q=%E6%9C%8D%E5%8A%A1&page=2&s={logged}"
    _, second = page(client, f"/?q=服务&page=2&s={logged}")
    assert second.find("a", rel="prev")[0]["href"] == f"/?q=%E6%9C%8D%E5%8A%A1&s={logged}"
    first_ids, second_ids = set(addresses(first, r"^/doc/")), set(addresses(second, r"^/doc/"))
    assert len(second_ids) == 10 and not first_ids & second_ids
    html, _ = page(client, "/?q=服务&page=99")
    assert "第 99 页没有结果" in html


def test_page_and_json_twin_hold_the_same_data(client):
    response = client.get("/?q=服务&kind=vendor&page=2")
    twin = re.match(r'<([^>]+)>; rel="alternate"', response.headers["Link"]).group(1)
    data = client.get(twin).get_json()
    assert (data["query"], data["kind"], data["page"]) == ("服务", "vendor", 2)
    tags = Tags(response.get_data(as_text=True))
    # each result's page is the twin's, carrying the filters for its 搜索“…” breadcrumb
    assert hrefs(tags, r"^/doc/") == [hit["doc_url"] + "&kind=vendor" for hit in data["hits"]]


@pytest.mark.parametrize("query", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
                                   "javascript:alert(1)"])
def test_query_is_escaped_everywhere(client, query):
    for url in ("/", "/doc/vendor-1"):
        html, tags = page(client, url + "?" + f"q={query}".replace("&", "%26"))
        assert "<script>alert" not in html and "<img" not in html
        assert not [a for t, a in tags.tags if "onerror" in a]
        assert not hrefs(tags, r"^javascript:")
    html, tags = page(client, "/?q=" + query.replace("&", "%26"))
    assert tags.find("input", name="q", value=query)
    assert "没有找到" in html or "找到" in html


def test_unknown_kind_still_offers_the_other_facets(client):
    html, tags = page(client, "/?q=服务&kind=nothing")
    assert "没有找到" in html
    assert [a["data-kind"] for a in tags.find("a") if "data-kind" in a][:1] == [""]


def test_document_links_its_json_twins(client):
    links = client.get("/doc/vendor-13").headers["Link"]
    assert '</api/doc/vendor-13>; rel="alternate"' in links
    assert '</api/related?id=vendor-13>; rel="related"' in links


def test_document_page_and_its_twin_hold_the_same_data(client):
    response = client.get("/doc/vendor-13?q=神州")
    twin = re.match(r'<([^>]+)>; rel="alternate"', response.headers["Link"]).group(1)
    assert twin == "/api/doc/vendor-13?q=%E7%A5%9E%E5%B7%9E"
    data = client.get(twin).get_json()
    html = response.get_data(as_text=True)
    assert data["document"]["id"] == "vendor-13" and data["query"] == "神州"
    assert data["title_html"] in html and "<mark>" in data["title_html"]
    assert all(paragraph in html for paragraph in data["paragraphs_html"])
    tags = Tags(html)
    shown = set(hrefs(tags, r"^/doc/")) - {"/doc/vendor-13"}
    assert shown == {hit["doc_url"] for hit in data["mentions"] + data["similar"]}


def test_no_results_gives_tips_and_no_facets(client):
    html, tags = page(client, "/?q=量子纠缠xyz")
    assert "没有找到与“量子纠缠xyz”相关的结果" in html and "搜索建议" in html
    assert not [a for a in tags.find("a") if "data-kind" in a]


def test_correction_says_what_was_searched_and_links_the_typed_query(client):
    api = client.get("/api/search?q=華雨軟件").get_json()
    assert api["mode"] == "corrected" and api["suggestion"] == "华宇软件"
    html, tags = page(client, "/?q=華雨軟件")
    assert "以下是“<strong>华宇软件</strong>”的结果 · 仍然搜索：" in html
    typed = tags.find("a", **{"class": "as-typed"})[0]["href"]
    assert typed == f"/?q=%E8%8F%AF%E9%9B%A8%E8%BB%9F%E4%BB%B6&exact=1&s={search_id(tags)}"
    assert "没有找到“" not in html and "no good match" not in html  # no doubled, no English notice
    exact = client.get(typed.replace("/?", "/api/search?")).get_json()
    assert exact["mode"] != "corrected" and exact["suggestion"] is None


def test_notice_for_any_term_fallback(client):
    html, _ = page(client, "/?q=华宇 量子纠缠")
    assert 'class="notice"' in html and "至少包含其中一个词" in html


def test_document_page_highlights_the_query(client):
    html, tags = page(client, "/doc/vendor-10?q=華宇")
    assert "<h1><mark>华宇</mark>软件</h1>" in html
    assert "搜索“華宇”" in html and "第 10 名" in html and "榜单" in html
    article = page(client, "/doc/vendor-10")[0].split("</article>")[0]
    assert "<mark>" not in article


def test_document_page_highlights_what_matched_by_pinyin_and_synonym(client):
    assert "<h1><mark>网宿</mark>科技</h1>" in page(client, "/doc/vendor-11?q=wangsu")[0]
    assert "<mark>军队</mark>" in page(client, "/doc/vendor-41?q=部队")[0]


def test_vendor_page_lists_the_sections_that_mention_it(client):
    vendor = client.get("/api/search?q=神州数码&kind=vendor").get_json()["hits"][0]
    html, tags = page(client, vendor["doc_url"])
    assert "提到“神州数码”的文章段落" in html and "/doc/section-4" in hrefs(tags, r"^/doc/")
    assert "相似结果" in html


def test_section_page_shows_paragraphs_and_similar(client):
    html, tags = page(client, "/doc/section-4?q=存储")
    assert html.count("<p>") >= 3 and "<mark>存储</mark>" in html
    assert "相似结果" in html and "提到" not in html


@pytest.mark.parametrize("url, status, words", [
    ("/doc/nope", 404, "找不到"), ("/nope", 404, "找不到"), ("/?q=x&page=abc", 400, "page"),
    ("/?q=x&limit=0", 400, "limit"),
])
def test_error_pages_are_chinese_html(client, url, status, words):
    html, _ = page(client, url, status)
    assert words in html and "返回首页" in html and "Traceback" not in html


def test_post_to_a_page_is_405_html(client):
    response = client.post("/")
    assert response.status_code == 405 and "不支持该请求方法" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/", "/?q=华宇", "/doc/vendor-1"])
def test_pages_without_index_are_503_naming_the_fix(tmp_path, url):
    client = create_app({"TESTING": True, "INDEX": str(tmp_path / "none")}).test_client()
    html, _ = page(client, url, 503)
    assert "egov-search build" in html and str(tmp_path) not in html


def test_static_assets_are_local_and_served(client):
    for asset in ("/static/style.css", "/static/suggest.js", "/static/favicon.svg"):
        response = client.get(asset)
        assert response.status_code == 200 and b"http" not in response.data.replace(b"http://www.w3.org", b"")
