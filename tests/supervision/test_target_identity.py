"""One target, one answer: every page that weighs figures against a target says the same.

Written as identities, the way the survey module is tested against R's ``survey`` package: the same
targets (a yearly, a cumulative, a level, a ceiling one, and one whose kind the office corrected)
and the same progress reports give the same progress for the same year on the dashboard's board
(the status lights), the task page and the API's task status, and each equals what
:mod:`kesu.plans.attainment` computes directly (:func:`expected_progress`). An indicator target's
projection on the indicators page equals ``attainment.project`` on the same series, with the
issue's worked example. The annual evaluation report's side reuses :func:`expected_progress`,
:func:`build_identity_tasks` and :data:`EXPECTED`.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from kesu.planning.models import Target, Task, TaskUnit, UnitRole
from kesu.plans import attainment
from kesu.plans.attainment import Basis, Figure, Kind, Verdict
from kesu.plans.notation import format_percent
from kesu.progress.models import ProgressReport, ReportStatus, TargetFigure
from kesu.progress.task_page import task_page
from kesu.supervision.selectors import load_board

pytestmark = pytest.mark.django_db

YEAR = 2024  # the world's reporting periods: 2024 H1 and H2, both long past due

# code → (text, subject, value, unit, comparator, period, deadline, kind override)
TARGETS = {
    "yearly": ("每年培训科技辅导员200人次以上", "科技辅导员培训", 200, "人次", ">=", "每年", None, ""),
    "cumulative": ("“十四五”期间累计培训高素质农民1000名以上", "高素质农民培训", 1000, "名", ">=", "“十四五”期间", 2025, ""),
    "level": ("社区科普活动室覆盖率达到90%", "科普活动室覆盖率", 90, "%", ">=", "", 2025, ""),
    "ceiling": ("科普场馆安全事故发生率控制在1‰以内", "安全事故发生率", 1, "‰", "<=", "", 2025, ""),
    # Read as yearly from 每年; the office says the 100 lectures are a total over the plan.
    "corrected": ("每年开展科普讲座，共100场", "科普讲座", 100, "场", ">=", "每年", 2025, "cumulative"),
}

# code → [(unit, half (0 = H1, 1 = H2), value, status)]; figures are what the unit had reached so far.
REPORTS = {
    "yearly": [("市教育和体育局", 0, 80, "accepted"), ("市教育和体育局", 1, 150, "accepted"),
               ("团市委", 0, 30, "accepted"), ("团市委", 1, 190, "submitted")],  # not accepted: does not count
    "cumulative": [("市教育和体育局", 0, 300, "accepted"), ("市教育和体育局", 1, 500, "accepted"),
                   ("团市委", 1, 200, "accepted")],
    "level": [("市教育和体育局", 0, 60, "accepted"), ("团市委", 0, 66, "accepted"),
              ("市教育和体育局", 1, 72, "accepted")],
    "ceiling": [("市教育和体育局", 0, 2, "accepted"), ("团市委", 1, 1.25, "accepted")],
    "corrected": [("市教育和体育局", 0, 30, "accepted"), ("团市委", 1, 25, "returned")],
}

# The same numbers by hand, so that the pages cannot all be wrong alike.
EXPECTED = {
    "yearly": 0.9,  # 2024: 150 (市教育和体育局's latest) + 30 (团市委's accepted) of 200
    "cumulative": 0.7,  # 500 + 200 of 1000
    "level": 0.8,  # the latest period's best rate, 72 of 90
    "ceiling": 0.8,  # 1.25 ‰ against 1 ‰ must shrink by 1 / 1.25
    "corrected": 0.3,  # 30 of a total of 100, not 30 of 100 this year
}
KINDS = {"yearly": Kind.YEARLY, "cumulative": Kind.CUMULATIVE, "level": Kind.LEVEL, "ceiling": Kind.CEILING,
         "corrected": Kind.CUMULATIVE}


def expected_progress(target: Target, reports, year: int | None = None) -> float | None:
    """The progress of a stored target on these progress reports straight from kesu.plans.attainment,
    uncapped (callers averaging over targets cap it at 1): the accepted figures, each dated by its
    period, to date as the report form asks for them; for a yearly target, those of ``year``."""
    goal = attainment.Target.classify(
        target.value, target.comparator, target.period, target.unit, text=target.text,
        deadline_year=target.deadline_year, override=target.kind or None,
    )
    figures = [
        Figure(report.period.start.year, figure.value, report.unit_id, report.period.end)
        for report in reports if report.status == ReportStatus.ACCEPTED
        for figure in report.figures.all() if figure.target_id == target.pk
    ]
    judged_year = year if goal.kind == Kind.YEARLY else None
    return attainment.progress(goal, attainment.amount_reached(goal, figures, judged_year, basis=Basis.TO_DATE))


def build_identity_tasks(world) -> dict[str, Task]:
    """One task per target of TARGETS in the world's plan (市教育和体育局 leads, 团市委 takes part),
    with the progress reports of REPORTS."""
    tasks = {}
    for order, (code, (text, subject, value, unit, comparator, period, deadline, kind)) in enumerate(TARGETS.items()):
        task = Task.objects.create(plan=world.plan, group=world.tasks[0].group, section=world.tasks[0].section,
                                   code=f"8.{order + 1}", title=f"{subject}任务", order=50 + order)
        TaskUnit.objects.create(task=task, unit=world.units["市教育和体育局"], role=UnitRole.LEAD)
        TaskUnit.objects.create(task=task, unit=world.units["团市委"], role=UnitRole.PARTICIPATING)
        target = Target.objects.create(task=task, text=text, subject=subject, value=value, unit=unit,
                                       comparator=comparator, period=period, deadline_year=deadline, kind=kind)
        for unit_name, half, figure, status in REPORTS[code]:
            report = ProgressReport.objects.create(task=task, unit=world.units[unit_name],
                                                   period=world.periods[half], status=status)
            TargetFigure.objects.create(report=report, target=target, value=figure)
        tasks[code] = task
    return tasks


def reports_of(task: Task) -> list[ProgressReport]:
    return list(ProgressReport.objects.filter(task=task).select_related("period").prefetch_related("figures"))


@pytest.fixture
def identity_tasks(world):
    return build_identity_tasks(world)


@pytest.fixture
def api_get(world):
    """api_get("office", path) → the API's JSON answer to a user presenting a fresh token."""
    from kesu.api.tokens import create_token

    def get(username: str, path: str):
        _, raw_token = create_token(user=world.users[username], name="identity")
        return Client().get(path, headers={"Authorization": f"Bearer {raw_token}"}).json()

    return get


def test_the_direct_computation_is_the_hand_computation(identity_tasks):
    for code, task in identity_tasks.items():
        target = task.targets.get()
        assert target.attainment_target().kind == KINDS[code], code
        assert expected_progress(target, reports_of(task), YEAR) == pytest.approx(EXPECTED[code]), code


def test_board_task_page_and_api_give_the_same_progress(world, identity_tasks, api_get):
    board = load_board(Task.objects.filter(pk__in=[t.pk for t in identity_tasks.values()]))
    status_by_task = {row.task.pk: row.status for row in board.rows}
    for code, task in identity_tasks.items():
        target = task.targets.get()
        expected = min(1.0, expected_progress(target, reports_of(task), YEAR))

        board_progress = status_by_task[task.pk].progress
        [item] = task_page(user=world.users["office"], task=task).progress
        line = item.lines[-1]
        api_progress = api_get("office", f"/api/tasks/{task.pk}/status")["status"]["progress"]

        assert board_progress == pytest.approx(expected), code
        assert min(1.0, line.progress) == pytest.approx(expected), code
        assert api_progress == pytest.approx(expected), code
        assert item.goal.kind == KINDS[code] and line.met is False, code
        assert line.label == {Kind.YEARLY: f"{YEAR}年", Kind.CUMULATIVE: "累计"}.get(item.goal.kind, "当前"), code
        assert line.ratio_percent == round(expected * 100, 1) and line.bar_percent == int(expected * 100), code


def test_the_task_page_shows_the_same_percentages(world, identity_tasks, client_for):
    client = client_for("office")
    for code, task in identity_tasks.items():
        page = client.get(reverse("supervision:task_detail", args=[task.pk])).content.decode()
        assert f"（{format_percent(EXPECTED[code])}）" in page, code
        assert f'data-kind="{KINDS[code].value}" title="{KINDS[code].rule}">{KINDS[code].noun}</span>' in page, code


def test_the_office_correction_reaches_every_page(world, identity_tasks):
    """The same figure is 30 % either way; what the kind changes is the time it is judged against
    (the plan's years or the one year) and how the task page labels it."""
    task = identity_tasks["corrected"]
    office = world.users["office"]

    def judged():
        [row] = load_board(Task.objects.filter(pk=task.pk)).rows
        [item] = task_page(user=office, task=task).progress
        return row.status, item

    status, item = judged()
    assert item.goal.kind == Kind.CUMULATIVE and item.lines[-1].label == "累计"
    assert status.elapsed == pytest.approx(attainment.expected_share(2021, 2025, datetime.date(YEAR, 12, 31)))
    assert status.progress == pytest.approx(0.3) and f"{YEAR}年进度" not in status.findings[0].reason

    target = task.targets.get()
    target.kind = ""  # back to the reading of 每年
    target.save()
    status, item = judged()
    assert item.goal.kind == Kind.YEARLY and item.lines[-1].label == f"{YEAR}年"
    assert status.elapsed == 1 and status.progress == pytest.approx(0.3)
    assert f"{YEAR}年进度 30%，时间已过 100%" in status.reason
    assert expected_progress(target, reports_of(task), YEAR) == pytest.approx(0.3)
    # 2024's figure stands for 2024 only: a year without figures of its own has reached nothing.
    assert expected_progress(target, reports_of(task), YEAR + 1) is None


# --- indicators -------------------------------------------------------------------------------------


@pytest.fixture
def measured_target(world):
    """A level target (科普教育基地总数达到150个 by 2025) confirmed against an indicator whose values
    for the plan's county are the issue's series: 100, 200, 120 in 2021–2023."""
    from kesu.indicators.models import DataElement, DataValue, Indicator, LinkStatus, TargetLink

    element = DataElement.objects.create(code="identity_bases", name="科普教育基地数", unit="个")
    indicator = Indicator.objects.create(code="identity_bases", name="科普教育基地数", numerator="#{identity_bases}",
                                         unit="个", decimals=0)
    target = Target.objects.create(task=world.tasks[0], text="科普教育基地总数达到150个", subject="科普教育基地",
                                   value=150, unit="个", deadline_year=2025, order=9)
    for year, value in ((2021, 100), (2022, 200), (2023, 120)):
        DataValue.objects.create(element=element, region=world.county, year=year, value=value)
    return TargetLink.objects.create(target=target, indicator=indicator, status=LinkStatus.CONFIRMED)


def test_the_indicators_page_projects_as_attainment_does(world, measured_target, client_for):
    from kesu.indicators.targets import progress_for

    [progress] = progress_for([measured_target], 2023)
    goal = attainment.Target.classify(150, ">=", "", "个", text="科普教育基地总数达到150个", deadline_year=2025)
    direct = attainment.project(goal, [Figure(2021, 100), Figure(2022, 200), Figure(2023, 120)], basis=Basis.PER_YEAR)
    assert goal.kind == Kind.LEVEL and progress.goal == goal
    assert progress.projected == pytest.approx(direct.value) == pytest.approx(170)
    assert progress.outcome == direct.verdict == Verdict.ON_TRACK
    assert progress.current == direct.current == (2023, 120) and progress.gap == 30
    page = client_for("office").get(reverse("indicators:targets"), {"plan": world.plan.pk}).content.decode()
    assert "170" in page and "预计可完成" in page and "尚差 30" in page


def test_a_met_indicator_target_says_so(world, measured_target, client_for):
    from kesu.indicators.models import DataValue
    from kesu.indicators.targets import progress_for

    DataValue.objects.filter(year=2023).update(value=160)
    [progress] = progress_for([measured_target], 2023)
    assert progress.outcome == Verdict.MET and progress.verdict == "已完成"
    page = client_for("office").get(reverse("indicators:targets"), {"plan": world.plan.pk}).content.decode()
    assert 'data-verdict="met">已完成' in page
