"""report_data on the annual world (figures worked out by hand in conftest.py)."""

from __future__ import annotations

import datetime

import pytest
from tests.evaluation.conftest import TODAY

from kesu.evaluation.document import SECTION_TITLES, NoData, build_document
from kesu.evaluation.report_data import ReportDataError, annual_report_data, default_as_of, region_by_code
from kesu.planning.models import Plan, Task, TaskUnit, UnitRole
from kesu.supervision.models import ScoreAdjustment
from kesu.supervision.status import Colour

pytestmark = pytest.mark.django_db


def test_status_is_judged_at_the_end_of_january_after_the_year():
    assert default_as_of(2024, TODAY) == datetime.date(2025, 1, 31)
    assert default_as_of(2024, datetime.date(2024, 9, 1)) == datetime.date(2024, 9, 1)


def test_task_statuses_and_key_numbers(annual_world):
    data = annual_report_data(annual_world.county, 2024, today=TODAY)
    assert data.title == "乳山市2024年度全民科学素质行动实施情况评估报告"
    assert data.issuer == "乳山市全民科学素质工作领导小组办公室"
    assert data.colour_totals == {"green": 1, "amber": 1, "red": 1}
    numbers = {k.label: k.value for k in data.key_numbers}
    assert numbers["2024年到期进度报告"] == "12 份，按时报送 9 份（75.0%）"
    assert numbers["2024年已报送报告"] == "10 份，审核通过 6 份"
    # 3.1.2 at 100 % (230 of 200), 3.2.1 at 30 % (300 of 1000); 3.1.1 has no target.
    assert numbers["量化目标平均完成进度"] == "65.0%"
    assert [(t.code, t.colour) for t in data.alert_tasks] == [("3.2.1", Colour.RED), ("3.1.1", Colour.AMBER)]
    assert "高素质农民培训 进度 30%，时间已过 80%" in data.alert_tasks[0].reason
    assert data.alert_tasks[0].lead_units == "市农业农村局"


def test_groups_targets_and_trends(annual_world):
    data = annual_report_data(annual_world.county, 2024, today=TODAY)
    groups = {g.title: g for g in data.groups}
    youth, farmers = groups["青少年科学素质提升行动"], groups["农民科学素质提升行动"]
    assert (youth.tasks, youth.green, youth.amber, youth.red, youth.mean_progress) == (2, 1, 1, 0, 1.0)
    assert (farmers.tasks, farmers.red, farmers.mean_progress) == (1, 1, pytest.approx(0.3))
    targets = {t.task_code: t for t in data.targets}
    assert (targets["3.1.2"].reached, targets["3.1.2"].progress, targets["3.1.2"].yearly) == (230, 1.0, True)
    assert (targets["3.2.1"].reached, targets["3.2.1"].progress) == (300, pytest.approx(0.3))
    # 上半年: 6 due, 5 on time (农业农村局 late); 下半年: 6 due, 4 on time (two missing).
    assert [(t.label, t.due, t.on_time) for t in data.trends] == [("2024年上半年", 6, 5), ("2024年下半年", 6, 4)]


def test_overdue_reports_and_scorecard(annual_world):
    data = annual_report_data(annual_world.county, 2024, today=TODAY)
    overdue = sorted((o.unit_name, o.task_code, o.kind, o.days) for o in data.overdue_reports)
    assert overdue == [
        ("市农业农村局", "3.2.1", "overdue", 16),
        ("市教育和体育局", "3.1.1", "returned", 11),
        ("市科协", "3.2.1", "overdue", 16),
    ]
    scores = {s.unit_name: s for s in data.scores}
    # 团市委: all 2 on time, nothing reviewed, no lead target → 100; 教体局: 4/4 on time, its target
    # met, 2 of 3 reviewed reports passed first time → 30 + 40 + 20 = 90; 科协: 3/4 on time and 3/3
    # passed, scaled up from 60 to 100 points → 87.5; 农业农村局: 0/2 on time, 30 % ÷ 80.05 % of the
    # target, 1/1 passed → 40 × 0.3748 + 30 = 44.99.
    assert {name: (s.rank, s.total) for name, s in scores.items()} == {
        "团市委": (1, 100.0), "市教育和体育局": (2, 90.0), "市科协": (3, 87.5), "市农业农村局": (4, 44.99),
    }


def test_office_adjustment_changes_the_ranking(annual_world):
    ScoreAdjustment.objects.create(plan=annual_world.plan, unit=annual_world.units["市教育和体育局"], year=2024,
                                   points=12, reason="获评省级科普工作先进单位")
    data = annual_report_data(annual_world.county, 2024, today=TODAY)
    assert [(s.unit_name, s.total) for s in data.scores][:2] == [("市教育和体育局", 102.0), ("团市委", 100.0)]


def test_problems_and_next_steps_come_from_the_figures(annual_world):
    data = annual_report_data(annual_world.county, 2024, today=TODAY)
    text = "\n".join(data.issues)
    assert "2个单位有逾期未报送的2024年进度报告" in text
    assert "农民科学素质提升行动量化目标平均完成进度为30.0%，在各行动/工程中最低" in text
    assert "3.2.1培育高素质农民任务亮红灯" in text
    assert "1份进度报告被退回后尚未重新报送" in text
    assert len(data.next_steps) == len(data.issues)


def test_sections_without_data_say_so(annual_world):
    document = build_document(annual_report_data(annual_world.county, 2024, today=TODAY))
    assert [s.title for s in document.sections] == list(SECTION_TITLES)
    no_data = {s.title: [b.text for b in s.blocks if isinstance(b, NoData)] for s in document.sections}
    assert no_data["五、科普能力指标"] == ["本年度无科普能力指标数据。"]
    assert no_data["六、公民科学素质监测"] == ["本年度无抽样调查数据。"]
    assert any("本年度无抽样调查数据" in text for text in no_data["一、总体情况"])


def test_year_without_reports_has_empty_sections(world):
    document = build_document(annual_report_data(world.county, 2022, today=TODAY))
    texts = [b.text for s in document.sections for b in s.blocks if isinstance(b, NoData)]
    assert "2022年无逾期或退回未改的报告。" in texts
    assert "2022年尚无到期报告或可考核的目标，暂无成员单位考核得分。" in texts


def test_city_report_ranks_its_counties(annual_world):
    city_plan = Plan.objects.create(region=annual_world.city, title="威海市全民科学素质行动实施方案",
                                    period_start=2021, period_end=2025)
    task = Task.objects.create(plan=city_plan, code="1", title="市级任务", order=0)
    TaskUnit.objects.create(task=task, unit=annual_world.units["市科协"], role=UnitRole.LEAD)
    data = annual_report_data(annual_world.city, 2024, today=TODAY)
    [county] = data.lower_regions
    assert (county.name, county.tasks, county.red, county.amber, county.green) == ("乳山市", 3, 1, 1, 1)
    assert county.completion == pytest.approx(0.65)
    assert (county.due_reports, county.on_time_reports) == (12, 9)
    assert county.period_on_time == [("2024年上半年", 5 / 6), ("2024年下半年", 4 / 6)]


def test_unknown_region_and_year_without_plan(world):
    with pytest.raises(ReportDataError, match="未找到行政区划代码“999999”"):
        region_by_code("999999")
    with pytest.raises(ReportDataError, match="乳山市没有覆盖2019年的全民科学素质行动实施方案"):
        annual_report_data(world.county, 2019)
    with pytest.raises(ReportDataError, match="威海市没有覆盖2024年"):
        annual_report_data(world.city, 2024)


def test_indicator_projection_and_judgement():
    from kesu.evaluation.report_data import judge_indicator, project

    # 0.8 → 1.0 m² per 10,000 residents over 2022—2024 gives 0.1 a year: 1.1 in 2025, short of 1.2.
    points = [(2022, 0.8), (2023, 0.9), (2024, 1.0)]
    assert project(points, 2025) == pytest.approx(1.1)
    assert judge_indicator(points, 1.2, ">=", 2025) == (1.0, pytest.approx(0.2), pytest.approx(1.1), False)
    assert judge_indicator(points, 1.05, ">=", 2025)[3] is True
    # A ceiling (控制在…以内): lower is better.
    assert judge_indicator([(2023, 30.0), (2024, 20.0)], 15.0, "<=", 2025) == (20.0, 5.0, 10.0, True)
    assert judge_indicator([(2024, 5.0)], 3.0, ">=", 2025) == (5.0, -2.0, 5.0, True)
    assert judge_indicator([], 3.0, ">=", 2025) == (None, None, None, None)
