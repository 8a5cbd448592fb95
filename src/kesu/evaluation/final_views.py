"""The final evaluation (总结评估) of a plan: the page and its docx/pdf/xlsx downloads.

Thin views: readers of dashboards only (office admins, leaders and statisticians of the plan's region
or a region above it; a unit reporter → 403, a plan outside the user's regions → 404), figures from
:mod:`kesu.evaluation.final_figures`, files from :mod:`kesu.evaluation.final_services`.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kesu.evaluation.figures import EvaluationError
from kesu.evaluation.final_document import build_final_document
from kesu.evaluation.final_figures import final_figures
from kesu.evaluation.final_services import generate_final_report
from kesu.evaluation.pdf import _block_context
from kesu.evaluation.services import FORMATS
from kesu.evaluation.views import READ_ROLES, _attachment
from kesu.org.permissions import get_visible_or_404, require_role
from kesu.planning.selectors import visible_plans


def _plan_for(request, plan_id: int):
    require_role(request.user, *READ_ROLES)
    return get_visible_or_404(visible_plans(request.user).select_related("region"), pk=plan_id)


@login_required
@require_GET
def final_report(request, plan_id: int):
    plan = _plan_for(request, plan_id)
    try:
        document = build_final_document(final_figures(plan, today=timezone.localdate()))
    except EvaluationError as exc:
        return render(request, "evaluation/final_report.html", {"plan": plan, "problem": str(exc)}, status=404)
    return render(request, "evaluation/final_report.html", {
        "plan": plan, "doc": document, "formats": FORMATS,
        "sections": [{"title": s.title, "blocks": [_block_context(b) for b in s.blocks]} for s in document.sections],
    })


@login_required
@require_GET
def final_report_file(request, plan_id: int, fmt: str):
    plan = _plan_for(request, plan_id)
    if fmt not in FORMATS:
        raise Http404("不支持的报告格式")
    try:
        report = generate_final_report(plan, fmt, today=timezone.localdate())
    except EvaluationError as exc:
        return HttpResponse(str(exc), status=404, content_type="text/plain; charset=utf-8")
    return _attachment(report.content, report.filename, report.content_type)
