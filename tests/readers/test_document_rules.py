"""Every document meets the same rules whichever reader made it: valid Unicode, an id that is
safe in a URL, a rank that fits 64 bits; a record that breaks one is named by file and line."""

from __future__ import annotations

import json
import re

import pytest

from indexer import CorpusError, load_documents

GOOD = '{"id": "ok", "title": "标题", "body": "正文"}'


def record(**fields) -> str:
    """A JSON line of a valid record changed by ``fields``."""
    return json.dumps({"id": "x", "title": "标题", "body": "正文", **fields}, ensure_ascii=True)


BAD = {
    "lone surrogate in the title": (record(title="标\ud800题"),
                                    r"'title' holds the lone surrogate '\\ud800' at character 1"),
    "lone surrogate in the id": (record(id="a\udfff"), r"'id' holds the lone surrogate '\\udfff'"),
    "lone surrogate in the body": (record(body="\ud800"), r"'body' holds the lone surrogate"),
    "lone surrogate in another field": (record(source="\udc80"), r"'source' holds the lone surrogate"),
    "rank past 2**63-1": (record(rank=2**63), r"'rank' must be an integer from -9223372036854775808 "
                                              r"to 9223372036854775807"),
    "rank below -2**63": (record(rank=-(2**63) - 1), r"'rank' must be an integer from"),
    "rank of 5000 digits": ('{"id": "x", "title": "t", "body": "b", "rank": ' + "9" * 5000 + "}",
                            r"malformed JSON: Exceeds the limit"),
    "rank not an integer": (record(rank="3"), r"'rank' must be an integer"),
    "deeply nested JSON": ('{"id": "x", "title": "t", "body": "b", "meta": ' + "[" * 100_000
                           + "]" * 100_000 + "}", r"malformed JSON: nested too deeply"),
    "'..' segment in the id": (record(id="a/../b"), r"id 'a/../b' has a '\.\.' segment"),
    "'.' segment in the id": (record(id="./b"), r"id './b' has a '\.' segment"),
    "id that is '..'": (record(id=".."), r"id '\.\.' has a '\.\.' segment"),
    "newline in the id": (record(id="a\nb"), r"id 'a\\nb' holds the control character '\\n'"),
    "carriage return in the id": (record(id="a\r"), r"id '.+' holds the control character '\\r'"),
    "NUL in the id": (record(id="a\x00b"), r"id '.+' holds the control character '\\x00'"),
    "DEL in the id": (record(id="a\x7f"), r"id '.+' holds the control character '\\x7f'"),
    "C1 control in the id": (record(id="a\x85"), r"id '.+' holds the control character '\\x85'"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_record_names_its_file_and_line(tmp_path, case):
    line, reason = BAD[case]
    path = tmp_path / "bad.jsonl"
    path.write_text(f"{GOOD}\n{line}\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=rf"^{re.escape(str(path))}:2: {reason}") as err:
        list(load_documents([path]))
    assert err.value.line == 2
    str(err.value).encode("utf-8")  # the message itself can be printed and sent


@pytest.mark.parametrize("doc_id", ["a.b", "a/.hidden", "..a", "a../b", "a//b", "/a/", "政务/公开 1",
                                    "a?b#c", "a%2e%2e"])
def test_ids_that_are_safe_in_a_url_are_kept(tmp_path, doc_id):
    path = tmp_path / "ok.jsonl"
    path.write_text(record(id=doc_id, rank=2**63 - 1) + "\n", encoding="utf-8")
    assert [(d.id, d.rank) for d in load_documents([path])] == [(doc_id, 2**63 - 1)]
