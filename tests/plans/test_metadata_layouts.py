"""Metadata in the layouts of issue 15 item 2: one small invented document per layout."""

from __future__ import annotations

from kesu.plans.metadata_blocks import (
    date_in_value,
    goal_targets,
    own_doc_number,
    parse_date,
    read_site_block,
    simplify,
    split_number_and_date,
    uncited_doc_number,
)
from kesu.plans.model import ParsedPlan
from kesu.plans.parser import parse_text

BODY = """一、主要目标
到2025年，全市公民具备科学素质的比例达到15%。
二、重点任务
（一）青少年科学素质提升行动。开展科技节活动。（市教育局牵头，市科协参加）
（二）农民科学素质提升行动。培训高素质农民500名。（市农业农村局牵头，市科协参加）
"""


def test_doc_number_glued_to_the_date() -> None:
    text = (
        "桐原市人民政府关于印发桐原市全民科学素质行动实施方案（2023—2025年）的通知\n"
        "桐政发〔2023〕15号2023年06月08日\n"
        "各区人民政府：\n现将《桐原市全民科学素质行动实施方案（2023—2025年）》印发给你们。\n"
        "桐原市全民科学素质行动实施方案（2023—2025年）\n" + BODY
    )
    plan = parse_text(text)
    assert plan.doc_number == "桐政发〔2023〕15号"
    assert plan.date == "2023-06-08"
    assert plan.issuer == "桐原市人民政府"
    assert split_number_and_date("2023年6月8日 桐政发〔2023〕15号") == ("桐政发〔2023〕15号", "2023-06-08")


def test_doc_number_on_its_own_line_after_the_title() -> None:
    text = "桐原市全民科学素质行动实施方案（2023—2025年）\n桐政办发【2023】7号\n" + BODY
    plan = parse_text(text)
    assert plan.title == "桐原市全民科学素质行动实施方案（2023—2025年）"
    assert plan.doc_number == "桐政办发【2023】7号"
    assert plan.sections[0].title == "主要目标"


def test_government_site_block_with_several_keys_per_line() -> None:
    text = (
        "首页 > 政府信息公开 > 政策文件\n"
        "索引号 : 11350000/2023-00012 文       号 : 桐政办发〔2023〕9号\n"
        "主题分类: 科技 发文单位: 桐原市人民政府门户网站\n"
        "成文日期: 2023年03月02日 发布日期: 2023年03月06日\n"
        "市人民政府办公室关于印发桐原市全民科学素质行动实施方案（2023—2025年）的通知\n"
        "各区人民政府：\n现将《桐原市全民科学素质行动实施方案（2023—2025年）》印发给你们。\n"
        "桐原市全民科学素质行动实施方案（2023—2025年）\n" + BODY
    )
    plan = parse_text(text)
    assert plan.title == "桐原市全民科学素质行动实施方案（2023—2025年）"
    assert plan.doc_number == "桐政办发〔2023〕9号"
    assert plan.date == "2023-03-02"
    assert plan.issuer == "桐原市人民政府办公室"  # the title's 市 completed, never the portal


def test_law_database_fields_and_square_brackets() -> None:
    text = (
        "发文标题: 桐原市人民政府办公厅关于印发桐原市全民科学素质行动计划纲要实施方案[2016—2020年]的通知\n"
        "发文文号: 桐府办[2016]31号\n发文部门: 桐原市人民政府办公厅\n发文时间: 2016-11-07\n"
        "实施时间: 2016-11-07\n发文内容:\n各区人民政府：\n"
        "《桐原市全民科学素质行动计划纲要实施方案(2016—2020年)》已经市政府同意，现印发给你们。\n"
        "桐原市人民政府办公厅\n2016年11月7日\n"
        "桐原市全民科学素质行动计划纲要实施方案(2016—2020年)\n" + BODY.replace("2025", "2020")
    )
    plan = parse_text(text)
    assert plan.title == "桐原市全民科学素质行动计划纲要实施方案(2016—2020年)"
    assert plan.doc_number == "桐府办[2016]31号"
    assert plan.issuer == "桐原市人民政府办公厅"
    assert plan.date == "2016-11-07"
    assert (plan.period.start, plan.period.end) == (2016, 2020)


def test_bullet_list_and_key_alone_on_its_line() -> None:
    block = read_site_block(
        [
            "• 发文字号：桐科协发〔2024〕2号",
            "• 发文机关：桐原市科学技术协会",
            "成文日期",
            "2024年1月9日",
            "正文",
        ]
    )
    assert (block.doc_number, block.issuer, block.date) == (
        "桐科协发〔2024〕2号",
        "桐原市科学技术协会",
        "2024-01-09",
    )
    assert block.lines == {0, 1, 2, 3}


def test_signature_block_at_the_end_with_copy_and_print_lines() -> None:
    text = (
        "白原区全民科学素质行动实施方案（2021—2025年）\n"
        + BODY.replace("市", "区")
        + "\n白原区人民政府办公室\n2021年9月30日\n"
        "抄送：区委办公室，区人大常委会办公室。\n白原区人民政府办公室          2021年9月30日印发\n"
    )
    plan = parse_text(text)
    assert plan.issuer == "白原区人民政府办公室"
    assert plan.date == "2021-09-30"
    assert plan.tasks[-1].text.endswith("培训高素质农民500名。")


def test_signature_under_the_title() -> None:
    text = (
        "芦原市全民科学素质行动实施方案（2026—2030年）\n\n芦原市全民科学素质工作领导小组\n2026年3月12日\n"
        + BODY
    )
    plan = parse_text(text)
    assert plan.issuer == "芦原市全民科学素质工作领导小组"
    assert plan.date == "2026-03-12"
    assert (plan.period.start, plan.period.end) == (2026, 2030)


def test_dates_in_chinese_numerals() -> None:
    assert parse_date("二〇二三年六月八日") == "2023-06-08"
    assert parse_date("一三年五月六日") == "2013-05-06"
    assert parse_date("（二〇二四年一月九日）") == "2024-01-09"
    assert date_in_value("2016.12.20") == "2016-12-20"
    assert parse_date("二〇二三年十三月八日") is None


def test_short_chinese_date_in_a_notice() -> None:
    text = (
        "赤原市人民政府办公室关于印发赤原市全民科学素质行动计划纲要实施方案（2011-2015年）的通知\n"
        "赤政办发〔2013〕3号\n各乡镇人民政府：\n现将《赤原市全民科学素质行动计划纲要实施方案（2011-2015年）》印发给你们。\n"
        "一三年五月六日\n赤原市全民科学素质行动计划纲要实施方案（2011-2015年）\n"
        + BODY.replace("2025", "2015")
    )
    plan = parse_text(text)
    assert plan.date == "2013-05-06"
    assert plan.doc_number == "赤政办发〔2013〕3号"


def test_traditional_characters() -> None:
    assert simplify("鶴汀縣人民政府辦公室關於印發") == "鶴汀县人民政府办公室关于印发"
    text = (
        "鶴原縣人民政府辦公室關於印發鶴原縣全民科學素質行動實施方案（2021—2025年）的通知\n"
        "鶴政辦發〔2021〕12號\n各鄉鎮人民政府：\n現將《鶴原縣全民科學素質行動實施方案（2021—2025年）》印發給你們。\n"
        "二〇二一年十月八日\n鶴原縣全民科學素質行動實施方案（2021—2025年）\n一、主要目標\n"
        "到2025年，全縣公民具備科學素質的比例達到11%。\n二、重點任務\n"
        "（一）青少年科學素質提升行動。（縣教育局牽頭，縣科協參加）\n"
    )
    plan = parse_text(text)
    assert plan.doc_number == "鶴政辦發〔2021〕12號"  # as printed
    assert plan.date == "2021-10-08"
    assert plan.headline_target is not None and plan.headline_target.value == 11


def test_parent_doc_number_cited_in_the_body_is_not_taken() -> None:
    assert uncited_doc_number("根据《全民科学素质行动规划纲要》（国发〔2021〕9号），制定本方案。") is None
    assert own_doc_number("国发〔2021〕9号") == "国发〔2021〕9号"
    text = (
        "墨原市人民政府关于印发墨原市全民科学素质行动实施方案（2021—2025年）的通知\n"
        "各县人民政府：\n为落实《全民科学素质行动规划纲要（2021—2035年）》（国发〔2021〕9号），"
        "现将《墨原市全民科学素质行动实施方案（2021—2025年）》印发给你们\n墨原市人民政府\n2021年11月30日\n"
        "墨原市全民科学素质行动实施方案（2021—2025年）\n" + BODY
    )
    plan = parse_text(text)
    assert plan.doc_number is None
    assert plan.issuer == "墨原市人民政府"


def test_baseline_is_never_the_headline_and_goals_are_plan_targets() -> None:
    text = (
        "桐原市全民科学素质行动实施方案（2021—2025年）\n桐原市人民政府\n2021年8月2日\n一、主要目标\n"
        "2020年，全市公民具备科学素质的比例达到10.2%。到2025年，全市公民具备科学素质的比例达到15%，"
        "比2020年的10.2%提高4.8个百分点；每万人拥有科普展厅面积达到200平方米，科普经费人均达到1.5元。\n"
        "二、重点任务\n（一）青少年科学素质提升行动。开展科技节活动。（市教育局牵头，市科协参加）\n"
    )
    plan = parse_text(text)
    assert plan.headline_target is not None
    assert (plan.headline_target.value, plan.headline_target.year) == (15, 2025)
    assert [(t.value, t.unit) for t in plan.targets] == [(4.8, "个百分点"), (200, "平方米"), (1.5, "元")]
    assert any("基线" in w for w in plan.warnings)


def test_target_like_figure_that_is_not_read_is_warned() -> None:
    goals = ["二、发展目标", "到2025年，科普示范社区覆盖面达到65.5%左右，实现“两个100%”，建成科普e站30个。"]
    targets, warnings = goal_targets(goals, 2021, 2021)
    assert [(t.value, t.unit, t.comparator) for t in targets] == [(65.5, "%", "~"), (30, "个", "=")]
    assert len(warnings) == 1 and "两个100%" in warnings[0]


def test_issuer_order_title_then_signature_then_masthead() -> None:
    text = (
        "桐原县科协文件\n桐科协发〔2024〕1号\n关于印发《桐原县科普工作实施意见（2024—2026年）》的通知\n"
        "各乡镇科协：\n现将《桐原县科普工作实施意见（2024—2026年）》印发给你们。\n"
        "桐原县科普工作实施意见（2024—2026年）\n"
        + BODY.replace("市", "县")
        + "桐原县科学技术协会\n二〇二四年一月九日\n"
    )
    plan = parse_text(text)
    assert plan.issuer == "桐原县科学技术协会"  # the 落款 over the abbreviated masthead
    assert plan.doc_number == "桐科协发〔2024〕1号"
    assert plan.date == "2024-01-09"


def test_plan_level_targets_survive_the_json_round_trip() -> None:
    plan = parse_text(
        "桐原市全民科学素质行动实施方案（2021—2025年）\n" + BODY + "每万人拥有科普展厅面积达到200平方米。\n"
    )
    data = plan.to_dict()
    assert "targets" in data
    assert ParsedPlan.from_dict(data).to_dict() == data


def test_notice_furniture_printed_under_the_plan_title() -> None:
    text = (
        "澜原市全民科学素质行动实施方案（2021—2025年）\n澜政发〔2022〕12号\n各区人民政府，市政府各部门：\n"
        "现将《澜原市全民科学素质行动实施方案（2021—2025年）》印发给你们，请认真贯彻执行。\n"
        "澜原市人民政府\n2022年9月6日\n" + BODY
    )
    plan = parse_text(text)
    assert (plan.doc_number, plan.issuer, plan.date) == ("澜政发〔2022〕12号", "澜原市人民政府", "2022-09-06")
    assert plan.sections[0].title == "主要目标"


def test_the_plan_title_is_never_the_notice_a_file_name_or_a_site_label() -> None:
    """Seen on real pages: a notice title split over two lines taken whole, a PDF file name, a 档案全文 label,
    and a notice page whose only title-like line is the signature (the plan is named in 现将《…》印发)."""
    split_notice = (
        "桐府办〔2022〕39号\n桐原市人民政府办公室关于\n印发《桐原市全民科学素质行动实施方案（2021—2025年）》的通知\n"
        "各镇人民政府：\n《桐原市全民科学素质行动实施方案（2021—2025年）》已经市政府同意，现印发给你们。\n"
        "桐原市人民政府办公室\n2022年9月20日\n"
    )
    assert parse_text(split_notice + BODY, "a.txt").title == "桐原市全民科学素质行动实施方案（2021—2025年）"
    file_name = "桐原市人民政府关于印发桐原市全民科学素质行动规划纲要（2021—2025年）的通知.pdf\n"
    assert parse_text(file_name + BODY, "b.txt").title == "桐原市全民科学素质行动规划纲要（2021—2025年）"
    label = "档案全文桐原市全民科学素质行动实施方案（2021—2025年）\n"
    assert parse_text(label + BODY, "c.txt").title == "桐原市全民科学素质行动实施方案（2021—2025年）"
    signature_first = (
        "桐科协发〔2018〕3号\n各成员单位：\n现将《2018年桐原市全民科学素质工作要点》印发给你们，请认真贯彻落实。\n"
        "桐原市全民科学素质工作领导小组办公室\n2018年3月19日\n2018年桐原市全民科学素质工作要点\n"
    )
    assert parse_text(signature_first + BODY, "d.txt").title == "2018年桐原市全民科学素质工作要点"
