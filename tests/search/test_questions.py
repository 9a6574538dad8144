"""Citizens' questions: a query that reads as a question is ranked by what its words are
worth (a required core of the informative ones, the common ones scored, words side by side
rewarded), its scaffolding neither required nor scored; keyword queries stay as they were.
On the judged questions egov-search beats jieba + BM25."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer import build_index, open_index
from indexer.analysis.question import asks, fragments
from indexer.evaluate import answerable, evaluate_questions, read_questions
from indexer.search.parse import parse
from indexer.search.plan import QUESTION_PIECES

QUESTIONS = Path(__file__).parent.parent / "relevance" / "questions"


@pytest.mark.parametrize("text, kept", [
    ("退休了医保还要继续交吗？", ["退休了医保还要继续交"]),
    ("失业金领完了还没找到工作怎么办", ["失业金领完了还没找到工作"]),
    ("企业申报需要提交哪几个方面的材料", ["企业申报需要提交", "的材料"]),
    ("孩子户口迁到南京要带什么", ["孩子户口迁到南京要带"]),
    ("个体户有没有补贴", ["个体户", "补贴"]),
])
def test_the_scaffolding_of_a_question_is_recognised_as_patterns(text, kept):
    assert asks(text) and fragments(text) == kept


@pytest.mark.parametrize("q", ["居住证", "公积金 提取", "人社局 就业补贴", "市场监管局 营业执照",
                               "苏政发〔2021〕87号", '"城市 大脑"', "医保报销", "公积金提取条件"])
def test_keyword_queries_are_not_questions(gov, q):
    assert gov.view().planner.plan(parse(q)).asked is None
    assert gov.search(q).mode != "question"


@pytest.mark.parametrize("q", ["外地户口在南京怎么办理居住证", "退休以后公积金怎么取出来", "租房能取公积金吗",
                               "在南京租房子住一年最多能取多少公积金"])
def test_questions_are_ranked_as_questions(gov, q):
    plan = gov.view().planner.plan(parse(q))
    pieces = [piece.text for piece, _ in plan.asked.pieces]
    assert not {"怎么", "吗", "多少", "能"} & set(pieces), pieces
    result = gov.search(q)
    assert result.mode == "question" and result.total and not result.notices


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """Five notices: one answers the question with its rare words and none of its common ones."""
    folder = tmp_path_factory.mktemp("questions")
    common = "本市 政策 措施 通知 工作 有关 事项 办理 申请 材料"
    records = [{"id": "answer", "title": "关于开展医疗器械临床试验备案的公告",
                "body": "医疗器械临床试验机构应当在开展试验前向药品监督管理部门备案。"}]
    records += [{"id": f"other-{n}", "title": f"关于做好{n}号工作的通知",
                 "body": f"{common} 本市 政策 措施 {n} 药品 监督 工作 要求"} for n in range(4)]
    corpus = folder / "tiny.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    build_index([corpus], folder / "index", procs=1)
    return open_index(folder / "index")


def test_a_rare_word_outweighs_the_common_ones_a_document_lacks(tiny):
    # the answer lacks 本市, 政策, 措施 and 办理; 75 % of the words would have filtered it out
    result = tiny.search("本市有关医疗器械临床试验备案的政策措施怎么办理")
    assert result.mode == "question" and result.hits[0].id == "answer"


def test_words_side_by_side_are_rewarded(tiny):
    q = "医疗器械临床试验要不要备案"
    made = "\n".join(tiny.explain(q, "answer").lines())
    assert "[proximity]" in made


def test_past_the_cap_the_most_informative_pieces_are_kept(tiny):
    common = "本市 政策 措施 通知 工作 有关 事项 办理 申请 材料 要求 监督 部门 单位 规定".split()
    q = "".join(common) + "医疗器械备案"
    plan = tiny.view().planner.plan(parse(q))
    assert len(plan.asked.pieces) > 12 >= QUESTION_PIECES
    assert tiny.search(q).hits[0].id == "answer"


def test_an_abbreviation_the_dictionary_cuts_into_characters_stays_one_piece(tiny):
    # 危废 is cut into 危 废, which would be joined with 吨 into 吨危废, which no text holds;
    # kept whole it finds its full form 危险废物. Words the dictionary knows stay apart.
    planner = tiny.view().planner
    assert "危废" in [piece.text for piece in planner.question_pieces("一年出多少吨危废就要重点管")]
    assert {"碳", "市场"} <= {piece.text for piece in planner.question_pieces("纳入碳市场的企业怎么交易")}


def _engine(folder: Path, records: list[dict]):
    """An engine over ``records``, built in ``folder``."""
    corpus = folder / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    build_index([corpus], folder / "index", procs=1)
    return open_index(folder / "index")


def test_characters_joined_into_a_word_no_text_holds_count_one_by_one(tmp_path):
    # 想搞碳中和: 搞 and 碳 stand alone in the dictionary's cut and are joined into 搞碳, which no
    # text holds; its characters still count, and 碳 is what sets the answer apart
    records = [{"id": "carbon", "title": "大型活动实施指南",
                "body": "大型活动组织者应通过购买碳配额、碳信用的方式抵消活动产生的温室气体排放量。"}]
    records += [{"id": f"other-{n}", "title": f"大型活动安全管理规定 第{n}条",
                 "body": f"举办大型活动，应当制定第{n}项安全工作方案，做好人员疏导。"} for n in range(4)]
    engine = _engine(tmp_path, records)
    assert engine.search("办活动想搞碳中和要做什么").hits[0].id == "carbon"


def test_what_a_question_asks_for_ranks_the_text_that_states_it(tmp_path):
    # both articles hold the question's words; the longer one states the time limit 多久 asks for
    records = [{"id": "rule", "title": "信息公开办法 第十条",
                "body": "申请人提出政府信息公开申请的，行政机关应当予以答复。"},
               {"id": "limit", "title": "信息公开办法 第十一条",
                "body": "行政机关收到政府信息公开申请，能够当场答复的，应当当场予以答复；"
                        "不能当场答复的，应当自收到申请之日起二十个工作日内予以答复。"}]
    records += [{"id": f"other-{n}", "title": f"信息公开办法 第{n}条",
                 "body": f"本办法第{n}项规定的其他事项。"} for n in range(4)]
    engine = _engine(tmp_path, records)
    assert [hit.id for hit in engine.search("申请信息公开多久能答复").hits][:2] == ["limit", "rule"]
    assert "[asked_for]" in "\n".join(engine.explain("申请信息公开多久能答复", "limit").lines())
    assert [hit.id for hit in engine.search("申请信息公开怎么答复").hits][:2] == ["rule", "limit"]


def test_the_question_set_is_judged_and_split():
    questions = read_questions(sorted(QUESTIONS.glob("*.jsonl")))
    assert len(questions) >= 300 and len({q.id for q in questions}) == len(questions)
    assert {q.collection for q in questions} == {"gov-dev", "gov-site", "gov-articles"}
    assert 0.3 < sum(q.split == "test" for q in questions) / len(questions) < 0.5


def test_egov_search_beats_jieba_bm25_on_the_sites_questions(gov):
    questions = answerable(gov, read_questions(sorted(QUESTIONS.glob("*.jsonl"))))
    assert len(questions) >= 50
    ours, bm25 = evaluate_questions(gov, questions)
    assert ours.mrr > bm25.mrr + 0.03 and ours.recall >= bm25.recall and ours.success > bm25.success


@pytest.mark.slow
def test_egov_search_beats_jieba_bm25_on_the_real_government_documents(tmp_path):
    from bench.corpora import GOV_DEV, shared

    build_index([shared(GOV_DEV)], tmp_path / "gov-dev", procs=2)
    engine = open_index(tmp_path / "gov-dev")
    questions = answerable(engine, read_questions(sorted(QUESTIONS.glob("*.jsonl"))))
    assert len(questions) >= 250
    ours, bm25 = evaluate_questions(engine, questions)
    assert ours.mrr > bm25.mrr + 0.03 and ours.recall > bm25.recall and ours.success > bm25.success


@pytest.mark.slow
def test_egov_search_beats_jieba_bm25_on_the_articles_of_regulations(tmp_path):
    """Short documents (a regulation's articles) and the public's questions about them."""
    from bench.articles import write_articles

    documents, articles = write_articles(tmp_path / "articles.jsonl")
    assert documents >= 10 and articles >= 300
    build_index([tmp_path / "articles.jsonl"], tmp_path / "articles", procs=1)
    engine = open_index(tmp_path / "articles")
    questions = read_questions([QUESTIONS / "articles.jsonl"])
    assert answerable(engine, questions) == questions and len(questions) >= 100
    for question in questions:  # each judged answer is a span of the article it was written from
        assert question.answer in engine.document(next(iter(question.relevant)))["body"]
    ours, bm25 = evaluate_questions(engine, questions)
    assert ours.mrr > bm25.mrr + 0.02 and ours.recall > bm25.recall + 0.05 and ours.success > bm25.success
