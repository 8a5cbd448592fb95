"""Survey pages. Thin: access through kesu.literacy.permissions, reads through selectors, writes through
services."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kesu.literacy import charts, excel, selectors, services
from kesu.literacy.forms import MappingForm, UploadForm
from kesu.literacy.mapping import guess_mapping, preview, suggest_weight_column
from kesu.literacy.models import CiMethod, SurveyWave
from kesu.literacy.permissions import (
    READ_ROLES,
    can_upload,
    region_for_reading,
    region_for_upload,
    wave_for_reading,
)
from kesu.org.permissions import home_region, require_role
from kesu.survey import SurveyError


def _ci_method(request) -> str:
    method = request.GET.get("ci", selectors.DEFAULT_CI_METHOD)
    return method if method in CiMethod.values else selectors.DEFAULT_CI_METHOD


def _results_url(region, wave: SurveyWave | None = None, ci: str | None = None) -> str:
    query = {}
    if wave is not None:
        query["wave"] = wave.pk
    if ci and ci != selectors.DEFAULT_CI_METHOD:
        query["ci"] = ci
    url = reverse("literacy:region", args=[region.code])
    return f"{url}?{urlencode(query)}" if query else url


@login_required
def home(request):
    require_role(request.user, *READ_ROLES)
    region = home_region(request.user)
    if region is None:
        raise Http404("账号未关联区划")
    return redirect("literacy:region", region.code)


def _selected_wave(request, region, waves: list[SurveyWave]) -> SurveyWave | None:
    wanted = request.GET.get("wave")
    if not wanted:
        return waves[0] if waves else None
    try:
        wave_id = int(wanted)
    except ValueError:
        raise Http404("调查轮次不存在") from None
    chosen = next((wave for wave in waves if wave.pk == wave_id), None)
    if chosen is None:
        # A superseded wave of this region can still be looked at.
        chosen = SurveyWave.objects.filter(region=region, pk=wave_id).select_related("uploaded_by").first()
    if chosen is None:
        raise Http404("调查轮次不存在")
    return chosen


@login_required
def region_results(request, code: str):
    region = region_for_reading(request.user, code)
    ci_method = _ci_method(request)
    waves = selectors.active_waves(region)
    wave = _selected_wave(request, region, waves)
    results = selectors.wave_results(wave, ci_method) if wave is not None else None
    trend = selectors.trend(region, ci_method)
    level = wave.ci_level if wave is not None else 0.95
    chart_specs = {"trend": charts.trend_chart(trend, level)}
    dimensions = []
    if results is not None:
        for position, table in enumerate(results.dimensions):
            chart_id = f"dimension-{position}"
            chart_specs[chart_id] = charts.interval_chart(table, level)
            dimensions.append((chart_id, table))
    return render(request, "literacy/region.html", {
        "region": region,
        "waves": waves,
        "wave": wave,
        "results": results,
        "dimensions": dimensions,
        "trend": trend,
        "chart_specs": chart_specs,
        "ci_method": ci_method,
        "ci_methods": CiMethod.choices,
        "level": level,
        "can_upload": can_upload(request.user, region),
        "superseded": selectors.superseded_waves(region),
        "lower_regions": selectors.lower_regions_with_waves(region),
    })


@login_required
def upload(request, code: str):
    region = region_for_upload(request.user, code)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staged = services.stage_upload(
                region=region, user=request.user, uploaded_file=data["file"], source_kind=data["source_kind"],
                year=data["year"], name=data["name"], questionnaire_name=data["questionnaire"],
                config_file=data["config_file"],
            )
        except services.UploadRejected as exc:
            problems = exc.problems
        else:
            return redirect("literacy:mapping", region.code, staged.token)
    status = 400 if problems is not None or form.errors else 200
    return render(request, "literacy/upload.html", {
        "region": region, "form": form, "problems": problems,
    }, status=status)


def _staged_or_404(request, region, token: str):
    try:
        return services.load_staged(token, region, request.user)
    except services.StagedUploadMissing:
        raise Http404("上传的数据已过期或已确认，请重新上传") from None
    except SurveyError as exc:
        raise Http404(exc.zh) from None


@login_required
def mapping(request, code: str, token: str):
    region = region_for_upload(request.user, code)
    staged, table = _staged_or_404(request, region, token)
    guessed = guess_mapping(staged.columns, exclude=staged.derived_columns)
    offered = [name for name in staged.columns if name not in staged.derived_columns]
    check = None
    status = 200
    if request.method == "POST":
        form = MappingForm(request.POST, columns=offered)
        chosen = form.mapping() if form.is_valid() else None
    else:
        form = MappingForm(initial=MappingForm.initial_from(guessed), columns=offered)
        # The guessed mapping is checked straight away, so that most uploads need one click.
        chosen = guessed if guessed.weight else None
    if chosen is not None:
        if request.method == "POST" and request.POST.get("action") == "confirm":
            try:
                wave = services.confirm_wave(staged, table, chosen, region, request.user)
            except services.WaveRejected as exc:
                check = exc.check
                status = 400
            else:
                messages.success(request, f"已保存“{wave.name}”，共 {wave.row_count} 名受访者，估计结果如下。")
                return redirect(_results_url(region, wave))
        else:
            check = services.check_staged(staged, table, chosen, region)
    elif request.method == "POST":
        status = 400
    context = {"region": region, "staged": staged, "form": form, "check": check}
    if request.htmx and request.method == "POST" and request.POST.get("action") != "confirm":
        return render(request, "literacy/_checks.html", context, status=status)
    header, rows = preview(table)
    context.update({
        "preview_header": header, "preview_rows": rows,
        "weight_suggestion": "" if guessed.weight else suggest_weight_column(staged.columns, staged.derived_columns),
    })
    return render(request, "literacy/mapping.html", context, status=status)


@login_required
@require_POST
def discard(request, code: str, token: str):
    region = region_for_upload(request.user, code)
    staged, _ = _staged_or_404(request, region, token)
    services.discard_staged(staged)
    messages.info(request, "已放弃本次上传，未保存任何数据。")
    return redirect("literacy:region", region.code)


@login_required
def export_xlsx(request, wave_id: int):
    wave = wave_for_reading(request.user, wave_id)
    ci_method = _ci_method(request)
    results = selectors.wave_results(wave, ci_method)
    trend = selectors.trend(wave.region, ci_method)
    content = excel.estimates_workbook(results, trend)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"{wave.region.name}{wave.year}年公民具备科学素质的比例估计.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _wave_for_change(request, wave_id: int) -> SurveyWave:
    wave = wave_for_reading(request.user, wave_id)
    region_for_upload(request.user, wave.region.code)
    return wave


@login_required
@require_POST
def recompute(request, wave_id: int):
    wave = _wave_for_change(request, wave_id)
    try:
        services.recompute_estimates(wave, request.user)
    except (SurveyError, services.WaveRejected) as exc:
        messages.error(request, f"重新计算失败：{getattr(exc, 'zh', exc)}")
    else:
        messages.success(request, f"已根据保存的微观数据重新计算“{wave.name}”的全部估计。")
    return redirect(_results_url(wave.region, wave))


@login_required
@require_POST
def delete(request, wave_id: int):
    wave = _wave_for_change(request, wave_id)
    region, name = wave.region, wave.name
    services.delete_wave(wave, request.user)
    messages.success(request, f"已删除“{name}”及其估计结果。")
    return redirect("literacy:region", region.code)
