"""Builders for the dashboard tests: reports with review histories at chosen dates, and a plan grown
to many tasks, units and reports (for query-count checks)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from kesu.org.models import Unit
from kesu.planning.models import Target, Task, TaskUnit, UnitRole
from kesu.progress.models import ProgressReport, ReportStatus, ReviewEvent, ReviewEventKind, TargetFigure

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def add_report(task, unit, period, status, *, events=(), figures=None) -> ProgressReport:
    """A report with its history: ``events`` is a list of (ReviewEventKind, datetime), oldest first."""
    submits = [moment for kind, moment in events if kind == ReviewEventKind.SUBMIT]
    reviews = [moment for kind, moment in events if kind != ReviewEventKind.SUBMIT]
    report = ProgressReport.objects.create(
        task=task, unit=unit, period=period, status=status,
        submitted_at=submits[-1] if submits else None, reviewed_at=reviews[-1] if reviews else None,
    )
    for kind, moment in events:
        event = ReviewEvent.objects.create(report=report, kind=kind)
        ReviewEvent.objects.filter(pk=event.pk).update(at=moment)
    for target, value in (figures or {}).items():
        TargetFigure.objects.create(report=report, target=target, value=value)
    return report


def submitted_and_accepted(submitted, accepted):
    return [(ReviewEventKind.SUBMIT, submitted), (ReviewEventKind.ACCEPT, accepted)]


def grow_plan(world, extra_tasks: int, extra_units: int) -> None:
    """Add tasks, each with a lead and a participating unit, a target and reports for every period."""
    units = [Unit.objects.create(region=world.county, name=f"测试单位{i:03d}") for i in range(extra_units)]
    group = world.tasks[0].group
    for index in range(extra_tasks):
        task = Task.objects.create(
            plan=world.plan, group=group, section=group, code=f"9.{index}", title=f"扩展任务{index}", order=100 + index
        )
        lead, participant = units[index % len(units)], units[(len(units) - 1 - index) % len(units)]
        TaskUnit.objects.create(task=task, unit=lead, role=UnitRole.LEAD)
        TaskUnit.objects.create(task=task, unit=participant, role=UnitRole.PARTICIPATING)
        target = Target.objects.create(task=task, text="培训100人次", subject="培训", value=100, unit="人次", period="每年")
        for number, period in enumerate(world.periods):
            status = [ReportStatus.ACCEPTED, ReportStatus.RETURNED, ReportStatus.SUBMITTED][(index + number) % 3]
            events = [(ReviewEventKind.SUBMIT, at(2024, 7, 1 + number))]
            if status != ReportStatus.SUBMITTED:
                kind = ReviewEventKind.ACCEPT if status == ReportStatus.ACCEPTED else ReviewEventKind.RETURN
                events.append((kind, at(2024, 7, 20 + number)))
            add_report(task, lead, period, status, events=events, figures={target: 40 + 10 * number})


@pytest.fixture
def scored_world(world):
    """The world with a year of reports behind it (see test_scorecards for the hand computation)."""
    edu, cast, youth, agri = (world.units[n] for n in ("市教育和体育局", "市科协", "团市委", "市农业农村局"))
    spirit, tutors, farmers = world.tasks
    first_half, second_half = world.periods
    tutor_target = tutors.targets.get()
    farmer_target = farmers.targets.get()
    S, A, R = ReviewEventKind.SUBMIT, ReviewEventKind.ACCEPT, ReviewEventKind.RETURN
    add_report(spirit, edu, first_half, ReportStatus.ACCEPTED, events=submitted_and_accepted(at(2024, 7, 10), at(2024, 7, 20)))
    add_report(spirit, edu, second_half, ReportStatus.ACCEPTED, events=submitted_and_accepted(at(2025, 1, 20), at(2025, 1, 22)))
    add_report(tutors, edu, first_half, ReportStatus.ACCEPTED,
               events=[(S, at(2024, 7, 14)), (R, at(2024, 7, 16)), (S, at(2024, 7, 25)), (A, at(2024, 7, 28))],
               figures={tutor_target: 150})
    add_report(farmers, agri, first_half, ReportStatus.ACCEPTED,
               events=submitted_and_accepted(at(2024, 7, 12), at(2024, 7, 18)), figures={farmer_target: 400})
    add_report(farmers, agri, second_half, ReportStatus.ACCEPTED,
               events=submitted_and_accepted(at(2025, 1, 10), at(2025, 1, 12)), figures={farmer_target: 550})
    add_report(spirit, cast, first_half, ReportStatus.SUBMITTED, events=[(S, at(2024, 7, 15, 18))])
    add_report(tutors, youth, first_half, ReportStatus.RETURNED, events=[(S, at(2024, 7, 12)), (R, at(2024, 7, 14))])
    return world


