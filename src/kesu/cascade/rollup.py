"""Roll-up (汇总) of a city plan: each city task with the county tasks linked to it.

A county task belongs to the roll-up of a city task when it is a task of a child plan (a plan whose
PlanParent is the city plan) and its link to the city task is *confirmed*; proposals do not count.

For each city task:

- **Status**: the worst light (red > amber > green) among its county tasks, each light as
  kesu.supervision computes it on its board (``load_board``); no county task, no light.
- **Figures**, grouped by the kind of the county targets (kesu.plans.attainment: ``Target.classify``)
  and their unit, each county target's amount is ``attainment.amount_reached`` of its accepted
  figures (``Basis.TO_DATE``, as reports are written):
  - *count targets* (targets whose figures add up: 人次, 场, 名 …, cumulative or yearly) → the **sum**
    of the counties' amounts, beside the sum of their goals;
  - *rates and levels* (%, 人均, 覆盖率; level and ceiling targets that do not add up) → the **mean**
    of the counties' amounts and the **worst** (the lowest, or for a ceiling the highest);
  - yearly targets are read for one year: the latest year in which any county of the group has a
    figure, so that two counties' different years are never added together.
  A county target without an accepted figure is counted in ``without_figures`` and left out of the
  sum, mean and worst (a county that has not reported is not a zero).
- **Drill-down**: each county task with its region, light, reason and progress, linking to its task page.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from kesu.cascade.models import LinkState, PlanParent, TaskLink
from kesu.org.models import User
from kesu.planning.models import Plan, Task
from kesu.planning.selectors import visible_tasks
from kesu.plans import attainment
from kesu.plans.attainment import Basis, Kind
from kesu.supervision.selectors import TaskRow, load_board
from kesu.supervision.status import Colour


@dataclass(frozen=True)
class CountyTask:
    task_id: int
    plan_id: int
    region_name: str
    code: str
    title: str
    colour: Colour
    reason: str
    progress: float | None


@dataclass(frozen=True)
class Aggregate:
    """The counties' figures of one kind of target (and unit) under a city task."""

    kind: Kind
    unit: str
    adds_up: bool
    counties: int  # county targets with an amount
    without_figures: int
    total: float | None = None  # count targets: sum of amounts
    goal_total: float | None = None  # count targets: sum of the counties' goals
    mean: float | None = None  # rates: mean of amounts
    worst: float | None = None  # rates: lowest (ceilings: highest) amount
    year: int | None = None  # yearly targets: the year read

    @property
    def rule(self) -> str:
        return "求和" if self.adds_up else "平均值 / 最差值"


@dataclass(frozen=True)
class RollupRow:
    task_id: int
    code: str
    title: str
    colour: Colour | None  # worst of the county tasks; None without any
    counties: tuple[CountyTask, ...]
    aggregates: tuple[Aggregate, ...]


def child_plans(plan: Plan) -> QuerySet[Plan]:
    """The plans whose parent is ``plan`` (current versions), by region."""
    ids = PlanParent.objects.filter(parent_plan=plan).values("plan_id")
    return (Plan.objects.filter(pk__in=ids, is_current=True).select_related("region").defer("parsed")
            .order_by("region__code", "pk"))


def _aggregate(kind: Kind, unit: str, items: list[tuple[attainment.Target, tuple]]) -> Aggregate:
    """``items``: (target as judged, its attainment figures) of one group of county targets."""
    adds_up = items[0][0].adds_up
    year = None
    if kind == Kind.YEARLY:
        year = max((f.year for _, figures in items for f in figures), default=None)
    amounts, goals, missing = [], [], 0
    for goal, figures in items:
        amount = attainment.amount_reached(goal, figures, year, basis=Basis.TO_DATE) if figures else None
        if amount is None:
            missing += 1
            continue
        amounts.append(amount)
        goals.append(goal.goal)
    if not amounts:
        return Aggregate(kind, unit, adds_up, 0, missing, year=year)
    if adds_up:
        return Aggregate(kind, unit, True, len(amounts), missing, total=sum(amounts), goal_total=sum(goals),
                         year=year)
    worst = max(amounts) if kind == Kind.CEILING else min(amounts)
    return Aggregate(kind, unit, False, len(amounts), missing, mean=sum(amounts) / len(amounts), worst=worst,
                     year=year)


def _aggregates(rows: list[TaskRow]) -> tuple[Aggregate, ...]:
    groups: dict[tuple[Kind, str, bool], list] = defaultdict(list)
    for row in rows:
        for target in row.data.targets:
            goal = target.attainment_target
            groups[(goal.kind, goal.unit, goal.adds_up)].append((goal, target.attainment_figures))
    return tuple(_aggregate(kind, unit, items) for (kind, unit, _), items in groups.items())


def rollup(user: User, plan: Plan, today: datetime.date | None = None) -> list[RollupRow]:
    """Every task of the city ``plan`` with its confirmed-linked county tasks the user may see."""
    children = list(child_plans(plan))
    regions = {child.pk: child.region.name for child in children}
    position = {child.pk: index for index, child in enumerate(children)}  # by region code
    links = (TaskLink.objects.filter(parent_task__plan=plan, state=LinkState.CONFIRMED,
                                     task__plan__in=[c.pk for c in children],
                                     task__in=visible_tasks(user))
             .values_list("parent_task_id", "task_id"))
    by_parent: dict[int, list[int]] = defaultdict(list)
    for parent_id, task_id in links:
        by_parent[parent_id].append(task_id)
    county_ids = {task_id for ids in by_parent.values() for task_id in ids}
    board = load_board(Task.objects.filter(pk__in=county_ids), today)
    board_rows = {row.task.pk: row for row in board.rows}
    result = []
    for task in Task.objects.filter(plan=plan).order_by("order", "pk").only("pk", "code", "title"):
        rows = [board_rows[i] for i in sorted(by_parent.get(task.pk, ())) if i in board_rows]
        rows.sort(key=lambda r: (position.get(r.task.plan_id, 0), r.task.order, r.task.pk))
        counties = tuple(CountyTask(
            row.task.pk, row.task.plan_id, regions.get(row.task.plan_id, ""), row.task.code, row.task.title,
            row.status.colour, row.status.reason, row.status.progress) for row in rows)
        result.append(RollupRow(task.pk, task.code, task.title,
                                max((c.colour for c in counties), default=None), counties, _aggregates(rows)))
    return result
