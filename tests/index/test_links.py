"""The links a build finds between documents, kept by add and delete: a 解读 and the policy it
names, and a repeal declared by a later document."""

from __future__ import annotations

import json
from pathlib import Path

from indexer import add_documents, build_index, delete_documents, open_index

READING = {"id": "jd-1", "title": "《南京市城市道路挖掘管理办法》政策解读", "published": "2021-05-02",
           "body": "近日，市政府印发了《南京市城市道路挖掘管理办法》（宁政规字〔2021〕5号）。"}
POLICY = {"id": "zc-1", "title": "市政府关于印发南京市城市道路挖掘管理办法的通知", "published": "2021-04-30",
          "doc_number": "宁政规字〔2021〕5号",
          "body": "现将《南京市城市道路挖掘管理办法》印发给你们。原《南京市道路挖掘暂行规定》同时废止。"}
OLD = {"id": "zc-0", "title": "南京市道路挖掘暂行规定", "published": "2009-01-01",
       "body": "道路挖掘暂行规定。"}


def write(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def linked(index: Path, doc_id: str) -> tuple[list[str], list[str]]:
    doc = open_index(index).document(doc_id)
    return [d["id"] for d in doc["interprets"]], [d["id"] for d in doc["interpretations"]]


def test_a_policy_added_after_its_reading_is_linked_and_unlinked_when_deleted(tmp_path):
    index = tmp_path / "index"
    build_index([write(tmp_path / "a.jsonl", READING, OLD)], index)
    assert linked(index, "jd-1") == ([], [])
    assert open_index(index).document("zc-0")["validity"] is None
    add_documents([write(tmp_path / "b.jsonl", POLICY)], index)
    assert linked(index, "jd-1") == (["zc-1"], [])
    assert linked(index, "zc-1") == ([], ["jd-1"])
    assert open_index(index).document("zc-0")["validity"] == "已废止"  # declared by the policy
    delete_documents(["zc-1"], index)
    assert linked(index, "jd-1") == ([], [])
    assert open_index(index).document("zc-0")["validity"] is None
