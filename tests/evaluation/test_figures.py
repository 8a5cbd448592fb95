"""The evaluation figures and their sentences on the annual world (worked out by hand in conftest.py)."""

from __future__ import annotations

import datetime

import pytest
from tests.evaluation.conftest import TODAY

from kesu.evaluation import narrative
from kesu.evaluation.document import SECTION_TITLES, NoData, build_document
from kesu.evaluation.figures import (
    EvaluationError,
    default_as_of,
    evaluation_figures,
    indicator_line,
    region_by_code,
    target_line,
)
from kesu.indicators.linked_targets import LinkedTarget
from kesu.planning.models import Plan, Task, TaskUnit, UnitRole
from kesu.plans.attainment import Figure, Kind, Target, Verdict
from kesu.supervision.models import ScoreAdjustment
from kesu.supervision.plan_year import TargetFigures
from kesu.supervision.status import Colour

pytestmark = pytest.mark.django_db


def test_status_is_judged_at_the_end_of_january_after_the_year():
    assert default_as_of(2024, TODAY) == datetime.date(2025, 1, 31)
    assert default_as_of(2024, datetime.date(2024, 9, 1)) == datetime.date(2024, 9, 1)


def test_task_statuses_and_key_numbers(annual_world):
    data = evaluation_figures(annual_world.county, 2024, today=TODAY)
    assert narrative.title(data) == "乳山市2024年度全民科学素质行动实施情况评估报告"
    assert narrative.issuer(data) == "乳山市全民科学素质工作领导小组办公室"
    assert data.colour_totals == {"green": 1, "amber": 1, "red": 1}
    numbers = {k.label: k.value for k in narrative.key_numbers(data)}
    assert numbers["2024年到期进度报告"] == "12 份，按时报送 9 份（75.0%）"
    assert numbers["2024年已报送报告"] == "10 份，审核通过 6 份"
    # The status lights cap each task at 100 %: 3.1.2 at 100 % (230 of 200), 3.2.1 at 30 % (300 of
    # 1000); 3.1.1 has no target.
    assert numbers["量化目标平均完成进度"] == "65.0%"
    assert [(t.code, t.colour) for t in data.alert_tasks] == [("3.2.1", Colour.RED), ("3.1.1", Colour.AMBER)]
    assert "高素质农民培训 进度 30%，时间已过 80%" in data.alert_tasks[0].reason
    assert data.alert_tasks[0].lead_units == ("市农业农村局",)


def test_groups_targets_and_trends(annual_world):
    data = evaluation_figures(annual_world.county, 2024, today=TODAY)
    groups = {g.title: g for g in data.groups}
    youth, farmers = groups["青少年科学素质提升行动"], groups["农民科学素质提升行动"]
    assert (youth.tasks, youth.green, youth.amber, youth.red, youth.mean_progress) == (2, 1, 1, 0, 1.0)
    assert (farmers.tasks, farmers.red, farmers.mean_progress) == (1, 1, pytest.approx(0.3))
    targets = {t.task_code: t for t in data.targets}
    # Not capped: 230 of 200 is 115 %, as on the task page.
    assert (targets["3.1.2"].reached, targets["3.1.2"].progress, targets["3.1.2"].yearly) == (230, 1.15, True)
    assert (targets["3.2.1"].reached, targets["3.2.1"].progress) == (300, pytest.approx(0.3))
    # 上半年: 6 due, 5 on time (农业农村局 late); 下半年: 6 due, 4 on time (two missing).
    assert [(t.label, t.due, t.on_time) for t in data.trends] == [("2024年上半年", 6, 5), ("2024年下半年", 6, 4)]


def test_overdue_reports_and_scorecard(annual_world):
    data = evaluation_figures(annual_world.county, 2024, today=TODAY)
    overdue = sorted((o.unit_name, o.task_code, o.kind, o.days) for o in data.overdue_reports)
    assert overdue == [
        ("市农业农村局", "3.2.1", "overdue", 16),
        ("市教育和体育局", "3.1.1", "returned", 11),
        ("市科协", "3.2.1", "overdue", 16),
    ]
    scores = {s.unit_name: s for s in data.scores}
    # 团市委: all 2 on time, nothing reviewed, no lead target → 100; 教体局: 4/4 on time, its target
    # met, 2 of 3 reviewed reports passed first time → 30 + 40 + 20 = 90; 科协: 3/4 on time and 3/3
    # passed, scaled up from 60 to 100 points → 87.5; 农业农村局: 0/2 on time, 30 % ÷ 80.01 % of the
    # time (1,461 of 1,826 days), 1/1 passed → 40 × 0.37495 + 30 = 45.0.
    assert {name: (s.rank, s.total) for name, s in scores.items()} == {
        "团市委": (1, 100.0), "市教育和体育局": (2, 90.0), "市科协": (3, 87.5), "市农业农村局": (4, 45.0),
    }


def test_office_adjustment_changes_the_ranking(annual_world):
    ScoreAdjustment.objects.create(plan=annual_world.plan, unit=annual_world.units["市教育和体育局"], year=2024,
                                   points=12, reason="获评省级科普工作先进单位")
    data = evaluation_figures(annual_world.county, 2024, today=TODAY)
    assert [(s.unit_name, s.total) for s in data.scores][:2] == [("市教育和体育局", 102.0), ("团市委", 100.0)]


def test_problems_and_next_steps_come_from_the_figures(annual_world):
    data = evaluation_figures(annual_world.county, 2024, today=TODAY)
    issues, next_steps = narrative.problems_and_next_steps(data)
    text = "\n".join(issues)
    assert "2个单位有逾期未报送的2024年进度报告" in text
    assert "农民科学素质提升行动量化目标平均完成进度为30.0%，在各行动/工程中最低" in text
    assert "3.2.1培育高素质农民任务亮红灯" in text
    assert "1份进度报告被退回后尚未重新报送" in text
    assert len(next_steps) == len(issues)


def test_sections_without_data_say_so(annual_world):
    document = build_document(evaluation_figures(annual_world.county, 2024, today=TODAY))
    assert [s.title for s in document.sections] == list(SECTION_TITLES)
    no_data = {s.title: [b.text for b in s.blocks if isinstance(b, NoData)] for s in document.sections}
    assert no_data["五、科普能力指标"] == ["本年度无科普能力指标数据。"]
    assert no_data["六、科普资源与活动"] == ["科普资源登记册中本地区尚无科普教育基地、科普人才和科普活动的记录。"]
    assert no_data["七、科普内容与应急科普"] == ["本年度未登记科普内容发布、辟谣和应急科普工作。"]
    assert no_data["八、公民科学素质监测"] == ["本年度无抽样调查数据。"]
    assert any("本年度无抽样调查数据" in text for text in no_data["一、总体情况"])


def test_year_without_reports_has_empty_sections(world):
    document = build_document(evaluation_figures(world.county, 2022, today=TODAY))
    texts = [b.text for s in document.sections for b in s.blocks if isinstance(b, NoData)]
    assert "2022年无逾期或退回未改的报告。" in texts
    assert "2022年尚无到期报告或可考核的目标，暂无成员单位考核得分。" in texts


def test_city_report_ranks_its_counties(annual_world):
    city_plan = Plan.objects.create(region=annual_world.city, title="威海市全民科学素质行动实施方案",
                                    period_start=2021, period_end=2025)
    task = Task.objects.create(plan=city_plan, code="1", title="市级任务", order=0)
    TaskUnit.objects.create(task=task, unit=annual_world.units["市科协"], role=UnitRole.LEAD)
    data = evaluation_figures(annual_world.city, 2024, today=TODAY)
    [county] = data.lower_regions
    assert (county.name, county.tasks, county.red, county.amber, county.green) == ("乳山市", 3, 1, 1, 1)
    assert county.completion == pytest.approx(0.65)
    assert (county.due_reports, county.on_time_reports) == (12, 9)
    assert county.period_on_time == (("2024年上半年", 5 / 6), ("2024年下半年", 4 / 6))


def test_unknown_region_and_year_without_plan(world):
    with pytest.raises(EvaluationError, match="未找到行政区划代码“999999”"):
        region_by_code("999999")
    with pytest.raises(EvaluationError, match="乳山市没有覆盖2019年的全民科学素质行动实施方案"):
        evaluation_figures(world.county, 2019)
    with pytest.raises(EvaluationError, match="威海市没有覆盖2024年"):
        evaluation_figures(world.city, 2024)


def test_target_lines_add_each_units_latest_figure_and_do_not_cap_progress():
    end = datetime.date
    figures = (Figure(2023, 120, 1, end(2023, 12, 31)), Figure(2024, 40, 2, end(2024, 6, 30)),
               Figure(2024, 260, 1, end(2024, 12, 31)))
    target = TargetFigures("1", "培训", 200, "人次", ">=", Target(200, Kind.CUMULATIVE, "人次"), figures, 2025)
    line = target_line(target, 2024)
    assert (line.reached, line.progress, line.yearly) == (300, 1.5, False)
    assert line.projection.verdict == Verdict.MET
    assert (target_line(target, 2023).reached, target_line(target, 2023).progress) == (120, 0.6)
    # A ceiling (控制在…以内) within its bound is met, and no more than that.
    ceiling = TargetFigures("2", "事故", 5, "起", "<=", Target(5, Kind.CEILING, "起"), (Figure(2024, 3),), None)
    line = target_line(ceiling, 2024)
    assert (line.reached, line.progress, line.projection) == (3, 1.0, None)


def linked(value: float, kind: Kind, points: list[tuple[int, float]]) -> LinkedTarget:
    target = Target(value, kind, "平方米/万人", deadline_year=2025)
    return LinkedTarget("每万人科普展厅面积", "平方米/万人", value, 2025, target,
                        tuple(Figure(year, amount) for year, amount in points))


def test_indicator_lines_project_by_least_squares_to_the_target_year():
    # 0.8 → 1.0 m² per 10,000 residents over 2022—2024 gives 0.1 a year: 1.1 in 2025, short of 1.2.
    points = [(2022, 0.8), (2023, 0.9), (2024, 1.0)]
    line = indicator_line(linked(1.2, Kind.LEVEL, points))
    assert (line.value, line.gap, line.projection) == (1.0, 0.2, 1.1)
    assert (line.verdict, line.on_track) == (Verdict.OFF_TRACK, False)
    assert indicator_line(linked(1.05, Kind.LEVEL, points)).on_track is True
    # A ceiling (控制在…以内): lower is better.
    line = indicator_line(linked(15.0, Kind.CEILING, [(2023, 30.0), (2024, 20.0)]))
    assert (line.value, line.gap, line.projection, line.on_track) == (20.0, 5.0, 10.0, True)
    # Every point counts, not only the first and the last: 0.8, 1.0, 0.9 rise 0.05 a year.
    assert indicator_line(linked(1.2, Kind.LEVEL, [(2022, 0.8), (2023, 1.0), (2024, 0.9)])).projection == 1.0


def test_a_single_value_has_no_projection_and_no_value_no_verdict():
    met = indicator_line(linked(3.0, Kind.LEVEL, [(2024, 5.0)]))
    assert (met.value, met.gap, met.projection, met.verdict, met.on_track) == (5.0, -2.0, None, Verdict.MET, True)
    short = indicator_line(linked(8.0, Kind.LEVEL, [(2024, 5.0)]))
    assert (short.projection, short.verdict, short.on_track) == (None, Verdict.UNKNOWN, None)
    empty = indicator_line(linked(3.0, Kind.LEVEL, []))
    assert (empty.value, empty.gap, empty.projection, empty.on_track) == (None, None, None, None)


def test_a_cumulative_indicator_target_adds_the_years_up():
    line = indicator_line(linked(1000, Kind.CUMULATIVE, [(2022, 200), (2023, 300), (2024, 250)]))
    assert line.value == 750  # the running total, not the latest year's 250
    assert line.verdict == Verdict.ON_TRACK  # 200, 500, 750 → 1016.67 in 2025
