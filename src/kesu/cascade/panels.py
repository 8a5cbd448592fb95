"""The roll-up panel on a city plan's dashboard and the 县级汇总 tab condition, registered in
kesu.supervision.panels (supervision cannot import cascade). Reads in kesu.cascade.rollup only."""

from __future__ import annotations

from kesu.cascade import rollup
from kesu.cascade.models import PlanParent
from kesu.cascade.views import READERS
from kesu.planning.selectors import visible_plans

# The version scope of which plan answers to which (every PlanParent write replaces it): the 县级汇总
# tab's flag is kept under it.
PARENTS = "cascade:parents"


def has_children(plan) -> bool:
    return PlanParent.objects.filter(parent_plan=plan, plan__is_current=True).exists()


def rollup_panel(plan, user):
    """The city tasks with confirmed-linked county tasks the user may see, scoped as the roll-up page
    (its roles and visible plans). Called only for plans with child plans (registered ``when`` the
    rollup tab shows)."""
    if not user.is_authenticated or user.role not in READERS:
        return None
    if not visible_plans(user).filter(pk=plan.pk).exists():
        return None
    rows = [row for row in rollup.rollup(user, plan) if row.counties]
    if not rows:
        return None
    return "cascade/_rollup_panel.html", {"plan": plan, "rows": rows}
