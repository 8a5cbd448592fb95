"""Which plans and tasks a user may see, and which plan is in force for a year. Scoping is read here,
next to the models, so that every page, export and API endpoint narrows the same way (the role rules
themselves are kesu.org.permissions)."""

from __future__ import annotations

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
