"""The succession pages (衔接上一期 / 声明下一期方案): pick the other plan, choose which unfinished
tasks of the old plan which tasks of the new one carry on, confirm. Thin: access through the
visible_* selectors and require_office_admin, reads and the write in kesu.supervision.succession."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kesu.org.models import Role
from kesu.org.permissions import get_visible_or_404, require_office_admin, require_role
from kesu.planning.selectors import visible_plans
from kesu.supervision.succession import (
    SuccessionError,
    carry_over_lines,
    declare_successor,
    period_label,
    succession_links,
)


def _office_plan(request, plan_id: int):
    require_role(request.user, Role.OFFICE_ADMIN)
    plan = get_visible_or_404(visible_plans(request.user).select_related("region").defer("parsed"), pk=plan_id)
    require_office_admin(request.user, plan.region)
    return plan


@login_required
@require_http_methods(["GET"])
def succession_start(request, plan_id: int):
    """From a plan's dashboard: the region's plans before and after this one; with exactly one
    candidate (the usual case: 十四五 → 十五五) straight to the pair."""
    plan = _office_plan(request, plan_id)
    links = succession_links(plan)
    pairs = [(p, plan) for p in links.earlier] + [(plan, p) for p in links.later]
    if len(pairs) == 1 and not request.GET.get("list"):
        old, new = pairs[0]
        return redirect("supervision:succession", plan_id=old.pk, successor_id=new.pk)
    return render(request, "supervision/succession_start.html", {
        "plan": plan, "links": links, "pairs": pairs, "period_label": period_label(plan),
    })


def _chosen_links(post, offered: set[int]) -> tuple[dict[int, int], list[str]]:
    """The ticked old tasks with the new task chosen for each; problems name the task."""
    links, problems = {}, []
    for raw in post.getlist("carry"):
        if not raw.isdigit() or int(raw) not in offered:
            problems.append(f"所选任务无效：{raw}")
            continue
        target = post.get(f"to_{raw}", "").strip()
        if not target.isdigit():
            problems.append(f"请为勾选的任务（编号 {raw}）选择承接它的下一期任务")
            continue
        links[int(raw)] = int(target)
    return links, problems


def _form_rows(lines, links: dict[int, int]) -> list[tuple]:
    """(line, ticked, new task selected) as the office left them."""
    return [(line, line.item.task_id in links, links.get(line.item.task_id, line.chosen)) for line in lines]


@login_required
@require_http_methods(["GET", "POST"])
def succession(request, plan_id: int, successor_id: int):
    """GET: the old plan's unfinished tasks with a checkbox and a select of the new plan's tasks
    (the most similar title suggested). POST ``step=review``: what will be linked, to confirm;
    ``step=confirm``: the declaration; ``step=edit``: back to the form with the choices kept."""
    plan = _office_plan(request, plan_id)
    successor = _office_plan(request, successor_id)
    if plan.region_id != successor.region_id or plan.pk == successor.pk:
        raise Http404("两个方案不属于同一地区，或是同一方案")
    lines, new_tasks = carry_over_lines(plan, successor)
    offered = {line.item.task_id for line in lines}
    context = {"plan": plan, "successor": successor, "lines": lines, "new_tasks": new_tasks,
               "plan_period": period_label(plan), "successor_period": period_label(successor)}
    if request.method == "GET":
        context["rows"] = [(line, line.linked_to is not None, line.chosen) for line in lines]
        return render(request, "supervision/succession.html", context)

    step = request.POST.get("step", "review")
    links, problems = _chosen_links(request.POST, offered)
    new_by_id = {t.pk: t for t in new_tasks}
    unknown = [new_id for new_id in links.values() if new_id not in new_by_id]
    if unknown:
        problems.append("所选的下一期任务不属于下一期方案")
    if step == "edit" or problems:
        for problem in problems:
            messages.error(request, problem)
        context["rows"] = _form_rows(lines, links)
        return render(request, "supervision/succession.html", context, status=400 if problems else 200)
    if step == "review":
        by_id = {line.item.task_id: line for line in lines}
        context["pairs"] = [(by_id[old_id], new_by_id[new_id]) for old_id, new_id in links.items()]
        context["unlinked"] = [line for line in lines if line.linked_to and line.item.task_id not in links]
        context["links"] = links
        return render(request, "supervision/succession_confirm.html", context)
    if step != "confirm":
        raise Http404("未知的操作")
    try:
        result = declare_successor(actor=request.user, plan=plan, successor=successor, carry_over=links)
    except SuccessionError as exc:
        messages.error(request, str(exc))
        context["rows"] = _form_rows(lines, links)
        return render(request, "supervision/succession.html", context, status=400)
    messages.success(request, f"已将《{successor.title}》声明为《{plan.title}》的下一期方案，"
                              f"{len(result.links)} 项任务承接上一期任务。")
    return redirect("supervision:dashboard", plan_id=successor.pk)
