"""Reporting periods start with the one containing the plan's issue date, unless the office asks for
the whole plan period (create_reporting_periods(before_issue=True))."""

from __future__ import annotations

import datetime

import pytest

from kesu.planning.models import Plan
from kesu.progress.models import PeriodKind
from kesu.progress.periods import create_reporting_periods

pytestmark = pytest.mark.django_db


def plan_issued(world, issued_on) -> Plan:
    return Plan.objects.create(region=world.county, title="威海式的方案", period_start=2021, period_end=2025,
                               issued_on=issued_on)


def labels(plan) -> list[str]:
    return list(plan.periods.order_by("start").values_list("label", flat=True))


def test_no_period_before_the_issue_date(world):
    plan = plan_issued(world, datetime.date(2024, 1, 30))
    create_reporting_periods(plan, PeriodKind.HALF_YEARLY)
    assert labels(plan) == ["2024年上半年", "2024年下半年", "2025年上半年", "2025年下半年"]


def test_the_period_containing_the_issue_date_is_the_first(world):
    plan = plan_issued(world, datetime.date(2022, 7, 12))
    create_reporting_periods(plan, PeriodKind.QUARTERLY)
    assert labels(plan)[0] == "2022年第3季度" and len(labels(plan)) == 14
    yearly = plan_issued(world, datetime.date(2022, 12, 31))
    create_reporting_periods(yearly, PeriodKind.YEARLY)
    assert labels(yearly) == ["2022年度", "2023年度", "2024年度", "2025年度"]


def test_before_issue_lays_out_the_whole_plan_period(world):
    plan = plan_issued(world, datetime.date(2024, 1, 30))
    create_reporting_periods(plan, PeriodKind.HALF_YEARLY, before_issue=True)
    assert len(labels(plan)) == 10 and labels(plan)[0] == "2021年上半年"


def test_without_an_issue_date_the_whole_period(world):
    plan = plan_issued(world, None)
    create_reporting_periods(plan, PeriodKind.YEARLY)
    assert labels(plan) == [f"{year}年度" for year in range(2021, 2026)]


def test_a_revision_starts_after_the_previous_versions_periods(world):
    plan = plan_issued(world, datetime.date(2022, 3, 1))
    create_reporting_periods(plan, PeriodKind.YEARLY, start_from=datetime.date(2024, 1, 1))
    assert labels(plan) == ["2024年度", "2025年度"]
    # An earlier start_from does not reach back before the issue date.
    again = plan_issued(world, datetime.date(2023, 5, 1))
    create_reporting_periods(again, PeriodKind.YEARLY, start_from=datetime.date(2021, 1, 1))
    assert labels(again) == ["2023年度", "2024年度", "2025年度"]
    both = plan_issued(world, datetime.date(2023, 5, 1))
    create_reporting_periods(both, PeriodKind.YEARLY, start_from=datetime.date(2024, 6, 1), before_issue=True)
    assert labels(both) == ["2024年度", "2025年度"]


def test_my_tasks_opens_on_the_plan_in_force_before_the_ended_one(world):
    """A unit of a region between two plans reports on the new one: its block comes first."""
    from kesu.planning.models import Task, TaskUnit, UnitRole
    from kesu.progress.selectors import my_tasks_overview

    successor = Plan.objects.create(region=world.county, title="乳山市全民科学素质行动实施方案（2026—2030年）",
                                    period_start=2026, period_end=2030, preceding_plan=world.plan)
    task = Task.objects.create(plan=successor, code="1.1", title="深化中小学科学教育", order=0)
    TaskUnit.objects.create(task=task, unit=world.units["市教育和体育局"], role=UnitRole.LEAD)
    blocks = my_tasks_overview(user=world.users["edu"], today=datetime.date(2026, 12, 5))
    assert [b.plan.pk for b in blocks] == [successor.pk, world.plan.pk]
    blocks = my_tasks_overview(user=world.users["edu"], today=datetime.date(2025, 6, 1))
    assert [b.plan.pk for b in blocks] == [world.plan.pk, successor.pk]
