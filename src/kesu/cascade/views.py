"""The 上下联动 page of a plan and its form posts. Thin: scoping through kesu.planning.selectors and
kesu.org.permissions, every write in kesu.cascade.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from kesu.cascade import selectors, services
from kesu.cascade.models import TaskLink
from kesu.org.models import Role
from kesu.org.permissions import can_administer, get_visible_or_404, require_office_admin, require_role
from kesu.planning.models import Task
from kesu.planning.selectors import visible_plans, visible_tasks

READERS = (Role.OFFICE_ADMIN, Role.LEADER, Role.STATISTICIAN)


def _plan(request, plan_id: int, *, write: bool):
    require_role(request.user, *((Role.OFFICE_ADMIN,) if write else READERS))
    plan = get_visible_or_404(visible_plans(request.user).select_related("region").defer("parsed"), pk=plan_id)
    if write:
        require_office_admin(request.user, plan.region)
    return plan


def _done(request, step, message: str = "") -> None:
    """Run a service call; its refusal is the page's error message, its success ``message`` (or the
    string it returns)."""
    try:
        result = step()
    except services.CascadeError as exc:
        messages.error(request, str(exc))
        return
    text = result if isinstance(result, str) else message
    if text:
        messages.success(request, text)


@login_required
@require_http_methods(["GET"])
def plan_links(request, plan_id: int):
    plan = _plan(request, plan_id, write=False)
    editable = can_administer(request.user, plan.region)
    return render(request, "cascade/plan_links.html", {
        "plan": plan, "parent": selectors.parent_of(plan), "rows": selectors.visible_links(request.user, plan),
        "editable": editable, "choices": services.ancestor_plans(plan) if editable else (),
        "targets": selectors.parent_targets(plan) if editable else (),
    })


@login_required
@require_POST
def set_parent(request, plan_id: int):
    plan = _plan(request, plan_id, write=True)
    choice = request.POST.get("parent", "")
    national = choice == "national"
    parent_plan = None
    if not national:
        parent_plan = services.ancestor_plans(plan).filter(pk=int(choice) if choice.isdigit() else 0).first()
        if parent_plan is None:
            messages.error(request, "请选择上级方案或国家纲要")
            return redirect("cascade:plan_links", plan_id=plan.pk)
    _done(request, lambda: services.set_parent(actor=request.user, plan=plan, parent_plan=parent_plan,
                                               national=national), "已设定上级方案")
    return redirect("cascade:plan_links", plan_id=plan.pk)


@login_required
@require_POST
def propose(request, plan_id: int):
    plan = _plan(request, plan_id, write=True)

    def step():
        result = services.propose_links(actor=request.user, plan=plan)
        return f"已为 {result.tasks} 项任务生成 {result.created} 条对应建议（已确认的对应保留不变）"

    _done(request, step)
    return redirect("cascade:plan_links", plan_id=plan.pk)


def _link(request, link_id: int) -> TaskLink:
    require_role(request.user, Role.OFFICE_ADMIN)
    link = get_visible_or_404(TaskLink.objects.filter(task__in=visible_tasks(request.user))
                              .select_related("task__plan__region"), pk=link_id)
    require_office_admin(request.user, link.task.plan.region)
    return link


@login_required
@require_POST
def confirm(request, link_id: int):
    link = _link(request, link_id)
    _done(request, lambda: services.confirm_link(actor=request.user, link=link), "已确认对应")
    return redirect("cascade:plan_links", plan_id=link.task.plan_id)


@login_required
@require_POST
def remove(request, link_id: int):
    link = _link(request, link_id)
    _done(request, lambda: services.remove_link(actor=request.user, link=link), "已删除对应")
    return redirect("cascade:plan_links", plan_id=link.task.plan_id)


@login_required
@require_POST
def correct(request, task_id: int):
    require_role(request.user, Role.OFFICE_ADMIN)
    task = get_visible_or_404(visible_tasks(request.user).select_related("plan__region"), pk=task_id)
    if not can_administer(request.user, task.plan.region):
        raise PermissionDenied("仅纲要办管理员可执行此操作 / only the office may do this")
    value = request.POST.get("target", "")
    parent_task, code = None, None
    if value.startswith("task:") and value[5:].isdigit():
        parent_task = Task.objects.filter(pk=int(value[5:])).first()
        if parent_task is None:
            messages.error(request, "所选上级任务不存在")
            return redirect("cascade:plan_links", plan_id=task.plan_id)
    else:
        code = value
    _done(request, lambda: services.correct_link(actor=request.user, task=task, parent_task=parent_task,
                                                national_code=code), "已更正对应")
    return redirect("cascade:plan_links", plan_id=task.plan_id)
