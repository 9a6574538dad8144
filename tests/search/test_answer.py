"""最佳答案: for a question, a passage of the top document, taken as written, that holds what
the question asks; none for keyword queries or when asked not to; it holds the judged answer
for most of the site's questions whose top document is the right one."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.evaluate import answerable, evaluate_questions, read_questions
from indexer.search.answer import MAX_CHARS, best_answer

QUESTIONS = Path(__file__).parent.parent / "relevance" / "questions"


@pytest.mark.parametrize("q", ["租房能取公积金吗", "在南京租房子住，一年最多能取多少公积金？",
                               "外地户口在南京怎么办理居住证"])
def test_a_question_gets_a_passage_of_its_top_document(gov, q):
    result = gov.search(q)
    answer = result.answer
    assert answer is not None and answer.doc_id == result.hits[0].id
    body = gov.document(answer.doc_id)["body"]
    assert body[answer.start:answer.end] == answer.text and 0 < len(answer.text) <= MAX_CHARS
    assert result.to_dict()["answer"]["text"] == answer.text


def test_the_passage_holds_the_number_a_how_much_question_asks(gov):
    answer = gov.search("在南京租房子住，一年最多能取多少公积金？").answer
    assert "18000元" in answer.text


def test_keyword_queries_and_later_pages_get_none(gov):
    assert gov.search("公积金 提取").answer is None
    assert gov.search("租房能取公积金吗", page=2).answer is None
    assert gov.search("租房能取公积金吗", answer=False).answer is None


def test_nothing_is_shown_without_a_confident_passage():
    pieces = [(["医疗器械"], 3.0), (["临床试验"], 3.0), (["备案"], 2.0)]
    question = "医疗器械临床试验要备案吗"
    assert best_answer("a", "通知", "本市召开会议。研究部署工作。", pieces, question) is None
    found = best_answer("a", "通知", "本市召开会议。医疗器械临床试验应当备案。研究部署工作。", pieces,
                        "医疗器械临床试验要备案吗")
    assert found is not None and "应当备案" in found.text


def test_a_question_in_a_press_conference_gives_way_to_the_reply():
    body = ("问：据报道，老挝发生一起旅游大巴交通事故，造成中国游客伤亡，中方对此有何回应？\n"
            "答：使馆已启动应急机制，已有3人不幸遇难。")
    pieces = [(["老挝"], 3.0), (["旅游大巴"], 3.0), (["交通事故"], 3.0), (["中国游客"], 2.0)]
    found = best_answer("t", "例行记者会", body, pieces, "老挝旅游大巴交通事故中国游客怎么样了")
    assert found.text.startswith("使馆已启动应急机制") and "问" not in found.text


def test_the_passage_holds_the_judged_answer_for_most_site_questions(gov):
    questions = answerable(gov, read_questions(sorted(QUESTIONS.glob("*.jsonl"))))
    ours, _ = evaluate_questions(gov, questions)
    assert ours.answers is not None and ours.answers >= 0.7


def test_a_list_read_as_one_clause_is_answered_by_its_item():
    cities = ("沈阳", "大连", "鞍山", "抚顺", "本溪", "丹东", "锦州")
    districts = ("和平", "沈河", "铁西", "皇姑")
    names = "、".join(f"{city}市{district}区" for city in cities for district in districts)
    body = f"附件：第五批示范区名单（100个）北京市海淀区、怀柔区{names}、广东省佛山市、汕尾市、东莞市{names}"
    pieces = [(["东莞"], 4.0), (["示范区"], 1.0)]
    found = best_answer("l", "第五批示范区名单", body, pieces, "东莞评上示范区了没有")
    assert found is not None and "东莞市" in found.text and len(found.text) <= MAX_CHARS
    assert not found.text.startswith("附件")  # the item, not the list's opening


def test_a_date_in_the_question_does_not_pull_the_passage_to_the_header_that_dates_the_text():
    header = ("原标题：2019年9月18日外交部发言人耿爽主持例行记者会\n"
              "第16届中国—东盟博览会将于9月21日至24日在广西南宁举行。\n")
    other = ("问：日本首相将出席联合国大会，中方有何评论？\n"
             "答：我们注意到有关报道，中方的立场是一贯的、明确的。\n")
    asked = ("问：在菲律宾一次突击行动中，300余名中国公民被抓捕。你能否介绍情况？\n"
             "答：据中国驻菲律宾大使馆了解，约300余名中国公民在菲律宾一家网络赌博公司因涉嫌非法就业被菲律宾移民局抓扣。")
    pieces = [(["2019"], 1.65), (["年9月"], 9.1), (["菲律宾"], 2.1), (["移民局"], 6.2), (["抓"], 3.3)]
    question = "2019年9月菲律宾移民局抓了三百多个中国人"
    found = best_answer("s", "外交部例行记者会", header + other * 4 + asked, pieces, question)
    assert found is not None and "移民局抓扣" in found.text and "原标题" not in found.text


def test_a_question_for_a_share_gets_the_passage_with_the_share():
    body = ("今年全国继续提高退休人员基本养老金水平，惠及1.3亿名退休人员。" * 3 + "\n"
            "本次调整总体调整水平为2022年退休人员月人均基本养老金的3.8%。\n"
            + "各地要将调整增加的基本养老金及时足额发放到退休人员手中，不得发生新的拖欠。" * 3)
    pieces = [(["退休人员"], 2.0), (["基本养老金"], 2.0), (["调整"], 1.5)]
    title = "关于2023年调整退休人员基本养老金的通知"
    found = best_answer("p", title, body, pieces, "退休人员基本养老金调整百分之几")
    assert found is not None and "3.8%" in found.text


def test_a_question_whether_it_costs_gets_the_passage_that_says_what_it_costs():
    body = ("各区要组织好老年人流感疫苗接种工作，落实接种的各项安全措施。" * 3
            + "六十岁以上的人打这种针一律免费。" + "请各单位认真贯彻执行。" * 5)
    pieces = [(["老年人"], 2.0), (["流感"], 2.5), (["接种"], 1.5)]
    found = best_answer("f", "关于做好疫苗接种工作的通知", body, pieces, "老年人打流感疫苗要钱吗")
    assert found is not None and "免费" in found.text


def test_a_question_of_last_year_is_answered_from_the_part_headed_by_that_year():
    body = ("一、2023年工作回顾\n民生实事加力增效。新增养老床位5510张、长者食堂41个。\n"
            "二、2024年工作安排\n优化养老服务。新增4000张养老床位、30个社区长者食堂。\n")
    pieces = [(["社区"], 3.0), (["长者"], 6.5), (["食堂"], 4.7)]
    title = "某市2024年政府工作报告"
    found = best_answer("r", title, body, pieces, "去年又开了几个社区长者食堂")
    assert found is not None and "41个" in found.text and "30个" not in found.text
    planned = best_answer("r", title, body, pieces, "今年要开几个社区长者食堂")
    assert planned is not None and "30个" in planned.text


def test_a_count_asked_in_a_measure_word_is_also_answered_in_个():
    body = ("民生实事加力增效。新增养老床位5510张、社区长者食堂41个。"
            + "完善养老服务设施布局，强化养老护理员培训和激励机制。" * 8 + "新建25家示范性智慧菜场。")
    pieces = [(["社区"], 3.0), (["长者"], 6.5), (["食堂"], 4.7)]
    found = best_answer("c", "政府工作报告", body, pieces, "又开了几家社区长者食堂")
    assert found is not None and "41个" in found.text


def test_a_fine_asked_for_is_found_after_the_facts_it_punishes_not_in_the_law_cited():
    facts = ("一、环境违法事实和证据\n"
             "经调查核实，你单位北京监测站卫星监测二期工程未经竣工环境保护验收即投入运行。"
             + "以上事实，有现场检查笔录、调查询问笔录、卫星监测二期工程环境影响报告表及其批复文件、"
             "你单位提交的情况说明和现场照片等证据为证。" * 2 + "\n")
    law = ("二、行政处罚的依据、种类\n《建设项目环境保护管理条例》第二十三条规定："
           "“违反本条例规定，需要配套建设的环境保护设施未建成、未经验收或者验收不合格，"
           "建设项目即投入生产或者使用的，由县级以上环境保护行政主管部门责令限期改正，"
           "处20万元以上100万元以下的罚款；逾期不改正的，处100万元以上200万元以下的罚款。”")
    ruling = "根据上述规定，我部决定责令你单位于2019年12月31日前改正违法行为，并处二十万元罚款。\n"
    pieces = [(["北京"], 1.0), (["监测站"], 4.4), (["验收"], 2.8), (["投运"], 3.9), (["罚"], 7.5)]
    question = "北京监测站没验收就投运被罚了多少"
    found = best_answer("m", "行政处罚决定书", facts + law + ruling, pieces, question)
    assert found is not None and "二十万元罚款" in found.text and "以上" not in found.text


def test_a_passage_that_runs_from_a_header_into_a_question_gives_way_to_the_reply():
    body = ("原标题：2017年12月28日外交部发言人华春莹主持例行记者会\n"
            "问：据报道，27日，一辆载有44名中国游客的大巴在冰岛南部发生事故，造成1人死亡，多人受伤。你能否证实？\n"
            "答：当地时间27日，一辆大巴在冰岛南部维克镇附近发生倾翻事故，造成中国公民1人死亡，11人受伤。\n")
    pieces = [(["2017"], 1.6), (["冰岛"], 3.0), (["游客"], 2.0), (["大巴"], 3.5), (["人"], 1.0)]
    question = "2017年底冰岛那起中国游客大巴翻车，死伤多少人？"
    found = best_answer("s", "外交部就冰岛大巴事故答问", body, pieces, question)
    assert found is not None and "11人受伤" in found.text and "原标题" not in found.text


def test_a_passage_in_a_long_sentence_runs_on_to_its_end_before_back_to_its_start():
    lead = ("2019年下半年以来，帮扶工作组对你市开展了专项排查，重点检查了黑色金属铸造、粘土砖瓦、"
            "建筑砌块制造、金属表面处理及热处理加工、其他非金属矿物制品制造、有色金属冶炼、化学原料制造等"
            "九个涉及窑炉的行业，"
            "还抽查了部分园区和企业集中区，核对了排污许可、在线监测、台账记录等材料，")
    body = (lead + "共计1064家企业、2556座工业炉窑，经排查，发现有98家企业存在问题，"
            "其中属于淘汰类炉窑的企业89家、存在其他环境问题的企业9家。请你市抓紧整改。")
    pieces = [(["工业"], 1.0), (["炉窑"], 3.0), (["排查"], 3.0), (["企业"], 1.0), (["问题"], 0.5)]
    found = best_answer("z", "督办的函", body, pieces, "工业炉窑排查了多少家企业，有问题的多少家")
    assert found is not None and "企业9家" in found.text


def test_a_piece_of_one_character_counts_for_less_as_it_stands_inside_other_words():
    filler = "全年完成各项目标任务，经济运行总体平稳、稳中有进。" * 8
    body = filler.join(["增设学生过街天桥6座。", "全市修订完善规划。", "学校安全管理加强。"]) + filler
    pieces = [(["学校"], 2.9), (["门口"], 3.9), (["修"], 6.6), (["过街天桥"], 7.2)]
    found = best_answer("z", "政府工作报告", body, pieces, "学校门口修了几座过街天桥")
    assert found is not None and "过街天桥6座" in found.text


def test_a_name_asked_without_a_question_word_gets_the_sentence_that_says_what_it_is():
    filler = "各地区各单位要紧密围绕重点，结合本地实际，组织开展宣传工作。" * 8
    body = ("我部将推出2022年六五环境日主题海报。" + filler
            + "一、统一宣传主题：2022年六五环境日宣传主题为“共建清洁美丽世界”。" + filler)
    pieces = [(["2022"], 2.2), (["六五"], 5.6), (["环境"], 0.7), (["日"], 0.1), (["主题"], 2.3)]
    found = best_answer("e", "关于做好六五环境日宣传工作的通知", body, pieces, "2022六五环境日主题")
    assert found is not None and "共建清洁美丽世界" in found.text


def test_how_long_is_answered_by_a_span_of_time_not_by_the_year_of_a_law():
    body = ("一、办理依据：《企业投资项目核准和备案管理办法》（国家发展改革委令2017年第2号）。\n"
            + "二、申请材料：项目申请报告；城乡规划、用地预审、环境影响评价审批等文件。\n" * 3
            + "三、办理时限：自受理申请之日起20个工作日内作出是否予以核准的决定。\n")
    pieces = [(["企业"], 1.0), (["投资项目"], 1.0), (["发改委"], 2.0), (["核准"], 6.0)]
    found = best_answer("n", "办事指南", body, pieces, "企业投资项目报发改委核准要等多久")
    assert found is not None and "20个工作日" in found.text


def test_a_count_of_days_is_also_answered_in_日_and_工作日():
    filler = "审批部门应当组织技术评估，技术评估单位应当按照有关规定开展评估工作。" * 6
    body = ("报告书材料不齐的，审批部门不予受理。" + filler
            + "报告书申请材料不齐全的，审批部门应当在五个工作日内一次性告知。" + filler)
    pieces = [(["审批"], 2.0), (["报告书"], 3.0), (["材料"], 1.0), (["不齐"], 3.0)]
    found = best_answer("d", "审批程序规定", body, pieces, "报审批的报告书材料不齐，几天内会告诉我")
    assert found is not None and "五个工作日" in found.text


def test_a_passage_cut_short_in_the_sentence_with_the_asked_number_moves_on_to_end_it():
    body = ("第七条 对申请材料分别作出处理：（一）不需要编制报告书的，即时告知不予受理；"
            "（二）对不属于本部审批的报告书，不予受理，并告知建设单位向有关机关申请；"
            "（三）报告书由列入限期整改名单的编制单位、编制人员编制的，"
            + "或者编制单位、编制人员被禁止从事报告书编制工作的，" * 2 + "应当告知建设单位不予受理；"
            "（四）申请材料不齐全或者不符合法定形式的，应当当场或者在五个工作日内一次性告知建设单位"
            "需要补正的内容，逾期不告知的，自收到申请材料之日起即视为受理。（五）申请材料齐全的，予以受理。")
    pieces = [(["审批"], 2.6), (["报告书"], 3.0), (["材料"], 2.2), (["不齐"], 6.7)]
    found = best_answer("d", "审批程序规定", body, pieces, "报审批的报告书材料不齐，几天内会告诉我")
    assert found is not None and "五个工作日" in found.text and found.text.endswith("即视为受理。")
    assert len(found.text) <= MAX_CHARS


def test_how_many_years_is_answered_by_a_count_of_years_after_the_facts_not_by_their_date():
    facts = ("一、基本案情：2017年3月，临汾市环保局原局长张某为降低该市环境污染指标数据，"
             "授意他人对国控空气监测站进行人为干扰，致使监测数据严重失真。")
    middle = "公安机关依法立案侦查，检察机关依法提起公诉，案件社会影响恶劣。" * 8
    ruling = "二、处理结果：法院以破坏计算机信息系统罪判处张某有期徒刑两年。"
    pieces = [(["临汾"], 4.0), (["环保局"], 2.0), (["干扰"], 3.0), (["监测站"], 3.0), (["判"], 2.0)]
    found = best_answer("j", "关于监测数据造假案的通报", facts + middle + ruling, pieces,
                        "临汾环保局长干扰监测站数据最后判了几年")
    assert found is not None and "有期徒刑两年" in found.text
