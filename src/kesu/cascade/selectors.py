"""What the pages, the CLI and readers above (roll-up, coverage) read of 上下联动, as frozen dataclasses
detached from the ORM."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from kesu.cascade import matching
from kesu.cascade.models import LinkState, PlanParent, TaskLink
from kesu.org.models import User
from kesu.planning.models import Plan, Task
from kesu.planning.selectors import visible_plans, visible_tasks


@dataclass(frozen=True)
class LinkView:
    id: int
    task_id: int
    parent: str  # the parent task's code, or the national heading code
    parent_task_id: int | None
    title: str
    score: float | None
    confirmed: bool
    decided_by: str
    decided_at: datetime.datetime | None

    @property
    def percent(self) -> str:
        return "" if self.score is None else f"{self.score * 100:.0f}%"


@dataclass(frozen=True)
class TaskLinks:
    task_id: int
    code: str
    title: str
    path: tuple[str, ...]
    links: tuple[LinkView, ...]  # confirmed first, then best score first


@dataclass(frozen=True)
class ParentView:
    plan_id: int | None  # None: the national outline
    title: str
    version: str

    @property
    def is_national(self) -> bool:
        return self.plan_id is None


def parent_of(plan: Plan) -> ParentView | None:
    parent = PlanParent.objects.filter(plan=plan).select_related("parent_plan").first()
    if parent is None:
        return None
    if parent.is_national:
        return ParentView(None, "全民科学素质行动规划纲要（2021—2035年）", parent.national_version)
    return ParentView(parent.parent_plan_id, parent.parent_plan.title, str(parent.parent_plan.version))


def parent_targets(plan: Plan) -> list[tuple[str, str]]:
    """What a task of the plan may be linked to: (value, label) of the parent's tasks, or of the
    national headings; value ``task:<pk>`` or the heading code."""
    parent = PlanParent.objects.filter(plan=plan).first()
    if parent is None:
        return []
    if parent.is_national:
        return [(code, f"{code} {title}") for code, title in matching.national_headings().items()]
    return [(f"task:{pk}", f"{code} {title}") for pk, code, title in
            Task.objects.filter(plan_id=parent.parent_plan_id).order_by("order", "pk")
            .values_list("pk", "code", "title")]


def _links(plan: Plan, tasks) -> tuple[TaskLinks, ...]:
    tasks = list(tasks.order_by("order", "pk").only("pk", "code", "title", "path"))
    links = (TaskLink.objects.filter(task__in=[t.pk for t in tasks])
             .select_related("parent_task", "decided_by"))
    headings = matching.national_headings() if any(link.national_code for link in links) else {}
    by_task: dict[int, list[LinkView]] = {}
    for link in links:
        if link.parent_task_id:
            parent, title = link.parent_task.code, link.parent_task.title
        else:
            parent, title = link.national_code, headings.get(link.national_code, "")
        by_task.setdefault(link.task_id, []).append(LinkView(
            link.pk, link.task_id, parent, link.parent_task_id, title, link.score,
            link.state == LinkState.CONFIRMED, str(link.decided_by) if link.decided_by else "", link.decided_at))
    for views in by_task.values():
        views.sort(key=lambda v: (not v.confirmed, -(v.score or 0.0), v.id))
    return tuple(TaskLinks(t.pk, t.code, t.title, tuple(t.path or ()), tuple(by_task.get(t.pk, ())))
                 for t in tasks)


def links_of_plan(plan: Plan) -> tuple[TaskLinks, ...]:
    """Every task of the plan with its links, in plan order."""
    return _links(plan, Task.objects.filter(plan=plan))


def visible_links(user: User, plan: Plan) -> tuple[TaskLinks, ...]:
    """The plan's tasks the user may see (kesu.planning.selectors scoping) with their links; nothing
    when the plan is outside the user's scope."""
    if not visible_plans(user).filter(pk=plan.pk).exists():
        return ()
    return _links(plan, visible_tasks(user).filter(plan=plan))
