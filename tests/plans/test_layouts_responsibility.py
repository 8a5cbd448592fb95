"""Responsibility clauses, collective actors, task boundaries and acceptance in the layouts of issue 15.

Every snippet is invented text in the layout of real plans; one test per form.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kesu.plans.errors import PlanParseError
from kesu.plans.model import ParsedPlan, UnitEntry
from kesu.plans.parser import parse_file, parse_text
from kesu.plans.responsibility import find_clauses, parse_roles, subject_clause
from kesu.plans.units import split_units


def _assignments(text: str) -> list[tuple[str, str, list[str], list[str]]]:
    plan = parse_text(text)
    return [(t.id, t.title, t.lead_units, t.participating_units) for t in plan.tasks]


def test_inline_by_lead_and_take_part() -> None:
    text = "一、重点任务\n（一）开展科技竞赛活动。每年举办一届（由市教育局、市科协牵头，市科技局参加）。\n"
    assert _assignments(text) == [("1.1", "开展科技竞赛活动", ["市教育局", "市科协"], ["市科技局"])]


def test_inline_lead_and_cooperate() -> None:
    text = "一、重点任务\n（一）开展农业技术培训。培训农民（市农业农村局牵头，市科协配合）。\n"
    assert _assignments(text) == [("1.1", "开展农业技术培训", ["市农业农村局"], ["市科协"])]


def test_lead_and_cooperate_lines() -> None:
    text = (
        "一、重点任务\n（一）开展科普宣传活动。组织科技活动周。\n牵头单位：市科协\n配合单位：市科技局、市教育局\n"
        "（二）建设科普基地。\n牵头单位：市科技局\n配合单位：市科协\n"
    )
    assert _assignments(text) == [
        ("1.1", "开展科普宣传活动", ["市科协"], ["市科技局", "市教育局"]),
        ("1.2", "建设科普基地", ["市科技局"], ["市科协"]),
    ]


def test_responsible_list_with_lead_marker() -> None:
    text = "一、重点任务\n（一）建设科普基地。新建3个。（责任单位：市科技局（牵头）、市科协、市财政局）\n"
    assert _assignments(text) == [("1.1", "建设科普基地", ["市科技局"], ["市科协", "市财政局"])]


def test_responsible_list_without_marker_all_lead() -> None:
    # decisions.md: a 责任单位 list without any 牵头 marker makes every unit a lead
    text = "一、重点任务\n（一）开展科普宣传活动。组织科技活动周。（责任单位：市科协、市科技局、市教育局）\n"
    assert _assignments(text) == [("1.1", "开展科普宣传活动", ["市科协", "市科技局", "市教育局"], [])]


def test_section_final_clause_covers_every_item_above() -> None:
    text = (
        "一、重点任务\n（一）农民科学素质提升行动\n（1）开展科技服务。每年服务农户500户。\n"
        "（2）培育职业农民。累计培训800人。\n以上工作由市农业农村局、市科协牵头，市林业局、市妇联参加。\n"
    )
    assert _assignments(text) == [
        ("1.1.1", "开展科技服务", ["市农业农村局", "市科协"], ["市林业局", "市妇联"]),
        ("1.1.2", "培育职业农民", ["市农业农村局", "市科协"], ["市林业局", "市妇联"]),
    ]


def test_division_sentence_after_dash_bullets() -> None:
    text = (
        "一、重点任务\n（一）产业工人科学素质提升行动\n——开展职业技能竞赛。\n——建设职工创新工作室。\n"
        "分工：由市总工会、市人力资源社会保障局牵头，市科协等参加。\n"
    )
    leads, parts = ["市总工会", "市人力资源社会保障局"], ["市科协"]
    assert _assignments(text) == [
        ("1.1.1", "开展职业技能竞赛", leads, parts),
        ("1.1.2", "建设职工创新工作室", leads, parts),
    ]


def test_bracketed_clause_after_numbered_items_stays_the_groups() -> None:
    text = (
        "一、重点任务\n（一）实施科普阵地建设行动。\n1.建设区科技馆；\n2.新建社区科普馆3个。\n"
        "（区科协牵头，区财政局配合）\n"
    )
    assert _assignments(text) == [("1.1", "实施科普阵地建设行动", ["区科协"], ["区财政局"])]


def test_collective_actors_are_kept_as_classes() -> None:
    text = (
        "一、重点任务\n（一）开展科普宣传活动。组织科技活动周。（各成员单位）\n"
        "（二）建设科普基地（各县（市、区）政府负责）。\n（三）开展科普讲座（市直有关部门负责）。\n"
    )
    plan = parse_text(text)
    assert [(t.lead_units, t.participating_units) for t in plan.tasks] == [
        (["各成员单位"], []),
        (["各县（市、区）政府"], []),
        (["市直有关部门"], []),
    ]
    assert [(u.name, u.is_class) for u in plan.units] == [
        ("各成员单位", True),
        ("各县（市、区）政府", True),
        ("市直有关部门", True),
    ]
    assert not any("不在单位名称词典" in w or "可能不完整" in w for w in plan.warnings)


def test_member_class_kept_beside_units_and_generic_dropped() -> None:
    assert parse_roles("市科协牵头，领导小组各成员单位配合") == (["市科协"], ["领导小组各成员单位"])
    assert parse_roles("市科协牵头，各有关部门配合") == (["市科协"], [])


def test_lead_then_implementing_collective() -> None:
    assert parse_roles("市科协牵头，各县（市、区）政府负责落实") == (["市科协"], ["各县（市、区）政府"])


def test_lead_then_units_responsible_by_their_duties() -> None:
    assert parse_roles("市教育局牵头，市科协、市科技局按职责分工负责") == (
        ["市教育局"],
        ["市科协", "市科技局"],
    )


def test_unit_entry_class_flag_round_trips() -> None:
    plan = ParsedPlan(source="x", title="t", units=[UnitEntry(name="各成员单位", is_class=True)])
    again = ParsedPlan.from_dict(plan.to_dict())
    assert again.units[0].is_class is True
    old = plan.to_dict()
    del old["units"][0]["is_class"]  # a plan stored before the flag existed
    assert ParsedPlan.from_dict(old).units[0].is_class is False


def test_clause_cut_off_at_the_end_is_kept_with_a_warning() -> None:
    text = (
        "一、重点任务\n（一）开展科普宣传活动。（责任单位：市科协、市科技局）\n"
        "（二）建设科普基地。（牵头单位：市科技局；配合单位：市科协、市教"
    )
    plan = parse_text(text)
    assert plan.tasks[1].lead_units == ["市科技局"]
    assert plan.tasks[1].participating_units == ["市科协"]  # 市教 is broken off mid-name
    assert any("中断" in w and "cut off" in w for w in plan.warnings)


def test_double_dash_bullets() -> None:
    text = "一、重点任务\n（一）青少年科学素质提升行动\n--开展科技竞赛活动（市教育局负责）。\n--建设科技教育基地（市科协负责）。\n"
    assert _assignments(text) == [
        ("1.1.1", "开展科技竞赛活动", ["市教育局"], []),
        ("1.1.2", "建设科技教育基地", ["市科协"], []),
    ]


def test_yishi_ershi_parts_are_tasks_of_their_own() -> None:
    text = (
        "一、重点任务\n（一）青少年科学素质提升行动。一是开展科技竞赛活动；二是建设科技教育基地；"
        "三是培训科技辅导员200人次。（市教育局牵头，市科技局参加）\n"
    )
    plan = parse_text(text)
    assert [(t.id, t.title) for t in plan.tasks] == [
        ("1.1", "青少年科学素质提升行动"),
        ("1.1.1", "开展科技竞赛活动"),
        ("1.1.2", "建设科技教育基地"),
        ("1.1.3", "培训科技辅导员200人次"),
    ]
    assert all(t.lead_units == ["市教育局"] and t.participating_units == ["市科技局"] for t in plan.tasks)
    # the item keeps the target; its parts do not count it twice, nor the units
    assert [len(t.targets) for t in plan.tasks] == [1, 0, 0, 0]
    assert [(u.name, u.lead_count, u.participating_count) for u in plan.units] == [
        ("市教育局", 1, 0),
        ("市科技局", 0, 1),
    ]


@pytest.mark.parametrize(
    "items",
    [
        ["①开展科普讲座（市科技局负责）。", "②开展科普展览（市文旅局负责）。"],
        ["(1)开展科普讲座（市科技局负责）。", "(2)开展科普展览（市文旅局负责）。"],
        ["1.开展科普讲座（市科技局负责）。", "2.开展科普展览（市文旅局负责）。"],
        ["1、开展科普讲座（市科技局负责）。", "2、开展科普展览（市文旅局负责）。"],
    ],
    ids=["circled", "paren", "dot", "comma"],
)
def test_numbered_item_styles(items: list[str]) -> None:
    plan = parse_text("一、重点任务\n" + "\n".join(items) + "\n")
    assert [(t.title, t.lead_units) for t in plan.tasks] == [
        ("开展科普讲座", ["市科技局"]),
        ("开展科普展览", ["市文旅局"]),
    ]


def test_task_across_a_page_break() -> None:
    text = "一、重点任务\n（一）开展科技竞赛活动。组织青少年参加各类\n- 3 -\n科技创新大赛（市教育局负责）。\n（二）建设科技教育基地（市科协负责）。\n"
    plan = parse_text(text)
    assert [(t.id, t.lead_units) for t in plan.tasks] == [("1.1", ["市教育局"]), ("1.2", ["市科协"])]
    assert "科技创新大赛" in plan.tasks[0].text


def test_pipe_table_rows_are_tasks() -> None:
    text = (
        "某市全民科学素质重点任务分工方案\n序号|重点任务|牵头单位|配合单位\n"
        "1|建设科技教育特色学校|市教育局|市科协、团市委\n2|组织开展全国科普日活动|市科协|各成员单位\n"
    )
    assert [(t.title, t.lead_units, t.participating_units) for t in parse_text(text).tasks] == [
        ("建设科技教育特色学校", ["市教育局"], ["市科协", "团市委"]),
        ("组织开展全国科普日活动", ["市科协"], ["各成员单位"]),
    ]


def test_fragment_with_a_plan_title_only_is_accepted_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text(
        "某市全民科学素质行动实施方案（2021—2025年）\n为提高公民科学素质，制定本方案。\n", encoding="utf-8"
    )
    plan = parse_file(path)
    fragment = [w for w in plan.warnings if w.startswith("可能是方案片段")]
    assert len(fragment) == 1 and "文号" in fragment[0] and "带责任单位的任务" in fragment[0]


def test_document_with_none_of_title_clause_or_list_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("本周科普讲座改到周五下午举行，地点不变。\n", encoding="utf-8")
    with pytest.raises(PlanParseError) as caught:
        parse_file(path)
    assert "looked for a plan title, a responsibility clause and a numbered task list" in str(caught.value)


def test_bare_name_merges_with_the_one_unit_of_that_core() -> None:
    text = (
        "一、重点任务\n（一）开展科普宣传。（市委宣传部牵头，市科协配合）\n"
        "（二）建设科普网站。（宣传部、科协牵头）\n"
    )
    plan = parse_text(text)
    assert [(t.lead_units, t.participating_units) for t in plan.tasks] == [
        (["市委宣传部"], ["市科协"]),
        (["市委宣传部", "市科协"], []),
    ]
    assert {u.name: u.aliases for u in plan.units} == {
        "市委宣传部": ["市委宣传部", "宣传部"],
        "市科协": ["市科协", "科协"],
    }


def test_member_duty_lines_are_tasks_led_by_their_unit() -> None:
    text = (
        "附件2\n某市全民科学素质工作领导小组成员单位职责\n"
        "市科协：承担领导小组办公室日常工作，组织全国科普日活动。\n"
        "市教育局：负责青少年科学素质提升行动。\n"
    )
    assert [(t.title, t.lead_units) for t in parse_text(text).tasks] == [
        ("承担领导小组办公室日常工作，组织全国科普日活动", ["市科协"]),
        ("负责青少年科学素质提升行动", ["市教育局"]),
    ]


def test_traditional_clause_is_read() -> None:
    text = "一、重點任務\n（一）開展青少年科技創新大賽。（縣教育局、縣科協牽頭，團縣委參加）\n"
    plan = parse_text(text)
    assert [(t.lead_units, t.participating_units) for t in plan.tasks] == [
        (["县教育局", "县科协"], ["团县委"])
    ]


def test_the_youth_leagues_national_committee_is_a_unit() -> None:
    """National 分工 name 共青团中央 / 团中央: an unrecognised name used to void the whole clause, losing the task."""
    text = (
        "某某实施方案\n一、重点任务\n1. 实施青少年科学素质提升行动。（由教育部、共青团中央牵头，中国科协参加）\n"
        "2. 实施农民科学素质提升行动。（团中央牵头，农业农村部参加）\n"
    )
    tasks = {t.title: t for t in parse_text(text, "national.txt").tasks}
    assert tasks["实施青少年科学素质提升行动"].lead_units == ["教育部", "共青团中央"]
    assert tasks["实施农民科学素质提升行动"].lead_units == ["共青团中央"]
    assert tasks["实施农民科学素质提升行动"].participating_units == ["农业农村部"]


def test_a_party_plenum_number_is_no_target() -> None:
    from kesu.plans.targets import extract_targets

    assert [(t.value, t.unit) for t in extract_targets("深入贯彻党的十九届五中全会精神，每年举办科普活动20场以上。")] == [
        (20.0, "场")
    ]
    assert extract_targets("认真落实党的二十大和二十届三中全会精神。") == []
    assert [(t.value, t.unit) for t in extract_targets("每年举办青少年科技创新大赛1届以上。")] == [(1.0, "届")]


# --- layouts of the real pages read for issue 15 (round D); texts invented -------------------------


def test_role_phrase_inside_an_item_sentence() -> None:
    text = (
        "一、主要活动\n（一）举办科普讲座由县科协牵头，县教育局、团县委配合，在县图书馆举办讲座。\n"
        "（二）开展技术下乡由县农业农村局牵头，组织专家到各乡镇开展培训。\n"
    )
    assert _assignments(text) == [
        ("1.1", "举办科普讲座，在县图书馆举办讲座", ["县科协"], ["县教育局", "团县委"]),
        ("1.2", "开展技术下乡，组织专家到各乡镇开展培训", ["县农业农村局"], []),
    ]


def test_role_phrase_needs_a_comma_after_it() -> None:
    # 由X负责组织… says who does it, but is not a clause closed by punctuation: no units read from it
    roles = [(c.leads, c.participants) for c in find_clauses("活动由县教育局负责组织学生观看。")]
    assert roles == []
    roles = [(c.leads, c.participants) for c in find_clauses("活动期间的后勤保障工作由县青少年活动中心负责。")]
    assert roles == [(["县青少年活动中心"], [])]


def test_total_lead_key_and_responsible_lines_make_one_clause() -> None:
    text = (
        "一、重点任务\n（一）科普基础设施工程。\n总牵头部门：县科协。\n责任单位：县委组织部、宣传部，县发展改革局、教育局。\n"
    )
    assert _assignments(text) == [
        ("1.1", "科普基础设施工程", ["县科协"], ["县委组织部", "县委宣传部", "县发展改革局", "县教育局"])
    ]


def test_list_printing_the_level_once_shares_it() -> None:
    assert split_units("市委组织部、宣传部，市发展改革委、科技局、总工会、团市委、妇联") == [
        "市委组织部",
        "市委宣传部",
        "市发展改革委",
        "市科技局",
        "市总工会",
        "团市委",
        "市妇联",
    ]
    # names of their own place, national names and classes keep their spelling
    assert split_units("区教育局、香港中路街道办事处、全国妇联、各乡镇人民政府") == [
        "区教育局",
        "香港中路街道办事处",
        "全国妇联",
        "各乡镇人民政府",
    ]
    assert split_units("教育部、科技部") == ["教育部", "科技部"]


def test_activity_fields_host_unit_and_subject_items() -> None:
    text = (
        "一、活动内容\n1.科普展览\n主办单位：县科技局\n时间：5月17日\n地点：县广场\n"
        "2.县科协要组织志愿者开展科普讲座。\n3.开展科普进校园活动。\n"
    )
    assert _assignments(text) == [
        ("1.1", "科普展览", ["县科技局"], []),
        ("1.2", "要组织志愿者开展科普讲座", ["县科协"], []),
        ("1.3", "开展科普进校园活动", [], []),
    ]


def test_subject_must_be_a_unit_printed_with_its_level() -> None:
    assert subject_clause("县科协要组织志愿者") is not None
    assert subject_clause("推动科技馆与学校合作") is None  # no level: not read as a subject
    assert subject_clause("各学校确定一名校级领导具体负责协调") is None  # not a unit name


def test_lead_in_clause_before_the_items_covers_them() -> None:
    text = (
        "二、重点任务\n（一）青少年科学素质行动\n由县教育局、县科协牵头，团县委参加。\n"
        "1.推进科学课程改革。\n2.开展科技竞赛。\n"
    )
    assert [(t.title, t.lead_units, t.participating_units) for t in parse_text(text).tasks] == [
        ("推进科学课程改革", ["县教育局", "县科协"], ["团县委"]),
        ("开展科技竞赛", ["县教育局", "县科协"], ["团县委"]),
    ]


def test_measures_paragraph_with_its_own_clause_is_a_task() -> None:
    text = (
        "一、重点任务\n（一）开展科普宣传。（县科协负责）\n三、保障措施\n"
        "县财政将科普经费列入年度预算。（县财政局负责）\n各部门要加强协作。\n"
    )
    titles = {t.title: t.lead_units for t in parse_text(text).tasks}
    assert titles == {"开展科普宣传": ["县科协"], "县财政将科普经费列入年度预算": ["县财政局"]}


def test_clause_before_the_first_heading_governs_no_later_item() -> None:
    text = "[续上页] 责任单位:县文旅局\n一、实施步骤\n（一）制定工作要点。\n（二）开展中期评估。\n"
    plan = parse_text(text)
    assert all(not t.lead_units for t in plan.tasks if t.title != "（接上页的条目）")
    assert any(t.lead_units == ["县文旅局"] for t in plan.tasks)


def test_a_missing_character_is_merged_into_the_full_name() -> None:
    text = (
        "一、重点任务\n（一）未成年人科学素质行动（由教育部牵头，中央宣部、科技部参加）\n"
        "（二）农民科学素质行动（由农业部牵头，中央宣传部、科技部参加）\n"
    )
    units = {u.name: u.aliases for u in parse_text(text).units}
    assert "中央宣部" not in units
    assert "中央宣部" in units["中央宣传部"]


def test_members_named_as_such_take_part() -> None:
    clauses = find_clauses("中央宣传部、教育部、气象局作为成员单位，参与实施。")
    assert [(c.leads, c.participants) for c in clauses] == [([], ["中央宣传部", "教育部", "气象局"])]


def test_traditional_unit_names_meet_their_simplified_forms() -> None:
    text = "一、活動內容\n（一）舉辦講座由縣科協牽頭，縣市場監督管理局、縣行政執法局配合，組織專家進社區。\n"
    plan = parse_text(text)
    assert [(t.lead_units, t.participating_units) for t in plan.tasks] == [
        (["县科协"], ["县市场监督管理局", "县行政执法局"])
    ]
    assert "举办讲座" in plan.tasks[0].title


def test_an_unreadable_name_is_dropped_and_named_not_the_whole_clause() -> None:
    plan = parse_text("一、重点任务\n（一）开展科普宣传。组织活动（由市科协牵头，市教育局、市*局配合）。\n")
    assert [(t.lead_units, t.participating_units) for t in plan.tasks] == [(["市科协"], ["市教育局"])]
    assert any("市*局" in warning for warning in plan.warnings)


# --- round 2 (task E): layouts of the held-out real pages, invented text ---


def test_space_separated_text_table_gives_one_task_per_row() -> None:
    text = (
        "附件：\n重点活动安排表\n序号 活动名称 时间 牵头单位 配合单位\n"
        "1 科普大篷车巡展 5月8日 县科协 县教育局、县科技馆\n"
        "2 农技专家义诊 5月9日 县农业农村局 县科协、北山镇有关单位\n"
    )
    plan = parse_text(text)
    rows = [(t.title, t.lead_units, t.participating_units) for t in plan.tasks]
    assert rows == [
        ("科普大篷车巡展", ["县科协"], ["县教育局", "县科技馆"]),
        ("农技专家义诊", ["县农业农村局"], ["县科协", "北山镇有关单位"]),
    ]
    assert [u.is_class for u in plan.units if u.name == "北山镇有关单位"] == [True]


def test_joint_organisers_of_an_activity_lead_it() -> None:
    clauses = find_clauses("根据通知精神，县科协联合县教育局、科技局共同组织开展科普日活动。")
    assert [(c.leads, c.participants) for c in clauses] == [(["县科协", "县教育局", "县科技局"], [])]
    clauses = find_clauses("此次活动由县文化馆与科协联合举办。")
    assert [c.leads for c in clauses] == [["县文化馆", "县科协"]]
    # a place after 与 is no organiser
    assert find_clauses("区科协与_街道在_广场联合举办咨询活动。") == []


def test_subject_without_a_level_and_duties_in_a_requirements_section() -> None:
    assert subject_clause("少年宫活动中心负责布置展板。").leads == ["少年宫活动中心"]
    assert subject_clause("科协要组织专家开展咨询。").leads == ["科协"]
    assert subject_clause("学校要组织学生参观。") is None  # two characters the dictionary does not know
    text = (
        "四、工作要求\n1、各学校要统一组织学生有序参观。\n2、少年宫活动中心负责联系县科协，具体负责展板布置。\n"
        "3、活动期间的后勤保障工作由县青少年活动中心负责。\n"
    )
    assert [(t.title[:6], t.lead_units) for t in parse_text(text).tasks if t.lead_units] == [
        ("负责联系县科", ["少年宫活动中心"]),
        ("活动期间的后", ["县青少年活动中心"]),
    ]


def test_a_measure_titled_by_its_sentence_is_no_duty() -> None:
    assert subject_clause("加强组织领导。区科普工作领导小组负责统筹协调。", duty_only=True) is None


def test_prose_roles_of_a_whole_action() -> None:
    clauses = find_clauses("根据领导小组的安排，市教育局、团市委为青少年科学素质行动的牵头部门；市科协等五部门为责任单位。")
    assert [(c.leads, c.participants) for c in clauses] == [(["市教育局", "团市委"], ["市科协"])]


def test_tasks_listed_as_yi_shi_er_shi_in_a_report_paragraph() -> None:
    text = "主要任务有三：一是开展科普讲座；二是建设科普画廊；三是培训农村科普员。"
    assert [t.title for t in parse_text(text).tasks] == ["开展科普讲座", "建设科普画廊", "培训农村科普员"]


def test_fields_of_an_activity_fold_into_it() -> None:
    text = (
        "一、重点活动\n（一）召开科普工作座谈会\n1.时间：9月16日上午\n2.主持人：镇长\n3.参会人员：各村负责人\n"
        "4.会议筹备工作由城关镇党委和政府负责。\n（二）科普宣传活动\n1.综合宣传活动。\n（1）主办、承办、协办单位：\n"
        "①主办单位：县科协\n②承办单位：城关镇人民政府\n③协办单位：县气象局、县妇联\n"
    )
    rows = [(t.title, t.lead_units, t.participating_units) for t in parse_text(text).tasks]
    assert rows == [
        ("召开科普工作座谈会", ["城关镇党委", "城关镇人民政府"], []),
        ("综合宣传活动", ["县科协", "城关镇人民政府"], ["县气象局", "县妇联"]),
    ]


def test_an_item_printed_as_fields_is_named_by_its_value() -> None:
    text = "七、具体活动安排\n1、活动内容：科普开幕日\n活动时间：9月18日\n主办：镇科协\n2、活动内容：科普运动会\n"
    rows = [(t.title, t.lead_units) for t in parse_text(text).tasks]
    assert rows == [("科普开幕日", ["镇科协"]), ("科普运动会", [])]
