"""What a plan leaves unfinished (kesu.supervision.closing): the tasks whose light is not green or
whose targets were not met at the end of the plan period, each target judged by kesu.plans.attainment."""

from __future__ import annotations

import datetime

import pytest
from tests.supervision.conftest import add_report, at, submitted_and_accepted

from kesu.planning.models import Plan, Task
from kesu.plans.attainment import Kind
from kesu.progress.models import PeriodKind, ReportingPeriod, ReportStatus
from kesu.supervision.closing import judged_year, unfinished_work
from kesu.supervision.status import Colour

pytestmark = pytest.mark.django_db

AFTER_THE_PLAN = datetime.date(2026, 12, 5)


def add_2025_periods(plan) -> list[ReportingPeriod]:
    return [
        ReportingPeriod.objects.create(plan=plan, kind=PeriodKind.HALF_YEARLY, label=label, start=start, end=end,
                                       due=end + datetime.timedelta(days=15))
        for label, start, end in (
            ("2025年上半年", datetime.date(2025, 1, 1), datetime.date(2025, 6, 30)),
            ("2025年下半年", datetime.date(2025, 7, 1), datetime.date(2025, 12, 31)),
        )
    ]


@pytest.fixture
def closed_world(world):
    """2024 and 2025 reported: 弘扬 fully reported (no target); 科技辅导员 every report in but 2025's
    yearly figure short (150 + 30 of 200); 高素质农民 reached 1200 of 1000 but 市科协 never sent its
    last report."""
    periods = [*world.periods, *add_2025_periods(world.plan)]
    spirit, tutors, farmers = world.tasks
    edu, cast, youth, agri = (world.units[n] for n in ("市教育和体育局", "市科协", "团市委", "市农业农村局"))
    tutor_target, farmer_target = tutors.targets.get(), farmers.targets.get()

    def accepted(task, unit, period, figures=None):
        moment = at(period.end.year, period.end.month, 28) + datetime.timedelta(days=5)
        add_report(task, unit, period, ReportStatus.ACCEPTED,
                   events=submitted_and_accepted(moment, moment + datetime.timedelta(days=1)), figures=figures)

    for period in periods:
        accepted(spirit, edu, period)
        accepted(spirit, cast, period)
        year_end = period.end.month == 12
        accepted(tutors, edu, period, {tutor_target: 150 if year_end else 60})
        accepted(tutors, youth, period, {tutor_target: 30 if year_end else 10})
        accepted(farmers, agri, period, {farmer_target: 300 * (periods.index(period) + 1)})
        if period is not periods[-1]:
            accepted(farmers, cast, period)
    return world


def test_unfinished_tasks_and_their_unmet_targets(closed_world):
    spirit, tutors, farmers = closed_world.tasks
    work = {item.code: item for item in unfinished_work(closed_world.plan, AFTER_THE_PLAN)}

    assert spirit.code not in work  # green, nothing to measure
    assert list(work) == [tutors.code, farmers.code]  # plan order

    short = work[tutors.code]
    assert short.task_id == tutors.pk and short.title == "加强科技辅导员队伍建设"
    assert short.lead_units == ("市教育和体育局",) and short.participating_units == ("团市委",)
    assert short.group == "青少年科学素质提升行动"
    # The light is green (2025 at 90 % of its year), yet the yearly target was not met in the last year.
    assert short.colour == Colour.GREEN and not short.light_unfinished
    (target,) = short.targets
    assert target.target_id == tutors.targets.get().pk
    assert target.kind == Kind.YEARLY and target.kind_label == "每年"
    assert target.year == 2025
    assert target.achieved == pytest.approx(180)  # 150 + 30 reached in 2025
    assert target.progress == pytest.approx(0.9)
    assert target.goal == 200 and target.unit == "人次"

    late = work[farmers.code]
    assert late.colour == Colour.RED and late.light_unfinished
    assert "市科协" in late.reason and "逾期" in late.reason
    assert late.targets == ()  # 1200 of 1000: met, so not listed
    assert late.light_label == "红灯（滞后）"


def test_a_fully_met_plan_leaves_nothing(closed_world):
    _spirit, tutors, farmers = closed_world.tasks
    tutors.targets.update(value=180)
    farmers.assignments.filter(unit__name="市科协").delete()
    assert unfinished_work(closed_world.plan, AFTER_THE_PLAN) == []


def test_a_target_without_any_accepted_figure_is_unfinished(world):
    _spirit, _tutors, farmers = world.tasks
    work = {item.code: item for item in unfinished_work(world.plan, AFTER_THE_PLAN)}
    (target,) = work[farmers.code].targets
    assert target.achieved is None and target.progress is None
    assert target.kind == Kind.CUMULATIVE and target.year == 2025


def test_the_year_judged():
    plan = Plan(period_start=2021, period_end=2025)
    assert judged_year(plan, datetime.date(2026, 1, 3)) == 2025
    assert judged_year(plan, datetime.date(2025, 11, 30)) is None  # still running: the latest figure
    assert judged_year(Plan(), datetime.date(2026, 1, 3)) is None


def test_a_running_plan_is_judged_on_its_latest_figures(closed_world):
    _spirit, tutors, _farmers = closed_world.tasks
    work = {item.code: item for item in unfinished_work(closed_world.plan, datetime.date(2025, 12, 1))}
    (target,) = work[tutors.code].targets
    assert target.year == 2025  # the latest year with a figure, not a closed period
    assert target.achieved == pytest.approx(180)


def test_carried_into_names_the_next_plans_task(closed_world):
    _spirit, tutors, farmers = closed_world.tasks
    successor = Plan.objects.create(region=closed_world.county, title="乳山市实施方案（2026—2030年）",
                                    period_start=2026, period_end=2030, preceding_plan=closed_world.plan)
    carrying = Task.objects.create(plan=successor, code="2.1", title="科技辅导员培训", carried_from=tutors)
    work = {item.code: item for item in unfinished_work(closed_world.plan, AFTER_THE_PLAN)}
    (link,) = work[tutors.code].carried_into
    assert (link.task_id, link.plan_id, link.code) == (carrying.pk, successor.pk, "2.1")
    assert work[farmers.code].carried_into == ()
