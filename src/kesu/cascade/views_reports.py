"""The read-only pages of 上下联动: coverage, target consistency and their xlsx workbook. Access as on
the link page (kesu.cascade.views): the office of the plan's region or above, leaders and statisticians
read; unit reporters 403; plans of other regions 404."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kesu.cascade import consistency, coverage, exports, selectors
from kesu.cascade import views as link_views

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan(request, plan_id: int):
    return link_views._plan(request, plan_id, write=False)


@login_required
@require_GET
def coverage_page(request, plan_id: int):
    plan = _plan(request, plan_id)
    return render(request, "cascade/coverage.html", {
        "plan": plan, "parent": selectors.parent_of(plan), "matrix": coverage.task_matrix(request.user, plan),
        "national": coverage.national_coverage(request.user, plan), "tab": "coverage",
    })


@login_required
@require_GET
def consistency_page(request, plan_id: int):
    plan = _plan(request, plan_id)
    return render(request, "cascade/consistency.html", {
        "plan": plan, "parent": selectors.parent_of(plan), "tab": "consistency",
        "headlines": consistency.headline_checks(request.user, plan),
        "targets": consistency.target_checks(request.user, plan),
    })


@login_required
@require_GET
def export(request, plan_id: int):
    plan = _plan(request, plan_id)
    content = exports.workbook(plan, coverage.task_matrix(request.user, plan),
                               coverage.national_coverage(request.user, plan),
                               consistency.headline_checks(request.user, plan),
                               consistency.target_checks(request.user, plan))
    response = HttpResponse(content, content_type=XLSX)
    filename = f"{plan.region.name}上下联动覆盖与目标一致性.xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"kesu.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return response
