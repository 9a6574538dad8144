"""The home page's overview (counts, facets, ranking, sections) is computed once per index
generation, by one thread however many ask at once, and again after a rebuild: counted on
the real functions, never timed."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from indexer import SearchEngine, build_index
from webui import create_app
from webui import overview as home


def test_the_overview_is_computed_once_per_generation_and_again_after_a_rebuild(tmp_path: Path, monkeypatch):
    index = tmp_path / "index"
    build_index(index_dir=index)
    listed, searched = [], []
    real_listing, real_search = home.documents_of_kind, SearchEngine.search

    def listing(engine, kind, *args, **kwargs):
        listed.append(kind)
        return real_listing(engine, kind, *args, **kwargs)

    def search(self, q, *args, **kwargs):
        searched.append(q)
        return real_search(self, q, *args, **kwargs)

    monkeypatch.setattr(home, "documents_of_kind", listing)
    monkeypatch.setattr(SearchEngine, "search", search)
    client = create_app({"TESTING": True, "INDEX": str(index), "QUERY_LOG": "0"}).test_client()

    with ThreadPoolExecutor(8) as pool:
        pages = list(pool.map(lambda _: client.get("/"), range(8)))
    assert {page.status_code for page in pages} == {200}
    for sort in ("rank", "-rank", "name", "-name"):
        overview = client.get(f"/api/overview?sort={sort}").get_json()
        assert overview["sort"] == sort and len(overview["ranking"]["items"]) == 50
    def titles(sort: str) -> list[str]:
        ranking = client.get(f"/api/overview?sort={sort}").get_json()["ranking"]
        return [vendor["title"] for vendor in ranking["items"]]

    assert titles("-name") == titles("name")[::-1] != titles("rank")
    assert listed == ["vendor", "section"] and searched == [""]

    corpus = tmp_path / "three.jsonl"
    records = [{"id": f"d{n}", "title": f"通知{n}", "body": "居住证办理", "kind": "page"} for n in range(3)]
    corpus.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), "utf-8")
    build_index([corpus], index)
    overview = client.get("/api/overview").get_json()
    assert overview["documents"] == 3 and overview["facets"]["kind"] == {"page": 3}
    assert overview["kinds"] == {"page": 3} and "ranking" not in overview and "article" not in overview
    client.get("/")
    assert listed == ["vendor", "section"] * 2 and searched == ["", ""]
