"""Region dashboard (地区仪表盘), chart data as Excel, and the annual report download.

Thin views: access through kesu.org.permissions (a role that may not read dashboards → 403, a region
outside the user's subtree → 404), content through selectors, files through services.
"""

from __future__ import annotations

import io
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from kesu.evaluation.figures import EvaluationError
from kesu.evaluation.selectors import chart_workbook, dashboard_year, rendered_dashboard
from kesu.evaluation.services import CONTENT_TYPES, FORMATS, generate_annual_report
from kesu.org.models import Role
from kesu.org.permissions import get_visible_or_404, require_role, visible_regions
from kesu.planning.selectors import plan_for_year

READ_ROLES = (Role.OFFICE_ADMIN, Role.LEADER, Role.STATISTICIAN)


def _region_for(request, code: str):
    require_role(request.user, *READ_ROLES)
    return get_visible_or_404(visible_regions(request.user), code=code)


def _requested_year(request) -> int | None:
    raw = request.GET.get("year", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404(f"年度无效：{raw}")
    return int(raw)


def _attachment(content: bytes, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(io.BytesIO(content), content_type=content_type)
    ascii_name = "kesu." + filename.rsplit(".", 1)[-1]
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    response["Content-Length"] = str(len(content))
    return response


@login_required
@require_GET
def region_dashboard(request, code: str):
    region = _region_for(request, code)
    dashboard = rendered_dashboard(region, _requested_year(request), timezone.localdate())
    return render(request, "evaluation/region_dashboard.html", {"region": region, "body": mark_safe(dashboard.body)})


@login_required
@require_GET
def chart_xlsx(request, code: str, chart_id: str):
    """One dashboard chart's numbers as a workbook (the chart's Excel export)."""
    region = _region_for(request, code)
    dashboard = rendered_dashboard(region, _requested_year(request), timezone.localdate())
    spec = dashboard.chart_specs.get(chart_id)
    if spec is None:
        raise Http404("图表不存在")
    scope = f"{region.name}{dashboard.year}年"
    return _attachment(chart_workbook(spec, scope), f"{scope}{spec.title}.xlsx", CONTENT_TYPES["xlsx"])


@login_required
@require_GET
def annual_report_download(request, code: str, year: int, fmt: str):
    region = _region_for(request, code)
    if fmt not in FORMATS:
        raise Http404("不支持的报告格式")
    try:
        report = generate_annual_report(region, year, fmt)
    except EvaluationError as exc:
        return HttpResponse(str(exc), status=404, content_type="text/plain; charset=utf-8")
    return _attachment(report.content, report.filename, report.content_type)


@login_required
@require_GET
def plan_annual_report(request, plan_id: int, fmt: str):
    """From a plan's dashboard: the report of the plan's region for ?year= (default: this year within the plan)."""
    from kesu.planning.selectors import visible_plans

    require_role(request.user, *READ_ROLES)
    plan = get_visible_or_404(visible_plans(request.user).select_related("region"), pk=plan_id)
    if fmt not in FORMATS:
        raise Http404("不支持的报告格式")
    raw = request.GET.get("year", "").strip()
    year = int(raw) if raw.isdigit() else dashboard_year(plan.region, timezone.localdate())
    if plan_for_year(plan.region, year) is None:
        return HttpResponse(f"{plan.region.name}没有覆盖{year}年的实施方案", status=404,
                            content_type="text/plain; charset=utf-8")
    return annual_report_download(request, plan.region.code, year, fmt)
