"""Metadata in the layouts of issue 15 item 2: one small invented document per layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from kesu.plans.confidence import RULES, judge
from kesu.plans.errors import PlanParseError
from kesu.plans.metadata import extract_metadata
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
from kesu.plans.normalize import clean_lines
from kesu.plans.parser import parse_file, parse_text
from kesu.plans.targets import choose_headline, find_headline_candidates

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
    assert simplify("鶴汀縣人民政府辦公室關於印發") == "鹤汀县人民政府办公室关于印发"
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


# Real layouts met on unseen plans (issue 15, task C): acceptance, metadata and where each field came from.


def _meta(text: str):
    return extract_metadata(clean_lines(text))


def test_every_metadata_field_names_a_declared_rule() -> None:
    text = (
        "泓川市人民政府关于印发泓川市全民科学素质行动规划纲要实施方案（2021—2025年）的通知\n"
        "泓政发〔2022〕3号\n各县（区）人民政府：\n"
        "现将《泓川市全民科学素质行动规划纲要实施方案（2021—2025年）》印发给你们。\n"
        "泓川市人民政府\n2022年1月26日\n"
        "泓川市全民科学素质行动规划纲要实施方案（2021—2025年）\n" + BODY
    )
    meta = _meta(text)
    assert set(meta.sources) == {"title", "doc_number", "issuer", "date", "region", "period"}
    assert meta.sources["issuer"][0] == "metadata.issuer.title_notice"
    assert meta.sources["doc_number"][0] == "metadata.doc_number.header"
    assert meta.sources["date"][0] == "metadata.date.signature"
    assert meta.sources["period"][0] == "metadata.period.title"
    for field, (rule_id, doubts) in meta.sources.items():
        assert rule_id.startswith(f"metadata.{field}."), rule_id
        assert (
            judge(f"metadata:{field}", "metadata", field, rule_id, doubts).confidence
            == RULES[rule_id].confidence
        )


def test_signed_date_wins_over_the_sites_published_date_with_a_doubt() -> None:
    text = (
        "青梧县人民政府关于印发青梧县科普工作要点的通知\n"
        "发布时间：2023-04-18 09:30 来源：县政府办\n"
        "各镇人民政府：\n现将《青梧县科普工作要点》印发给你们。\n"
        "青梧县人民政府\n2023年4月10日\n青梧县科普工作要点\n" + BODY
    )
    meta = _meta(text)
    assert meta.date == "2023-04-10"
    rule_id, doubts = meta.sources["date"]
    assert rule_id == "metadata.date.signature"
    assert any("不一致" in d.reason for d in doubts)


def test_seal_line_and_spaced_date_keep_issuer_and_date() -> None:
    text = (
        "汀兰县科协文件\n汀科协发〔2021〕2号\n各乡镇：\n现将《汀兰县2021年科普工作要点》印发给你们。\n"
        "汀兰县全民科学素质工作领导小组办公室\n（汀兰县科协代章）\n2021 年 6 月 3 日\n"
        "汀兰县2021年科普工作要点\n" + BODY
    )
    plan = parse_text(text)
    assert (plan.issuer, plan.date) == ("汀兰县全民科学素质工作领导小组办公室", "2021-06-03")


def test_short_chinese_year_is_read_from_context_with_a_doubt() -> None:
    text = (
        "赤岭市人民政府办公室关于印发赤岭市科普工作计划的通知\n赤政办发〔2012〕3号\n各乡镇：\n"
        "现将《赤岭市科普工作计划》印发给你们。\n一二年一月十二日\n赤岭市科普工作计划\n" + BODY
    )
    meta = _meta(text)
    assert meta.date == "2012-01-12"
    assert any("短写年份" in d.reason for d in meta.sources["date"][1])


def test_flattened_pdf_notice_gives_issuer_and_spaced_date() -> None:
    text = (
        "临溪省人民政府关于印发临溪省科普规划（2023—2027年）的通知.pdf\n"
        "临政发 〔 2023〕11 号 临溪省人民政府关于印发临溪省科普规划 ( 2023—2027 年 ) 的通知 各市人民政府 : "
        "现将 «临溪省科普规划 ( 2023—2027 年 )»印 发 给你们 . 临溪省人民政府 (此件公开发布 ) 2023 年 4 月 6 日 — 1 — "
        "临溪省科普规划 ( 2023—2027 年 ) 一 、 总体目标 到 2027 年 , 全省公民具备科学素质的比例达到 14% .\n"
    )
    meta = _meta(text)
    assert (meta.issuer, meta.date, meta.region) == ("临溪省人民政府", "2023-04-06", "临溪省")
    assert meta.sources["date"][0] == "metadata.date.flattened_notice"


def test_joint_issuers_separated_by_spaces_end_with_keixie() -> None:
    text = (
        "松阜市科技局 中共松阜市委宣传部 松阜市科协关于印发《松阜市“十四五”科学技术普及发展规划》的通知\n"
        "松科发〔2022〕41号\n各县（区）科技局：\n现将《松阜市“十四五”科学技术普及发展规划》印发给你们。\n"
        "松阜市科技局 中共松阜市委宣传部 松阜市科协\n2022年9月14日\n松阜市“十四五”科学技术普及发展规划\n"
        + BODY
    )
    meta = _meta(text)
    assert meta.issuer_names == ["松阜市科技局", "中共松阜市委宣传部", "松阜市科协"]
    assert meta.sources["period"][0] == "metadata.period.five_year_title"
    assert any("联合发文" in d.reason for d in meta.sources["issuer"][1])


def test_summary_line_quoting_the_notice_title_is_not_the_notice() -> None:
    text = (
        "泓川市科普规划（2021—2025年）\n核心提示\n"
        "泓川市人民政府关于印发泓川市科普规划（2021—2025年）的通知某科普网2022-02-28 16:40泓川市科普规划…\n"
        "泓川市人民政府关于印发泓川市科普规划（2021—2025年）的通知\n泓政发〔2022〕3号\n各县（区）人民政府：\n"
        "现将《泓川市科普规划（2021—2025年）》印发给你们。\n泓川市人民政府\n2022年1月26日\n"
        "泓川市科普规划（2021—2025年）\n" + BODY
    )
    plan = parse_text(text)
    assert plan.title == "泓川市科普规划（2021—2025年）"
    assert (plan.doc_number, plan.date) == ("泓政发〔2022〕3号", "2022-01-26")


def test_traditional_issuer_is_given_as_printed_and_province_is_the_region() -> None:
    text = (
        "發布通知\n黔府辦發〔2022〕16號\n各市人民政府：\n"
        "經省人民政府同意，現將《貴州省全民科學素質行動規劃綱要實施方案(2021—2025年)》印發給你們。\n"
        "貴州省人民政府辦公廳\n2022年5月19日\n貴州省全民科學素質行動規劃綱要實施方案(2021—2025年)\n" + BODY
    )
    plan = parse_text(text)
    assert plan.issuer == "貴州省人民政府辦公廳"
    assert plan.region == "贵州省"


def test_progress_figures_are_never_the_headline() -> None:
    paragraphs = [
        "截至2023年，全县公民具备科学素质的比例达到8.47%，比2020年提高2个百分点。",
        "“十三五”期末，全市公民具备科学素质的比例已达到9.8%。",
        "到2026年，全县公民具备科学素质的比例由2023年的8.47%提升至11%以上。",
    ]
    candidates = find_headline_candidates(paragraphs)
    assert [(c.value, c.year) for c in candidates] == [(11.0, 2026)]
    headline, _ = choose_headline(candidates, None, None)
    assert headline is not None and headline.value == 11.0


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "notice_trad.txt",
            "科協普函綜字〔2024〕7號\n各區科協：\n現將《嵐屿市科協2024年科普工作要點》印發給你們。\n"
            "附件：嵐屿市科協2024年科普工作要點.doc\n嵐屿市科協科普部\n2024年3月5日\n",
        ),
        (
            "pinyin.txt",
            "青梧縣貫徹《全民科學(xué)素質(zhì)行動(dòng)規(guī)劃綱要(2021-2035年)》實(shí)施方案\n"
            "一、主要目標(biāo)\n到2025年,我縣公民具備科學(xué)素質(zhì)的比例達(dá)到12.5%。\n",
        ),
    ],
)
def test_real_layouts_of_plans_are_accepted(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    plan = parse_file(path)
    assert plan.title
    assert not any("缺少：方案标题" in w for w in plan.warnings)


@pytest.mark.parametrize(
    "text",
    [
        "《鹭屿市科普规划》正式发布\n本报讯 日前，鹭屿市印发《鹭屿市科普规划》，到2025年公民具备科学素质的比例达到14%。\n"
        "一、五项行动\n开展提升行动。\n二、五项工程\n实施重点工程。\n",
        "解读《榆宁县科普工作方案》\n一、政策背景\n制定本方案。\n二、主要目标\n到2025年，全县公民具备科学素质的比例达到12%。\n",
        "据新华社北京3月14日电 国务院办公厅近日印发实施方案，到2020年公民具备科学素质的比例由2015年的6.20%提升至10%以上。\n",
    ],
)
def test_pages_about_a_plan_are_refused_saying_why(tmp_path: Path, text: str) -> None:
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanParseError) as refused:
        parse_file(path)
    assert "not a plan" in refused.value.problem


def test_signed_date_of_a_notice_flattened_into_one_line_beats_the_site_date() -> None:
    text = (
        "青川市人民政府关于印发《青川市全民科学素质行动任务分工方案》的通知\n"
        "发布部门:青川市政府\n发布时间:2024年05月09日\n"
        "各区县人民政府,市级有关部门:《青川市全民科学素质行动任务分工方案》已经市政府同意,现印发给你们,"
        "请认真组织实施。青川市人民政府2024年5月6日青川市全民科学素质行动任务分工方案为落实省实施方案,"
        "制定本方案。一、工作目标到2025年,全市公民具备科学素质的比例超过14%。\n"
    )
    plan = parse_text(text, "flattened.txt")
    assert plan.date == "2024-05-06"
    judged = {j.item: j for j in plan.judgements}
    assert judged["metadata:date"].rule == "metadata.date.flattened_notice"
    assert any("网站信息栏2024-05-09" in d.reason for d in judged["metadata:date"].doubts)
