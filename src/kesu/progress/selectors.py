"""Reads of the supervision workflow (督办). Each selector issues a fixed number of queries whatever
the number of tasks, units or reports (asserted in tests/reports/test_query_counts.py); callers
pass objects already narrowed by `kesu.org.permissions`."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from kesu.audit import display as audit_display
from kesu.audit.models import AuditEntry
from kesu.org.models import Role, Unit, User
from kesu.org.permissions import home_region, visible_units
from kesu.planning.models import Plan, Target, Task, TaskUnit
from kesu.planning.selectors import visible_plans
from kesu.plans import attainment, notation
from kesu.progress.models import (
    Evidence,
    ProgressReport,
    Reminder,
    ReportingPeriod,
    ReportStatus,
    ReviewEvent,
    TargetFigure,
)


def visible_reports(user: User) -> QuerySet[ProgressReport]:
    """The progress reports a user may see: a reporter its own unit's, the others their region subtree's."""
    if user.role == Role.UNIT_REPORTER:
        if not user.unit_id:
            return ProgressReport.objects.none()
        return ProgressReport.objects.filter(unit_id=user.unit_id)
    region = home_region(user)
    if region is None:
        return ProgressReport.objects.none()
    return ProgressReport.objects.filter(task__plan__region__path__startswith=region.path)


NOT_STARTED = "not_started"
STATE_LABELS = {
    NOT_STARTED: "未填报",
    ReportStatus.DRAFT: "草稿",
    ReportStatus.SUBMITTED: "已报送待审核",
    ReportStatus.RETURNED: "已退回",
    ReportStatus.ACCEPTED: "已通过",
}
# States in which the unit still owes the office something for the period.
OUTSTANDING_STATES = {NOT_STARTED, ReportStatus.DRAFT, ReportStatus.RETURNED}


def report_state(report: ProgressReport | None) -> str:
    return NOT_STARTED if report is None else report.status


def current_period(periods: list[ReportingPeriod], today: datetime.date) -> ReportingPeriod | None:
    """The period a unit should be working on today: among periods already begun, the one with the
    nearest due date not yet passed; if all begun periods are past due, the latest begun one; before
    the first period begins, the first one."""
    if not periods:
        return None
    begun = [p for p in periods if p.start <= today]
    if not begun:
        return min(periods, key=lambda p: p.start)
    still_due = [p for p in begun if p.due >= today]
    if still_due:
        return min(still_due, key=lambda p: p.due)
    return max(begun, key=lambda p: p.start)


# ---------------------------------------------------------------------------------------------
# My tasks


@dataclass
class MyTaskRow:
    task: Task
    role_label: str
    period: ReportingPeriod | None
    report: ProgressReport | None
    state: str
    overdue: bool
    overdue_earlier: list[ReportingPeriod]

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass
class MyTaskGroup:
    title: str
    rows: list[MyTaskRow] = field(default_factory=list)


@dataclass
class MyPlanBlock:
    plan: Plan
    period: ReportingPeriod | None
    periods: list[ReportingPeriod]
    groups: list[MyTaskGroup]

    @property
    def counts(self) -> dict[str, int]:
        result: dict[str, int] = defaultdict(int)
        for group in self.groups:
            for row in group.rows:
                result[row.state] += 1
                result["overdue"] += row.overdue
        return dict(result)


def my_tasks_overview(*, user: User, today: datetime.date, period_id: int | None = None) -> list[MyPlanBlock]:
    """The tasks the reporter's unit leads or takes part in (current plan versions), grouped by plan
    and action/programme, with the report state for the chosen or current period. Three queries."""
    if not user.unit_id:
        return []
    assignments = list(
        TaskUnit.objects.filter(unit_id=user.unit_id, task__plan__is_current=True)
        .select_related("task__plan", "task__group")
        .order_by("task__plan_id", "task__order", "task_id")
    )
    if not assignments:
        return []
    plan_ids = {a.task.plan_id for a in assignments}
    periods_by_plan: dict[int, list[ReportingPeriod]] = defaultdict(list)
    for period in ReportingPeriod.objects.filter(plan_id__in=plan_ids).order_by("start"):
        periods_by_plan[period.plan_id].append(period)
    reports = {
        (r.task_id, r.period_id): r
        for r in ProgressReport.objects.filter(unit_id=user.unit_id, task__plan_id__in=plan_ids).only(
            "id", "task_id", "period_id", "status", "review_comment", "updated_at", "submitted_at", "revision"
        )
    }

    blocks: dict[int, MyPlanBlock] = {}
    groups: dict[tuple[int, int | None], MyTaskGroup] = {}
    for assignment in assignments:
        task = assignment.task
        plan_periods = periods_by_plan.get(task.plan_id, [])
        block = blocks.get(task.plan_id)
        if block is None:
            chosen = next((p for p in plan_periods if p.pk == period_id), None)
            block = MyPlanBlock(task.plan, chosen or current_period(plan_periods, today), plan_periods, [])
            blocks[task.plan_id] = block
        group_key = (task.plan_id, task.group_id)
        group = groups.get(group_key)
        if group is None:
            group = MyTaskGroup(task.group.title if task.group_id else "其他任务")
            groups[group_key] = group
            block.groups.append(group)
        period = block.period
        report = reports.get((task.pk, period.pk)) if period else None
        state = report_state(report)
        overdue_earlier = [
            p
            for p in plan_periods
            if period is not None
            and p.start < period.start
            and p.due < today
            and report_state(reports.get((task.pk, p.pk))) in OUTSTANDING_STATES
        ]
        group.rows.append(
            MyTaskRow(
                task=task,
                role_label=assignment.get_role_display(),
                period=period,
                report=report,
                state=state,
                overdue=bool(period and period.due < today and state in OUTSTANDING_STATES),
                overdue_earlier=overdue_earlier,
            )
        )
    # The plan in force today first: a unit of a region between two plans reports on the new one, and the
    # ended plan (all its periods past) follows for its history and any report still owed.
    return sorted(blocks.values(), key=lambda b: (not _in_force(b.plan, today.year), -(b.plan.period_start or 0)))


def _in_force(plan: Plan, year: int) -> bool:
    return (plan.period_start or year) <= year <= (plan.period_end or year)


# ---------------------------------------------------------------------------------------------
# A single report


def _report_queryset(user: User) -> QuerySet[ProgressReport]:
    return visible_reports(user).select_related(
        "task__plan__region", "unit", "period", "submitted_by", "reviewed_by"
    )


def report_with_details(*, user: User, report_id: int) -> ProgressReport:
    """One report in the user's scope with figures, targets, evidence and review events prefetched.
    Raises ProgressReport.DoesNotExist when out of scope (the view turns that into 404)."""
    return _report_queryset(user).prefetch_related(
        Prefetch("figures", queryset=TargetFigure.objects.select_related("target")),
        Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by")),
        Prefetch("events", queryset=ReviewEvent.objects.select_related("actor")),
        Prefetch("task__targets", queryset=Target.objects.order_by("order")),
    ).get(pk=report_id)


def comparator_symbol(target: Target) -> str:
    """≥ / ≤ / 约 …, as kesu.plans.notation writes it ("" for a bare target)."""
    return notation.comparator_symbol(target.comparator)


@dataclass
class FigureLine:
    target: Target
    figure: TargetFigure | None

    @property
    def comparator(self) -> str:
        return comparator_symbol(self.target)

    @property
    def share(self) -> float | None:
        """This figure alone against the target, by the rule the task page and status lights use."""
        if self.figure is None:
            return None
        return attainment.progress(self.target.attainment_target(), self.figure.value)

    @property
    def ratio_percent(self) -> float | None:
        share = self.share
        return None if share is None else round(share * 100, 1)


def figure_lines(report: ProgressReport | None, targets: list[Target]) -> list[FigureLine]:
    by_target = {f.target_id: f for f in report.figures.all()} if report is not None else {}
    return [FigureLine(t, by_target.get(t.pk)) for t in targets]


# The audit history in words lives with the audit log (names of units, periods and users looked up
# per model, local times); re-exported here for the pages that import it from this module.
HistoryRow = audit_display.HistoryRow
history_rows = audit_display.history_rows


def report_audit_history(report: ProgressReport, limit: int = 50) -> list[HistoryRow]:
    figure_ids = [str(f.pk) for f in report.figures.all()]
    evidence_ids = [str(e.pk) for e in report.evidence.all()]
    condition = Q(model=ProgressReport._meta.label, object_id=str(report.pk))
    if figure_ids:
        condition |= Q(model=TargetFigure._meta.label, object_id__in=figure_ids)
    if evidence_ids:
        condition |= Q(model=Evidence._meta.label, object_id__in=evidence_ids)
    return history_rows(list(AuditEntry.objects.filter(condition).order_by("-at", "-id")[:limit]))


def existing_report_for(*, unit_id: int, task: Task, period: ReportingPeriod) -> ProgressReport | None:
    return (
        ProgressReport.objects.filter(unit_id=unit_id, task=task, period=period)
        .select_related("reviewed_by", "submitted_by")
        .prefetch_related(
            Prefetch("figures", queryset=TargetFigure.objects.select_related("target")),
            "evidence",
            Prefetch("events", queryset=ReviewEvent.objects.select_related("actor")),
        )
        .first()
    )


# ---------------------------------------------------------------------------------------------
# Review queue


def review_queue(
    *, user: User, unit_id: int | None = None, plan_id: int | None = None, period_id: int | None = None
) -> QuerySet[ProgressReport]:
    """Submitted reports in the user's region, oldest submission first. The evidence count is a
    subquery, not a join with GROUP BY, so that a page (LIMIT 50) does not group every submitted report
    of the region first."""
    evidence_count = (
        Evidence.objects.filter(report=OuterRef("pk")).order_by().values("report").annotate(n=Count("pk")).values("n")
    )
    queryset = (
        visible_reports(user)
        .filter(status=ReportStatus.SUBMITTED)
        .select_related("task", "unit", "period")
        # Only what the queue shows (the page lists 50 of them; the narrative is read on the report page).
        .only("id", "status", "submitted_at", "task_id", "unit_id", "period_id", "task__code", "task__title",
              "task__plan_id", "unit__name", "period__label", "period__plan_id")
        .annotate(evidence_count=Coalesce(Subquery(evidence_count), 0))
        .order_by("submitted_at", "id")
    )
    if unit_id:
        queryset = queryset.filter(unit_id=unit_id)
    if plan_id:
        queryset = queryset.filter(task__plan_id=plan_id)
    if period_id:
        queryset = queryset.filter(period_id=period_id)
    return queryset


@dataclass
class ReviewFilterOptions:
    units: list[Unit]
    plans: list[Plan]
    periods: list[ReportingPeriod]


def review_filter_html(options: ReviewFilterOptions, chosen: dict) -> dict[str, str]:
    """The <option> lists of the review queue's three filters, built here rather than in a template loop
    (a city office chooses among hundreds of units and periods; the template loop cost more than the
    rest of the page). Periods are grouped by plan when there are several plans."""

    def choices(items, selected):
        return format_html_join(
            "", '<option value="{}"{}>{}</option>',
            ((pk, mark_safe(" selected") if pk == selected else "", label) for pk, label in items),
        )

    periods_html = choices(((p.pk, p.label) for p in options.periods), chosen.get("period"))
    if len(options.plans) > 1:
        by_plan: dict[int, list[ReportingPeriod]] = defaultdict(list)
        for period in options.periods:
            by_plan[period.plan_id].append(period)
        periods_html = format_html_join("", '<optgroup label="{}">{}</optgroup>', (
            (Truncator(plan.title).chars(30), choices(((p.pk, p.label) for p in by_plan[plan.pk]), chosen.get("period")))
            for plan in options.plans if by_plan.get(plan.pk)
        ))
    return {
        "units": choices(((u.pk, u.name) for u in options.units), chosen.get("unit")),
        "plans": choices(((p.pk, Truncator(p.title).chars(30)) for p in options.plans), chosen.get("plan")),
        "periods": periods_html,
    }


def review_filter_options(user: User) -> ReviewFilterOptions:
    plans = list(visible_plans(user).filter(is_current=True).only("id", "title"))
    return ReviewFilterOptions(
        units=list(visible_units(user).filter(is_active=True).only("id", "name")),
        plans=plans,
        periods=list(ReportingPeriod.objects.filter(plan__in=plans).only("id", "plan_id", "label", "start")
                     .order_by("plan_id", "start")),
    )


# ---------------------------------------------------------------------------------------------
# Reminders and inbox


@dataclass
class UnitBehind:
    unit: Unit
    tasks: list[Task]
    states: list[str]

    @property
    def summary(self) -> str:
        return "、".join(f"{t.code}（{STATE_LABELS[s]}）" for t, s in zip(self.tasks, self.states, strict=True))


def units_behind_for_period(period: ReportingPeriod) -> list[UnitBehind]:
    """Units assigned to tasks of the period's plan whose report for the period is missing, still a
    draft, or returned and not yet resubmitted. Two queries."""
    done_or_state = {
        (r.task_id, r.unit_id): r.status
        for r in ProgressReport.objects.filter(period=period).only("task_id", "unit_id", "status")
    }
    behind: dict[int, UnitBehind] = {}
    assignments = (
        TaskUnit.objects.filter(task__plan_id=period.plan_id, unit__is_active=True)
        .select_related("unit__region", "task")
        .order_by("unit__name", "task__order")
    )
    for assignment in assignments:
        state = done_or_state.get((assignment.task_id, assignment.unit_id), NOT_STARTED)
        if state not in OUTSTANDING_STATES:
            continue
        row = behind.setdefault(assignment.unit_id, UnitBehind(assignment.unit, [], []))
        row.tasks.append(assignment.task)
        row.states.append(state)
    return list(behind.values())


def latest_reminders_for_period(period: ReportingPeriod) -> dict[int, Reminder]:
    """The last reminder about `period` to each unit, with how it went out (the bulk page's 送达 column).
    Two queries."""
    latest: dict[int, Reminder] = {}
    for reminder in (
        Reminder.objects.filter(period=period).select_related("notice").prefetch_related("deliveries")
        .order_by("unit_id", "-sent_at", "-id")
    ):
        latest.setdefault(reminder.unit_id, reminder)
    return latest


@dataclass
class Inbox:
    reminders: list[Reminder]
    returned_reports: list[ProgressReport]
    sent_reminders: list[Reminder]

    @property
    def unread_count(self) -> int:
        return sum(1 for r in self.reminders if r.read_at is None) + len(self.returned_reports)


def inbox_for(user: User, limit: int = 100) -> Inbox:
    """Reporters: reminders to their unit and their unit's returned reports. Office admins: the
    reminders sent in their region (their outbox). Others: nothing."""
    if user.role == Role.UNIT_REPORTER and user.unit_id:
        reminders = list(
            Reminder.objects.filter(unit_id=user.unit_id).select_related("task", "period", "sent_by", "notice")[:limit]
        )
        returned = list(
            ProgressReport.objects.filter(unit_id=user.unit_id, status=ReportStatus.RETURNED)
            .select_related("task", "period", "reviewed_by")
            .order_by("-reviewed_at")
        )
        return Inbox(reminders, returned, [])
    if user.role == Role.OFFICE_ADMIN and user.region_id:
        sent = list(
            Reminder.objects.filter(region__path__startswith=user.region.path).select_related(
                "unit", "task", "period", "sent_by", "notice"
            ).prefetch_related("deliveries")[:limit]
        )
        return Inbox([], [], sent)
    return Inbox([], [], [])


def unread_count(user: User) -> int:
    """Unread reminders plus returned reports waiting for the unit: the number in the nav. Two queries,
    only for unit reporters."""
    if not (user.is_authenticated and user.role == Role.UNIT_REPORTER and user.unit_id):
        return 0
    unread = Reminder.objects.filter(unit_id=user.unit_id, read_at__isnull=True).count()
    return unread + ProgressReport.objects.filter(unit_id=user.unit_id, status=ReportStatus.RETURNED).count()

