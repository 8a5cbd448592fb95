"""Plans written after the parser, in styles its author did not anticipate (fixtures/unseen).

Each fixture was annotated by hand before the parser was run on it; the goals are those the
parser is held to on real plans: unit F1 ≥ 0.95, task recall ≥ 0.95, target F1 ≥ 0.90.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from tests.plans.scoring import load_expected, score

from kesu.plans import ParsedPlan, parse_text
from kesu.plans.normalize import clean_lines, join_paragraphs
from kesu.plans.responsibility import find_clauses
from kesu.plans.targets import extract_targets
from kesu.plans.units import looks_like_unit

FIXTURES = Path(__file__).parent / "fixtures" / "unseen"
PLANS = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".md"))


@cache
def _parse(name: str) -> ParsedPlan:
    path = FIXTURES / name
    return parse_text(path.read_text(encoding="utf-8-sig"), path.name)


def _task(name: str, task_id: str):
    return next(t for t in _parse(name).tasks if t.id == task_id)


def test_there_are_at_least_six_unseen_plans() -> None:
    assert len(PLANS) >= 6


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_scores_reach_the_goals(path: Path) -> None:
    expected = load_expected(path.with_name(path.stem + ".expected.json"))
    scores = score(_parse(path.name), expected)
    assert scores["unit_f1"] >= 0.95, scores
    assert scores["task_recall"] >= 0.95, scores
    assert scores["target_f1"] >= 0.90, scores


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_metadata_headline_and_ids(path: Path) -> None:
    expected = load_expected(path.with_name(path.stem + ".expected.json"))
    plan = _parse(path.name)
    for field in ("title", "doc_number", "issuer", "date", "region"):
        if field in expected:
            assert getattr(plan, field) == expected[field], field
    if "period" in expected:
        assert plan.period is not None and plan.period.to_dict() == expected["period"]
    assert plan.headline_target is not None
    assert plan.headline_target.value == expected["headline"]["value"]
    assert plan.headline_target.year == expected["headline"]["year"]
    by_title = {task.title: task.id for task in plan.tasks}
    for task in expected["tasks"]:
        if task.get("id"):
            assert by_title.get(task["title"]) == task["id"], task["title"]


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_no_unit_is_a_fragment_or_a_generic_collective(path: Path) -> None:
    for unit in _parse(path.name).units:
        assert looks_like_unit(unit.name), unit.name
        assert not unit.name.endswith(("）", ")")) or "（" in unit.name, unit.name


def test_semicolon_clause_in_brackets_is_read_whole() -> None:
    # （牵头单位：X；配合单位：Y、Z等）: the ；配合单位： inside must not start a clause of its own
    task = _task("programme_main_tasks.txt", "2.2")
    assert task.lead_units == ["县农业农村局"]
    assert task.participating_units[-1] == "县供销社"
    assert task.units_raw.startswith("（牵头单位") and task.units_raw.endswith("）")
    clauses = find_clauses("开展培训。（牵头单位：县总工会；配合单位：县人社局、县科协等）")
    assert [(c.leads, c.participants) for c in clauses] == [(["县总工会"], ["县人社局", "县科协"])]


def test_second_names_in_brackets_are_one_unit() -> None:
    plan = _parse("programme_main_tasks.txt")
    names = {unit.name for unit in plan.units}
    assert "县委组织部（县委人才办）" in names
    assert "各乡镇人民政府（街道办事处）" in names
    # abbreviation and full form of the same bureau are one unit
    assert any({"县发改局", "县发展和改革局"} <= set(u.aliases) for u in plan.units)


def test_county_abbreviations_join_their_full_forms() -> None:
    plan = _parse("county_chapters.txt")
    aliases = {unit.name: set(unit.aliases) for unit in plan.units}
    assert aliases["县教育和科学技术局"] == {"县教育和科学技术局", "县教科局"}
    assert aliases["县科学技术协会"] == {"县科学技术协会", "县科协"}
    assert _task("county_chapters.txt", "3.11").participating_units == [
        "县委组织部",
        "县教育和科学技术局",
        "团县委",
    ]
    # 由县科协负责解释 in the closing article is no task
    assert not any("附" in task.path[0] for task in plan.tasks)


def test_bracketed_keys_and_clauses_on_two_lines() -> None:
    marked = _task("paren_numbered_lines.txt", "2.1.2")  # 【牵头单位】县科协 【配合单位】县教育局、县科技局
    assert marked.lead_units == ["县科协"] and marked.participating_units == ["县教育局", "县科技局"]
    assert "牵头单位" not in marked.text
    # 牵头单位：县科协 / 责任单位：各乡镇人民政府、县财政局
    two_lines = _task("paren_numbered_lines.txt", "3.1.1")
    assert two_lines.lead_units == ["县科协"]
    assert two_lines.participating_units == ["各乡镇人民政府", "县财政局"]
    # 责任部门：X　配合部门：Y (a space between the keys, no semicolon)
    spaced = _task("paren_numbered_lines.txt", "2.1.3")
    assert spaced.lead_units == ["县教育局"] and spaced.participating_units == ["县财政局", "县科协"]


def test_first_listed_unit_leads_in_a_noted_table_in_the_annex() -> None:
    plan = _parse("table_first_lead.txt")
    assert [t.id for t in plan.tasks] == [str(n) for n in range(1, 13)]
    assert all(t.path[0] == "鹤湾区全民科学素质行动重点任务分工表" for t in plan.tasks)
    assert _task("table_first_lead.txt", "8").lead_units == ["区委宣传部"]
    assert _task("table_first_lead.txt", "12").participating_units == []
    assert plan.sections[-1].number == "附件"
    # the deadline column dates the row's targets
    assert _task("table_first_lead.txt", "7").targets[0].deadline_year == 2024


def test_lone_instruction_in_safeguards_is_no_task() -> None:
    plan = _parse("district_opinions.txt")
    assert not any(task.path[0] == "保障措施" for task in plan.tasks)
    assert all(unit.name != "各有关部门" for unit in plan.units)
    assert find_clauses("各有关部门按职责分工负责。") == []
    clause = find_clauses("（区科协牵头，各有关部门配合）")[0]
    assert clause.leads == ["区科协"] and clause.participants == []


def test_period_from_the_body_or_a_five_year_title() -> None:
    # title without period; 目标 paragraph: “十四五”期间（2021—2025年）, not the cited 纲要（2021—2035年）
    assert _parse("county_chapters.txt").period.to_dict() == {"start": 2021, "end": 2025}
    assert _parse("district_opinions.txt").period.to_dict() == {"start": 2021, "end": 2025}  # “十四五”期间
    # “十四五” in the title, no range
    assert _parse("city_sentence_roles.txt").period.to_dict() == {"start": 2021, "end": 2025}


def test_within_n_years_counts_from_the_plans_first_year() -> None:
    targets = {(t.value, t.unit): t for task in _parse("district_opinions.txt").tasks for t in task.targets}
    assert targets[(12, "个")].deadline_year == 2023  # 三年内新增…12个 in a 2021—2025 plan
    assert targets[(200, "户")].deadline_year == 2025  # 5年内
    assert targets[(10, "所")].deadline_year == 2025
    assert targets[(5000, "人次")].deadline_year is None  # 培训5000人次/年 has no deadline
    assert extract_targets("三年内建成科普基地3个", start_year=2022)[0].deadline_year == 2024
    assert extract_targets("三年内建成科普基地3个")[0].deadline_year is None
    assert extract_targets("到2024年，两年内建成科普基地3个", start_year=2021)[0].deadline_year == 2024


def test_page_noise_masthead_and_broken_heading() -> None:
    plan = _parse("paged_noise.txt")
    assert plan.issuer == "柘溪县人民政府办公室"  # the masthead also printed as running header
    titles = [child.title for child in plan.sections[1].children]
    assert "实施老年人科学素质提升行动" in titles  # heading wrapped onto a second line
    # a name split by a page break
    assert _task("paged_noise.txt", "2.4.1").participating_units[1] == "县文化广电旅游体育局"
    assert _task("paged_noise.txt", "2.2.2").targets[1].value == 15000  # １．５万人次 in full-width digits
    assert _task("paged_noise.txt", "2.3.1").targets[0].deadline_year == 2023  # 三年内


def test_headline_phrasings() -> None:
    assert _parse("district_opinions.txt").headline_target.value == 16  # 力争…超过16%
    assert _parse("county_chapters.txt").headline_target.value == 14.5  # 提高到14.5%以上
    table = _parse("table_first_lead.txt")
    assert (table.headline_target.value, table.headline_target.year) == (18, 2025)  # …18%，2035年达到25%


def test_broken_heading_rule_leaves_short_headings_and_labels_alone() -> None:
    def paragraphs(text: str) -> list[str]:
        return [p.text for p in join_paragraphs(clean_lines(text))]

    assert paragraphs("（三）实施老年人科学素质\n提升行动\n1.开展培训。") == [
        "（三）实施老年人科学素质提升行动",
        "1.开展培训。",
    ]
    assert paragraphs("一、总体要求\n指导思想\n") == ["一、总体要求", "指导思想"]
    assert paragraphs("（一）青少年科学素质提升行动\n主要任务\n") == [
        "（一）青少年科学素质提升行动",
        "主要任务",
    ]
    assert paragraphs("（一）加强组织领导。\n县科协负责") == ["（一）加强组织领导。", "县科协负责"]
