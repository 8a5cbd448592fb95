"""Responsibility clauses, collective actors, task boundaries and acceptance in the layouts of issue 15.

Every snippet is invented text in the layout of real plans; one test per form.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kesu.plans.errors import PlanParseError
from kesu.plans.model import ParsedPlan, UnitEntry
from kesu.plans.parser import parse_file, parse_text
from kesu.plans.responsibility import parse_roles


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
