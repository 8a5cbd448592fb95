"""The final evaluation's figures and document, each section checked against the fixture's reports
counted here in the test (tests/evaluation/final_world.py), and its query count."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.evaluation.conftest import add_report, at
from tests.evaluation.final_world import FARMERS, TODAY, TUTORS, WAVES, build_final_world

from kesu.audit.context import acting_as
from kesu.evaluation.document import Figure, NoData, Paragraph, Table
from kesu.evaluation.figures import EvaluationError
from kesu.evaluation.final_document import SECTION_TITLES, build_final_document
from kesu.evaluation.final_figures import HeadlineVerdict, final_figures
from kesu.indicators import services as indicator_services
from kesu.indicators.models import DataElement, Indicator
from kesu.indicators.targets import decide_link
from kesu.org.models import Unit
from kesu.planning.models import Target, Task, TaskUnit, UnitRole
from kesu.plans.attainment import Kind, Verdict
from kesu.progress.models import ProgressReport, ReportStatus, ReviewEventKind
from kesu.supervision import board_cache
from kesu.supervision.status import Colour

pytestmark = pytest.mark.django_db


@pytest.fixture
def final_world(world):
    return build_final_world(world)


def table(document, caption_part: str) -> Table:
    return next(t for t in document.tables if caption_part in t.caption)


def section_text(document, index: int) -> str:
    return "".join(b.text for b in document.sections[index].blocks if isinstance(b, Paragraph | NoData))


def reports_of(world, **filters):
    return ProgressReport.objects.filter(task__plan=world.plan, **filters)


def on_time(reports) -> int:
    return sum(1 for r in reports if r.submitted_at and r.submitted_at.date() <= r.period.due)


def test_headline_is_the_latest_wave_of_the_period_with_its_interval(final_world):
    data = final_figures(final_world.plan, today=TODAY)
    year, share, low, high, n = max(w for w in WAVES if w[0] <= 2025)
    estimate = data.headline.estimate
    assert (estimate.wave_year, estimate.share, estimate.low, estimate.high, estimate.n) == (year, share, low, high, n)
    target = final_world.plan.headline_value / 100
    assert share < target <= high  # the fixture's case: below target, interval reaching it
    assert data.headline_verdict == HeadlineVerdict.NEAR
    assert [p.year for p in data.literacy_trend] == [w[0] for w in WAVES if w[0] <= 2025]

    document = build_final_document(data)
    text = section_text(document, 1)
    assert f"{year}年" in text and f"{share * 100:.2f}%" in text and f"{low * 100:.2f}%—{high * 100:.2f}%" in text
    assert f"比目标低{(target - share) * 100:.2f}个百分点" in text
    row = table(document, "总体目标与最新监测结果").rows[0]
    assert row[4] == round(share * 100, 2) and row[-1] == HeadlineVerdict.NEAR


def test_every_target_against_what_was_reached_at_the_end(final_world):
    data = final_figures(final_world.plan, today=TODAY)
    tutors, farmers = data.targets
    assert (tutors.task_code, tutors.kind, tutors.reached) == ("3.1.2", Kind.YEARLY, TUTORS[2025])
    assert tutors.verdict == Verdict.MET and tutors.progress == pytest.approx(TUTORS[2025] / 200)
    assert (tutors.years_met, tutors.years_measured) == (sum(v >= 200 for v in TUTORS.values()), len(TUTORS))
    assert (farmers.task_code, farmers.kind, farmers.reached) == ("3.2.1", Kind.CUMULATIVE, FARMERS[2025])
    assert farmers.verdict == Verdict.OFF_TRACK and farmers.progress == pytest.approx(FARMERS[2025] / 1000)
    assert farmers.years_met is None

    rows = table(build_final_document(data), "量化目标完成情况").rows
    assert rows[0][:5] == ["3.1.2", "科技辅导员培训", "每年", "≥ 200 人次", TUTORS[2025]]
    assert rows[0][7:] == [f"{sum(v >= 200 for v in TUTORS.values())}/5年", "已完成"]
    assert rows[1][2] == "累计" and rows[1][-1] == "未完成"


def test_a_ceiling_and_a_level_keep_their_kind(final_world):
    spirit = final_world.tasks[0]
    Target.objects.create(task=spirit, text="科普场馆覆盖率达到80%", subject="场馆覆盖率", value=80, unit="%", order=0)
    Target.objects.create(task=spirit, text="安全事故不超过2起", subject="安全事故", value=2, unit="起",
                          comparator="<=", order=1)
    data = final_figures(final_world.plan, today=TODAY)
    kinds = {t.text: (t.kind.label, t.verdict) for t in data.targets}
    assert kinds["场馆覆盖率"] == ("达到", Verdict.UNKNOWN)  # no accepted figure
    assert kinds["安全事故"] == ("不超过", Verdict.UNKNOWN)


def test_the_yearly_trend(final_world):
    data = final_figures(final_world.plan, today=TODAY)
    assignments = TaskUnit.objects.filter(task__plan=final_world.plan).count()
    assert [y.year for y in data.years] == [2021, 2022, 2023, 2024, 2025]
    for line in data.years:
        reports = list(reports_of(final_world, period__start__year=line.year).select_related("period"))
        assert line.due == assignments
        assert line.on_time == on_time(reports)
        assert line.submitted == sum(r.status != ReportStatus.DRAFT for r in reports)
        assert line.accepted == sum(r.status == ReportStatus.ACCEPTED for r in reports)
        wave = next((w for w in WAVES if w[0] == line.year), None)
        assert (line.literacy.share if line.literacy else None) == (wave[1] if wave else None)
    # 2021: 210 ≥ 200 met; the farmers have one year of figures (no trend yet).
    assert data.years[0].verdicts == {"met": 1, "unknown": 1}
    # 2025: the tutors met the year's target, the farmers reached the deadline short of it.
    assert data.years[-1].verdicts == {"met": 1, "off_track": 1}
    assert data.years[-1].met_or_on_track_share == 0.5

    document = build_final_document(data)
    rows = table(document, "各年度推进情况").rows
    assert [r[0] for r in rows] == ["2021年", "2022年", "2023年", "2024年", "2025年"]
    assert rows[-1][7:10] == [data.years[-1].due, data.years[-1].on_time, data.years[-1].on_time_rate]
    chart = next(b for b in document.sections[3].blocks if isinstance(b, Figure))
    assert chart.spec.categories == ["2021年", "2022年", "2023年", "2024年", "2025年"]
    assert chart.spec.series[1][1][-1] == round(data.years[-1].on_time_rate * 100, 1)
    assert "方案目标尚未与科普能力指标关联" in section_text(document, 3)


def test_indicator_values_linked_to_targets_year_by_year(final_world):
    indicator_services.seed_national_set(actor=None)
    office = final_world.users["office"]
    tutors = Target.objects.get(subject="科技辅导员培训")
    decide_link(office, tutors, Indicator.objects.get(code="science_tutor_training_count"), confirm=True)
    element = DataElement.objects.get(code="science_tutor_training")
    entered = {2022: 180, 2024: 240}
    for year, value in entered.items():
        with acting_as(office):
            indicator_services.write_values(
                actor=office, writes=[indicator_services.CellWrite(element, None, final_world.county, None, value)],
                year=year,
            )
    data = final_figures(final_world.plan, today=TODAY)
    (linked,) = data.indicators
    assert linked.values == entered and linked.line.target == 200
    row = table(build_final_document(data), "关联指标逐年数值").rows[0]
    assert row[4:9] == [None, 180, None, 240, None]  # 2021 … 2025


def test_each_units_record_over_the_period(final_world):
    data = final_figures(final_world.plan, today=TODAY)
    by_name = {u.unit_name: u for u in data.units}
    assert set(by_name) == {"市教育和体育局", "市科协", "团市委", "市农业农村局"}
    for name, record in by_name.items():
        unit = Unit.objects.get(name=name)
        reports = list(reports_of(final_world, unit=unit).select_related("period"))
        assignments = TaskUnit.objects.filter(task__plan=final_world.plan, unit=unit)
        assert record.lead_tasks == assignments.filter(role=UnitRole.LEAD).count()
        assert record.total("due") == assignments.count() * 5
        assert record.total("submitted") == len(reports)
        assert record.total("on_time") == on_time(reports)
        assert record.total("accepted") == sum(r.status == ReportStatus.ACCEPTED for r in reports)
        assert record.total("returned") == sum(r.events.filter(kind=ReviewEventKind.RETURN).exists() for r in reports)
    agri = by_name["市农业农村局"]
    assert [y.on_time for y in agri.years] == [1, 1, 1, 1, 0]  # 2025 came on 20 January
    assert agri.mean_lead_progress == pytest.approx(FARMERS[2025] / 1000)

    rows = {r[0]: r for r in table(build_final_document(data), "成员单位实施期履职情况").rows}
    assert rows["市教育和体育局"][1:8] == [2, 0, 10, 10, 10, 5, 1]


def test_what_carries_over(final_world):
    data = final_figures(final_world.plan, today=TODAY)
    assert {u.code: u.colour for u in data.unfinished} == {
        "3.1.1": Colour.AMBER, "3.1.2": Colour.AMBER, "3.2.1": Colour.RED,
    }
    assert [s.pk for s in data.successors] == [final_world.successor.pk]
    assert [(c.code, c.new_code) for c in data.carried] == [("3.2.1", "2.1")]

    document = build_final_document(data)
    unfinished = {r[1]: r for r in table(document, "未完成的任务和目标").rows}
    assert unfinished["3.2.1 培育高素质农民"][-1] == "2.1 持续培育高素质农民"
    assert "≥ 1000 名" in unfinished["3.2.1 培育高素质农民"][3]
    assert unfinished["3.1.1 弘扬和传承科学精神"][-1] == "未承接"
    assert table(document, "承接到下一期方案的任务").rows == [[
        "3.2.1 培育高素质农民", final_world.successor.title, "2.1 持续培育高素质农民",
    ]]


def test_summary_states_only_the_figures(final_world):
    data = final_figures(final_world.plan, today=TODAY)
    document = build_final_document(data)
    assert [s.title for s in document.sections] == list(SECTION_TITLES)
    assert document.title == "乳山市全民科学素质行动实施方案（2021—2025年）总结评估报告"
    text = section_text(document, 0)
    due = sum(y.due for y in data.years)
    punctual = sum(y.on_time for y in data.years)
    assert f"到期进度报告{due}份，按时报送{punctual}份，按时报送率{punctual / due * 100:.1f}%" in text
    assert "2项量化目标中，期末已完成1项（50.0%），未完成1项" in text
    assert "期末仍有3项任务未完成（红灯1项、黄灯2项）" in text and "已有1项任务承接到" in text
    issues = document.sections[5].blocks
    assert any("市科协（50.0%）" in item for b in issues if hasattr(b, "items") for item in b.items)


def test_not_available_before_the_last_year_of_the_period(final_world):
    with pytest.raises(EvaluationError, match="总结评估自2025年起提供"):
        final_figures(final_world.plan, today=datetime.date(2024, 12, 31))
    # Within the last year it is available, judged as of today.
    data = final_figures(final_world.plan, today=datetime.date(2025, 6, 1))
    assert data.as_of == datetime.date(2025, 6, 1)


def grow(world, tag: int, tasks: int) -> None:
    """Tasks with their own units, targets and five years of reports."""
    for n in range(tag * 1000, tag * 1000 + tasks):
        unit = Unit.objects.create(region=world.county, name=f"成员单位{n}")
        task = Task.objects.create(plan=world.plan, code=f"9.{n}", title=f"补充任务{n}", order=10 + n,
                                   group=world.tasks[n % 3].group)
        TaskUnit.objects.create(task=task, unit=unit, role=UnitRole.LEAD)
        TaskUnit.objects.create(task=task, unit=world.units["市科协"], role=UnitRole.PARTICIPATING)
        Target.objects.create(task=task, text=f"累计完成{n}", subject=f"指标{n}", value=100, unit="次")
        for period in world.periods:
            year = period.start.year
            add_report(task, unit, period, ReportStatus.ACCEPTED, at(year + 1, 1, 5), at(year + 1, 1, 9),
                       figure=20 * (year - 2020))
        Task.objects.create(plan=world.successor, code=f"8.{n}", title=f"承接{n}", order=10 + n, carried_from=task)


def queries_for(world) -> int:
    board_cache.clear_boards()
    with CaptureQueriesContext(connection) as captured:
        build_final_document(final_figures(world.plan, today=TODAY))
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_the_data(final_world):
    grow(final_world, 1, tasks=1)
    queries_for(final_world)  # warms the per-process caches (score weights) that do not depend on the data
    small = queries_for(final_world)
    grow(final_world, 2, tasks=15)
    data = final_figures(final_world.plan, today=TODAY)
    assert data.task_total == 3 + 16 and len(data.carried) == 1 + 16
    assert queries_for(final_world) == small
    assert small <= 30


def test_a_plan_without_tasks_or_data_says_so_in_every_section(world):
    from kesu.planning.models import Plan

    plan = Plan.objects.create(region=world.other_city, title="徐州市实施方案（2021—2025年）", period_start=2021,
                               period_end=2025)
    document = build_final_document(final_figures(plan, today=TODAY))
    assert [s.title for s in document.sections] == list(SECTION_TITLES)
    text = "".join(section_text(document, i) for i in range(6))
    for sentence in ("方案任务未设定量化目标", "实施期内尚无到期的进度报告", "无抽样调查数据", "方案任务尚未分解到成员单位",
                     "尚未声明下一期方案", "无未完成的任务"):
        assert sentence in text, sentence
    with pytest.raises(EvaluationError, match="未设定实施期"):
        final_figures(world.other_plan, today=TODAY)
