"""Reads behind the dashboard, the responsibility matrix, the unit page, scorecards and exports.

Everything starts from :func:`load_board`, which loads a set of tasks with their units, targets,
periods, reports and accepted figures in a fixed number of queries (six, however many tasks, units
and reports there are) and computes every task's status in Python with :mod:`kesu.supervision.status`.
The result is cached per task set until something it is computed from changes, or the day
(:mod:`kesu.supervision.board_cache`). The page-specific functions below only regroup that board.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Min, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from kesu.org.models import Unit
from kesu.planning.models import Plan, SectionKind, Task, TaskUnit, UnitRole
from kesu.progress.models import ProgressReport, ReportingPeriod, ReportStatus, ReviewEventKind, TargetFigure
from kesu.supervision import board_cache
from kesu.supervision.status import (
    Colour,
    FigureInput,
    Obligation,
    PeriodInput,
    StatusThresholds,
    TargetInput,
    TaskStatus,
    TaskStatusInput,
    compute_task_status,
    thresholds_from_settings,
)


def local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def colour_counts(tally: Counter) -> dict[str, int]:
    """Counts keyed green/amber/red, for templates (which cannot look up enum keys)."""
    return {colour.key: tally.get(colour, 0) for colour in Colour}


@dataclass
class TaskRow:
    task: Task
    status: TaskStatus
    data: TaskStatusInput
    leads: list[Unit] = field(default_factory=list)
    participants: list[Unit] = field(default_factory=list)
    unit_status: dict[int, TaskStatus] = field(default_factory=dict)
    # The unit's reports on this task, latest period first.
    reports_by_unit: dict[int, list[ProgressReport]] = field(default_factory=dict)

    def role_of(self, unit_id: int) -> str | None:
        if any(u.pk == unit_id for u in self.leads):
            return UnitRole.LEAD
        if any(u.pk == unit_id for u in self.participants):
            return UnitRole.PARTICIPATING
        return None

    def latest_report(self, unit_id: int) -> ProgressReport | None:
        reports = self.reports_by_unit.get(unit_id)
        return reports[0] if reports else None


@dataclass
class Board:
    rows: list[TaskRow]
    units: dict[int, Unit]
    periods_by_plan: dict[int, list[ReportingPeriod]]
    today: datetime.date
    thresholds: StatusThresholds
    # Page summaries computed from this board, kept with it while it is cached (see dashboard_context).
    derived: dict = field(default_factory=dict, repr=False, compare=False)

    def counts(self) -> dict[str, int]:
        return colour_counts(Counter(row.status.colour for row in self.rows))

    def rows_for_unit(self, unit_id: int) -> list[TaskRow]:
        return [row for row in self.rows if row.role_of(unit_id)]


def _assignments_prefetch() -> Prefetch:
    return Prefetch("assignments", queryset=TaskUnit.objects.select_related("unit").order_by("role", "unit__name"))


def _with_plan_and_group(tasks: QuerySet[Task]) -> QuerySet[Task]:
    # Not the plan's parsed document: nothing on a board shows it, and it is the largest column there is.
    return tasks.select_related("plan", "group").defer("plan__parsed").order_by("plan_id", "order", "pk")


def board_tasks(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return _with_plan_and_group(tasks).prefetch_related(_assignments_prefetch(), "targets")


def load_board(
    tasks: QuerySet[Task], today: datetime.date | None = None, thresholds: StatusThresholds | None = None
) -> Board:
    """The board of these tasks. The tasks are read first (one query); if nothing the board is computed
    from has changed since it was last computed for the same tasks, today, it comes from the cache
    (:mod:`kesu.supervision.board_cache`) and that is all; else five more queries and the status
    computation (:func:`compute_board`), and the result is cached.
    The board returned may be shared with other requests: read it, regroup it into new lists, never
    modify it."""
    today = today or timezone.localdate()
    thresholds = thresholds or thresholds_from_settings()
    task_list = list(_with_plan_and_group(tasks))
    if not task_list:
        return Board([], {}, {}, today, thresholds)
    key = board_cache.board_key(task_list, today, thresholds)
    board = board_cache.get_board(key)
    if board is None:
        prefetch_related_objects(task_list, _assignments_prefetch(), "targets")
        board = compute_board(task_list, today, thresholds)
        board_cache.put_board(key, board)
    return board


def compute_board(task_list: list[Task], today: datetime.date, thresholds: StatusThresholds) -> Board:
    """Statuses of these tasks (loaded with board_tasks: plan, group, assignments with units, targets),
    reading their periods, reports and accepted figures (three queries)."""
    task_ids = [t.pk for t in task_list]
    plan_ids = {t.plan_id for t in task_list}

    periods_by_plan: dict[int, list[ReportingPeriod]] = defaultdict(list)
    for period in ReportingPeriod.objects.filter(plan_id__in=plan_ids).order_by("start"):
        periods_by_plan[period.plan_id].append(period)

    reports = (
        ProgressReport.objects.filter(task_id__in=task_ids)
        .select_related("period")
        .annotate(
            first_submitted=Min("events__at", filter=Q(events__kind=ReviewEventKind.SUBMIT)),
            returned_times=Count("events", filter=Q(events__kind=ReviewEventKind.RETURN)),
        )
        .order_by("-period__start", "pk")
    )
    reports_by_task_unit: dict[tuple[int, int], list[ProgressReport]] = defaultdict(list)
    # Converted once here, not by every on-time count over the cached board (scorecards, trends,
    # rankings): a time zone lookup per call cost a city's region dashboard ~30 ms.
    zone = timezone.get_current_timezone()
    for report in reports:
        first = report.first_submitted or report.submitted_at
        report.first_submitted_on = first.astimezone(zone).date() if first is not None else None
        reports_by_task_unit[(report.task_id, report.unit_id)].append(report)

    figures_by_target: dict[int, list[FigureInput]] = defaultdict(list)
    accepted_figures = TargetFigure.objects.filter(
        report__task_id__in=task_ids, report__status=ReportStatus.ACCEPTED
    ).values_list("target_id", "value", "report__unit_id", "report__period__start", "report__period__end")
    for target_id, value, unit_id, start, end in accepted_figures:
        figures_by_target[target_id].append(FigureInput(start, end, value, unit_id))

    units: dict[int, Unit] = {}
    rows: list[TaskRow] = []
    for task in task_list:
        plan_periods = periods_by_plan.get(task.plan_id, [])
        period_inputs = {p.pk: PeriodInput(p.label, p.start, p.end, p.due) for p in plan_periods}
        assignments = list(task.assignments.all())
        obligations = []
        for assignment in assignments:
            units[assignment.unit_id] = assignment.unit
            by_period = {r.period_id: r for r in reports_by_task_unit.get((task.pk, assignment.unit_id), [])}
            for period in plan_periods:
                report = by_period.get(period.pk)
                obligations.append(Obligation(
                    assignment.unit_id, assignment.unit.name, period_inputs[period.pk],
                    report.status if report else None,
                    local_date(report.reviewed_at) if report and report.status == ReportStatus.RETURNED else None,
                ))
        targets = tuple(
            TargetInput(
                label=target.subject or target.text, value=target.value, unit=target.unit,
                comparator=target.comparator, period_text=target.period, deadline_year=target.deadline_year,
                figures=tuple(figures_by_target.get(target.pk, ())), text=target.text, kind_override=target.kind,
            )
            for target in task.targets.all()
        )
        data = TaskStatusInput(
            plan_start_year=task.plan.period_start, plan_end_year=task.plan.period_end,
            task_deadline_year=task.deadline_year, targets=targets,
            periods=tuple(period_inputs.values()), obligations=tuple(obligations),
        )
        row = TaskRow(
            task=task, status=compute_task_status(data, today, thresholds), data=data,
            leads=[a.unit for a in assignments if a.role == UnitRole.LEAD],
            participants=[a.unit for a in assignments if a.role != UnitRole.LEAD],
        )
        for assignment in assignments:
            own = tuple(o for o in obligations if o.unit_id == assignment.unit_id)
            row.unit_status[assignment.unit_id] = compute_task_status(
                TaskStatusInput(data.plan_start_year, data.plan_end_year, data.task_deadline_year,
                                data.targets, data.periods, own),
                today, thresholds,
            )
            row.reports_by_unit[assignment.unit_id] = reports_by_task_unit.get((task.pk, assignment.unit_id), [])
        rows.append(row)
    return Board(rows, units, dict(periods_by_plan), today, thresholds)


# --- Dashboard -----------------------------------------------------------------------------------


@dataclass
class UnitStanding:
    unit: Unit
    due_reports: int = 0
    on_time: int = 0
    returned_times: int = 0
    lead_progress: list[float] = field(default_factory=list)
    colours: Counter = field(default_factory=Counter)

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due_reports if self.due_reports else None

    @property
    def completion(self) -> float | None:
        return sum(self.lead_progress) / len(self.lead_progress) if self.lead_progress else None

    @property
    def colour_counts(self) -> dict[str, int]:
        return colour_counts(self.colours)


def submitted_on_time(report: ProgressReport | None, due: datetime.date) -> bool:
    """On time = first submitted no later than the due date (a resubmission after return keeps it)."""
    if report is None:
        return False
    if hasattr(report, "first_submitted_on"):  # a report of a board, see compute_board
        submitted_on = report.first_submitted_on
    else:
        submitted_on = local_date(report.first_submitted or report.submitted_at)
    return submitted_on is not None and submitted_on <= due


def unit_standings(board: Board, year: int | None = None) -> list[UnitStanding]:
    """Per unit: past-due reports and how many came on time, return count, mean progress of the tasks
    it leads. ``year`` narrows reports to periods starting in that year. Best first."""
    standings: dict[int, UnitStanding] = {uid: UnitStanding(unit) for uid, unit in board.units.items()}
    for row in board.rows:
        periods = board.periods_by_plan.get(row.task.plan_id, [])
        for unit_id, reports in row.reports_by_unit.items():
            standing = standings[unit_id]
            standing.colours[row.unit_status[unit_id].colour] += 1
            by_period = {r.period_id: r for r in reports}
            for period in periods:
                if year is not None and period.start.year != year:
                    continue
                report = by_period.get(period.pk)
                if report is not None:
                    standing.returned_times += report.returned_times
                if period.due < board.today:
                    standing.due_reports += 1
                    standing.on_time += submitted_on_time(report, period.due)
        if row.status.progress is not None:
            for unit in row.leads:
                standings[unit.pk].lead_progress.append(row.status.progress)

    def rank_key(s: UnitStanding):
        return (-(s.on_time_rate if s.on_time_rate is not None else -1),
                -(s.completion if s.completion is not None else -1), s.returned_times, s.unit.name)

    return sorted(standings.values(), key=rank_key)


@dataclass
class GroupSummary:
    title: str
    kind: str
    tasks: int = 0
    colours: Counter = field(default_factory=Counter)
    progress: list[float] = field(default_factory=list)

    @property
    def mean_progress(self) -> float | None:
        return sum(self.progress) / len(self.progress) if self.progress else None

    @property
    def colour_counts(self) -> dict[str, int]:
        return colour_counts(self.colours)


def group_summaries(board: Board) -> list[GroupSummary]:
    groups: dict[int | None, GroupSummary] = {}
    for row in board.rows:
        group = row.task.group
        key = group.pk if group else None
        if key not in groups:
            groups[key] = GroupSummary(group.title if group else "其他任务", group.kind if group else SectionKind.OTHER)
        summary = groups[key]
        summary.tasks += 1
        summary.colours[row.status.colour] += 1
        if row.status.progress is not None:
            summary.progress.append(row.status.progress)
    return list(groups.values())


@dataclass
class OverdueItem:
    row: TaskRow
    unit_name: str
    period_label: str
    days: int | None
    kind: str
    reason: str
    colour: Colour


def overdue_items(board: Board) -> list[OverdueItem]:
    items = [
        OverdueItem(row, board.units[f.unit_id].name, f.period_label, f.days, f.kind, f.reason, f.colour)
        for row in board.rows for f in row.status.findings if f.kind in ("overdue", "returned")
    ]
    return sorted(items, key=lambda i: (-i.colour, -(i.days or 0), i.row.task.order))


def chart_payloads(board: Board, standings: list[UnitStanding], groups: list[GroupSummary]) -> dict:
    """Plain JSON for the charts; the page's script turns each into an ECharts option and a table."""
    counts = board.counts()
    status_names = {c.key: f"{c.lamp}（{c.label}）" for c in Colour}
    payloads = {
        "status_pie": {
            "type": "pie", "title": "任务状态分布", "unit": "项",
            "categories": [status_names[c.key] for c in Colour],
            "colours": ["#1a9c54", "#d98b00", "#c62828"],
            "series": [{"name": "任务数", "data": [counts[c.key] for c in Colour]}],
        },
        "group_status": {
            "type": "stacked_bar", "title": "各行动/工程任务状态", "unit": "项",
            "categories": [g.title for g in groups],
            "colours": ["#1a9c54", "#d98b00", "#c62828"],
            "series": [{"name": status_names[c.key], "data": [g.colours.get(c, 0) for g in groups]} for c in Colour],
        },
        "group_progress": {
            "type": "bar", "title": "各行动/工程平均完成进度", "unit": "%",
            "categories": [g.title for g in groups],
            "colours": ["#1d5fa8"],
            "series": [{"name": "平均进度", "data": [
                None if g.mean_progress is None else round(g.mean_progress * 100, 1) for g in groups
            ]}],
        },
        "unit_on_time": {
            "type": "bar", "title": "各单位按时报送率", "unit": "%",
            "categories": [s.unit.name for s in standings],
            "colours": ["#1d5fa8"],
            "series": [{"name": "按时报送率", "data": [
                None if s.on_time_rate is None else round(s.on_time_rate * 100, 1) for s in standings
            ]}],
        },
    }
    for payload in payloads.values():
        # The same numbers as a table (the chart's table view, and what screen readers get).
        payload["rows"] = [
            [category, *(series["data"][index] for series in payload["series"])]
            for index, category in enumerate(payload["categories"])
        ]
    return payloads


def dashboard_plans(user) -> QuerySet[Plan]:
    """Plans the dashboard can switch among: current plans of the user's region and the regions under it."""
    from kesu.planning.selectors import visible_plans

    return (visible_plans(user).filter(is_current=True).select_related("region").defer("parsed")
            .order_by("region__path", "pk"))


def plan_switcher_options(user, current: Plan) -> SafeString:
    """The <option>s of the plan switcher, or nothing when there is no other plan to switch to. Built
    from three columns rather than plan rows in a template loop: a province office chooses among every
    current plan of the province."""
    choices = list(dashboard_plans(user).values_list("pk", "region__name", "title"))
    if len(choices) < 2:
        return mark_safe("")
    return format_html_join("", '<option value="{}"{}>{} · {}</option>', (
        (pk, mark_safe(" selected") if pk == current.pk else "", region_name, Truncator(title).chars(30))
        for pk, region_name, title in choices
    ))


def dashboard_context(plan: Plan, today: datetime.date | None = None) -> dict:
    board = load_board(Task.objects.filter(plan=plan), today)
    context = board.derived.get("dashboard")
    if context is None:
        # Derived from the board only, so computed once per cached board (a race computes it twice, alike).
        standings = unit_standings(board)
        groups = group_summaries(board)
        context = board.derived["dashboard"] = {
            "board": board,
            "counts": board.counts(),
            "total": len(board.rows),
            "standings": standings,
            "groups": groups,
            "overdue": overdue_items(board),
            "charts": chart_payloads(board, standings, groups),
        }
    return dict(context)


# --- Responsibility matrix -------------------------------------------------------------------------


@dataclass
class MatrixCell:
    role: str | None
    status: TaskStatus | None


@dataclass
class MatrixRow:
    row: TaskRow
    cells: list[MatrixCell]


def matrix_context(
    board: Board, *, group_id: int | None = None, unit_id: int | None = None, colour: str | None = None
) -> dict:
    rows = board.rows
    if group_id:
        rows = [r for r in rows if r.task.group_id == group_id]
    if unit_id:
        rows = [r for r in rows if r.role_of(unit_id)]
    if colour:
        if unit_id:
            rows = [r for r in rows if r.unit_status[unit_id].key == colour]
        else:
            rows = [r for r in rows if r.status.key == colour]
    units = sorted(board.units.values(), key=lambda u: u.name)
    if unit_id:
        units = [u for u in units if u.pk == unit_id]
    matrix = [
        MatrixRow(row, [MatrixCell(row.role_of(u.pk), row.unit_status.get(u.pk)) for u in units]) for row in rows
    ]
    return {"matrix_units": units, "matrix_rows": matrix}


def plan_groups(plan: Plan):
    return plan.sections.filter(kind__in=[SectionKind.ACTION, SectionKind.PROGRAMME]).order_by("order")


# --- Unit page ---------------------------------------------------------------------------------------


@dataclass
class UnitTaskLine:
    row: TaskRow
    status: TaskStatus
    latest_report: ProgressReport | None


def unit_context(unit: Unit, tasks: QuerySet[Task], today: datetime.date | None = None) -> dict:
    board = load_board(tasks.filter(assignments__unit=unit).distinct(), today)
    lines = [
        UnitTaskLine(row, row.unit_status[unit.pk], row.latest_report(unit.pk))
        for row in board.rows_for_unit(unit.pk)
    ]
    mix = colour_counts(Counter(line.status.colour for line in lines))
    latest_reports = sorted(
        ((line.row, line.latest_report) for line in lines if line.latest_report is not None),
        key=lambda pair: (pair[1].period.start, pair[1].updated_at), reverse=True,
    )
    return {
        "board": board,
        "lead_lines": [line for line in lines if line.row.role_of(unit.pk) == UnitRole.LEAD],
        "participating_lines": [line for line in lines if line.row.role_of(unit.pk) == UnitRole.PARTICIPATING],
        "status_mix": mix,
        "latest_reports": latest_reports[:20],
    }
