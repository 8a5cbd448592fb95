"""The demo's 上下联动: each demo plan answers to the plan of the region above it that runs in the same
years (乳山市's plan to 威海市's), else to the national 纲要; its links are proposed and each task's best
proposal is confirmed, as the region's office would do on the cascade page, all through
kesu.cascade.services and dated a few days after the later of the two plans was imported.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

# A best proposal below this score is left for the office to judge rather than confirmed.
CONFIRM_FLOOR = 0.2
DAYS_AFTER_IMPORT = 3


@dataclass(frozen=True)
class Linked:
    plan: str
    parent: str
    tasks: int
    proposed: int
    confirmed: int


def _overlaps(plan, other) -> bool:
    if not (plan.period_start and plan.period_end and other.period_start and other.period_end):
        return False
    return plan.period_start <= other.period_end and other.period_start <= plan.period_end


def parent_plan_for(plan, plans: list):
    """The demo plan of the region directly above, whose years overlap the plan's (the latest such)."""
    candidates = [p for p in plans if p.region_id == plan.region.parent_id and _overlaps(plan, p)]
    return max(candidates, key=lambda p: (p.period_start, p.pk), default=None)


def _moment(*plans) -> datetime.datetime:
    from django.utils import timezone

    latest = max(p.imported_at for p in plans) + datetime.timedelta(days=DAYS_AFTER_IMPORT)
    # A plan imported yesterday is linked today, not in the future.
    return min(latest, timezone.now() - datetime.timedelta(minutes=5))


def link_demo_plans(pairs: list[tuple], console) -> list[Linked]:
    """Set each (plan, office) pair's parent, propose and confirm; a plan that has a parent already
    (a reused database) is left as it is."""
    from kesu.audit.context import stamped
    from kesu.cascade import services
    from kesu.cascade.models import LinkState, PlanParent, TaskLink

    plans = [plan for plan, _ in pairs]
    done = set(PlanParent.objects.filter(plan__in=plans).values_list("plan_id", flat=True))
    linked = []
    for plan, office in pairs:
        if plan.pk in done:
            continue
        parent = parent_plan_for(plan, plans)
        at = _moment(plan, *([parent] if parent else []))
        with stamped(at):
            services.set_parent(actor=office, plan=plan, parent_plan=parent, national=parent is None)
            result = services.propose_links(actor=office, plan=plan)
            best: dict[int, TaskLink] = {}
            for link in TaskLink.objects.filter(task__plan=plan, state=LinkState.PROPOSED).order_by("-score", "pk"):
                best.setdefault(link.task_id, link)
            chosen = [link for link in best.values() if (link.score or 0.0) >= CONFIRM_FLOOR]
            for link in chosen:
                services.confirm_link(actor=office, link=link)
        # The page shows when a link was confirmed: the demo's date, like its audit entry.
        TaskLink.objects.filter(pk__in=[link.pk for link in chosen]).update(decided_at=at)
        name = parent.region.name if parent else "国家纲要"
        linked.append(Linked(plan.title, name, result.tasks, result.created, len(chosen)))
        console.print(f"上下联动 {plan.region.name}《{plan.title}》→ {name}：{result.tasks} 项任务，"
                      f"对应建议 {result.created} 条，确认 {len(chosen)} 条")
    return linked
