"""What editors set beside an index, as search reads it at once: validity (read into its field,
shown, ranked, filtered and set by hand), pinned answers, synonym groups, office aliases and
the links between a 政策解读 and its policy."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from indexer import build_index, config, open_index
from indexer.editors.state import EDITORS
from indexer.editors.store import EditorsFile
from indexer.editors.wordlists import SYNONYMS, add_group

TEXT = "申请城市道路占用挖掘许可需要提交施工方案和交通组织方案。"
RECORDS = [  # the repealed one first: with equal scores it would come first without the demotion
    {"id": "old", "title": "城市道路占用挖掘管理办法", "body": TEXT, "validity": "已废止",
     "publisher": "中华人民共和国人力资源和社会保障部", "published": "2015-03-01"},
    {"id": "new", "title": "城市道路占用挖掘管理办法", "body": TEXT, "validity": "有效",
     "publisher": "人社部", "published": "2021-03-01"},
    {"id": "titled", "title": "关于开展道路检查的通知（已失效）", "body": "开展道路检查。",
     "publisher": "南京日报", "published": "2016-01-01"},
    {"id": "plain", "title": "居民用水价格调整方案", "body": "居民阶梯水价。", "published": "2020-01-01"},
]
GOV_SITE = Path(__file__).parent.parent / "relevance" / "gov" / "site"
ALIASES = ["人力资源社会保障部 = 中华人民共和国人力资源和社会保障部 人社部", "- 南京日报"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of ``RECORDS`` built with the editors' alias table beside it."""
    folder = tmp_path_factory.mktemp("editors")
    corpus = folder / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS), encoding="utf-8")
    aliases = config.beside_index("aliases.txt", folder / "index")
    aliases.write_text("\n".join(ALIASES) + "\n", encoding="utf-8")
    build_index([corpus], folder / "index")
    return folder / "index"


@pytest.fixture
def index(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built index: the editors' files of one test are not another's."""
    shutil.copytree(built, tmp_path / "index", symlinks=True)
    return tmp_path / "index"


def ids(result) -> list[str]:
    return [hit.id for hit in result.hits]


def test_validity_is_read_from_its_field_and_from_the_title(index):
    hits = {hit.id: hit.fields["validity"] for hit in open_index(index).search("", per_page=10).hits}
    assert hits == {"old": "已废止", "new": "现行有效", "titled": "已失效", "plain": None}


def test_repealed_ranks_below_valid_for_the_same_match(index):
    assert ids(open_index(index).search("道路占用挖掘")) == ["new", "old"]


def test_validity_facet_and_filter(index):
    engine = open_index(index)
    assert engine.search("").facets["validity"] == {"已失效": 1, "已废止": 1, "现行有效": 1}
    assert ids(engine.search("道路", filters={"validity": ["现行有效"]})) == ["new"]
    assert sorted(ids(engine.search("道路", filters={"validity": ["已废止", "已失效"]}))) == ["old", "titled"]


def test_an_editors_validity_takes_effect_without_a_rebuild(index):
    engine = open_index(index)
    EditorsFile(config.beside_index(EDITORS, index)).set_validity("new", "已废止")
    EditorsFile(config.beside_index(EDITORS, index)).set_validity("old", "现行有效")
    assert ids(engine.search("道路占用挖掘")) == ["old", "new"]
    assert engine.document("new")["validity"] == "已废止"
    assert ids(engine.search("道路", filters={"validity": ["现行有效"]})) == ["old"]
    assert engine.search("道路").facets["validity"] == {"已失效": 1, "已废止": 1, "现行有效": 1}
    EditorsFile(config.beside_index(EDITORS, index)).set_validity("new", None)
    assert engine.document("new")["validity"] == "现行有效"


def test_aliases_name_each_office_once_and_drop_a_newspaper(index):
    facet = open_index(index).search("").facets["publisher"]
    assert facet == {"人力资源社会保障部": 2}


def test_pinned_answers_exact_contains_and_dates(index):
    engine = open_index(index)
    editors = EditorsFile(config.beside_index(EDITORS, index))
    assert engine.search("水价").pinned == []
    editors.add_pin("水价", doc_id="plain")
    editors.add_pin("道路", match="contains", title="道路挖掘许可网上办理",
                    url="https://zwfw.example.gov.cn/dl", description="在线申请")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    editors.add_pin("道路", match="contains", title="过期的链接", url="https://example.gov.cn/old",
                    expires=yesterday)
    [pinned] = engine.search("水价").pinned
    assert (pinned.doc_id, pinned.title) == ("plain", "居民用水价格调整方案")
    assert pinned.description == "居民阶梯水价。"  # the text's start, where the editor wrote none
    assert engine.search("水价 调整").pinned == []  # exact: the whole query only
    assert [p.title for p in engine.search("城市道路 许可").pinned] == ["道路挖掘许可网上办理"]
    assert engine.search("城市道路 许可", page=2).pinned == []
    assert engine.search("城市道路 许可").to_dict()["pinned"][0]["url"] == "https://zwfw.example.gov.cn/dl"


def test_a_synonym_group_added_beside_the_index_is_searched_at_once(index):
    engine = open_index(index)
    assert engine.search("开挖马路").total == 0
    add_group(config.beside_index(SYNONYMS, index), ["开挖马路", "道路占用挖掘"])
    assert sorted(ids(engine.search("开挖马路"))) == ["new", "old"]


def test_an_interpretation_and_its_policy_link_each_other(gov):
    policy = "www.ndrc.gov.cn/xxgk/zcfb/fzggwl/201803/t20180330_960918.html"
    reading = "www.ndrc.gov.cn/xxgk/jd/jd/201806/t20180606_962013.html"
    hit = next(hit for hit in gov.search("必须招标的工程项目规定").hits if hit.id == policy)
    assert [doc["id"] for doc in hit.interpretations] == [reading]
    assert gov.document(reading)["interprets"] == [{"id": policy, "title": "必须招标的工程项目规定"}]
    assert gov.document(policy)["interprets"] == []


def test_the_government_sites_office_names_are_merged_in_the_facet(gov, tmp_path):
    forms = {"人力资源社会保障部", "中华人民共和国人力资源和社会保障部", "人力资源社会保障部新闻中心"}
    table = config.beside_index("aliases.txt", tmp_path / "gov")
    lines = f"人力资源社会保障部 = {' '.join(sorted(forms))}\n- 南京日报 浦东时报\n"
    table.write_text(lines, encoding="utf-8")
    build_index([GOV_SITE], tmp_path / "gov")
    facet = open_index(tmp_path / "gov").search("").facets["publisher"]
    expected = sum(1 for doc in gov.all_documents() if forms & set(doc.get("publisher") or []))
    assert expected >= 5 and facet["人力资源社会保障部"] == expected
    assert not (forms - {"人力资源社会保障部"}) & set(facet) and not {"南京日报", "浦东时报"} & set(facet)
    assert facet["财政部"] == gov.search("").facets["publisher"]["财政部"]  # a joint one's other office


def test_a_synonym_file_with_a_mistake_keeps_the_last_good_groups(index, caplog):
    engine = open_index(index)
    path = config.beside_index(SYNONYMS, index)
    add_group(path, ["开挖马路", "道路占用挖掘"])
    assert engine.search("开挖马路").total == 2
    path.write_text("开挖马路 道路占用挖掘\n孤零零\n", encoding="utf-8")  # a group of one: refused
    assert engine.search("开挖马路").total == 2
    assert "kept the last good version" in caplog.text and ":2:" in caplog.text
    path.unlink()
    assert engine.search("开挖马路").total == 0
