"""Which plans and tasks a user may see, and which plan is in force for a year. Scoping is read here,
next to the models, so that every page, export and API endpoint narrows the same way (the role rules
themselves are kesu.org.permissions)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Q, QuerySet

from kesu.org.models import Region, Role, User
from kesu.org.permissions import home_region
from kesu.planning.models import Plan, Task


def visible_plans(user: User) -> QuerySet[Plan]:
    region = home_region(user)
    if region is None:
        return Plan.objects.none()
    if user.role == Role.UNIT_REPORTER:
        return Plan.objects.filter(tasks__assignments__unit_id=user.unit_id).distinct()
    return Plan.objects.filter(region__path__startswith=region.path)


def visible_tasks(user: User) -> QuerySet[Task]:
    if user.role == Role.UNIT_REPORTER:
        if not user.unit_id:
            return Task.objects.none()
        return Task.objects.filter(assignments__unit_id=user.unit_id).distinct()
    region = home_region(user)
    if region is None:
        return Task.objects.none()
    return Task.objects.filter(plan__region__path__startswith=region.path)


def task_lineage(task: Task, max_depth: int = 20) -> list[Task]:
    """The task followed by its predecessors in earlier plan versions, newest first: the chain that
    keeps a task's progress reports reachable after a revised plan is imported. One query per plan
    version (bounded by the number of versions, not by rows)."""
    chain = [task]
    seen = {task.pk}
    current = task
    while current.predecessor_id and current.predecessor_id not in seen and len(chain) < max_depth:
        current = Task.objects.select_related("plan").get(pk=current.predecessor_id)
        chain.append(current)
        seen.add(current.pk)
    return chain


def covering(year: int) -> Q:
    """Plans whose period includes ``year`` (an open end covers every year on that side)."""
    return (Q(period_start__isnull=True) | Q(period_start__lte=year)) & (
        Q(period_end__isnull=True) | Q(period_end__gte=year)
    )


def plan_for_year(region: Region, year: int) -> Plan | None:
    """The region's plan covering ``year``: current version first, then the newest version."""
    return (
        Plan.objects.filter(covering(year), region=region)
        .select_related("region")
        .order_by("-is_current", "-version", "-pk")
        .first()
    )


class PlanState:
    """Where a region stands with its plans in a year (plan_standing)."""

    IN_FORCE = "in_force"  # a plan covers the year
    ENDED = "ended"  # no plan covers the year, but an earlier one ended before it
    NONE = "none"  # the region has no plan up to that year


class PlanStanding(NamedTuple):
    """The plan in force in a year, or the region's latest plan that ended before it (``ENDED``), or
    nothing (``NONE``). Unpacks as ``plan, state``."""

    plan: Plan | None
    state: str

    @property
    def in_force(self) -> bool:
        return self.state == PlanState.IN_FORCE

    @property
    def label(self) -> str:
        """What a list of regions says about the region's plan."""
        if self.state == PlanState.IN_FORCE:
            return self.plan.title
        if self.state == PlanState.ENDED:
            plan = self.plan
            span = f"{plan.period_start}—{plan.period_end}" if plan.period_start else f"至{plan.period_end}年"
            return f"方案已到期（{span}，尚无新方案）"
        return "未录入实施方案"


def plan_standings(regions: Iterable[Region], year: int) -> dict[int, PlanStanding]:
    """plan_standing for several regions at once (two queries), keyed by region id."""
    region_ids = [region.pk for region in regions]
    standings = {pk: PlanStanding(None, PlanState.NONE) for pk in region_ids}
    in_force = (Plan.objects.filter(covering(year), region_id__in=region_ids).defer("parsed")
                .select_related("region").order_by("region_id", "-is_current", "-version", "-pk"))
    for plan in in_force:
        if standings[plan.region_id].plan is None:
            standings[plan.region_id] = PlanStanding(plan, PlanState.IN_FORCE)
    ended = (Plan.objects.filter(region_id__in=[pk for pk, s in standings.items() if s.plan is None],
                                 period_end__lt=year).defer("parsed").select_related("region")
             .order_by("region_id", "-period_end", "-is_current", "-version", "-pk"))
    for plan in ended:
        if standings[plan.region_id].plan is None:
            standings[plan.region_id] = PlanStanding(plan, PlanState.ENDED)
    return standings


def plan_standing(region: Region, year: int) -> PlanStanding:
    """The region's plan in force in ``year`` (as plan_for_year picks it), else its latest plan that
    ended before ``year``, so that a region between two plans reads "方案已到期", not "没有方案"."""
    return plan_standings([region], year)[region.pk]


def carried_from(task: Task, lineage: list[Task] | None = None) -> Task | None:
    """The task of the previous period's plan that ``task`` carries on (承接), looked up through the
    task's earlier versions too: a revision of the successor plan keeps the link of its first version.
    ``lineage`` is task_lineage(task) when the caller has it already."""
    for version in lineage if lineage is not None else task_lineage(task):
        if version.carried_from_id:
            return Task.objects.select_related("plan").get(pk=version.carried_from_id)
    return None


def carried_into(task: Task, max_depth: int = 20) -> list[Task]:
    """The tasks of later plans that carry ``task`` on, each at its plan's current version when the
    successor plan was revised since (following Task.successors, the revision chain)."""
    result = []
    for carrying in Task.objects.filter(carried_from=task).select_related("plan").order_by("plan_id", "order"):
        current, depth = carrying, 0
        while not current.plan.is_current and depth < max_depth:
            later = Task.objects.filter(predecessor=current).select_related("plan").order_by("-plan__version").first()
            if later is None:
                break
            current, depth = later, depth + 1
        result.append(current)
    return result
