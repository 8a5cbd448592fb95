"""The Excel buttons of every registry list (template, import, export; kesu.resources.excel) and the
public directory of recognised bases, which needs no login and shows nothing about people."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from kesu.org.http import posted, posted_files
from kesu.org.models import Region, RegionLevel, Role
from kesu.resources import excel, permissions, selectors
from kesu.resources.forms import ImportForm, region_in_reach, this_year
from kesu.resources.kinds import Kind
from kesu.resources.models import BaseCategory, BaseLevel, OutreachBase
from kesu.resources.views import kind_or_404, paged, region_codes, require_list, sees_personal

EXPORT_LIMIT = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- Excel -----------------------------------------------------------------------------------


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_GET
def template_download(request, kind: str):
    spec = kind_or_404(kind)
    require_list(request.user, spec)
    return _xlsx(excel.template(kind), f"{spec.label}导入模板.xlsx")


@login_required
@require_GET
def export(request, kind: str):
    spec = kind_or_404(kind)
    require_list(request.user, spec)
    personal = request.GET.get("personal") in ("1", "on")
    if personal and not sees_personal(request.user):
        raise PermissionDenied("仅纲要办管理员可以导出完整的联系电话和身份证号")
    filters = selectors.Filters.from_query(request.GET)
    queryset = selectors.visible_records(kind, user=request.user, filters=filters)
    if queryset.order_by()[:EXPORT_LIMIT + 1].count() > EXPORT_LIMIT:
        messages.error(request, f"符合条件的记录超过{EXPORT_LIMIT:,}条，请按区划或年度缩小范围后再导出")
        return redirect(f"{reverse('resources:list', kwargs={'kind': kind})}?{request.GET.urlencode()}")
    content = excel.export(kind, selectors.prefetched(kind, queryset), personal=personal)
    return _xlsx(content, f"{spec.label}_{this_year()}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def import_records(request, kind: str):
    spec = kind_or_404(kind)
    if request.user.role != Role.OFFICE_ADMIN or not request.user.region_id:
        raise PermissionDenied("仅纲要办管理员可以导入登记册")
    form = ImportForm(posted(request), posted_files(request), initial={"region": request.user.region.code})
    context = {"kind": spec, "form": form, "regions": region_codes(request.user), "problems": [], "result": None}
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            region = region_in_reach(request.user, form.cleaned_data["region"])
            if region is None:
                form.add_error("region", "区划代码不存在或不在本辖区内")
            else:
                status = _run_import(request, spec, form, region, context)
    return render(request, "resources/import.html", context, status=status)


def _run_import(request, spec: Kind, form: ImportForm, region: Region, context: dict) -> int:
    permissions.require_manage(request.user, region)
    try:
        result = excel.import_records(actor=request.user, kind=spec.code, data=form.cleaned_data["file"].read(),
                                      region=region, skip_invalid=form.cleaned_data["skip_invalid"])
    except excel.ImportRefused as refused:
        context["problems"] = refused.errors
        return 400
    context["result"] = result
    messages.success(request, f"导入完成：新增 {result.created} 条，更新 {result.updated} 条，"
                              f"未变化 {result.unchanged} 条" + (f"，跳过 {len(result.skipped_rows)} 行" if result.skipped else ""))
    return 200


# --- the public directory --------------------------------------------------------------------


def _public(base: OutreachBase) -> dict:
    """The fields of a recognised base anyone may read; nothing about people."""
    return {
        "name": base.name, "level": base.level, "level_label": base.get_level_display(),
        "category": base.category, "category_label": base.get_category_display(),
        "region": base.region.code, "region_name": base.region.name, "host_organisation": base.host_organisation,
        "address": base.address, "open_days": base.open_days,
    }


@require_GET
def directory(request):
    filters = selectors.Filters.from_query(request.GET)
    filters = selectors.Filters(region=filters.region, level=filters.level, q=filters.q)
    page = paged(selectors.public_bases(filters), request.GET)
    if request.GET.get("format") == "json":
        response = JsonResponse({
            "count": page.total, "page": page.number, "has_next": page.has_next,
            "results": [_public(base) for base in page.rows],
        }, json_dumps_params={"ensure_ascii": False})
        # Public data for 科协 websites to embed from their own pages.
        response["Access-Control-Allow-Origin"] = "*"
        return response
    regions = Region.objects.filter(level__in=(RegionLevel.PROVINCE, RegionLevel.CITY)).only("code", "name", "level")
    return render(request, "resources/directory.html", {
        "rows": [_public(base) for base in page.rows], "page": page, "filters": filters,
        "levels": BaseLevel.choices, "regions": regions, "categories": dict(BaseCategory.choices),
    })

