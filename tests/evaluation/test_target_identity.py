"""The annual evaluation report's side of the target identity: for the same plan, targets and reports,
the report's target progress and projection are the task page's and kesu.plans.attainment's own, its
indicator lines are attainment's projection of the indicator values, and its literacy figures are
the literacy selectors' shares (tests/supervision holds the status lights to the same rule)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from tests.evaluation.conftest import TODAY, add_report, at
from tests.factories import PASSWORD
from tests.literacy.conftest import csv_bytes, scored_wave, upload_and_confirm

from kesu.evaluation.document import build_document
from kesu.evaluation.figures import evaluation_figures
from kesu.literacy.selectors import literacy_estimates, literacy_trend
from kesu.planning.models import Target
from kesu.plans import attainment
from kesu.plans.attainment import Basis, Figure, Kind, Verdict
from kesu.progress.models import PeriodKind, ProgressReport, ReportingPeriod, ReportStatus, TargetFigure
from kesu.progress.task_page import task_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years(annual_world):
    """The annual world with a year before it: 2023's second half-year, in which 市教育和体育局
    reported 150 科技辅导员 (of 200 a year) and 市农业农村局 100 高素质农民 (of 1,000 by 2025)."""
    plan = annual_world.plan
    h2_2023 = ReportingPeriod.objects.create(
        plan=plan, kind=PeriodKind.HALF_YEARLY, label="2023年下半年", start=datetime.date(2023, 7, 1),
        end=datetime.date(2023, 12, 31), due=datetime.date(2024, 1, 15),
    )
    _, tutors, farmers = annual_world.tasks
    for task, unit, value in ((tutors, "市教育和体育局", 150), (farmers, "市农业农村局", 100)):
        add_report(task, annual_world.units[unit], h2_2023, ReportStatus.ACCEPTED, at(2024, 1, 10), at(2024, 1, 12),
                   figure=value)
    return annual_world


def stored_figures(target: Target) -> list[Figure]:
    """Straight from the database, as attainment reads progress reports: to date, per unit."""
    return [
        Figure(f.report.period.start.year, f.value, f.report.unit_id, f.report.period.end)
        for f in TargetFigure.objects.filter(target=target, report__status=ReportStatus.ACCEPTED)
        .select_related("report__period")
    ]


def test_target_progress_and_projection_are_the_task_pages_and_attainments(two_years):
    data = evaluation_figures(two_years.county, 2024, today=TODAY)
    lines = {line.task_code: line for line in data.targets}
    office = two_years.users["office"]
    for task in two_years.tasks[1:]:
        target = task.targets.get()
        line = lines[task.code]
        goal = target.attainment_target(deadline_year=task.deadline_year or two_years.plan.period_end)
        figures = stored_figures(target)

        # kesu.plans.attainment directly.
        reached = attainment.amount_reached(goal, figures, 2024, basis=Basis.TO_DATE)
        assert (line.kind, line.reached, line.progress) == (goal.kind, reached, attainment.progress(goal, reached))
        assert line.projection == attainment.project(goal, figures, basis=Basis.TO_DATE, until=2024)

        # The task page: its line for 2024 (a yearly target) or its one line (the others).
        [page_target] = task_page(user=office, task=task).progress
        page_line = next(pl for pl in page_target.lines if pl.label in ("2024年", "累计", "当前"))
        assert page_target.goal.kind == line.kind
        assert (page_line.value, page_line.progress) == (line.reached, line.progress)

    tutors, farmers = lines["3.1.2"], lines["3.2.1"]
    # 每年 200: 2024's own 230, 115 % and not capped; met, so no forecast is needed.
    assert (tutors.kind, tutors.reached, tutors.progress) == (Kind.YEARLY, 230, pytest.approx(1.15))
    assert tutors.projection.verdict == Verdict.MET
    # 1,000 by 2025: 100 by the end of 2023, 300 by the end of 2024 → 500 in 2025, short.
    assert (farmers.kind, farmers.reached, farmers.progress) == (Kind.CUMULATIVE, 300, pytest.approx(0.3))
    assert farmers.projection.points == ((2023, 100.0), (2024, 300.0))
    assert farmers.projection.value == pytest.approx(500)
    assert farmers.projection.verdict == Verdict.OFF_TRACK


def test_a_report_on_an_earlier_year_judges_that_year(two_years):
    data = evaluation_figures(two_years.county, 2023, today=TODAY)
    lines = {line.task_code: line for line in data.targets}
    assert (lines["3.1.2"].reached, lines["3.1.2"].progress) == (150, pytest.approx(0.75))
    assert lines["3.2.1"].reached == 100
    assert lines["3.2.1"].projection.points == ((2023, 100.0),)  # the later year is not seen


def test_the_kind_the_office_set_wins_in_the_report(two_years):
    target = Target.objects.get(subject="高素质农民培训")
    target.kind = Kind.LEVEL.value
    target.save()
    data = evaluation_figures(two_years.county, 2024, today=TODAY)
    line = next(line for line in data.targets if line.task_code == "3.2.1")
    assert line.kind == Kind.LEVEL == target.attainment_target().kind


def test_indicator_lines_are_attainments_projection_of_the_values():
    from kesu.evaluation.figures import indicator_line
    from kesu.indicators.linked_targets import LinkedTarget

    goal = attainment.Target.classify(1000, ">=", "“十四五”期间", "人次", text="累计培训1000人次", deadline_year=2025)
    values = (Figure(2022, 200.0), Figure(2023, 300.0), Figure(2024, 250.0))
    line = indicator_line(LinkedTarget("培训人次", "人次", 1000, 2025, goal, values))
    expected = attainment.project(goal, values, basis=Basis.PER_YEAR, year=2025)
    assert (line.value, line.verdict) == (expected.current[1], expected.verdict)
    assert line.projection == round(expected.value, 2)
    assert line.gap == round(attainment.gap(goal, expected.current[1]), 2)


def test_literacy_figures_are_the_literacy_selectors_shares(annual_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    client = Client()
    assert client.login(username=annual_world.users["statistician"].username, password=PASSWORD)
    for year, seed in ((2022, 5), (2024, 6)):
        upload_and_confirm(client, "371083", csv_bytes(scored_wave(n=300, seed=seed)), year=year, region=None,
                           groups=["sex"])
    county = annual_world.county

    data = evaluation_figures(county, 2024, today=TODAY)
    rows = literacy_estimates(county, 2024)
    assert [(s.domain, s.overall, s.share, s.se, s.low, s.high, s.n, s.wave_year) for s in data.literacy] == [
        (r.domain, not r.dimension, r.estimate, r.se, r.ci_low, r.ci_high, r.n, r.wave_year) for r in rows
    ]
    assert all(0 < s.share < 1 for s in data.literacy)
    overall = rows[0]
    assert data.headline.estimate.share == overall.estimate
    assert data.headline.gap == round((0.17 - overall.estimate) * 100, 2)  # the plan's 17 % by 2025
    assert [(p.year, p.share, p.low, p.high) for p in data.literacy_trend] == [
        tuple(point) for point in literacy_trend(county, until_year=2024)
    ]

    # The documents print those shares as percentages, to two decimals.
    document = build_document(data)
    table = next(t for t in document.tables if "公民科学素质抽样调查估计" in t.caption)
    assert [row[2] for row in table.rows] == [round(r.estimate * 100, 2) for r in rows]


def test_progress_reports_not_yet_accepted_do_not_count(annual_world):
    # 团市委's two reports on 3.1.2 are submitted, not accepted: the report counts only 市教育和体育局's.
    report = ProgressReport.objects.get(unit=annual_world.units["团市委"], period=annual_world.periods[1])
    TargetFigure.objects.create(report=report, target=annual_world.tasks[1].targets.get(), value=500)
    line = next(t for t in evaluation_figures(annual_world.county, 2024, today=TODAY).targets if t.task_code == "3.1.2")
    assert line.reached == 230
