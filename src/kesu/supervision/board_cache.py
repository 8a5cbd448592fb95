"""Cache of computed boards (tasks with their statuses) for :func:`selectors_dashboard.load_board`.

A board is a pure function of the rows it is loaded from, of today's date and of the status
thresholds. Its key holds all three: the exact task set (their ids), the version token of each plan
of those tasks (:mod:`kesu.caching.versions`: tokens live in the database, so every server process
sees a write the moment it commits; a renamed unit replaces the token of every plan it works on), today's date (overdue depends on it) and
the thresholds.

Boards are kept in the per-process cache of :mod:`kesu.caching.fragments`, unpickled: a board holds
a few hundred model instances, and unpickling one from a shared cache costs about as much as
computing it afresh (measured: 0.3 MB, ~40 ms). Boards are shared between the requests of a process,
so callers must treat them as read-only (every one in the code base only regroups them into new lists).
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import astuple

from django.db.models.signals import post_save, pre_delete

from kesu.caching import fragments, versions

# What a board costs in the fragment cache's byte budget: a few hundred model instances.
BOARD_COST = 512 * 1024
# The token of which plans there are, with their titles and versions (the plan switcher): replaced when
# a plan is saved or deleted — not by the writes to a plan's data, which only replace its own token.
PLAN_LIST = "plans"


def get_board(key: str):
    return fragments.get(key)


def put_board(key: str, board) -> None:
    fragments.put(key, board, cost=BOARD_COST)


def clear_boards() -> None:
    fragments.clear()


def board_key(tasks, today: datetime.date, thresholds) -> str:
    """The cache key of the board of exactly these tasks (loaded with their plan), as of now."""
    plan_tokens = sorted({(task.plan_id, task.plan.data_version) for task in tasks})
    digest = hashlib.sha256()
    digest.update(repr(sorted(task.pk for task in tasks)).encode())
    digest.update(repr(plan_tokens).encode())
    digest.update(repr((today.isoformat(), astuple(thresholds))).encode())
    return f"kesu:board:{digest.hexdigest()}"


# --- What changes a plan's token ------------------------------------------------------------------


def _plan_of_task(task_id) -> int | None:
    from kesu.planning.models import Task

    return Task.objects.filter(pk=task_id).values_list("plan_id", flat=True).first()


def _plan_of_report(report_id) -> int | None:
    from kesu.progress.models import ProgressReport

    return ProgressReport.objects.filter(pk=report_id).values_list("task__plan_id", flat=True).first()


def _cached_plan_id(instance, relation: str) -> int | None:
    related = instance._state.fields_cache.get(relation)
    return getattr(related, "plan_id", None) if related is not None else None


def plan_id_of(instance) -> int | None:
    """The plan a changed row belongs to; ``None`` when it cannot be told (then every plan's token goes)."""
    from kesu.planning.models import Plan, Section, Task
    from kesu.progress.models import ProgressReport, ReportingPeriod

    if isinstance(instance, Plan):
        return instance.pk
    if isinstance(instance, (Task, ReportingPeriod, Section)) or hasattr(instance, "plan_id"):
        return instance.plan_id
    if isinstance(instance, ProgressReport):
        return _cached_plan_id(instance, "task") or _plan_of_task(instance.task_id)
    if hasattr(instance, "task_id"):  # TaskUnit, Target
        return _cached_plan_id(instance, "task") or _plan_of_task(instance.task_id)
    if hasattr(instance, "report_id"):  # TargetFigure, ReviewEvent
        report = instance._state.fields_cache.get("report")
        if report is not None and "task" in report._state.fields_cache:
            return report.task.plan_id
        return _plan_of_report(instance.report_id)
    return None


def connect() -> None:
    from kesu.org.models import Unit
    from kesu.planning.models import Plan, Section, Target, Task, TaskUnit
    from kesu.progress.models import Evidence, ProgressReport, ReportingPeriod, ReviewEvent, TargetFigure
    from kesu.supervision.models import ScoreAdjustment, ScoreWeights

    versions.connect_plan_models(
        (Plan, Section, Task, TaskUnit, Target, ReportingPeriod, ProgressReport, TargetFigure, ReviewEvent,
         Evidence, ScoreWeights, ScoreAdjustment),
        plan_id_of,
    )
    def on_unit_change(sender, instance, **kwargs):
        versions.bump_plans(set(
            TaskUnit.objects.filter(unit_id=instance.pk).values_list("task__plan_id", flat=True)
        ))

    for signal in (post_save, pre_delete):
        signal.connect(on_unit_change, sender=Unit, weak=False, dispatch_uid=f"kesu-version-unit-{signal is post_save}")
    # Pages list a region's units whether or not they work on a plan (the review queue's unit filter):
    # units belong to the org tree's token as well.
    versions.connect_scope(versions.REGIONS, (Unit,))
    versions.connect_scope(PLAN_LIST, (Plan,))
