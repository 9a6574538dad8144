"""``explain`` shows how a document's score was made: its top line is the score the search
gave the document, its lines name the ranking signals that made it, and a document the search
does not find has no explanation."""

from __future__ import annotations

import math

import pytest
from click.testing import CliRunner

from indexer.cli import main

QUERIES = ["公积金 提取", "居住证", "苏政发〔2021〕87号", "医保 报销", "生孩子 报销", "苏政办发〔2022〕",
           "外地户口在南京怎么办理居住证", "nanjing"]


@pytest.mark.parametrize("q", QUERIES)
def test_the_explanation_adds_up_to_the_score(gov, q):
    result = gov.search(q)
    assert result.hits, q
    for hit in result.hits[:5]:
        made = gov.explain(q, hit.id)
        assert made is not None and math.isclose(made.score, hit.score, abs_tol=1e-4), (q, hit.id)


def test_the_signals_that_made_a_score_are_named(gov):
    made = gov.explain("苏政发〔2021〕87号", gov.search("苏政发〔2021〕87号").hits[0].id)
    signals = {line.split("]")[0].split("[")[-1] for line in made.lines() if "[" in line}
    assert "doc_number" in signals
    made = gov.explain("公积金 提取", gov.search("公积金 提取").hits[0].id)
    text = "\n".join(made.lines())
    assert "[whole_phrase]" in text and "[title_words]" in text and "idf" in text


def test_a_document_the_search_does_not_find_has_no_explanation(gov):
    found = {hit.id for hit in gov.search("公积金 提取", per_page=100).hits}
    other = next(doc["id"] for doc in gov.all_documents() if doc["id"] not in found)
    assert gov.explain("公积金 提取", other) is None
    assert gov.explain("公积金 提取", "no-such-document") is None
    first = gov.search("公积金").hits[0]
    assert gov.explain("公积金", first.id, filters={"kind": ["attachment"]}) is None or \
        gov.document(first.id)["kind"] == "attachment"


def test_the_cli_prints_the_explanation(gov_index):
    printed = CliRunner().invoke(main, ["search", "居住证", "--limit", "2", "--explain",
                                        "--index", str(gov_index)])
    assert printed.exit_code == 0, printed.output
    assert "[title_words]" in printed.output and "idf" in printed.output
