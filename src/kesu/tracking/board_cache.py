"""Cache of computed boards (tasks with their statuses) for :func:`selectors_dashboard.load_board`.

A board is a pure function of the rows it is loaded from, of today's date and of the status
thresholds. The cache key holds all three:

* the exact task set (their ids),
* a *version token* per plan of those tasks, plus a global token — replaced (a fresh random token,
  never a counter, so that an evicted token can never come back with an old value) by ``post_save``
  and ``post_delete`` of every model a board reads: ProgressReport, TargetFigure, ReviewEvent, Task,
  TaskUnit, Target, ReportingPeriod, Section and Plan (per plan), Unit (global). The token is
  replaced at once (so the writing request sees its own change) and again when the transaction
  commits (so that a board another thread computed from the not yet committed state is dropped too),
* today's date (overdue depends on it) and the thresholds.

Writes that bypass signals (``QuerySet.update``, ``bulk_create``, raw SQL) must call
:func:`bump_plan` / :func:`bump_all` themselves, as they must call ``audit.record`` already.

The version tokens live in Django's ``default`` cache; the boards themselves in a small per-process
LRU (:data:`MAX_BOARDS`), unpickled: a board holds a few hundred model instances, and unpickling one
from a Django cache costs about as much as computing it afresh (measured: 0.3 MB, ~40 ms). Boards
are shared between the requests of a process, so callers must treat them as read-only (every one
in the code base only regroups them into new lists).

With the LocMemCache configured by default in ``kesu.web.settings`` the tokens are per process too,
so a write made in one server process is seen at once there but only after :data:`BOARD_TIMEOUT`
seconds in the others. With several processes, share the tokens: ``KESU_CACHE=database`` (and
``kesu manage createcachetable`` once), or Redis/Memcached; then no process ever serves a board
from before a committed write, whichever process made it.
"""

from __future__ import annotations

import datetime
import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import astuple

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

# Bounds how long another process (with a per-process token cache) may show a board from before a write.
BOARD_TIMEOUT = 300
MAX_BOARDS = 64
_GLOBAL = "kesu:board-version:all"
_boards: OrderedDict[str, tuple[float, object]] = OrderedDict()
_boards_lock = threading.Lock()


def get_board(key: str):
    with _boards_lock:
        entry = _boards.get(key)
        if entry is None:
            return None
        expires, board = entry
        if expires < time.monotonic():
            del _boards[key]
            return None
        _boards.move_to_end(key)
        return board


def put_board(key: str, board) -> None:
    with _boards_lock:
        _boards[key] = (time.monotonic() + BOARD_TIMEOUT, board)
        _boards.move_to_end(key)
        while len(_boards) > MAX_BOARDS:
            _boards.popitem(last=False)


def clear_boards() -> None:
    with _boards_lock:
        _boards.clear()


def _version_key(plan_id: int) -> str:
    return f"kesu:board-version:{plan_id}"


def _new_token() -> str:
    return uuid.uuid4().hex


def _replace(keys: list[str]) -> None:
    cache.set_many({key: _new_token() for key in keys}, timeout=None)


def bump_plan(plan_id: int | None) -> None:
    """Forget every cached board that includes a task of this plan (``None``: every board)."""
    keys = [_GLOBAL if plan_id is None else _version_key(plan_id)]
    _replace(keys)
    transaction.on_commit(lambda: _replace(keys))


def bump_all() -> None:
    bump_plan(None)


def board_key(task_plan_pairs: list[tuple[int, int]], today: datetime.date, thresholds) -> str:
    """The cache key of the board of exactly these (task id, plan id) pairs, as of now."""
    plan_ids = sorted({plan_id for _, plan_id in task_plan_pairs})
    keys = [_GLOBAL, *(_version_key(plan_id) for plan_id in plan_ids)]
    tokens = cache.get_many(keys)
    missing = {key: _new_token() for key in keys if key not in tokens}
    for key, token in missing.items():
        # add(), so that a token another thread set in the meantime wins; read back what is stored.
        if not cache.add(key, token, timeout=None):
            token = cache.get(key) or token
        tokens[key] = token
    digest = hashlib.sha256()
    digest.update(repr(sorted(task_id for task_id, _ in task_plan_pairs)).encode())
    digest.update(repr([tokens[key] for key in keys]).encode())
    digest.update(repr((today.isoformat(), astuple(thresholds))).encode())
    return f"kesu:board:{digest.hexdigest()}"


# --- Signals ----------------------------------------------------------------------------------------


def _plan_of_task(task_id) -> int | None:
    from kesu.tracking.models import Task

    return Task.objects.filter(pk=task_id).values_list("plan_id", flat=True).first()


def _plan_of_report(report_id) -> int | None:
    from kesu.tracking.models import ProgressReport

    return ProgressReport.objects.filter(pk=report_id).values_list("task__plan_id", flat=True).first()


def _cached_plan_id(instance, relation: str) -> int | None:
    related = instance._state.fields_cache.get(relation)
    return getattr(related, "plan_id", None) if related is not None else None


def _plan_id(instance) -> int | None:
    """The plan a changed row belongs to; ``None`` when it cannot be told (then every board goes)."""
    from kesu.tracking.models import Plan, ProgressReport, ReportingPeriod, Section, Task

    if isinstance(instance, Plan):
        return instance.pk
    if isinstance(instance, (Task, ReportingPeriod, Section)):
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


def _on_change(sender, instance, **kwargs) -> None:
    from kesu.org.models import Unit

    if isinstance(instance, Unit):
        bump_all()
        return
    plan_id = _plan_id(instance)
    if plan_id is None:
        bump_all()
    else:
        bump_plan(plan_id)


def connect() -> None:
    from kesu.org.models import Unit
    from kesu.tracking.models import (
        Plan,
        ProgressReport,
        ReportingPeriod,
        ReviewEvent,
        Section,
        Target,
        TargetFigure,
        Task,
        TaskUnit,
    )

    for model in (Plan, Section, Task, TaskUnit, Target, ReportingPeriod, ProgressReport, TargetFigure,
                  ReviewEvent, Unit):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"kesu-board-cache-save-{model._meta.label}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"kesu-board-cache-delete-{model._meta.label}")
