"""Pages for outreach statistics. Thin: they scope the request (kesu.indicators.permissions), call a
service or a read (services, selectors, pages) and render."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from kesu.indicators import excel, formulas, pages, selectors, services, targets
from kesu.indicators.forms import ElementEditForm, ElementForm, IndicatorEditForm, IndicatorForm, UploadForm
from kesu.indicators.models import BlankKind, DataElement, Indicator
from kesu.indicators.permissions import (
    can_edit_definition,
    can_enter_values,
    can_manage_definitions,
    can_review,
    editable_definition_or_404,
    editable_owner_ids,
    region_in_scope_or_404,
    require_enter_values,
)
from kesu.org.http import posted
from kesu.org.models import Role
from kesu.org.permissions import (
    can_administer,
    get_visible_or_404,
    home_region,
    require_office_admin,
    require_role,
    visible_regions,
)
from kesu.planning.selectors import plan_standing, visible_plans, visible_tasks

TREND_YEARS = 6


def _int(value, default: int, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    if not low <= number <= high:
        raise Http404("期间不存在")
    return number


def _params(request):
    return request.POST if request.method == "POST" else request.GET


def _period(request) -> tuple[int, int]:
    params = _params(request)
    return _int(params.get("year"), pages.default_year(), 2000, 2100), _int(params.get("quarter"), 0, 0, 4)


def _region(request):
    code = _params(request).get("region")
    if not code:
        region = home_region(request.user)
        if region is None:
            raise Http404("账号未关联区划")
        return region
    return region_in_scope_or_404(request.user, code)


def _entry_scope(request):
    """(data set, region, unit) of the entry page; unit reporters always work on their own unit."""
    data_set = pages.data_set_or_default(_params(request).get("dataset"))
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


# --- definitions -----------------------------------------------------------------------------


@login_required
@require_GET
def indicator_list(request):
    catalogue = selectors.Catalogue.load()
    can_manage = can_manage_definitions(request.user)
    return render(request, "indicators/list.html", {
        "groups": pages.catalogue_groups(catalogue), "options": catalogue.options, "can_manage": can_manage,
        "editable": editable_owner_ids(request.user),
        # Offices still need to find what they deactivated, to turn it back on.
        "inactive": pages.inactive_elements(catalogue) if can_manage else [],
    })


@login_required
def indicator_new(request):
    if not can_manage_definitions(request.user):
        raise PermissionDenied("仅纲要办管理员可以定义指标")
    initial = pages.indicator_copy(request.GET.get("copy", ""), request.user.region)
    return _indicator_editor(request, IndicatorForm(posted(request), initial=initial), None)


@login_required
def indicator_edit(request, code: str):
    indicator = editable_definition_or_404(request.user, Indicator.objects.all(), code=code)
    form = IndicatorEditForm(posted(request), initial=pages.indicator_fields(indicator))
    return _indicator_editor(request, form, indicator)


def _indicator_editor(request, form: IndicatorForm, instance: Indicator | None):
    """Create (`instance` None) or edit: "check" answers the HTMX check with a sample result, "save"
    saves only a formula that passes the check; otherwise the form comes back with what was typed."""
    check = sample = formula_text = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        catalogue = selectors.Catalogue.load()
        check = selectors.check_formula(data["numerator"], data["denominator"], data["factor"], data["unit"],
                                        catalogue)
        if check.ok:
            sample = pages.formula_sample(home_region(request.user), data)
            formula_text = formulas.display_indicator(data["numerator"], data["denominator"] or "", data["factor"],
                                                      catalogue.name_of)
        if "save" in request.POST and check.ok:
            try:
                indicator = services.save_indicator(actor=request.user, instance=instance, **data)
            except services.IndicatorError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已保存指标“{indicator.name}”")
                return redirect("indicators:detail", code=indicator.code)
    template = "indicators/_check.html" if request.htmx else "indicators/indicator_form.html"
    return render(request, template, {"form": form, "check": check, "sample": sample, "indicator": instance,
                                      "formula_text": formula_text})


@login_required
def element_new(request):
    if not can_manage_definitions(request.user):
        raise PermissionDenied("仅纲要办管理员可以定义数据项")
    form = ElementForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            element = services.create_element(actor=request.user, **form.cleaned_data)
        except services.IndicatorError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已添加数据项“{element.name}”")
            return redirect("indicators:list")
    return render(request, "indicators/element_form.html", {"form": form})


@login_required
def element_edit(request, code: str):
    element = editable_definition_or_404(request.user, DataElement.objects.all(), code=code)
    value_count = pages.value_count(element)
    form = ElementEditForm(posted(request), initial=pages.element_fields(element), has_values=value_count > 0)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "code"}
        try:
            element = services.update_element(actor=request.user, element=element, **data)
        except services.IndicatorError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已保存数据项“{element.name}”")
            return redirect("indicators:element_edit", code=element.code)
    return render(request, "indicators/element_form.html", {
        "form": form, "element": element, "value_count": value_count,
        "used_by": selectors.indicators_using(element), "history": selectors.definition_history(element),
    })


@login_required
@require_POST
def element_active(request, code: str):
    element = editable_definition_or_404(request.user, DataElement.objects.all(), code=code)
    active = request.POST.get("active") == "1"
    services.set_element_active(actor=request.user, element=element, active=active)
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
    last_year = _int(request.GET.get("year"), pages.default_year(), 2000, 2100)
    trend = pages.indicator_trend(indicator, region, last_year, TREND_YEARS)
    return render(request, "indicators/detail.html", {
        "indicator": indicator, "formula_text": selectors.Catalogue.load().indicator_text(indicator), "region": region, "years": trend.years, "rows": trend.rows,
        "charts": trend.charts, "own": trend.own, "year": last_year,
        "can_edit": can_edit_definition(request.user, indicator), "can_copy": can_manage_definitions(request.user),
        "history": selectors.definition_history(indicator), "fed": pages.fed_elements(indicator),
    })


# --- data entry ------------------------------------------------------------------------------


def _entry_context(request, data_set, region, unit, year, quarter) -> dict:
    page = pages.entry_page(data_set, region, year, quarter, unit)
    may_enter = can_enter_values(request.user, region, unit) and not page.locked
    return {
        "data_set": data_set, "data_sets": page.data_sets, "region": region, "unit": unit,
        "year": year, "quarter": quarter, "rows": page.rows, "submission": page.submission, "locked": page.locked,
        "can_edit": may_enter, "can_submit": may_enter,
        "can_review": can_review(request.user, region) and page.submission is not None,
        "findings": page.findings, "lower": page.lower, "upload_form": UploadForm(),
        "completeness": page.completeness, "blank_kinds": BlankKind.choices,
        "region_groups": [] if unit else pages.region_groups(visible_regions(request.user)),
    }


@login_required
@require_GET
def entry(request):
    data_set, region, unit = _entry_scope(request)
    year, quarter = _period(request)
    return render(request, "indicators/entry.html", _entry_context(request, data_set, region, unit, year, quarter))


def _posted_cell(request):
    """The data set, scope, period and cell a cell-level POST names, once the user may enter values there."""
    data_set, region, unit = _entry_scope(request)
    year, quarter = _period(request)
    require_enter_values(request.user, region, unit)
    catalogue = selectors.Catalogue.load()
    cell = pages.entry_cell(catalogue, data_set, request.POST.get("key", ""))
    if cell is None:
        raise Http404("数据项不存在")
    return (data_set, region, unit, year, quarter, catalogue, *cell)


@login_required
@require_POST
def entry_cell(request):
    """Save one cell (HTMX): the answer is the cell again with its message, and the findings."""
    data_set, region, unit, year, quarter, catalogue, element, option = _posted_cell(request)
    error = ""
    raw = request.POST.get("value", "")
    try:
        services.enter_value(actor=request.user, element=element, option=option, region=region, unit=unit,
                             year=year, quarter=quarter, raw=raw)
    except services.IndicatorError as exc:
        error = str(exc)
    return _row_answer(request, data_set, region, unit, year, quarter, catalogue, element, option,
                       error=error, raw=raw)


def _row_answer(request, data_set, region, unit, year, quarter, catalogue, element, option, *, error="", raw="",
                reason=False, reason_error="", posted_reason=("", "")):
    """The row again after a write, with the findings and the completeness counts out of band; a
    refused reason comes back as typed, with its message."""
    rows = selectors.entry_rows(data_set, region, year, quarter, unit, catalogue)
    key = f"{element.code}.{option.code}" if option else element.code
    row = next(r for r in rows if r.key == key)
    findings = selectors.validate(data_set, region, year, quarter, unit, catalogue)
    return render(request, "indicators/_cell.html", {
        "row": row, "error": error, "raw": raw, "saved": not error and not reason, "findings": findings,
        "reason_saved": reason and not reason_error,
        "oob": True, "reason_error": reason_error, "shown_kind": posted_reason[0], "shown_note": posted_reason[1],
        "completeness": selectors.completeness(rows), "blank_kinds": BlankKind.choices,
        "can_edit": True, "data_set": data_set, "region": region, "year": year, "quarter": quarter,
    })


@login_required
@require_POST
def entry_reason(request):
    """Say (HTMX) why one cell is left blank; the answer is the row again, as for a value."""
    data_set, region, unit, year, quarter, catalogue, element, option = _posted_cell(request)
    kind, note = request.POST.get("kind", ""), request.POST.get("note", "")
    try:
        services.explain_blank(actor=request.user, element=element, option=option, region=region, unit=unit,
                               year=year, quarter=quarter, kind=kind, note=note)
    except services.IndicatorError as exc:
        return _row_answer(request, data_set, region, unit, year, quarter, catalogue, element, option,
                           reason=True, reason_error=str(exc), posted_reason=(kind, note))
    return _row_answer(request, data_set, region, unit, year, quarter, catalogue, element, option, reason=True)


@login_required
@require_POST
def entry_blanks(request):
    """Give every blank cell still without a reason the chosen one."""
    data_set, region, unit = _entry_scope(request)
    year, quarter = _period(request)
    try:
        count = services.explain_remaining_blanks(
            actor=request.user, data_set=data_set, region=region, year=year, quarter=quarter, unit=unit,
            kind=request.POST.get("kind", ""), note=request.POST.get("note", ""),
        )
    except services.IndicatorError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已为 {count} 个未填项说明原因")
    return redirect(_entry_url(data_set, region, year, quarter))


@login_required
@require_POST
def entry_submit(request):
    data_set, region, unit = _entry_scope(request)
    year, quarter = _period(request)
    try:
        findings = services.submit(actor=request.user, data_set=data_set, region=region, year=year, quarter=quarter,
                                   unit=unit)
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
        result = excel.import_template(actor=request.user, content=form.cleaned_data["file"].read(), region=region,
                                       year=year, quarter=quarter)
    except excel.TemplateError as exc:
        context = _entry_context(request, data_set, region, unit, year, quarter)
        context["upload_problems"] = exc.problems
        return render(request, "indicators/entry.html", context, status=400)
    except services.IndicatorError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"上传成功：读取 {result.cells_read} 个数值，{result.cells_changed} 个有变化已保存")
    return redirect(_entry_url(data_set, region, year, quarter))


# --- review (accept / return) ----------------------------------------------------------------


@login_required
def review_queue(request):
    require_role(request.user, Role.OFFICE_ADMIN)
    return render(request, "indicators/review_queue.html", {"pending": selectors.pending_reviews(request.user)})


def _reviewable(request, submission_id: int):
    """The submission to review, among those the office sees; whether it may review this one (only a
    region above the submitting one may) is the service's check."""
    require_role(request.user, Role.OFFICE_ADMIN)
    return get_visible_or_404(selectors.visible_submissions(request.user), pk=submission_id)


def _after_review(request):
    return redirect(request.POST.get("next") or reverse("indicators:review_queue"))


@login_required
@require_POST
def accept_submission(request, submission_id: int):
    submission = _reviewable(request, submission_id)
    try:
        services.accept_submission(actor=request.user, submission=submission)
    except services.IndicatorError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已审核通过{submission.region.name}{submission.year}年数据，数值已锁定")
    return _after_review(request)


@login_required
@require_POST
def return_submission(request, submission_id: int):
    submission = _reviewable(request, submission_id)
    try:
        services.return_submission(actor=request.user, submission=submission, comment=request.POST.get("comment", ""))
    except services.IndicatorError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已退回{submission.region.name}{submission.year}年数据")
    return _after_review(request)


# --- targets ---------------------------------------------------------------------------------


@login_required
def target_links(request):
    require_role(request.user, Role.OFFICE_ADMIN, Role.LEADER, Role.STATISTICIAN)
    plans = list(visible_plans(request.user).filter(is_current=True).select_related("region"))
    plan = None
    if request.GET.get("plan"):
        plan = get_visible_or_404(visible_plans(request.user), pk=_int(request.GET["plan"], 0, 1, 2**62))
    elif plans:
        # The home region's plan in force in the statistics year (a region may hold successive plans).
        home = home_region(request.user)
        standing = plan_standing(home, pages.default_year()) if home is not None else None
        in_force = standing.plan.pk if standing is not None and standing.plan is not None else None
        plan = next((p for p in plans if p.pk == in_force), plans[0])
    target_rows, progress = [], []
    if plan is not None:
        target_rows = pages.plan_target_links(plan)
        progress = targets.progress_for(pages.confirmed_links(plan), pages.default_year())
    return render(request, "indicators/targets.html", {
        "plans": plans, "plan": plan, "target_rows": target_rows, "progress": progress,
        "indicators": Indicator.objects.all(),
        "can_decide": plan is not None and can_administer(request.user, plan.region),
    })


@login_required
@require_POST
def target_suggest(request, plan_id: int):
    plan = get_visible_or_404(visible_plans(request.user), pk=plan_id)
    require_office_admin(request.user, plan.region)
    created = targets.suggest_links(plan)
    messages.success(request, f"已生成 {len(created)} 条匹配建议，请逐条确认")
    return redirect(f"{reverse('indicators:targets')}?plan={plan.pk}")


@login_required
@require_POST
def target_decide(request, target_id: int):
    target = get_visible_or_404(pages.targets_in(visible_tasks(request.user)), pk=target_id)
    indicator = Indicator.objects.filter(code=request.POST.get("indicator")).first()
    try:
        targets.decide_link(request.user, target, indicator, confirm=request.POST.get("decision") == "confirm")
    except services.IndicatorError as exc:
        messages.error(request, str(exc))
    return redirect(f"{reverse('indicators:targets')}?plan={target.task.plan_id}")
