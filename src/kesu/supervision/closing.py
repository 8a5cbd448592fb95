"""What a plan leaves unfinished at the end of its period (未完成的任务和目标): read by the final
evaluation report (总结评估, kesu.evaluation) and by the successor declaration, which offers these
tasks for carry-over into the next plan (kesu.supervision.succession).

A task is unfinished when its latest status light is not green, or when one of its quantitative
targets is not met at the end of the plan period. Both judgements are the ones every other page
makes: the light is the board's (:mod:`kesu.supervision.status`), and a target is weighed by
:mod:`kesu.plans.attainment` on the accepted figures the board loaded, never by a variant of its own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from django.utils import timezone

from kesu.planning.models import Plan, Task
from kesu.plans import attainment
from kesu.plans.attainment import Basis, Kind
from kesu.supervision.selectors import TaskRow, load_board
from kesu.supervision.status import Colour


@dataclass(frozen=True)
class UnfinishedTarget:
    """A quantitative target not met: ``achieved`` is the amount the accepted figures reached (None:
    no accepted figure), ``progress`` achieved ÷ goal (attainment.progress, not capped)."""

    target_id: int
    text: str
    label: str  # the target's subject, else its text
    kind: Kind
    value: float
    comparator: str
    unit: str
    goal: float  # what the amount is compared with (a 每季度 target's year: value × 4)
    achieved: float | None
    progress: float | None
    year: int | None  # the year judged: the plan's last year once it has passed, else the latest figure's

    @property
    def kind_label(self) -> str:
        return self.kind.label


@dataclass(frozen=True)
class CarriedInto:
    """A task of a later plan that carries an unfinished task on (Task.carried_from)."""

    task_id: int
    plan_id: int
    code: str
    title: str


@dataclass(frozen=True)
class UnfinishedTask:
    task_id: int
    code: str
    title: str
    group: str  # the action or programme (提升行动/重点工程), or 其他任务
    lead_units: tuple[str, ...]
    participating_units: tuple[str, ...]
    colour: Colour  # the latest status light
    reason: str  # why the light is that colour (for green: the overall progress)
    targets: tuple[UnfinishedTarget, ...]  # only the targets not met
    carried_into: tuple[CarriedInto, ...] = ()

    @property
    def light_unfinished(self) -> bool:
        return self.colour != Colour.GREEN

    @property
    def light_label(self) -> str:
        return f"{self.colour.lamp}（{self.colour.label}）"


def judged_year(plan: Plan, today: datetime.date) -> int | None:
    """The plan's last year once it has passed; before that None (the latest year with a figure)."""
    if plan.period_end is not None and plan.period_end < today.year:
        return plan.period_end
    return None


def _unmet_targets(row: TaskRow, year: int | None, last_year: int | None) -> list[UnfinishedTarget]:
    unmet = []
    # The board keeps the task's targets in the order task.targets.all() gave them (compute_board).
    for model, target in zip(row.task.targets.all(), row.data.targets, strict=True):
        goal = target.attainment_target
        figures = [f for f in target.attainment_figures if last_year is None or f.year <= last_year]
        achieved = attainment.amount_reached(goal, figures, year, basis=Basis.TO_DATE)
        if attainment.is_met(goal, achieved):
            continue
        judged = year if year is not None else max((f.year for f in figures), default=None)
        unmet.append(UnfinishedTarget(
            model.pk, model.text, target.label, goal.kind, target.value, target.comparator, target.unit,
            goal.goal, achieved, attainment.progress(goal, achieved), judged,
        ))
    return unmet


def _carried_into(task_ids: list[int]) -> dict[int, tuple[CarriedInto, ...]]:
    links: dict[int, list[CarriedInto]] = {}
    later = Task.objects.filter(carried_from_id__in=task_ids).order_by("plan_id", "order", "pk")
    for task_id, plan_id, code, title, source in later.values_list("pk", "plan_id", "code", "title", "carried_from_id"):
        links.setdefault(source, []).append(CarriedInto(task_id, plan_id, code, title))
    return {source: tuple(items) for source, items in links.items()}


def unfinished_work(plan: Plan, today: datetime.date | None = None) -> list[UnfinishedTask]:
    """The plan's unfinished tasks in plan order, each with its targets not met at the end of the plan
    period (``today`` defaults to the local date; it decides the lights and whether the period is over)."""
    today = today or timezone.localdate()
    board = load_board(Task.objects.filter(plan=plan), today)
    year = judged_year(plan, today)
    result = []
    for row in board.rows:
        unmet = _unmet_targets(row, year, plan.period_end)
        if row.status.colour == Colour.GREEN and not unmet:
            continue
        result.append(UnfinishedTask(
            row.task.pk, row.task.code, row.task.title,
            row.task.group.title if row.task.group else "其他任务",
            tuple(u.name for u in row.leads), tuple(u.name for u in row.participants),
            row.status.colour, row.status.reason, tuple(unmet),
        ))
    links = _carried_into([item.task_id for item in result])
    if links:
        result = [replace(item, carried_into=links.get(item.task_id, ())) for item in result]
    return result
