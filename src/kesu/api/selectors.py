"""Reads behind the API. Every function starts from a kesu.org.permissions queryset, so the API sees
exactly what the pages show, and loads related rows with a fixed number of queries."""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, QuerySet

from kesu.org.models import Role
from kesu.org.permissions import (
    get_visible_or_404,
    visible_units,
)
from kesu.planning.models import TaskUnit
from kesu.planning.selectors import visible_plans, visible_tasks
from kesu.progress.models import ProgressReport, ReviewEvent
from kesu.progress.selectors import visible_reports
from kesu.supervision.selectors import load_board


def plan_list(*, user) -> QuerySet:
    return visible_plans(user).select_related("region").defer("parsed").order_by("region__code", "-version", "id")


def plan_detail(*, user, plan_id: int):
    queryset = (
        visible_plans(user)
        .select_related("region")
        .defer("parsed")
        .prefetch_related("sections", "periods")
        .annotate(task_count=Count("tasks", distinct=True))
    )
    return get_visible_or_404(queryset, pk=plan_id)


def _with_assignments(tasks: QuerySet) -> QuerySet:
    return tasks.select_related("group").prefetch_related(
        Prefetch("assignments", queryset=TaskUnit.objects.select_related("unit").order_by("role", "unit__name"))
    )


def visible_plan(*, user, plan_id: int):
    """The plan, if the user may see it, without its parsed document (no endpoint shows it)."""
    return get_visible_or_404(visible_plans(user).defer("parsed"), pk=plan_id)


def task_list(*, user, plan_id: int, unit_id: int | None = None, group_id: int | None = None) -> QuerySet:
    plan = visible_plan(user=user, plan_id=plan_id)
    tasks = visible_tasks(user).filter(plan=plan)
    if unit_id is not None:
        tasks = tasks.filter(assignments__unit_id=unit_id)
    if group_id is not None:
        tasks = tasks.filter(group_id=group_id)
    return _with_assignments(tasks).order_by("order", "id")


def task_detail(*, user, task_id: int):
    queryset = _with_assignments(visible_tasks(user)).prefetch_related("targets")
    return get_visible_or_404(queryset, pk=task_id)


def latest_reports_for_task(*, user, task) -> list[ProgressReport]:
    """Each unit's most recent report on the task, among the reports the user may see."""
    reports = (
        _report_rows(visible_reports(user).filter(task=task))
        .order_by("unit_id", "-period__start", "-id")
    )
    latest: dict[int, ProgressReport] = {}
    for report in reports:
        latest.setdefault(report.unit_id, report)
    return sorted(latest.values(), key=lambda report: report.unit.name)


def unit_list(*, user) -> QuerySet:
    return visible_units(user).select_related("region").order_by("region__code", "name", "id")


def unit_detail(*, user, unit_id: int):
    queryset = visible_units(user).select_related("region").annotate(
        task_count=Count("assignments", distinct=True)
    )
    return get_visible_or_404(queryset, pk=unit_id)


def _report_rows(reports: QuerySet) -> QuerySet:
    return reports.select_related("task", "unit", "period").prefetch_related("figures")


def report_list(
    *,
    user,
    plan_id: int | None = None,
    task_id: int | None = None,
    unit_id: int | None = None,
    period_id: int | None = None,
    status: str | None = None,
) -> QuerySet:
    reports = visible_reports(user)
    if plan_id is not None:
        reports = reports.filter(task__plan_id=plan_id)
    if task_id is not None:
        reports = reports.filter(task_id=task_id)
    if unit_id is not None:
        reports = reports.filter(unit_id=unit_id)
    if period_id is not None:
        reports = reports.filter(period_id=period_id)
    if status:
        reports = reports.filter(status=status)
    return _report_rows(reports).order_by("-period__start", "task__order", "unit__name", "id")


def report_detail(*, user, report_id: int) -> ProgressReport:
    queryset = _report_rows(visible_reports(user)).prefetch_related(
        Prefetch("events", queryset=ReviewEvent.objects.select_related("actor").order_by("at", "id"))
    )
    return get_visible_or_404(queryset, pk=report_id)


def report_in_scope(*, user, report_id: int) -> ProgressReport:
    """The report a write names, if the user may see it (404 otherwise); the service then decides
    whether they may change it (403) and locks it."""
    return get_visible_or_404(visible_reports(user), pk=report_id)


def task_and_period_in_scope(*, user, task_id: int, period_id: int):
    task = get_visible_or_404(visible_tasks(user).select_related("plan"), pk=task_id)
    return task, get_visible_or_404(task.plan.periods.all(), pk=period_id)


def status_viewpoint(user) -> tuple:
    """Whose statuses :func:`statuses_for` gives the user (and which of a plan's tasks they see): their
    own unit's for a unit reporter, every unit's for everyone else."""
    return ("unit", user.unit_id) if user.role == Role.UNIT_REPORTER else ("all",)


def statuses_for(*, user, tasks: QuerySet, today: datetime.date | None = None) -> list[tuple]:
    """(task, status, unit statuses) for `tasks`, computed by the dashboard's board loader in a fixed
    number of queries. A unit reporter gets their own unit's status of each task, as on their pages;
    everyone else gets the task's overall status and every responsible unit's."""
    board = load_board(tasks, today)
    own_unit_only = status_viewpoint(user)[0] == "unit"
    results = []
    for row in board.rows:
        if own_unit_only:
            own = row.unit_status.get(user.unit_id)
            unit_statuses = [(user.unit, row.role_of(user.unit_id), own)] if own else []
            results.append((row.task, own or row.status, unit_statuses))
            continue
        unit_statuses = [
            (unit, row.role_of(unit.pk), row.unit_status[unit.pk]) for unit in row.leads + row.participants
        ]
        results.append((row.task, row.status, unit_statuses))
    return results


def task_ids_with_colour(*, user, tasks: QuerySet, colour: str, today: datetime.date | None = None) -> list[int]:
    return [task.pk for task, status, _ in statuses_for(user=user, tasks=tasks, today=today) if status.key == colour]


def task_status_page(
    *,
    user,
    plan_id: int,
    offset: int,
    limit: int,
    unit_id: int | None = None,
    group_id: int | None = None,
    colour: str | None = None,
    today: datetime.date | None = None,
) -> tuple[int, list[tuple]]:
    """One page of a plan's tasks with their statuses: (total count, [(task, status, unit statuses)])."""
    from kesu.planning.models import Task

    tasks = task_list(user=user, plan_id=plan_id, unit_id=unit_id, group_id=group_id)
    if colour:
        # A colour is computed, not stored: judge the plan's (filtered) tasks, then page the matches.
        candidates = Task.objects.filter(pk__in=tasks.values("pk"))
        tasks = tasks.filter(pk__in=task_ids_with_colour(user=user, tasks=candidates, colour=colour, today=today))
    count = tasks.count()
    page_ids = list(tasks.values_list("pk", flat=True)[offset : offset + limit])
    if not page_ids:
        return count, []
    return count, statuses_for(user=user, tasks=Task.objects.filter(pk__in=page_ids), today=today)
