"""Rules from the third round on real pages (realpages/h, kept outside the repo); the texts here are
invented in the same layouts (tests/plans/corpus/p10_*)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kesu.plans import parse_text
from kesu.plans.errors import PlanParseError
from kesu.plans.parser import parse_file
from kesu.plans.responsibility import find_clauses, subject_clause
from kesu.plans.site_copy import is_site_prompt, undouble
from kesu.plans.targets import extract_targets

CORPUS = Path(__file__).parent / "corpus"


def _plan(name: str):
    return parse_file(CORPUS / name)


def test_heading_over_plain_items_is_one_task_but_a_phase_heading_is_not() -> None:
    plan = _plan("p10_heading_items_no_clause.txt")
    titles = [task.title for task in plan.tasks]
    assert titles[:3] == ["科普队伍建设", "科普阵地建设", "科普宣传活动"]
    # the items of 科普阵地建设 are its text, not tasks of their own
    assert not any(title.startswith("每个村建成") for title in titles)
    assert "每个村建成科普宣传栏" in plan.tasks[1].text
    # (四)2026年下半年 groups its items by when: each item stays a task
    assert titles[3:] == ["开展一次科普工作检查", "评选科普示范户"]


def test_roster_units_are_units_of_the_plan_without_a_task() -> None:
    plan = _plan("p10_roster_and_schedule.txt")
    units = {unit.name: unit for unit in plan.units}
    assert {"乡卫生院", "乡中心学校", "乡畜牧站", "林业站"} <= set(units)
    assert units["乡卫生院"].lead_count == 0 and units["乡卫生院"].participating_count == 0
    # the schedule sentence with 由X牵头组织 titles the task, not the field name 活动时间
    [task] = plan.tasks
    assert task.title == "组织种植大户到示范基地参观新品种"
    assert task.lead_units == ["乡农业服务中心"]


def test_items_numbered_across_sections_are_all_tasks() -> None:
    plan = _plan("p10_numbering_across_sections.txt")
    titles = [task.title for task in plan.tasks]
    assert any(title.startswith("开展科学家精神进校园") for title in titles)
    assert any(title.startswith("开展老年人智能技术培训") for title in titles)
    assert not any(title.startswith("各单位要高度重视") for title in titles)  # 工作要求
    lead = next(task for task in plan.tasks if task.lead_units)
    assert lead.lead_units == ["县全民科学素质工作领导小组办公室"]


def test_site_copy_organisers_items_and_prompts() -> None:
    plan = _plan("p10_site_copy_prompts.txt")
    assert [unit.name for unit in plan.units] == ["区科协", "区卫健局", "区教育局"]
    titles = [task.title for task in plan.tasks]
    assert {"健康知识进家庭", "防灾减灾知识普及", "青少年科学体验"} <= set(titles)
    assert not any("特权" in title for title in titles)
    assert not any(target.unit == "篇" for task in plan.tasks for target in task.targets)


def test_doubled_characters_of_a_site_copy_are_undone() -> None:
    plan = _plan("p10_site_doubled_characters.txt")
    assert "营造活动氛围" in [task.title for task in plan.tasks]
    assert undouble("天天向上，洗洗澡") == "天天向上，洗洗澡"  # a few real reduplications stay


def test_news_filed_under_the_sites_news_is_no_plan() -> None:
    with pytest.raises(PlanParseError):
        _plan("p10_news_category_not_plan.txt")


def test_small_readers() -> None:
    assert is_site_prompt("普通用户特权：8.8积分")
    assert not is_site_prompt("普通用户特权说明了很多很多很多很多很多很多很多很多很多的内容还在继续")
    [clause] = find_clauses("5月20日由乡农技站牵头组织农户参观示范田。")
    assert clause.leads == ["乡农技站"]
    # 由X负责组织… (X does it) is still no clause without a comma after it
    assert find_clauses("由乡农技站负责组织农户参观示范田。") == []
    clause = subject_clause("统筹推进工作。发挥好县科协牵头协调作用，推动落实。")
    assert clause is not None and clause.leads == ["县科协"]
    assert extract_targets("社区科普活动方案8篇") == []


def test_goal_section_ends_at_a_glued_heading() -> None:
    text = (
        "某县全民科学素质行动实施方案\n一、发展目标\n到2025年，全县公民具备科学素质的比例达到12%。\n"
        "二、聚焦重点人群，实施科学素质提升行动为推进发展，实施5项提升行动。\n"
        "（一）青少年科学素质提升行动。（牵头单位：县教育局）\n"
    )
    plan = parse_text(text, "glued.txt")
    assert not any(target.unit == "项" for target in plan.targets)


def test_rosters_in_a_heading_line_and_a_work_mechanism() -> None:
    text = (
        "某区2026年科技活动周实施方案\n一、主题\n科技惠民。\n三、主办单位 中共区委宣传部、区科技局\n"
        "四、主要活动内容\n（一）举办启动仪式。（责任单位：区科技局）\n（二）开展科普讲座。（责任单位：区科协）\n"
        "五、保障措施\n（一）完善工作机制\n由区科协、区妇联牵头，负责协调推动方案落实。区教育局、区卫健局作为成员单位，参与实施。\n"
    )
    plan = parse_text(text, "roster.txt")
    units = {unit.name: unit for unit in plan.units}
    assert {"区科技局", "区科协", "区妇联", "区教育局", "区卫健局"} <= set(units)
    party = next(unit for unit in plan.units if unit.name.endswith("区委宣传部"))
    assert "区委宣传部" in party.aliases  # 中共区委宣传部 and its usual short form
