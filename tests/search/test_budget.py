"""Every search has a work budget: repeated terms count once, terms are capped, phrases are
bounded, and past the deadline a search answers with what it has and says so."""

from __future__ import annotations

import subprocess
import sys
import time

from indexer.search import context
from indexer.search.parse import MAX_CONCEPTS, parse
from indexer.search.tree import Term


def test_repeated_terms_count_once():
    assert parse(" ".join(["的"] * 128)).concepts == [Term("的")]
    assert parse(" ".join(["1"] * 128) + " 华宇").concepts == [Term("1"), Term("华宇")]


def test_terms_beyond_the_limit_are_left_out_with_a_notice(engine):
    words = ["智慧", "城市", "政务", "服务", "平台", "数据", "云", "安全", "医疗", "交通", "教育", "公安",
             "税务", "法院", "软件", "网络"]
    result = engine.search(" ".join(words))
    assert any(notice.code == "too_many_terms" and f"前 {MAX_CONCEPTS} 个" in notice.text
               for notice in result.notices)
    assert len(parse(" ".join(words)).concepts) == MAX_CONCEPTS


def test_past_the_deadline_a_search_answers_with_what_it_has(engine, monkeypatch):
    monkeypatch.setattr(context, "BUDGET_SECONDS", 0.0)
    result = engine.search("服务")
    assert any(notice.code == "out_of_time" for notice in result.notices)
    assert result.total < engine.doc_count()


def test_the_api_says_so_too(client, monkeypatch):
    monkeypatch.setattr(context, "BUDGET_SECONDS", 0.0)
    response = client.get("/api/search?q=服务 数据 平台")
    assert response.status_code == 200
    assert any(notice["code"] == "out_of_time" and "超过限制" in notice["message"]
               for notice in response.get_json()["notices"])


def test_a_long_repeated_phrase_is_still_answered(engine):
    result = engine.search("智慧" * 120)  # no document has it as written; its dictionary words apart
    assert result.mode == "all" and result.total == engine.search("智慧").total > 0
    assert not any(notice.code == "out_of_time" for notice in result.notices)


def test_a_long_query_that_matches_nowhere_is_split_into_a_bounded_number_of_pieces(engine, monkeypatch):
    checked = []
    matches = context.SearchContext.matches

    def counting(self, node, restriction=None):
        checked.append(node)
        return matches(self, node, restriction)

    monkeypatch.setattr(context.SearchContext, "matches", counting)
    words = "智慧城市政务服务平台数据安全医疗交通教育公安税务法院软件网络区块链人工智能"
    result = engine.search((words * 8)[:256])  # one term, found nowhere as written: a question
    assert result.mode == "question" and result.total > 0
    assert len(checked) <= 2 * MAX_CONCEPTS + 2  # a check a piece, not one a word of the text


def test_the_threads_cpu_clock_is_read_only_once_the_budget_could_have_run_out(engine, monkeypatch):
    reads = []
    clock = time.thread_time
    monkeypatch.setattr(time, "thread_time", lambda: reads.append(1) or clock())
    result = engine.search("服务 数据 平台")
    assert result.total and len(reads) <= 2  # the search's start: its deadline and the clock's
    monkeypatch.setattr(context, "BUDGET_SECONDS", 0.0)
    reads.clear()
    result = engine.search("服务 数据 平台")
    assert any(notice.code == "out_of_time" for notice in result.notices) and len(reads) > 2


def test_a_cold_start_loading_the_dictionary_is_not_the_first_search_budget(index_dir):
    # a fresh process loads jieba's dictionary on its first search (tenths of a second of CPU);
    # that is the process's start, not the search's work: the budget counts from the plan on
    script = ("import sys; from indexer import open_index; from indexer.search import context; "
              "context.BUDGET_SECONDS = 0.1; result = open_index(sys.argv[1]).search('华宇软件'); "
              "print(result.total, [notice.code for notice in result.notices])")
    done = subprocess.run([sys.executable, "-c", script, str(index_dir)], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split(None, 1) == ["1", "[]\n"]
