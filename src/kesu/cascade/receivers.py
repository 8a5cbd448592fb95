"""Stores, through the cascade services (permission, lock, audit), the parent and links the office
chose in the import preview (kesu.plan_import.signals.plan_imported). Runs inside the import's
transaction: a refused step rolls the import back rather than leaving a plan half linked."""

from __future__ import annotations

from typing import Any

from kesu.cascade import services
from kesu.cascade.models import LinkState, TaskLink
from kesu.planning.models import Plan, Task


def link_imported_plan(sender, *, plan: Plan, actor, parent: str | None, links: dict[str, Any], **kwargs) -> None:
    # The CLI and the demo import as the system: nobody to record as the one who chose.
    if actor is None or not actor.pk or parent in (None, "", "none"):
        return
    if parent == "national":
        parent_plan = None
        services.set_parent(actor=actor, plan=plan, national=True)
    else:
        pk = parent.removeprefix("plan:")
        parent_plan = Plan.objects.filter(pk=int(pk) if pk.isdigit() else None).first()
        if parent_plan is None:
            raise services.CascadeError("所选上级方案已不存在")
        services.set_parent(actor=actor, plan=plan, parent_plan=parent_plan)
    services.propose_links(actor=actor, plan=plan)
    tasks = {task.code: task for task in Task.objects.filter(plan=plan).select_related("plan__region")}
    for code, choice in links.items():
        task = tasks.get(code)
        if task is None:
            continue
        target = (choice or {}).get("parent")
        if not target:
            # 无对应: the office rejected every proposal for this task.
            for link in TaskLink.objects.filter(task=task, state=LinkState.PROPOSED):
                services.remove_link(actor=actor, link=link)
        elif parent_plan is None:
            services.correct_link(actor=actor, task=task, national_code=target)
        else:
            parent_task = Task.objects.filter(plan=parent_plan, code=target).first()
            if parent_task is not None:
                services.correct_link(actor=actor, task=task, parent_task=parent_task)
