"""What one document can put on a page is bounded: a page labelled with 20,000 topics and 50,000
keywords keeps 50 of each (the rest counted in the build's summary), facet lists show at most 20
values, and its document page folds the long lists."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from hostile_files import TEXT, many_values_page, page
from test_audits import AXE, SIZES, axe_at_each_size

from webui import create_app
from webui.cli import main


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """An index of a site whose one page has 20,000 topics and 50,000 keywords."""
    folder = tmp_path_factory.mktemp("values")
    site = folder / "site"
    site.mkdir()
    (site / "many.html").write_text(many_values_page(20_000, 50_000), encoding="utf-8")
    for number in range(3):
        (site / f"p{number}.html").write_text(page(f"医疗保险通知{number}", f"<p>{TEXT}</p>"),
                                               encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--corpus", str(site), "--index", str(folder / "ix")])
    assert result.exit_code == 0, result.output
    assert "(page 4); no file skipped; 1 cut: 1 values past 50 a field dropped" in result.output
    return folder / "ix"


@pytest.fixture(scope="module")
def client(index):
    """The app over that index."""
    return create_app({"TESTING": True, "INDEX": str(index), "QUERY_LOG": "0"}).test_client()


def test_a_document_keeps_fifty_values_of_a_field(client):
    doc = client.get("/api/documents/many.html").get_json()["document"]
    assert doc["topic"] == [f"主题{n}" for n in range(50)]
    assert doc["keywords"] == [f"词{n}" for n in range(50)]


def test_facets_list_at_most_twenty_values_and_the_one_filtered_on(client):
    found = client.get("/api/search?q=医疗保险").get_json()
    assert found["total"] == 4 and len(found["facets"]["topic"]) == 20
    chosen = client.get("/api/search?q=医疗保险&topic=主题49").get_json()
    assert len(chosen["facets"]["topic"]) == 21 and chosen["facets"]["topic"]["主题49"] == 1
    html = client.get("/?q=医疗保险").get_data(as_text=True)
    assert len(re.findall(r'data-facet="topic"', html)) == 20 and "更多主题分类" in html
    assert len(html) < 100_000


def test_the_document_page_folds_long_value_lists(client):
    html = client.get("/doc/many.html").get_data(as_text=True)
    shown = "、".join(f"主题{n}" for n in range(10))
    rest = "、".join(f"主题{n}" for n in range(10, 50))
    assert f"<dd>{shown}<details><summary>其余 40 个</summary>{rest}</details></dd>" in html
    assert len(html) < 100_000


@pytest.mark.browser
def test_axe_finds_nothing_on_a_document_page_with_its_lists_unfolded(index, browser, tmp_path):
    def ready(tab):
        tab.locator("dl.fields summary").first.click()
        assert tab.locator("dl.fields details[open]").count() == 1

    axe_source = AXE.read_text(encoding="utf-8")
    found = axe_at_each_size(browser, index, tmp_path, "/doc/many.html", ready, axe_source)
    assert found == {size: [] for size in SIZES}
