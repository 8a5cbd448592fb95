"""The world fixture plus a year of progress reports whose consequences are worked out by hand.

Plan 乳山市 2021—2025, periods 2024年上半年 (due 2024-07-15) and 2024年下半年 (due 2025-01-15);
``TODAY`` is 2025-03-01, so the report for 2024 is judged as of 2025-01-31 (both periods past due).

=====================  =====================  ===========================================================
task                   units                  reports (on time = submitted by the due date)
=====================  =====================  ===========================================================
3.1.1 弘扬…科学精神     教体局 lead, 科协 lead  教体局 H1 submitted on time, H2 returned 2025-01-20 (on time);
                                              科协 H1, H2 accepted on time
3.1.2 科技辅导员 200/年  教体局 lead, 团市委      教体局 H1 120, H2 230 accepted on time; 团市委 H1, H2 submitted
                                              on time
3.2.1 高素质农民 1000    农业农村局 lead, 科协    农业农村局 H1 300 accepted but late, H2 missing;
                                              科协 H1 accepted on time, H2 missing
=====================  =====================  ===========================================================

→ 3.1.1 amber (returned 11 days ago), 3.1.2 green (230 ≥ 200), 3.2.1 red (30 % reached, 80 % of the time
gone); 12 reports due in 2024, 9 on time.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from kesu.progress.models import ProgressReport, ReportStatus, ReviewEvent, ReviewEventKind, TargetFigure

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2025, 3, 1)


def at(year: int, month: int, day: int) -> datetime.datetime:
    return datetime.datetime(year, month, day, 10, tzinfo=SHANGHAI)


def add_report(task, unit, period, status, submitted=None, reviewed=None, returned=False, figure=None):
    report = ProgressReport.objects.create(
        task=task, unit=unit, period=period, status=status, submitted_at=submitted, reviewed_at=reviewed,
        narrative="按计划推进。",
    )
    if returned:
        ReviewEvent.objects.create(report=report, kind=ReviewEventKind.RETURN, comment="请补充佐证材料")
    if figure is not None:
        TargetFigure.objects.create(report=report, target=task.targets.get(), value=figure)
    return report


def add_year_of_reports(world) -> None:
    edu, kexie, youth_league, agri = (world.units[n] for n in ("市教育和体育局", "市科协", "团市委", "市农业农村局"))
    spirit, tutors, farmers = world.tasks
    h1, h2 = world.periods
    accepted, submitted, returned = ReportStatus.ACCEPTED, ReportStatus.SUBMITTED, ReportStatus.RETURNED
    add_report(spirit, edu, h1, submitted, at(2024, 7, 10))
    add_report(spirit, edu, h2, returned, at(2025, 1, 14), at(2025, 1, 20), returned=True)
    add_report(spirit, kexie, h1, accepted, at(2024, 7, 1), at(2024, 7, 20))
    add_report(spirit, kexie, h2, accepted, at(2025, 1, 5), at(2025, 1, 16))
    add_report(tutors, edu, h1, accepted, at(2024, 7, 10), at(2024, 7, 25), figure=120)
    add_report(tutors, edu, h2, accepted, at(2025, 1, 10), at(2025, 1, 18), figure=230)
    add_report(tutors, youth_league, h1, submitted, at(2024, 7, 12))
    add_report(tutors, youth_league, h2, submitted, at(2025, 1, 12))
    add_report(farmers, agri, h1, accepted, at(2024, 7, 20), at(2024, 7, 28), figure=300)
    add_report(farmers, kexie, h1, accepted, at(2024, 7, 14), at(2024, 7, 28))


@pytest.fixture
def annual_world(world):
    add_year_of_reports(world)
    return world


