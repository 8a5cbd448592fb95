"""A plan's whole period as the boards see it, unit by unit: for the final evaluation (总结评估), each
member unit's reports year by year and the tasks it led, as frozen dataclasses (readers above the
domain apps never get the board's rows or models; see :mod:`kesu.supervision.plan_year`).

Regrouped from :func:`kesu.supervision.selectors.load_board`, so it costs what the board costs (one
query when the board for the same tasks and day is cached, as after :func:`plan_year.plan_year`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from kesu.planning.models import Plan, Task
from kesu.progress.models import ReportStatus
from kesu.supervision.selectors import load_board, submitted_on_time


@dataclass(frozen=True)
class UnitYear:
    """A unit's reports on periods starting in ``year``: owed by their due date, submitted (not a
    draft), first submitted by the due date, accepted, and returned at least once."""

    year: int
    due: int = 0
    submitted: int = 0
    on_time: int = 0
    accepted: int = 0
    returned: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


class YearTotals:
    """Totals over ``years`` (records with ``due`` and ``on_time`` among their counts): one rule for a unit's
    record and for a whole plan's, so the final report's rates agree between its tables."""

    years: tuple

    def total(self, field: str) -> int:
        return sum(getattr(y, field) for y in self.years)

    @property
    def on_time_rate(self) -> float | None:
        due = self.total("due")
        return self.total("on_time") / due if due else None


@dataclass(frozen=True)
class UnitRecord(YearTotals):
    """A member unit over the plan's period: tasks it led or took part in, the mean progress of the
    tasks it led (status lights, capped at 1 per task) and its reports year by year."""

    unit_name: str
    lead_tasks: int
    participating_tasks: int
    mean_lead_progress: float | None
    years: tuple[UnitYear, ...]  # one per year of the plan's periods, oldest first



def unit_records(plan: Plan, as_of: datetime.date) -> tuple[UnitRecord, ...]:
    """Every unit assigned to a task of ``plan``, by name, with statuses judged as of ``as_of``."""
    board = load_board(Task.objects.filter(plan=plan), as_of)
    periods = board.periods_by_plan.get(plan.pk, [])
    years = sorted({p.start.year for p in periods})
    tallies = {uid: {y: [0, 0, 0, 0, 0] for y in years} for uid in board.units}
    lead = dict.fromkeys(board.units, 0)
    participating = dict.fromkeys(board.units, 0)
    progress: dict[int, list[float]] = {uid: [] for uid in board.units}
    for row in board.rows:
        for unit in row.leads:
            lead[unit.pk] += 1
            if row.status.progress is not None:
                progress[unit.pk].append(min(1.0, row.status.progress))
        for unit in row.participants:
            participating[unit.pk] += 1
        for unit_id, reports in row.reports_by_unit.items():
            by_period = {r.period_id: r for r in reports}
            for period in periods:
                tally = tallies[unit_id][period.start.year]
                report = by_period.get(period.pk)
                if period.due < board.today:
                    tally[0] += 1
                    tally[2] += submitted_on_time(report, period.due)
                if report is None:
                    continue
                tally[1] += report.status != ReportStatus.DRAFT
                tally[3] += report.status == ReportStatus.ACCEPTED
                tally[4] += bool(report.returned_times)
    records = [
        UnitRecord(
            unit.name, lead[uid], participating[uid],
            sum(progress[uid]) / len(progress[uid]) if progress[uid] else None,
            tuple(UnitYear(y, *tallies[uid][y]) for y in years),
        )
        for uid, unit in board.units.items()
    ]
    return tuple(sorted(records, key=lambda r: r.unit_name))
