"""A plan's year as the boards see it, as frozen dataclasses for readers above the domain apps (the
evaluation report and the region dashboard): task lights, groups, overdue and returned reports,
reporting per period, unit scores, and each quantitative target with its accepted figures in the
form :mod:`kesu.plans.attainment` judges.

Everything is regrouped from :func:`kesu.supervision.selectors.load_board` (six queries, or one when
the board is cached) plus score weights and adjustments (two); the lower regions of a region share
one board for all their plans. Readers get plain values, never the board's rows or models, so the
board can change inside this app without their noticing.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from kesu.org.models import Region
from kesu.planning.models import Plan, Task
from kesu.planning.selectors import PlanState, plan_standings
from kesu.plans.attainment import Figure, Target
from kesu.progress.models import ReportingPeriod, ReportStatus
from kesu.supervision.models import ScoreAdjustment
from kesu.supervision.scorecards import DEFAULT_WEIGHTS, WEIGHT_LABELS, unit_scores, weights_for
from kesu.supervision.selectors import (
    TaskRow,
    colour_counts,
    group_summaries,
    load_board,
    overdue_items,
    submitted_on_time,
)
from kesu.supervision.status import Colour


@dataclass(frozen=True)
class TaskLight:
    code: str
    title: str
    group: str
    colour: Colour
    reason: str
    lead_units: tuple[str, ...]
    participating_units: tuple[str, ...]


@dataclass(frozen=True)
class GroupTally:
    """The tasks of one action or programme (提升行动/重点工程) by colour."""

    title: str
    kind: str
    tasks: int
    green: int
    amber: int
    red: int
    mean_progress: float | None  # of the status lights (capped at 1 per task)


@dataclass(frozen=True)
class OutstandingReport:
    """A report overdue (``kind`` "overdue") or returned and not resubmitted ("returned")."""

    unit_name: str
    task_code: str
    task_title: str
    period_label: str
    period_year: int  # the year the period starts in
    days: int | None
    kind: str
    colour: Colour
    reason: str


@dataclass(frozen=True)
class PeriodTally:
    """One reporting period: reports owed by its due date, on time, submitted and accepted."""

    label: str
    year: int
    due: int
    on_time: int
    submitted: int
    accepted: int

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


@dataclass(frozen=True)
class UnitScoreLine:
    """A unit's scorecard for the year (目标管理考核): rates 0–1, points and rank."""

    rank: int | None
    unit_name: str
    on_time_rate: float | None
    completion_rate: float | None
    review_rate: float | None
    adjustment: float
    total: float | None
    due_reports: int
    on_time_reports: int


@dataclass(frozen=True)
class TargetFigures:
    """A quantitative target of a task and every accepted figure given for it (``Basis.TO_DATE``:
    what each unit had reached by its period's end), as the status lights judge them."""

    task_code: str
    text: str
    value: float
    unit: str
    comparator: str
    attainment: Target
    figures: tuple[Figure, ...]
    deadline_year: int | None  # the target's, else the task's, else the plan's last year


@dataclass(frozen=True)
class PlanYear:
    plan_id: int
    year: int
    as_of: datetime.date
    task_total: int
    unit_count: int
    colour_totals: dict[str, int]  # green / amber / red
    mean_task_progress: float | None  # of the tasks whose light measures progress
    tasks: tuple[TaskLight, ...]  # in plan order
    groups: tuple[GroupTally, ...]
    outstanding: tuple[OutstandingReport, ...]  # worst first
    periods: tuple[PeriodTally, ...]  # periods starting up to ``year``
    weights: tuple[tuple[str, float], ...]  # (label, points) of the scorecard's components
    scores: tuple[UnitScoreLine, ...]  # ranked
    targets: tuple[TargetFigures, ...]


def plan_year(plan: Plan, year: int, as_of: datetime.date) -> PlanYear:
    """The plan's tasks, reports, scores and targets in ``year``, with statuses judged as of ``as_of``."""
    board = load_board(Task.objects.filter(plan=plan), as_of)
    weights = weights_for(plan)
    adjustments = list(ScoreAdjustment.objects.filter(plan=plan, year=year))
    periods = board.periods_by_plan.get(plan.pk, [])
    start_years = {p.label: p.start.year for p in periods}
    progress = [row.status.progress for row in board.rows if row.status.progress is not None]
    return PlanYear(
        plan_id=plan.pk, year=year, as_of=as_of, task_total=len(board.rows), unit_count=len(board.units),
        colour_totals=board.counts(),
        mean_task_progress=sum(progress) / len(progress) if progress else None,
        tasks=tuple(_task_light(row) for row in board.rows),
        groups=tuple(
            GroupTally(g.title, g.kind, g.tasks, g.colours.get(Colour.GREEN, 0), g.colours.get(Colour.AMBER, 0),
                       g.colours.get(Colour.RED, 0), g.mean_progress)
            for g in group_summaries(board)
        ),
        outstanding=tuple(
            OutstandingReport(item.unit_name, item.row.task.code, item.row.task.title, item.period_label,
                              start_years[item.period_label], item.days, item.kind, item.colour, item.reason)
            for item in overdue_items(board)
        ),
        periods=period_tallies(board.rows, periods, board.today, year),
        weights=tuple((WEIGHT_LABELS[name], weights[name]) for name in DEFAULT_WEIGHTS),
        scores=tuple(
            UnitScoreLine(s.rank, s.unit.name, s.rates["on_time_reporting"], s.rates["target_completion"],
                          s.rates["review_outcome"], s.adjustment_points, s.total, s.due_reports, s.on_time_reports)
            for s in unit_scores(board, weights, year, adjustments)
        ),
        targets=tuple(target for row in board.rows for target in _target_figures(row)),
    )


def _task_light(row: TaskRow) -> TaskLight:
    return TaskLight(
        row.task.code, row.task.title, row.task.group.title if row.task.group else "其他任务",
        row.status.colour, row.status.reason,
        tuple(u.name for u in row.leads), tuple(u.name for u in row.participants),
    )


def _target_figures(row: TaskRow) -> list[TargetFigures]:
    task = row.task
    return [
        TargetFigures(
            task.code, target.label, target.value, target.unit, target.comparator, target.attainment_target,
            target.attainment_figures, target.deadline_year or task.deadline_year or task.plan.period_end,
        )
        for target in row.data.targets
    ]


def period_tallies(rows: Sequence[TaskRow], periods: Sequence[ReportingPeriod], today: datetime.date,
                   last_year: int) -> tuple[PeriodTally, ...]:
    """Per reporting period starting up to ``last_year``: reports owed, on time, submitted, accepted."""
    periods = [p for p in periods if p.start.year <= last_year]
    counts = {p.pk: [0, 0, 0, 0] for p in periods}
    for row in rows:
        for reports in row.reports_by_unit.values():
            by_period = {r.period_id: r for r in reports}
            for period in periods:
                tally = counts[period.pk]
                report = by_period.get(period.pk)
                if period.due < today:
                    tally[0] += 1
                    tally[1] += submitted_on_time(report, period.due)
                if report is not None and report.status != ReportStatus.DRAFT:
                    tally[2] += 1
                    tally[3] += report.status == ReportStatus.ACCEPTED
    return tuple(PeriodTally(p.label, p.start.year, *counts[p.pk]) for p in periods)


# --- The regions under a region ----------------------------------------------------------------------


@dataclass(frozen=True)
class RegionStanding:
    """A region directly under the one reported on, with its current plan's progress in the year."""

    code: str
    name: str
    has_plan: bool
    tasks: int = 0
    green: int = 0
    amber: int = 0
    red: int = 0
    completion: float | None = None  # mean progress of the status lights
    due_reports: int = 0
    on_time_reports: int = 0
    period_on_time: tuple[tuple[str, float | None], ...] = ()
    # kesu.planning.selectors.PlanState: in force, ended (an earlier plan, none yet for the year), none.
    plan_state: str = PlanState.NONE
    plan_note: str = "未录入实施方案"  # what a list says instead of figures when no plan is in force

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time_reports / self.due_reports if self.due_reports else None


def lower_region_standings(region: Region, year: int, as_of: datetime.date) -> tuple[RegionStanding, ...]:
    """The regions directly under ``region`` (by code), with their plans in force in ``year`` (as
    the annual report picks them, kesu.planning.selectors.plan_standings); a region whose plan has
    ended says so. One board for all the plans in force."""
    children = list(Region.objects.filter(parent=region).order_by("code"))
    if not children:
        return ()
    standings_by_region = plan_standings(children, year)
    plan_by_region = {pk: s.plan for pk, s in standings_by_region.items() if s.in_force}

    def without_plan(child: Region) -> RegionStanding:
        standing = standings_by_region[child.pk]
        return RegionStanding(child.code, child.name, False, plan_state=standing.state, plan_note=standing.label)

    if not plan_by_region:
        return tuple(without_plan(child) for child in children)
    board = load_board(Task.objects.filter(plan_id__in=[p.pk for p in plan_by_region.values()]), as_of)
    rows_by_plan: dict[int, list[TaskRow]] = defaultdict(list)
    for row in board.rows:
        rows_by_plan[row.task.plan_id].append(row)
    standings = []
    for child in children:
        plan = plan_by_region.get(child.pk)
        if plan is None:
            standings.append(without_plan(child))
            continue
        rows = rows_by_plan.get(plan.pk, [])
        colours = colour_counts(Counter(row.status.colour for row in rows))
        progress = [row.status.progress for row in rows if row.status.progress is not None]
        tallies = period_tallies(rows, board.periods_by_plan.get(plan.pk, []), board.today, year)
        this_year = [t for t in tallies if t.year == year]
        standings.append(RegionStanding(
            child.code, child.name, True, len(rows), colours["green"], colours["amber"], colours["red"],
            sum(progress) / len(progress) if progress else None,
            sum(t.due for t in this_year), sum(t.on_time for t in this_year),
            tuple((t.label, t.on_time_rate) for t in tallies), PlanState.IN_FORCE, plan.title,
        ))
    return tuple(standings)
