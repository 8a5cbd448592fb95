"""The writes of 上下联动: choose a plan's parent, propose links from text similarity, and the office's
confirm / correct / remove. Each checks that the actor is the office of the child plan's region (or
above), locks the child plan's row so that two offices' clicks do not interleave, runs in one
transaction (a refused or failed step writes nothing) and is audited (both models are @audited)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kesu.audit.context import acting_as
from kesu.cascade import matching
from kesu.cascade.models import LinkState, PlanParent, TaskLink
from kesu.org.models import User
from kesu.org.permissions import require_office_admin
from kesu.planning.models import Plan, Task


class CascadeError(Exception):
    """A step the office cannot take; ``str(error)`` is the Chinese message."""


def _lock_plan(actor: User, plan: Plan) -> Plan:
    require_office_admin(actor, plan.region)
    locked = Plan.objects.select_for_update().select_related("region").filter(pk=plan.pk).first()
    if locked is None:
        raise CascadeError("方案不存在")
    return locked


def ancestor_plans(plan: Plan):
    """The current plans of the regions above the plan's region: the parents it may choose."""
    codes = [code for code in plan.region.path.strip("/").split("/") if code][:-1]
    return (Plan.objects.filter(region__code__in=codes, is_current=True).select_related("region")
            .defer("parsed").order_by("region__path", "-pk"))


def set_parent(*, actor: User, plan: Plan, parent_plan: Plan | None = None, national: bool = False) -> PlanParent:
    """Make ``parent_plan`` (a current plan of a region above) or the national 纲要 the plan's parent.
    A changed parent drops the links to the old one: they point at tasks or headings it no longer has."""
    if (parent_plan is None) == (not national):
        raise CascadeError("请选择一个上级方案或国家纲要（二者选一）")
    with acting_as(actor, "设定上级方案"), transaction.atomic():
        plan = _lock_plan(actor, plan)
        if parent_plan is not None and not ancestor_plans(plan).filter(pk=parent_plan.pk).exists():
            raise CascadeError("上级方案须是本地区上级地区的现行方案")
        version = matching.national_version() if national else ""
        current = PlanParent.objects.filter(plan=plan).first()
        if current is not None and current.parent_plan_id == (parent_plan.pk if parent_plan else None) \
                and current.national_version == version:
            return current
        if current is not None:
            for link in TaskLink.objects.filter(task__plan=plan):
                link.delete()
        else:
            current = PlanParent(plan=plan)
        current.parent_plan, current.national_version, current.set_by = parent_plan, version, actor
        current.save()
        return current


@dataclass(frozen=True)
class Proposal:
    tasks: int
    created: int
    kept_confirmed: int


def propose_links(*, actor: User, plan: Plan) -> Proposal:
    """Align the plan's tasks with the parent's tasks (or national headings) and store the best few
    per task as proposals, replacing earlier proposals; confirmed links are never touched, and a
    proposal that a confirmed link already makes is not stored twice."""
    with acting_as(actor, "生成对应建议"), transaction.atomic():
        plan = _lock_plan(actor, plan)
        parent = PlanParent.objects.filter(plan=plan).select_related("parent_plan").first()
        if parent is None:
            raise CascadeError("请先设定上级方案或国家纲要")
        tasks = list(Task.objects.filter(plan=plan).order_by("order", "pk"))
        if parent.is_national:
            parents = matching.national_items()
            resolve = {item.id: {"national_code": item.id} for item in parents}
        else:
            parent_tasks = list(Task.objects.filter(plan=parent.parent_plan).order_by("order", "pk"))
            parents = matching.task_items(parent_tasks)
            resolve = {str(t.pk): {"parent_task_id": t.pk} for t in parent_tasks}
        proposals = matching.align(matching.task_items(tasks), parents) if tasks and parents else {}
        for link in TaskLink.objects.filter(task__plan=plan, state=LinkState.PROPOSED):
            link.delete()
        confirmed = {(link.task_id, link.parent_task_id, link.national_code)
                     for link in TaskLink.objects.filter(task__plan=plan, state=LinkState.CONFIRMED)}
        created = 0
        for task in tasks:
            for found in proposals.get(str(task.pk), []):
                target = resolve.get(found.parent)
                if target is None:
                    continue
                key = (task.pk, target.get("parent_task_id"), target.get("national_code", ""))
                if key in confirmed:
                    continue
                TaskLink.objects.create(task=task, score=found.score, state=LinkState.PROPOSED, **target)
                created += 1
        return Proposal(len(tasks), created, len(confirmed))


def _lock_link(actor: User, link: TaskLink) -> TaskLink:
    _lock_plan(actor, Task.objects.select_related("plan__region").get(pk=link.task_id).plan)
    locked = TaskLink.objects.select_for_update().filter(pk=link.pk).first()
    if locked is None:
        raise CascadeError("该对应已不存在（可能已被他人删除）")
    return locked


def confirm_link(*, actor: User, link: TaskLink) -> TaskLink:
    with acting_as(actor, "确认任务对应"), transaction.atomic():
        link = _lock_link(actor, link)
        if link.state != LinkState.CONFIRMED:
            link.state, link.decided_by, link.decided_at = LinkState.CONFIRMED, actor, timezone.now()
            link.save()
        return link


def correct_link(*, actor: User, task: Task, parent_task: Task | None = None,
                 national_code: str | None = None) -> TaskLink:
    """The office's own choice for a task: a confirmed link to ``parent_task`` (of the parent plan) or
    to ``national_code`` (a heading of the national outline). It supersedes the task's proposals;
    the task's other confirmed links stay."""
    if (parent_task is None) == (not national_code):
        raise CascadeError("请选择一项上级任务或一个国家纲要条目（二者选一）")
    with acting_as(actor, "更正任务对应"), transaction.atomic():
        plan = _lock_plan(actor, task.plan)
        parent = PlanParent.objects.filter(plan=plan).first()
        if parent is None:
            raise CascadeError("请先设定上级方案或国家纲要")
        if parent_task is not None:
            if parent.is_national or parent_task.plan_id != parent.parent_plan_id:
                raise CascadeError("所选任务不属于本方案的上级方案")
            target = {"parent_task": parent_task}
        else:
            if not parent.is_national or national_code not in matching.national_headings():
                raise CascadeError(f"国家纲要中没有条目“{national_code}”")
            target = {"national_code": national_code}
        for link in TaskLink.objects.select_for_update().filter(task=task, state=LinkState.PROPOSED):
            link.delete()
        link, _ = TaskLink.objects.get_or_create(task=task, **target)
        link.state, link.decided_by, link.decided_at = LinkState.CONFIRMED, actor, timezone.now()
        link.save()
        return link


def remove_link(*, actor: User, link: TaskLink) -> None:
    with acting_as(actor, "删除任务对应"), transaction.atomic():
        _lock_link(actor, link).delete()
