"""The task page's reads: who is responsible, the task's reports across plan versions, its audit
history, and how far each target is, judged by :mod:`kesu.plans.attainment` exactly as the status
lights judge it (tests/supervision/test_target_identity.py holds the two together)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone

from kesu.audit.models import AuditEntry
from kesu.org.models import Unit, User
from kesu.planning.models import Target, Task, UnitRole
from kesu.planning.selectors import task_lineage
from kesu.plans import attainment, notation
from kesu.plans.attainment import Basis, Kind
from kesu.progress.models import ProgressReport, ReportingPeriod, ReportStatus, ReviewEvent
from kesu.progress.selectors import HistoryRow, history_rows, visible_reports

NO_DATA = "尚无审核通过的数据"


@dataclass
class ProgressLine:
    label: str
    value: float | None  # the amount reached (attainment.amount_reached), None without figures
    target: Target
    contributors: list[tuple[str, float]]
    goal: attainment.Target | None = None
    decides: bool = False  # the line the status light judges (a yearly target's latest year)

    def __post_init__(self):
        if self.goal is None:
            self.goal = self.target.attainment_target()

    @property
    def progress(self) -> float | None:
        return attainment.progress(self.goal, self.value)

    @property
    def met(self) -> bool | None:
        return attainment.is_met(self.goal, self.value)

    @property
    def bar_percent(self) -> int:
        share = self.progress
        return 0 if share is None else int(min(1.0, share) * 100)

    @property
    def ratio_percent(self) -> float | None:
        share = self.progress
        return None if share is None else round(share * 100, 1)

    @property
    def contributors_label(self) -> str:
        """What the breakdown lists: each unit's own figure, which the line adds up or picks from."""
        return "各单位填报" + ("（相加）" if self.goal.adds_up else "（取最新最好值）")


@dataclass
class TargetProgress:
    target: Target
    goal: attainment.Target
    lines: list[ProgressLine]

    @property
    def yearly(self) -> bool:
        return self.goal.kind == Kind.YEARLY

    @property
    def kind_label(self) -> str:
        return self.goal.kind.label

    @property
    def goal_text(self) -> str:
        """The target in words (不少于 20 场次); a 每季度 target also its year's goal."""
        text = notation.format_target(self.target.value, self.target.comparator, self.target.unit, words=True)
        if self.goal.kind == Kind.YEARLY and self.goal.periods_per_year > 1:
            text += f"（全年 {notation.format_amount(self.goal.goal, self.target.unit)}）"
        return text


def target_progress(targets: list[Target], accepted_reports: list[ProgressReport],
                    judged_years: Iterable[int] = ()) -> list[TargetProgress]:
    """Each target against the accepted figures, read by attainment.amount_reached as progress
    reports are written (to date): yearly targets one line per year, the others one line.

    ``judged_years`` are the years with a past-due reporting period: a yearly target gets a line for
    each even without figures, and the latest of them is the line its status light judges (marked
    ``decides``), as kesu.supervision.status does."""
    judged_years = sorted(set(judged_years))
    figures_by_target: dict[int, list[tuple[ProgressReport, attainment.Figure]]] = defaultdict(list)
    for report in accepted_reports:
        for figure in report.figures.all():
            figures_by_target[figure.target_id].append((report, attainment.Figure(
                report.period.start.year, figure.value, report.unit_id, report.period.end)))
    result = []
    for target in targets:
        goal = target.attainment_target()
        pairs = figures_by_target.get(target.pk, [])
        figures = [f for _, f in pairs]
        yearly = goal.kind == Kind.YEARLY
        years = sorted({f.year for f in figures} | (set(judged_years) if figures else set())) if yearly else [None]
        lines = []
        for year in years if figures else []:
            amount = attainment.amount_reached(goal, figures, year, basis=Basis.TO_DATE)
            label = f"{year}年" if year is not None else ("累计" if goal.kind == Kind.CUMULATIVE else "当前")
            lines.append(ProgressLine(label, amount, target, _contributors(pairs, year), goal))
        deciding = judged_years[-1] if yearly and judged_years else None
        for line in lines:
            line.decides = line.label == f"{deciding}年" if deciding is not None else line is lines[-1]
        if not lines:
            lines = [ProgressLine(NO_DATA, None, target, [], goal)]
        result.append(TargetProgress(target, goal, lines))
    return result


def _contributors(pairs: list[tuple[ProgressReport, attainment.Figure]], year: int | None) -> list[tuple[str, float]]:
    """Each unit's latest accepted figure (of ``year``, if given), for the breakdown under a line."""
    latest: dict[int, tuple[ProgressReport, attainment.Figure]] = {}
    for report, figure in sorted(pairs, key=lambda pair: (pair[1].order, pair[0].pk)):
        if year is None or figure.year == year:
            latest[report.unit_id] = (report, figure)
    return [(report.unit.name, figure.value) for report, figure in latest.values()]


@dataclass
class TaskPage:
    task: Task
    lead_units: list[Unit]
    participating_units: list[Unit]
    targets: list[Target]
    progress: list[TargetProgress]
    chain: list[Task]
    timeline: list[ProgressReport]
    history: list[HistoryRow]
    periods: list[ReportingPeriod]


def task_page(*, user: User, task: Task, history_limit: int = 60) -> TaskPage:
    assignments = list(task.assignments.select_related("unit").order_by("role", "unit__name"))
    targets = list(task.targets.order_by("order"))
    chain = task_lineage(task)
    timeline = list(
        visible_reports(user)
        .filter(task_id__in=[t.pk for t in chain])
        .select_related("unit", "period", "task__plan", "reviewed_by", "submitted_by")
        .prefetch_related(
            "figures",
            Prefetch("events", queryset=ReviewEvent.objects.select_related("actor")),
        )
        .order_by("-period__start", "unit__name")
    )
    accepted = [r for r in timeline if r.task_id == task.pk and r.status == ReportStatus.ACCEPTED]
    report_ids = [str(r.pk) for r in timeline]
    condition = Q(model=Task._meta.label, object_id=str(task.pk))
    if report_ids:
        condition |= Q(model=ProgressReport._meta.label, object_id__in=report_ids)
    periods = list(task.plan.periods.order_by("start"))
    today = timezone.localdate()
    judged_years = {p.start.year for p in periods if p.due < today}
    history = history_rows(list(AuditEntry.objects.filter(condition).order_by("-at", "-id")[:history_limit]))
    return TaskPage(
        task=task,
        lead_units=[a.unit for a in assignments if a.role == UnitRole.LEAD],
        participating_units=[a.unit for a in assignments if a.role == UnitRole.PARTICIPATING],
        targets=targets,
        progress=target_progress(targets, accepted, judged_years),
        chain=chain,
        timeline=timeline,
        history=history,
        periods=periods,
    )
