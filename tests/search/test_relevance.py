"""Relevance: the metrics on hand-computed examples, and egov-search against both baselines."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.evaluate import QrelsError, evaluate, read_qrels
from indexer.evaluate.metrics import dcg, ndcg, recall, reciprocal_rank
from webui.cli import main

QRELS = Path(__file__).parent.parent / "relevance" / "qrels.tsv"


def test_dcg_uses_exponential_gain_and_log_discount():
    assert dcg([3, 0, 1]) == pytest.approx(7 + 0 + 1 / 2)
    assert dcg([]) == 0


def test_ndcg_is_one_for_the_ideal_order_and_less_otherwise():
    judged = {"a": 3, "b": 1, "c": 0}
    assert ndcg(["a", "b", "c"], judged) == 1
    assert ndcg(["b", "a"], judged) == pytest.approx((1 + 7 / math.log2(3)) / (7 + 1 / math.log2(3)))
    assert ndcg(["x", "y"], judged) == 0
    assert ndcg(["a"], {"a": 0}) == 0  # nothing relevant: nothing to gain


def test_ndcg_counts_only_the_top_k():
    judged = {"z": 3}
    assert ndcg([*"abcdefghij", "z"], judged) == 0
    assert ndcg([*"abcdefghi", "z"], judged) == pytest.approx(1 / math.log2(11))


def test_reciprocal_rank_and_recall():
    judged = {"a": 2, "b": 1, "c": 0}
    assert reciprocal_rank(["c", "x", "b"], judged) == pytest.approx(1 / 3)
    assert reciprocal_rank(["c"], judged) == 0
    assert recall(["a", "c"], judged) == 0.5
    assert recall(["b", "a"], judged) == 1


def test_read_qrels_skips_comments_and_header(tmp_path):
    path = tmp_path / "q.tsv"
    path.write_text("query\tdoc_id\tgrade\n# names\n华宇\tvendor-10\t3\n\n华宇\tx\t0\n", encoding="utf-8")
    assert read_qrels(path) == {"华宇": {"vendor-10": 3, "x": 0}}


@pytest.mark.parametrize("text, message", [
    ("华宇\tvendor-10\n", "q.tsv:1: expected query<TAB>doc id<TAB>grade"),
    ("华宇\tvendor-10\t5\n", "q.tsv:1: grade must be 0, 1, 2 or 3"),
    ("# only a comment\n", "no judgments"),
])
def test_read_qrels_rejects_bad_lines(tmp_path, text, message):
    path = tmp_path / "q.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QrelsError, match=message):
        read_qrels(path)


def test_shipped_judgments_cover_the_issue_categories():
    judgments = read_qrels(QRELS)
    assert len(judgments) >= 40
    for query in ("华宇软件", "工场", "云", "智慧城市", "智慧 医疗", "華宇軟件", "ＱｉｎｇＣｌｏｕｄ",
                  "wangsu", "hyrj", "华雨软件", "部队"):
        assert query in judgments


def test_engine_beats_both_baselines(engine):
    ours, jieba_whoosh, substring = evaluate(engine, read_qrels(QRELS))
    assert (ours.system, jieba_whoosh.system, substring.system) == ("egov-search", "jieba + Whoosh",
                                                                   "substring")
    for baseline in (jieba_whoosh, substring):
        assert ours.ndcg > baseline.ndcg
        assert ours.mrr > baseline.mrr
        assert ours.recall > baseline.recall


def test_cli_eval_prints_the_table_and_breaks_scores_down_by_category(index_dir):
    result = CliRunner().invoke(main, ["eval", str(QRELS), "--index", str(index_dir), "--details"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "| system | nDCG@10 | MRR | Recall@10 |" in lines
    assert [line.split("|")[1].strip() for line in lines if line.startswith("| ") and "0." in line] == [
        "egov-search", "jieba + Whoosh", "substring"]
    assert "nDCG@10 by category" in result.output
    pinyin = next(line for line in lines if line.endswith("pinyin initials of titles"))
    ours, jieba_whoosh, substring = (float(value) for value in pinyin.split()[:5:2])
    assert ours > jieba_whoosh and ours > substring


def test_read_qrels_keeps_the_section_headings_as_categories(tmp_path):
    path = tmp_path / "q.tsv"
    path.write_text("# names\n华宇\tvendor-10\t3\n# pinyin\nhyrj\tvendor-10\t3\n", encoding="utf-8")
    assert read_qrels(path).categories == {"华宇": "names", "hyrj": "pinyin"}


def test_cli_eval_with_a_bad_file_says_why(tmp_path, index_dir):
    bad = tmp_path / "bad.tsv"
    bad.write_text("华宇\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(bad), "--index", str(index_dir)])
    assert result.exit_code == 1 and "bad.tsv:1" in result.output and "Traceback" not in result.output
    missing = CliRunner().invoke(main, ["eval", str(tmp_path / "none.tsv"), "--index", str(index_dir)])
    assert missing.exit_code == 2 and "does not exist" in missing.output


GOV_QRELS = QRELS.parent / "gov" / "qrels.tsv"


def test_government_judgments_cover_the_issue_categories():
    judgments = read_qrels(GOV_QRELS)
    assert len(judgments) >= 40
    categories = " ".join(set(judgments.categories.values()))
    for category in ("topics", "colloquial", "abbreviations", "document numbers", "office",
                     "Traditional", "place", "long questions"):
        assert category in categories


def test_engine_beats_both_baselines_on_government_pages(gov):
    ours, jieba_whoosh, substring = evaluate(gov, read_qrels(GOV_QRELS))
    for baseline in (jieba_whoosh, substring):
        assert ours.ndcg > baseline.ndcg and ours.mrr > baseline.mrr and ours.recall > baseline.recall
