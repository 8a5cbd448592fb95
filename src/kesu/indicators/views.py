"""Pages for outreach statistics. Thin: access through kesu.indicators.permissions, reads through
selectors, writes through services."""

from __future__ import annotations

import datetime
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from kesu.indicators import excel, selectors, services, targets
from kesu.indicators.forms import ElementEditForm, ElementForm, IndicatorEditForm, IndicatorForm, UploadForm
from kesu.indicators.models import (
    DataElement,
    DataSet,
    DataValue,
    ElementGroup,
    Indicator,
    LinkStatus,
    Submission,
    TargetLink,
)
from kesu.indicators.permissions import (
    can_approve,
    can_edit_definition,
    can_enter_values,
    can_manage_definitions,
    editable_definition_or_404,
    editable_owner_ids,
    region_in_scope_or_404,
    require_approve,
    require_enter_values,
)
from kesu.org.models import Role
from kesu.org.permissions import get_visible_or_404, home_region, require_role, visible_plans
from kesu.web.forms import posted

TREND_YEARS = 6


def _default_year() -> int:
    # Statistics for a year are collected in the following spring.
    return datetime.date.today().year - 1


def _int(value, default: int, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    if not low <= number <= high:
        raise Http404("期间不存在")
    return number


def _period(request) -> tuple[int, int]:
    params = request.POST if request.method == "POST" else request.GET
    return _int(params.get("year"), _default_year(), 2000, 2100), _int(params.get("quarter"), 0, 0, 4)


def _region(request):
    params = request.POST if request.method == "POST" else request.GET
    code = params.get("region")
    if not code:
        region = home_region(request.user)
        if region is None:
            raise Http404("账号未关联区划")
        return region
    return region_in_scope_or_404(request.user, code)


def _entry_scope(request):
    """(data set, region, unit) of the entry page; unit reporters always work on their own unit."""
    params = request.POST if request.method == "POST" else request.GET
    data_set = DataSet.objects.filter(code=params.get("dataset")).first() or DataSet.objects.first()
    if data_set is None:
        raise Http404("尚未载入报表，请先运行 kesu indicators seed")
    if request.user.role == Role.UNIT_REPORTER:
        if not request.user.unit_id:
            raise PermissionDenied("账号未关联单位")
        return data_set, request.user.unit.region, request.user.unit
    return data_set, _region(request), None


def _entry_url(data_set, region, year, quarter) -> str:
    query = urlencode({"dataset": data_set.code, "region": region.code, "year": year, "quarter": quarter})
    return f"{reverse('indicators:entry')}?{query}"


@login_required
@require_GET
def indicator_list(request):
    catalogue = selectors.Catalogue.load()
    indicators = list(Indicator.objects.all())
    elements = list(catalogue.elements.values())
    groups = []
    for value, label in ElementGroup.choices:
        groups.append({
            "label": label,
            "indicators": [i for i in indicators if i.group == value],
            "elements": [e for e in elements if e.group == value and e.active],
        })
    can_manage = can_manage_definitions(request.user)
    return render(request, "indicators/list.html", {
        "groups": groups, "options": catalogue.options, "can_manage": can_manage,
        "editable": editable_owner_ids(request.user),
        # Offices still need to find what they deactivated, to turn it back on.
        "inactive": [e for e in elements if not e.active] if can_manage else [],
    })


def _sample(request, indicator: Indicator):
    """Try an indicator on the user's region's real values for the latest year."""
    region = home_region(request.user)
    year = _default_year()
    table = selectors.values([region], [indicator], [year])
    return region, year, table.get(region.code, indicator.code, year)


_INDICATOR_FIELDS = ("code", "name", "group", "numerator", "denominator", "factor", "unit", "decimals", "keywords",
                     "definition")


def _indicator_fields(indicator: Indicator) -> dict:
    return {name: getattr(indicator, name) for name in _INDICATOR_FIELDS}


def _copy_of(request) -> dict | None:
    """A form prefilled from an existing indicator: how an office adapts a national one."""
    source = Indicator.objects.filter(code=request.GET.get("copy", "")).first()
    if source is None:
        return None
    suffix = f"_{request.user.region.code}"
    return _indicator_fields(source) | {
        "code": f"{source.code[:40 - len(suffix)]}{suffix}", "name": f"{source.name}（{request.user.region.name}）",
    }


@login_required
def indicator_new(request):
    if not can_manage_definitions(request.user):
        raise PermissionDenied("仅纲要办管理员可以定义指标")
    return _indicator_editor(request, IndicatorForm(posted(request), initial=_copy_of(request)), None)


@login_required
def indicator_edit(request, code: str):
    indicator = editable_definition_or_404(request.user, Indicator.objects.all(), code=code)
    form = IndicatorEditForm(posted(request), initial=_indicator_fields(indicator))
    return _indicator_editor(request, form, indicator)


def _indicator_editor(request, form: IndicatorForm, instance: Indicator | None):
    """Create (`instance` None) or edit: "check" answers the HTMX check with a sample result, "save"
    saves only a formula that passes the check; otherwise the form comes back with what was typed."""
    check = sample = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        check = selectors.check_formula(data["numerator"], data["denominator"], data["factor"], data["unit"])
        if check.ok:
            unsaved = Indicator(**{k: data[k] for k in ("code", "name", "numerator", "factor", "unit", "decimals")},
                                denominator=data["denominator"] or "")
            sample = _sample(request, unsaved)
        if "save" in request.POST and check.ok:
            try:
                indicator = services.save_indicator(request.user.region, instance=instance, **data)
            except services.IndicatorError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已保存指标“{indicator.name}”")
                return redirect("indicators:detail", code=indicator.code)
    template = "indicators/_check.html" if request.htmx else "indicators/indicator_form.html"
    return render(request, template, {"form": form, "check": check, "sample": sample, "indicator": instance})


@login_required
def element_new(request):
    if not can_manage_definitions(request.user):
        raise PermissionDenied("仅纲要办管理员可以定义数据项")
    form = ElementForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            element = services.create_element(request.user.region, **form.cleaned_data)
        except services.IndicatorError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已添加数据项“{element.name}”")
            return redirect("indicators:list")
    return render(request, "indicators/element_form.html", {"form": form})


@login_required
def element_edit(request, code: str):
    element = editable_definition_or_404(request.user, DataElement.objects.all(), code=code)
    value_count = DataValue.objects.filter(element=element).count()
    form = ElementEditForm(posted(request), initial=_element_fields(element), has_values=value_count > 0)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "code"}
        try:
            element = services.update_element(element, **data)
        except services.IndicatorError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已保存数据项“{element.name}”")
            return redirect("indicators:element_edit", code=element.code)
    return render(request, "indicators/element_form.html", {
        "form": form, "element": element, "value_count": value_count,
        "used_by": selectors.indicators_using(element), "history": selectors.definition_history(element),
    })


def _element_fields(element: DataElement) -> dict:
    return {"code": element.code, "name": element.name, "group": element.group, "value_type": element.value_type,
            "unit": element.unit, "aggregation": element.aggregation, "category": element.category_id,
            "definition": element.definition}


@login_required
@require_POST
def element_active(request, code: str):
    element = editable_definition_or_404(request.user, DataElement.objects.all(), code=code)
    active = request.POST.get("active") == "1"
    services.set_element_active(element, active)
    if active:
        messages.success(request, f"已重新启用数据项“{element.name}”")
    else:
        messages.success(request, f"已停用数据项“{element.name}”：不再出现在填报页和模板中，已有数据保留")
    return redirect("indicators:element_edit", code=element.code)


@login_required
@require_GET
def indicator_detail(request, code: str):
    indicator = get_visible_or_404(Indicator.objects.select_related("owner"), code=code)
    region = _region(request)
    last_year = _int(request.GET.get("year"), _default_year(), 2000, 2100)
    years = list(range(last_year - TREND_YEARS + 1, last_year + 1))
    lower = list(region.children.order_by("code"))
    table = selectors.values([region, *lower], [indicator], years)
    rows = [{"region": r, "cells": [table.get(r.code, code, y) for y in years]} for r in lower]
    # Ranked by the latest year that has a value; regions without one go last.
    rows.sort(key=lambda row: (row["cells"][-1].result.value is None, -(row["cells"][-1].result.value or 0)))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank if row["cells"][-1].result.value is not None else None
    charts = {
        f"trend_{row['region'].code}": {
            "title": row["region"].name, "type": "bar", "unit": indicator.unit, "colours": ["#2f6db5"],
            "categories": [str(y) for y in years],
            "series": [{"name": indicator.name, "data": [c.result.value for c in row["cells"]]}],
            "rows": [[str(y), c.result.value] for y, c in zip(years, row["cells"], strict=True)],
        }
        for row in rows
    }
    return render(request, "indicators/detail.html", {
        "indicator": indicator, "region": region, "years": years, "rows": rows, "charts": charts,
        "own": [table.get(region.code, code, y) for y in years], "year": last_year,
        "can_edit": can_edit_definition(request.user, indicator), "can_copy": can_manage_definitions(request.user),
        "history": selectors.definition_history(indicator),
    })


# --- data entry ------------------------------------------------------------------------------


def _entry_context(request, data_set, region, unit, year, quarter, findings=None):
    submission = selectors.submission_for(data_set, region, year, quarter, unit)
    locked = submission is not None and submission.status in ("submitted", "approved")
    return {
        "data_set": data_set, "data_sets": DataSet.objects.all(), "region": region, "unit": unit,
        "year": year, "quarter": quarter, "rows": selectors.entry_rows(data_set, region, year, quarter, unit),
        "submission": submission, "locked": locked,
        "can_edit": can_enter_values(request.user, region, unit) and not locked,
        "can_submit": can_enter_values(request.user, region, unit) and not locked,
        "can_review": can_approve(request.user, region) and submission is not None,
        "findings": findings if findings is not None else selectors.validate(data_set, region, year, quarter, unit),
        "lower": region.children.order_by("code") if unit is None else [],
        "upload_form": UploadForm(),
    }


@login_required
@require_GET
def entry(request):
    data_set, region, unit = _entry_scope(request)
    year, quarter = _period(request)
    return render(request, "indicators/entry.html", _entry_context(request, data_set, region, unit, year, quarter))


@login_required
@require_POST
def entry_cell(request):
    """Save one cell (HTMX): the answer is the cell again with its message, and the findings."""
    data_set, region, unit = _entry_scope(request)
    year, quarter = _period(request)
    require_enter_values(request.user, region, unit)
    catalogue = selectors.Catalogue.load()
    element_code, _, option_code = request.POST.get("key", "").partition(".")
    element = catalogue.elements.get(element_code)
    if element is None or not element.active or not data_set.elements.filter(pk=element.pk).exists():
        raise Http404("数据项不存在")
    option = catalogue.options[element.pk].get(option_code) if option_code else None
    error = ""
    raw = request.POST.get("value", "")
    try:
        value = services.parse_number(raw, element)
        services.write_values(
            request.user, [services.CellWrite(element, option, region, unit, value)], year=year, quarter=quarter
        )
    except services.IndicatorError as exc:
        error = str(exc)
    rows = selectors.entry_rows(data_set, region, year, quarter, unit, catalogue)
    key = f"{element.code}.{option.code}" if option else element.code
    row = next(r for r in rows if r.key == key)
    findings = selectors.validate(data_set, region, year, quarter, unit, catalogue)
    return render(request, "indicators/_cell.html", {
        "row": row, "error": error, "raw": raw, "saved": not error, "findings": findings, "oob": True,
        "can_edit": True, "data_set": data_set, "region": region, "year": year, "quarter": quarter,
    })


@login_required
@require_POST
def entry_submit(request):
    data_set, region, unit = _entry_scope(request)
    year, quarter = _period(request)
    try:
        findings = services.submit(request.user, data_set, region, year, quarter, unit)
    except services.IndicatorError as exc:
        messages.error(request, str(exc))
    else:
        warnings = "；另有提示：" + "；".join(str(f) for f in findings) if findings else ""
        messages.success(request, f"已报送，等待上级审核{warnings}")
    return redirect(_entry_url(data_set, region, year, quarter))


@login_required
def template_download(request):
    data_set, region, unit = _entry_scope(request)
    year, quarter = _period(request)
    if unit is not None:
        raise PermissionDenied("单位填报请在页面上逐项填写")
    require_enter_values(request.user, region)
    content = excel.build_template(request.user, region, year, quarter, [data_set])
    name = f"{data_set.name}_{region.name}_{year}年.xlsx"
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_POST
def template_upload(request):
    data_set, region, unit = _entry_scope(request)
    year, quarter = _period(request)
    if unit is not None:
        raise PermissionDenied("单位填报请在页面上逐项填写")
    require_enter_values(request.user, region)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的 .xlsx 文件")
        return redirect(_entry_url(data_set, region, year, quarter))
    try:
        result = excel.import_template(request.user, form.cleaned_data["file"].read(), region, year, quarter)
    except excel.TemplateError as exc:
        context = _entry_context(request, data_set, region, unit, year, quarter)
        context["upload_problems"] = exc.problems
        return render(request, "indicators/entry.html", context, status=400)
    except services.IndicatorError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"上传成功：读取 {result.cells_read} 个数值，{result.cells_changed} 个有变化已保存")
    return redirect(_entry_url(data_set, region, year, quarter))


# --- approval --------------------------------------------------------------------------------


@login_required
def approvals(request):
    require_role(request.user, Role.OFFICE_ADMIN)
    return render(request, "indicators/approvals.html", {"pending": selectors.pending_approvals(request.user)})


def _reviewable(request, submission_id: int) -> Submission:
    require_role(request.user, Role.OFFICE_ADMIN)
    submission = get_visible_or_404(
        Submission.objects.select_related("region", "data_set", "unit").filter(
            region__path__startswith=request.user.region.path
        ),
        pk=submission_id,
    )
    require_approve(request.user, submission.region)
    return submission


@login_required
@require_POST
def approve(request, submission_id: int):
    submission = _reviewable(request, submission_id)
    try:
        services.approve(request.user, submission)
    except services.IndicatorError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已审核通过{submission.region.name}{submission.year}年数据，数值已锁定")
    return redirect(request.POST.get("next") or reverse("indicators:approvals"))


@login_required
@require_POST
def return_submission(request, submission_id: int):
    submission = _reviewable(request, submission_id)
    try:
        services.return_submission(request.user, submission, request.POST.get("comment", ""))
    except services.IndicatorError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已退回{submission.region.name}{submission.year}年数据")
    return redirect(request.POST.get("next") or reverse("indicators:approvals"))


# --- targets ---------------------------------------------------------------------------------


@login_required
def target_links(request):
    require_role(request.user, Role.OFFICE_ADMIN, Role.LEADER, Role.STATISTICIAN)
    plans = list(visible_plans(request.user).filter(is_current=True).select_related("region"))
    plan = None
    if request.GET.get("plan"):
        plan = get_visible_or_404(visible_plans(request.user), pk=_int(request.GET["plan"], 0, 1, 2**62))
    elif plans:
        plan = plans[0]
    from kesu.planning.models import Target

    target_rows, progress = [], []
    if plan is not None:
        plan_targets = list(
            Target.objects.filter(task__plan=plan).select_related("task", "indicator_link__indicator")
        )
        target_rows = [(t, getattr(t, "indicator_link", None)) for t in plan_targets]
        confirmed = list(
            TargetLink.objects.filter(target__task__plan=plan, status=LinkStatus.CONFIRMED)
            .select_related("target__task__plan__region", "indicator")
        )
        progress = targets.progress_for(confirmed, _default_year())
    return render(request, "indicators/targets.html", {
        "plans": plans, "plan": plan, "target_rows": target_rows, "progress": progress,
        "indicators": Indicator.objects.all(),
        "can_decide": plan is not None and request.user.role == Role.OFFICE_ADMIN
        and request.user.region_id is not None and plan.region.is_within(request.user.region),
    })


@login_required
@require_POST
def target_suggest(request, plan_id: int):
    plan = get_visible_or_404(visible_plans(request.user), pk=plan_id)
    from kesu.org.permissions import require_office_admin

    require_office_admin(request.user, plan.region)
    created = targets.suggest_links(plan)
    messages.success(request, f"已生成 {len(created)} 条匹配建议，请逐条确认")
    return redirect(f"{reverse('indicators:targets')}?plan={plan.pk}")


@login_required
@require_POST
def target_decide(request, target_id: int):
    from kesu.org.permissions import visible_tasks
    from kesu.planning.models import Target

    target = get_visible_or_404(
        Target.objects.filter(task__in=visible_tasks(request.user)).select_related("task__plan__region"), pk=target_id
    )
    indicator = Indicator.objects.filter(code=request.POST.get("indicator")).first()
    try:
        targets.decide_link(request.user, target, indicator, confirm=request.POST.get("decision") == "confirm")
    except services.IndicatorError as exc:
        messages.error(request, str(exc))
    return redirect(f"{reverse('indicators:targets')}?plan={target.task.plan_id}")
