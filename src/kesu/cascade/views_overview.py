"""The city's overviews of its counties: the roll-up of linked tasks and the county 考核 (with its
weights form and workbook). Thin: scoping as the 上下联动 page (kesu.cascade.views._plan), reads in
kesu.cascade.rollup / assessment, the one write in assessment.update_county_weights."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from kesu.cascade import assessment, rollup
from kesu.cascade.views import _plan
from kesu.org.permissions import can_administer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(request) -> int | None:
    raw = request.GET.get("year", "").strip()
    return int(raw) if raw.isdigit() and 1900 < int(raw) < 2200 else None


@login_required
@require_GET
def rollup_page(request, plan_id: int):
    plan = _plan(request, plan_id, write=False)
    return render(request, "cascade/rollup.html", {
        "plan": plan, "rows": rollup.rollup(request.user, plan), "children": rollup.child_plans(plan),
    })


@login_required
@require_GET
def assessment_page(request, plan_id: int):
    plan = _plan(request, plan_id, write=False)
    card = assessment.county_scorecard(plan, _year(request))
    return render(request, "cascade/assessment.html", {
        "plan": plan, **card, "labels": assessment.WEIGHT_LABELS,
        "editable": can_administer(request.user, plan.region),
    })


@login_required
@require_POST
def assessment_weights(request, plan_id: int):
    plan = _plan(request, plan_id, write=True)
    try:
        assessment.update_county_weights(
            actor=request.user, plan=plan, on_time_reporting=request.POST.get("on_time_reporting"),
            target_completion=request.POST.get("target_completion"), survey_rate=request.POST.get("survey_rate"),
            reason=request.POST.get("reason", "").strip()[:255])
    except assessment.AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "县级考核权重已保存")
    return redirect(reverse("cascade:assessment", args=[plan.pk]))


@login_required
@require_GET
def assessment_export(request, plan_id: int):
    plan = _plan(request, plan_id, write=False)
    content, year = assessment.assessment_workbook(plan, _year(request))
    response = HttpResponse(content, content_type=XLSX)
    name = f"{plan.region.name}{year}年度县级考核.xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"kesu.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response
