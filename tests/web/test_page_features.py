"""The results page's filters, wording, headings and basics, through the Flask test client."""

from __future__ import annotations

import gzip
import re
from datetime import date, timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from test_pages import Tags, hrefs, page

from webui import pages, timefilter

SEED_PAGES = ["/", "/?q=智慧城市", "/?q=服务&page=2", "/?q=量子纠缠xyz", "/?q=華雨軟件",
              "/doc/vendor-10?q=华宇", "/doc/section-4", "/nope"]


def params(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query, keep_blank_values=True)


def hidden(tags: Tags, form_class: str = "search") -> list[tuple[str, str]]:
    """(name, value) of the hidden inputs in the header search form."""
    pairs, inside = [], False
    for tag, attrs in tags.tags:
        if tag == "form":
            inside = attrs.get("class") == form_class
        elif inside and tag == "input" and attrs.get("type") == "hidden":
            pairs.append((attrs["name"], attrs["value"]))
    return pairs


@pytest.mark.parametrize("url", SEED_PAGES)
def test_pages_speak_chinese_only(client, url):
    html, tags = page(client, url, 404 if url == "/nope" else 200)
    text = " ".join(tags.text)
    for english in ("egov-search", "JSON", "not found", "bad request", "vendor-", "编号"):
        assert english not in text, english
    assert "brand-en" not in html


@pytest.mark.parametrize("url", SEED_PAGES)
def test_pages_have_skip_link_h1_and_description(client, url):
    _, tags = page(client, url, 404 if url == "/nope" else 200)
    skip = tags.find("a", **{"class": "skip"})
    assert skip and skip[0]["href"] == "#main" and tags.find("main", id="main")
    assert [t for t, _ in tags.tags].count("h1") == 1
    description = tags.find("meta", name="description")
    assert description and len(description[0]["content"]) > 10


def test_results_headings_and_range_on_page_two(client):
    html, tags = page(client, "/?q=服务&page=2")
    order = [t for t, _ in tags.tags if t in ("h1", "h2", "h3")]
    assert order[0] == "h1" and "h2" in order
    assert html.count('<h3 class="hit-title">') == 10
    assert order.index("h2") < order.index("h3")  # the titles sit under 结果列表
    assert "当前第 11–20 条" in html and '<ol class="hits" start="11">' in html


def test_new_search_keeps_filters_as_hidden_inputs(client):
    url = "/?q=服务&kind=vendor&from=2020-01-01&to=2020-12-31&sort=-published&in=title"
    _, tags = page(client, url)
    assert hidden(tags) == [("kind", "vendor"), ("from", "2020-01-01"), ("to", "2020-12-31"),
                            ("sort", "-published"), ("in", "title")]
    # each filter is shown, with a link that removes only it
    chips = {a["href"] for a in tags.find("a", **{"class": "chip"})}
    assert len(chips) == 3 and all("q=%E6%9C%8D%E5%8A%A1" in href for href in chips)
    assert any("kind" not in params(href) and params(href)["in"] == ["title"] for href in chips)


def test_typed_kind_marks_its_pill_and_a_parameter_says_it_overrides(client):
    html, tags = page(client, "/?" + "q=" + quote("智慧 -平安 kind:vendor"))
    active = [a for a in tags.find("a") if "facet active" in a.get("class", "")]
    assert [a["data-kind"] for a in active] == ["vendor"]
    assert html.count("badge badge-vendor") == client.get(
        "/api/search?q=" + quote("智慧 -平安 kind:vendor")).get_json()["total"]
    assert "<title>智慧 -平安 kind:vendor · 提供商 - 政务搜索</title>" in html
    everything = [a for a in tags.find("a") if a.get("data-kind") == ""][0]["href"]
    assert params(everything)["q"] == ["智慧 -平安"]  # 全部 drops the typed filter too

    html, tags = page(client, "/?" + "q=" + quote("智慧 -平安 kind:vendor") + "&kind=section")
    active = [a["data-kind"] for a in tags.find("a") if "facet active" in a.get("class", "")]
    assert active == ["section"] and "badge-vendor" not in html.split("</nav>", 1)[1]
    assert "查询中的“kind:vendor”未生效：当前按类型“文章段落”筛选。" in html
    assert "· 文章段落 - 政务搜索</title>" in html


def test_title_names_filters_and_page(client):
    html, _ = page(client, "/?q=服务&kind=vendor&page=2")
    assert "<title>服务 · 提供商 · 第 2 页 - 政务搜索</title>" in html


@pytest.mark.parametrize("total, current, expected", [
    (1000, 99, [1, None, 97, 98, 99, 100]),
    (1000, 4, [1, 2, 3, 4, 5, 6, None, 100]),  # 2 is shown, not a "…" hiding it
    (1000, 5, [1, 2, 3, 4, 5, 6, 7, None, 100]),
    (1000, 50, [1, None, 48, 49, 50, 51, 52, None, 100]),
    (30, 1, [1, 2, 3]),
])
def test_no_gap_hides_a_single_page(app, total, current, expected):
    with app.test_request_context("/?q=x"):
        links = pages.page_links({"total": total, "limit": 10, "page": current}, {"q": "x", "page": current})
    assert [n["number"] if n else None for n in links["numbers"]] == expected


def test_time_presets_map_to_from(app):
    today = date(2024, 3, 10)
    with app.test_request_context("/?q=x"):
        state = pages.search_state({"query": "x", "page": 1})

        def url(**changes):
            return pages._url(state, page=None, **changes)

        links = timefilter.time_links(state, url, today=today)
        week = params(links["presets"][1]["url"])
        assert links["presets"][0]["active"] and week["from"] == [(today - timedelta(days=7)).isoformat()]
        assert "to" not in week
        state["from"] = (today - timedelta(days=31)).isoformat()
        links = timefilter.time_links(state, url, today=today)
        assert [p["active"] for p in links["presets"]] == [False, False, True, False]
        assert not links["custom"]
        state["from"], state["to"] = "2021-01-01", "2021-06-30"
        assert timefilter.time_links(state, url, today=today)["custom"]
        # with counts, a preset that would find nothing has no link
        counted = timefilter.time_links(state, url, {"2024-03-03": 0}.get, today=today)["presets"]
        assert counted[1]["url"] is None and counted[2]["url"] and counted[2]["count"] is None
        asked = []  # nothing in the last year: the month and the week are not searched
        counted = timefilter.time_links(state, url, lambda start: asked.append(start) or 0, today=today)
        assert asked == ["2023-03-11"] and [p["count"] for p in counted["presets"]] == [None, 0, 0, 0]


def test_related_results_do_not_use_the_match_colour(client):
    html, _ = page(client, "/doc/vendor-13?q=神州")
    article, related = html.split("</article>", 1)
    assert "<mark>" in article and "<mark>" not in related
    assert 'class="shared"' in related  # shared words are marked differently


def test_gzip_for_text_over_a_kilobyte(client):
    for url in ("/doc/section-4", "/static/style.css", "/static/suggest.js", "/api/overview"):
        plain = client.get(url)
        packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
        assert packed.headers["Content-Encoding"] == "gzip", url
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert gzip.decompress(packed.data) == plain.data and len(packed.data) < len(plain.data)
        assert "Content-Encoding" not in plain.headers
    small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and "Disallow: /api/" in response.get_data(as_text=True)


def test_care_mode_is_a_cookie_link_kept_across_pages(client):
    _, tags = page(client, "/?q=服务")
    switch = tags.find("a", **{"class": "care-switch"})[0]["href"]
    assert params(switch) == {"on": ["1"], "next": ["/?q=服务"]}
    response = client.get(switch)
    assert response.status_code == 303 and response.headers["Location"] == "/?q=%E6%9C%8D%E5%8A%A1"
    assert "care=1" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    for url in ("/", "/?q=服务", "/doc/vendor-1", "/nope"):
        assert 'class=" care"' in client.get(url).get_data(as_text=True) or \
            re.search(r'<body class="[^"]*\bcare\b', client.get(url).get_data(as_text=True)), url
    _, tags = page(client, "/")
    off = tags.find("a", **{"class": "care-switch"})[0]
    assert params(off["href"])["on"] == ["0"]
    client.get(off["href"])
    assert not re.search(r'<body class="[^"]*\bcare\b', client.get("/").get_data(as_text=True))
    assert re.search(r'<body class="[^"]*\bcare\b', client.get("/?q=x&care=1").get_data(as_text=True))


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_care_switch_goes_back_only_to_this_site(client, target):
    response = client.get("/care?on=1&next=" + quote(target))
    assert response.headers["Location"] == "/"


def test_suggest_items_say_what_they_are(client):
    data = client.get("/api/suggest?q=华").get_json()
    assert [item["text"] for item in data["items"]] == data["suggestions"]
    titles = {item["text"]: item for item in data["items"] if item["type"] == "title"}
    assert {item["type_label"] for item in titles.values()} == {"名称"}
    assert titles["华宇软件"]["url"] == "/doc/vendor-10"
    assert client.get(titles["华宇软件"]["url"]).status_code == 200
    words = [item for item in client.get("/api/suggest?q=服").get_json()["items"] if item["type"] == "word"]
    assert words and all(item["url"] is None for item in words)
    sections = client.get("/api/suggest?q=案例").get_json()["items"]
    assert any((item["type"], item["type_label"]) == ("section", "段落标题")
               and item["url"].startswith("/doc/section-") for item in sections)


def test_no_results_tips_teach_filters_in_words(client):
    html, _ = page(client, "/?q=量子纠缠xyz")
    tips = html.split('<ul class="tips">', 1)[1].split("</ul>", 1)[0]
    assert "kind:" not in tips and "rank:" not in tips and "<code>" not in tips
    assert "发布机构" in tips and "发布时间" in tips and "只搜标题" in tips


# --- the government collection: facets, time, sort, scope, metadata on each hit ---

def test_government_facets_list_counts_and_toggle(gov_client):
    api = gov_client.get("/api/search?q=医疗").get_json()
    html, tags = page(gov_client, "/?q=医疗")
    for name, label in pages.FACETS.items():
        counts = api["facets"][name]
        if not counts:
            continue
        assert f">{label}</h3>" in html
        links = [a for a in tags.find("a") if a.get("data-facet") == name]
        assert len(links) == len(counts)
        for link in links:
            chosen = params(link["href"])[name]
            assert len(chosen) == 1 and chosen[0] in counts
    years = [a for a in tags.find("a") if a.get("data-facet") == "year"]
    assert len(years) == len(api["facets"]["year"]) > 0


def test_government_facet_link_filters_and_untoggles(gov_client):
    api = gov_client.get("/api/search?q=医疗").get_json()
    publisher, count = max(api["facets"]["publisher"].items(), key=lambda item: item[1])
    _, tags = page(gov_client, "/?q=医疗")
    link = [a for a in tags.find("a") if a.get("data-facet") == "publisher"
            and params(a["href"])["publisher"] == [publisher]][0]
    html, filtered = page(gov_client, link["href"])
    assert gov_client.get(link["href"].replace("/?", "/api/search?")).get_json()["total"] == count
    assert ("publisher", publisher) in hidden(filtered) and publisher in html.split("<title>")[1]
    chosen = [a for a in filtered.find("a")
              if a.get("data-facet") == "publisher" and "active" in a.get("class", "")]
    assert len(chosen) == 1 and "publisher" not in params(chosen[0]["href"])


def test_government_year_facet_toggles_the_year_filter(gov_client):
    api = gov_client.get("/api/search?q=医疗").get_json()
    year, count = sorted(api["facets"]["year"].items())[0]
    _, tags = page(gov_client, "/?q=医疗")
    link = [a for a in tags.find("a")
            if a.get("data-facet") == "year" and params(a["href"])["year"] == [year]][0]
    filtered = gov_client.get(link["href"].replace("/?", "/api/search?")).get_json()
    assert filtered["total"] == count
    assert all(hit["published"].startswith(year) for hit in filtered["hits"])
    html, tags = page(gov_client, link["href"])
    chosen = [a for a in tags.find("a") if a.get("data-facet") == "year" and "active" in a.get("class", "")]
    assert len(chosen) == 1 and "year" not in params(chosen[0]["href"]) and f"{year} 年" in html


def test_government_sort_and_scope_links(gov_client):
    _, tags = page(gov_client, "/?q=医疗")
    options = {a["href"]: a for a in tags.find("a") if "option" in a.get("class", "")}
    newest = [href for href in options if params(href).get("sort") == ["-published"]]
    title = [href for href in options if params(href).get("in") == ["title"]]
    assert newest and title
    hits = gov_client.get(newest[0].replace("/?", "/api/search?")).get_json()["hits"]
    dates = [hit["published"] for hit in hits if hit["published"]]
    assert dates == sorted(dates, reverse=True)
    for hit in gov_client.get(title[0].replace("/?", "/api/search?")).get_json()["hits"]:
        assert "医疗" in hit["title"] or "<mark>" in hit["title_html"]


def test_government_hits_show_date_publisher_and_doc_number(gov_client):
    api = gov_client.get("/api/search?q=通知&limit=50").get_json()
    html, _ = page(gov_client, "/?q=通知&limit=50")
    numbered = [hit for hit in api["hits"] if hit["doc_number"]]
    assert numbered, "the collection has documents with a 文号"
    for hit in api["hits"]:
        for field in ("published", "publisher", "doc_number"):
            if hit[field]:  # a joint document's publishers are listed with 、
                shown = "、".join(hit[field]) if isinstance(hit[field], list) else hit[field]
                assert f">{shown}</span>" in html.replace("&amp;", "&")
        assert hit["doc_url"] in html.replace("&amp;", "&")


def test_government_filters_survive_a_new_search(gov_client):
    api = gov_client.get("/api/search?q=医疗").get_json()
    publisher = next(iter(api["facets"]["publisher"]))
    url = "/?q=医疗&publisher=" + quote(publisher) + "&from=2020-01-01&sort=-published"
    _, tags = page(gov_client, url)
    kept = hidden(tags)
    assert {("publisher", publisher), ("from", "2020-01-01"), ("sort", "-published")} <= set(kept)
    # the custom-date form keeps the other filters and sends its own dates
    dates = hidden(tags, "dates")
    assert ("publisher", publisher) in dates and not [name for name, _ in dates if name in ("from", "to")]
    assert hrefs(tags, r"publisher=")  # facet links carry it too


def test_raw_utf_8_url_answers_the_page(live_server):
    from raw_http import exchange

    port = live_server["port"]
    status, _, body = exchange(port, "GET /?q=智慧城市 HTTP/1.1\r\nHost: e\r\n\r\n".encode())
    assert status == 200 and "“智慧城市”的搜索结果" in body.decode()
    status, _, body = exchange(port, "GET /doc/vendor-10?q=华宇 HTTP/1.1\r\nHost: e\r\n\r\n".encode())
    assert status == 200 and "<mark>华宇</mark>" in body.decode()
    status, _, _ = exchange(port, b"GET /?q=\xff\xfe HTTP/1.1\r\nHost: e\r\n\r\n")
    assert status == 200  # not UTF-8: read as U+FFFD, like any bad percent-encoding
