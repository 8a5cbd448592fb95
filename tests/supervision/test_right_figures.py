"""Issue 14 item 4, "Right figures", on the issue's own example: 每年举办市级竞赛约20场次, reported by
several units for 2021—2025. A yearly target is compared with that year's figure (the units' own
figures of the year added up, never a running total over the years), counts read as whole numbers,
each target says its kind, and the light is decided by the latest year, whose reason names it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from kesu.org.models import Unit
from kesu.planning.models import Plan, Target, Task, TaskUnit, UnitRole
from kesu.plans.attainment import Kind
from kesu.progress.models import PeriodKind, ProgressReport, ReportingPeriod, ReportStatus, TargetFigure
from kesu.progress.task_page import task_page
from kesu.supervision.selectors import load_board
from kesu.supervision.status import Colour

D = datetime.date
TODAY = D(2026, 12, 5)
YEARS = range(2021, 2026)

# Each unit's own number of city-level competitions held in the year (to date at the year's end).
# 2021 reaches 54 % (10.8 of 20: 市人社局's 4.4 is a legacy figure typed with a decimal); 2022—2025
# reach 110—215 %. The running totals (10.8, 32.8, 62.8, 87.8, 130.8) must never be shown.
ON_TRACK_LATELY = {
    2021: {"市科协": 6, "市人社局": 4.4, "市教育和体育局": 0.4},
    2022: {"市科协": 12, "市人社局": 6, "市教育和体育局": 4},
    2023: {"市科协": 15, "市人社局": 8, "市教育和体育局": 7},
    2024: {"市科协": 13, "市人社局": 7, "市教育和体育局": 5},
    2025: {"市科协": 20, "市人社局": 13, "市教育和体育局": 10},
}


def competitions_task(world, figures_by_year) -> Task:
    plan = Plan.objects.create(region=world.county, title="乳山市竞赛专项方案（2021—2025年）",
                               period_start=2021, period_end=2025)
    task = Task.objects.create(plan=plan, code="4.1", title="举办市级科技竞赛", order=0)
    units = {"市科协": world.units["市科协"], "市教育和体育局": world.units["市教育和体育局"],
             "市人社局": Unit.objects.get_or_create(region=world.county, name="市人社局")[0]}
    for name, unit in units.items():
        TaskUnit.objects.create(task=task, unit=unit, role=UnitRole.LEAD if name == "市科协" else UnitRole.PARTICIPATING)
    target = Target.objects.create(task=task, text="每年举办市级竞赛约20场次", subject="市级竞赛", value=20,
                                   unit="场次", comparator="~", period="每年")
    for year in YEARS:
        period = ReportingPeriod.objects.create(plan=plan, kind=PeriodKind.YEARLY, label=f"{year}年度",
                                                start=D(year, 1, 1), end=D(year, 12, 31), due=D(year + 1, 1, 15))
        for name, value in figures_by_year.get(year, {}).items():
            report = ProgressReport.objects.create(task=task, unit=units[name], period=period,
                                                   status=ReportStatus.ACCEPTED)
            TargetFigure.objects.create(report=report, target=target, value=value)
    return task


def status_of(task):
    return load_board(Task.objects.filter(pk=task.pk), TODAY).rows[0].status


@pytest.mark.django_db
def test_a_yearly_target_is_compared_with_that_years_figure(world):
    task = competitions_task(world, ON_TRACK_LATELY)
    item = task_page(user=world.users["office"], task=task).progress[0]
    assert item.goal.kind == Kind.YEARLY and item.goal_text == "约 20 场次"
    lines = {line.label: line for line in item.lines}
    assert list(lines) == [f"{year}年" for year in YEARS]
    assert lines["2024年"].value == 25 and lines["2024年"].ratio_percent == 125.0  # not 87.8 / 20 (439 %)
    assert lines["2021年"].value == pytest.approx(10.8) and lines["2021年"].ratio_percent == 54.0
    assert [line.decides for line in item.lines] == [False] * 4 + [True]


@pytest.mark.django_db
def test_the_latest_year_decides_the_light_and_the_reason_names_it(world):
    green = status_of(competitions_task(world, ON_TRACK_LATELY))
    assert green.colour == Colour.GREEN and green.reason == "量化目标已完成"
    assert not any("2021年" in finding.reason for finding in green.findings)

    lagging = dict(ON_TRACK_LATELY)
    lagging[2025] = {"市科协": 5, "市人社局": 3}  # 8 of 20 in the latest year
    red = status_of(competitions_task(world, lagging))
    assert red.colour == Colour.RED
    progress = [finding.reason for finding in red.findings if finding.kind == "progress"]
    assert progress == ["市级竞赛 2025年进度 40%，时间已过 100%"]  # 2021's 54 % is history


@pytest.mark.django_db
def test_the_task_page_shows_whole_counts_kind_and_words(world, client_for):
    task = competitions_task(world, ON_TRACK_LATELY)
    page = client_for("office").get(reverse("supervision:task_detail", args=[task.pk])).content.decode()
    assert 'data-kind="yearly"' in page and "年度目标" in page and "约 20 场次" in page
    assert "25 场次 / 20 场次（125%）" in page and "11 场次 / 20 场次（54%）" in page
    assert "市人社局 4 场次" in page and "4.40" not in page and "4.4 " not in page
    assert "~ 20" not in page and "454" not in page


@pytest.mark.django_db
def test_report_pages_write_targets_in_words(world, client_for):
    """The report form and the report page: 年度目标 不少于 200 人次, not `>= 200.0 人次`."""
    tutors = world.tasks[1]
    period = world.periods[0]
    form = client_for("edu").get(reverse("progress:report_edit", args=[tutors.pk, period.pk])).content.decode()
    assert 'data-kind="年度目标"' in form and "不少于 200 人次" in form and "200.0" not in form
    report = ProgressReport.objects.create(task=tutors, unit=world.units["市教育和体育局"], period=period,
                                           status=ReportStatus.SUBMITTED)
    TargetFigure.objects.create(report=report, target=tutors.targets.get(), value=150)
    detail = client_for("office").get(reverse("progress:report_detail", args=[report.pk])).content.decode()
    assert "不少于 200 人次" in detail and "<strong>150 人次</strong>" in detail and "75%" in detail
    assert "&gt;=" not in detail and "≥ 200.0" not in detail


@pytest.mark.django_db
def test_the_report_form_gives_back_a_large_figure_exactly(world, client_for):
    """`:g` wrote 1234567 as 1.23457e+06 into the field, and the next save lost digits."""
    tutors = world.tasks[1]
    report = ProgressReport.objects.create(task=tutors, unit=world.units["市教育和体育局"], period=world.periods[0])
    TargetFigure.objects.create(report=report, target=tutors.targets.get(), value=1234567)
    form = client_for("edu").get(reverse("progress:report_edit", args=[tutors.pk, world.periods[0].pk])).content.decode()
    assert 'value="1234567"' in form and "e+06" not in form and 'inputmode="numeric"' in form


@pytest.mark.django_db
def test_a_year_without_accepted_figures_still_decides(world, client_for):
    """No accepted figure for 2025 yet: the task page shows the year empty and marks it, as the light
    judges it (0 % of the year's goal), instead of pointing at 2024."""
    figures = {year: units for year, units in ON_TRACK_LATELY.items() if year != 2025}
    task = competitions_task(world, figures)
    item = task_page(user=world.users["office"], task=task).progress[0]
    last = item.lines[-1]
    assert (last.label, last.value, last.decides) == ("2025年", None, True)
    assert not any(line.decides for line in item.lines[:-1])
    progress = [f.reason for f in status_of(task).findings if f.kind == "progress"]
    assert progress == ["市级竞赛 2025年进度 0%，时间已过 100%"]
    page = client_for("office").get(reverse("supervision:task_detail", args=[task.pk])).content.decode()
    assert "— / 20 场次" in page
