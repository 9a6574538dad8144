"""Government pages as visitors search them: metadata, 文号 however typed, filters, facets,
sorting and the title scope, through the engine, the CLI and the JSON API."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from webui import create_app
from webui.cli import main

NUMBER = "苏政发〔2021〕87号"
TYPED = ["苏政发〔2021〕87号", "苏政发[2021]87号", "苏政发(2021)87号", "苏政发（2021）87号",
         "苏政发〔2021〕第87号", "苏政发2021年87号", "苏政发 2021 87号", "苏政发〔２０２１〕８７号"]


@pytest.fixture(scope="module")
def api(gov_index):
    return create_app({"TESTING": True, "INDEX": str(gov_index)}).test_client()


def test_pages_and_attachments_carry_their_metadata(gov):
    docs = {doc["id"]: doc for doc in gov.all_documents()}
    assert sum(doc["kind"] == "attachment" for doc in docs.values()) >= 6
    page = next(doc for doc in docs.values() if doc.get("doc_number") == NUMBER)
    assert page["publisher"] and page["published"] == "2021-12-06" and page["written"] == "2021-11-29"
    assert page["site"] == "江苏省人民政府" and page["url"].startswith("http")
    assert "社会保障" in page["topic"]
    gbk = [doc for doc in docs.values() if doc.get("encoding") in ("gb18030", "gbk", "gb2312")]
    assert gbk and all("\ufffd" not in doc["title"] + doc["body"] for doc in gbk)
    assert all("当前位置" not in doc["body"] and "网站标识码" not in doc["body"] for doc in docs.values())


@pytest.mark.parametrize("typed", TYPED)
def test_a_document_number_however_typed_finds_its_document_first(gov, typed):
    first = gov.search(typed).hits[0]
    assert first.fields["doc_number"] == NUMBER
    citing = [hit for hit in gov.search(typed).hits[1:] if NUMBER in hit.snippet.replace("<mark>", "")
              .replace("</mark>", "")]
    assert all(hit.score < first.score / 2 for hit in citing)


def test_an_order_number_with_or_without_di(gov):
    with_di, without = gov.search("国家发展改革委令第16号").hits, gov.search("国家发展改革委令16号").hits
    assert with_di[0].id == without[0].id and with_di[0].fields["doc_number"].endswith("令第16号")


def test_a_series_finds_every_number_newest_first(gov):
    hits = gov.search("苏政办发〔2022〕").hits
    numbers = [hit.fields["doc_number"] for hit in hits]
    assert len(numbers) >= 2 and all(n.startswith("苏政办发〔2022〕") for n in numbers)
    dates = [hit.fields["published"] for hit in hits]
    assert dates == sorted(dates, reverse=True)


def test_filters_facets_and_sorting(gov):
    everything = gov.search("公积金")
    publishers = everything.facets["publisher"]
    publisher = next(iter(publishers))
    only = gov.search("公积金", filters={"publisher": [publisher]})
    assert only.total == publishers[publisher] and all(publisher in h.fields["publisher"] for h in only.hits)
    assert only.facets["publisher"] == publishers  # a facet is counted without its own filter
    years = everything.facets["year"]
    assert sum(years.values()) <= everything.total
    newest = gov.search("公积金", sort="-published").hits
    dates = [hit.fields["published"] for hit in newest if hit.fields["published"]]
    assert dates == sorted(dates, reverse=True)
    in_2022 = gov.search("公积金 published:2022")
    assert in_2022.total == years["2022"]
    assert all(h.fields["published"].startswith("2022") for h in in_2022.hits)


def test_the_title_scope(gov):
    titles = gov.search("公积金", scope="title")
    assert titles.total and all("公积金" in hit.title for hit in titles.hits)
    assert titles.total < gov.search("公积金").total


def test_a_question_finds_what_it_asks_about(gov):
    result = gov.search("外地户口在本市怎么办理居住证")
    assert result.hits and "居住证" in result.hits[0].title


def test_an_abbreviation_finds_the_official_term(gov):
    hits = gov.search("医保").hits
    assert hits and any("医疗保障" in hit.title or "医疗保险" in hit.title for hit in hits[:3])


def test_json_api_filters_sort_and_scope(api):
    url = "/api/search?q=公积金&sort=-published&publisher=南京住房公积金管理中心&in=title"
    data = api.get(url).get_json()
    assert data["filters"] == {"publisher": ["南京住房公积金管理中心"]}
    assert (data["sort"], data["in"]) == ("-published", "title")
    hit = data["hits"][0]
    assert {"url", "doc_url", "published", "written", "publisher", "doc_number", "topic", "column",
            "site", "validity", "interpretations", "interprets"} <= set(hit)
    assert set(data["facets"]) == {"kind", "year", "publisher", "topic", "column", "site", "validity"}
    dated = api.get("/api/search?q=公积金&from=2022-01-01&to=2022-12-31").get_json()
    assert dated["total"] and all(h["published"].startswith("2022") for h in dated["hits"])
    two = api.get("/api/search?q=公积金&year=2021&year=2023").get_json()
    assert {h["published"][:4] for h in two["hits"]} <= {"2021", "2023"}


@pytest.mark.parametrize("query, message", [
    ("from=2021-13-01", "参数 from 必须是日期"), ("sort=newest", "参数 sort 只能是"),
    ("in=body", "参数 in 只能是")])
def test_json_api_rejects_bad_parameters(api, query, message):
    response = api.get(f"/api/search?q=公积金&{query}")
    assert response.status_code == 400 and message in response.get_json()["error"]["message"]


def test_cli_filters(gov_index):
    result = CliRunner().invoke(main, ["search", "公积金", "--index", str(gov_index), "--year", "2023",
                                       "--sort", "-published", "--in", "title"])
    assert result.exit_code == 0, result.output
    assert "2023-" in result.output and "2022-" not in result.output


def test_an_attachment_is_found_by_the_text_of_the_links_to_it(gov):
    attachment = next(doc for doc in gov.all_documents()
                      if doc["kind"] == "attachment" and doc.get("link_text"))
    words = attachment["link_text"].replace("附件：", "").rsplit(".", 1)[0]
    hits = gov.search(f'"{words}"', scope="all").hits
    assert attachment["id"] in [hit.id for hit in hits[:3]]


def test_too_many_filter_values_or_a_bad_one_are_refused(api, gov_index):
    many = "&".join(f"publisher=机构{n}" for n in range(21))
    response = api.get(f"/api/search?q=公积金&{many}")
    assert response.status_code == 400 and "最多 20 个" in response.get_json()["error"]["message"]
    result = CliRunner().invoke(main, ["search", "公积金", "--index", str(gov_index), "--from", "2021-02-30"])
    assert result.exit_code == 2 and "is not a value of 'published'" in result.output


def test_a_mirror_page_without_an_address_gets_its_host(gov):
    docs = [doc for doc in gov.all_documents() if doc["url"]]
    assert docs and all(doc["url"].startswith("http") for doc in docs)
    assert all("/www." not in doc["url"].split("://", 1)[1] for doc in docs)  # no host folder twice
