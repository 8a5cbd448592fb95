"""Plan import in the browser: upload → preview (unit mapping, task/target corrections, changes
against the previous version) → confirm. The draft lives in the user's session until confirmed or
discarded and expires after DRAFT_TTL; nothing is written to plan tables before confirmation."""

from __future__ import annotations

import datetime
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kesu.org.forms import ConfirmForm, PlanUploadForm, TargetEditForm, TaskEditForm
from kesu.org.models import Role, Unit
from kesu.org.permissions import can_administer, require_role
from kesu.org.selectors import administrable_regions
from kesu.plan_import import services as imports
from kesu.planning.models import Plan
from kesu.web.forms import posted, posted_files

SESSION_KEY = "kesu_plan_imports"
DRAFT_TTL = datetime.timedelta(hours=12)
MAX_DRAFTS = 3


def _drafts(request) -> dict:
    drafts = request.session.get(SESSION_KEY, {})
    now = timezone.now()
    fresh = {
        token: data for token, data in drafts.items()
        if now - datetime.datetime.fromisoformat(data["created_at"]) < DRAFT_TTL
    }
    if len(fresh) != len(drafts):
        request.session[SESSION_KEY] = fresh
    return fresh


def _load(request, token: str) -> imports.ImportDraft:
    require_role(request.user, Role.OFFICE_ADMIN)
    data = _drafts(request).get(token)
    if data is None:
        raise Http404("导入草稿不存在或已过期，请重新上传")
    draft = imports.ImportDraft.from_json(data)
    if not can_administer(request.user, draft.region):
        raise Http404("导入草稿不存在或已过期，请重新上传")
    return draft


def _store(request, token: str, draft: imports.ImportDraft) -> None:
    drafts = _drafts(request)
    drafts[token] = draft.to_json()
    # Oldest drafts go first when the office starts many imports without finishing them.
    while len(drafts) > MAX_DRAFTS:
        oldest = min(drafts, key=lambda t: drafts[t]["created_at"])
        del drafts[oldest]
    request.session[SESSION_KEY] = drafts


@login_required
def upload(request):
    require_role(request.user, Role.OFFICE_ADMIN)
    regions = administrable_regions(request.user)
    form = PlanUploadForm(posted(request), posted_files(request), regions=regions)
    if request.method == "POST":
        if not request.FILES.get("file"):
            form.add_error("file", "请选择要上传的方案文件")
        elif form.is_valid():
            try:
                parsed = imports.parse_plan_upload(form.cleaned_data["file"])
            except imports.PlanImportError as exc:
                form.add_error("file", str(exc))
            else:
                draft = imports.start_draft(form.cleaned_data["region"], parsed)
                token = secrets.token_urlsafe(12)
                _store(request, token, draft)
                return redirect("plan_import:preview", token=token)
    return render(request, "plan_import/import_upload.html", {"form": form}, status=400 if form.errors else 200)


def _preview_context(request, token: str, draft: imports.ImportDraft) -> dict:
    region = draft.region
    units = list(Unit.objects.filter(region=region).order_by("name"))
    unit_names = {u.pk: u.name for u in units}
    plan = draft.plan
    mapping_rows = [
        {"name": name, "choice": draft.mapping.get(name), "reason": draft.match_reasons.get(name, "")}
        for name in imports.plan_unit_names(plan)
    ]

    def shown(name):
        choice = draft.mapping.get(name)
        return unit_names.get(choice, f"{name}（新建）") if choice != imports.NEW_UNIT else f"{name}（新建）"

    tasks = [
        {**task, "lead_shown": [shown(n) for n in task["lead_units"]],
         "participating_shown": [shown(n) for n in task["participating_units"]]}
        for task in plan["tasks"]
    ]
    candidates = Plan.objects.filter(region=region, is_current=True).order_by("-imported_at")
    return {
        "token": token, "draft": draft, "region": region, "plan": plan, "units": units,
        "mapping_rows": mapping_rows, "tasks": tasks, "diff": imports.diff_against_previous(draft),
        "problems": imports.validate_draft(draft), "candidates": candidates,
        "region_warning": imports.region_mismatch(draft),
        "confirm_form": ConfirmForm(), "new_unit": imports.NEW_UNIT,
        "target_count": sum(len(t.get("targets", [])) for t in plan["tasks"]),
    }


@login_required
def preview(request, token: str):
    draft = _load(request, token)
    return render(request, "plan_import/import_preview.html", _preview_context(request, token, draft))


@login_required
@require_POST
def save_mapping(request, token: str):
    draft = _load(request, token)
    choices = {}
    for index, name in enumerate(imports.plan_unit_names(draft.plan)):
        value = request.POST.get(f"map-{index}")
        if value:
            choices[name] = value
    try:
        imports.draft_set_mapping(draft, choices)
    except imports.PlanImportError as exc:
        messages.error(request, str(exc))
    else:
        _store(request, token, draft)
        messages.success(request, "单位对应已保存")
    return redirect("plan_import:preview", token=token)


@login_required
@require_POST
def choose_previous(request, token: str):
    draft = _load(request, token)
    choice = request.POST.get("previous")
    if choice:
        previous = get_object_or_404(Plan, pk=choice, region_id=draft.region_id, is_current=True)
        draft.previous_id = previous.pk
    else:
        draft.previous_id = None
    _store(request, token, draft)
    return redirect("plan_import:preview", token=token)


@login_required
def edit_task(request, token: str, task_id: str):
    draft = _load(request, token)
    task = next((t for t in draft.plan["tasks"] if t["id"] == task_id), None)
    if task is None:
        raise Http404("方案中没有这个任务")
    initial = {
        "title": task["title"], "text": task["text"],
        "lead_units": "、".join(task["lead_units"]), "participating_units": "、".join(task["participating_units"]),
    }
    form = TaskEditForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            imports.draft_edit_task(draft, task_id, **form.cleaned_data)
        except imports.PlanImportError as exc:
            form.add_error(None, str(exc))
        else:
            _store(request, token, draft)
            messages.success(request, f"任务 {task_id} 已修改")
            return redirect(f"{_preview_url(token)}#task-{task_id}")
    target_forms = [
        (index, target, TargetEditForm(initial={
            "value": f"{target['value']:g}", "unit": target["unit"], "comparator": target.get("comparator", ">="),
            "deadline_year": target.get("deadline_year") or "",
        }))
        for index, target in enumerate(task.get("targets", []))
    ]
    return render(request, "plan_import/import_task_form.html", {
        "token": token, "task": task, "form": form, "target_forms": target_forms,
    }, status=400 if form.errors else 200)


def _preview_url(token: str) -> str:
    from django.urls import reverse

    return reverse("plan_import:preview", kwargs={"token": token})


@login_required
@require_POST
def edit_target(request, token: str, task_id: str, index: int):
    draft = _load(request, token)
    form = TargetEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, "目标填写有误：" + "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("plan_import:edit_task", token=token, task_id=task_id)
    try:
        imports.draft_edit_target(draft, task_id, index, **form.cleaned_data)
    except imports.PlanImportError as exc:
        messages.error(request, str(exc))
        return redirect("plan_import:edit_task", token=token, task_id=task_id)
    _store(request, token, draft)
    messages.success(request, f"任务 {task_id} 的目标已{'删除' if form.cleaned_data['delete'] else '修改'}")
    return redirect(f"{_preview_url(token)}#task-{task_id}")


@login_required
@require_POST
def confirm(request, token: str):
    draft = _load(request, token)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择填报周期")
        return redirect("plan_import:preview", token=token)
    try:
        plan = imports.confirm_import(draft, user=request.user, period_kind=form.cleaned_data["period_kind"])
    except imports.PlanImportError as exc:
        messages.error(request, str(exc))
        return redirect("plan_import:preview", token=token)
    drafts = _drafts(request)
    drafts.pop(token, None)
    request.session[SESSION_KEY] = drafts
    messages.success(
        request, f"已导入《{plan.title}》第{plan.version}版：{plan.tasks.count()} 项任务"
    )
    return redirect("plan_import:done", plan_id=plan.pk)


@login_required
@require_POST
def discard(request, token: str):
    _load(request, token)
    drafts = _drafts(request)
    drafts.pop(token, None)
    request.session[SESSION_KEY] = drafts
    messages.success(request, "已放弃本次导入，未写入任何数据")
    return redirect("plan_import:upload")


@login_required
def done(request, plan_id: int):
    require_role(request.user, Role.OFFICE_ADMIN)
    plan = get_object_or_404(Plan.objects.select_related("region", "previous_version"), pk=plan_id)
    if not can_administer(request.user, plan.region):
        raise Http404("对象不存在或无权查看")
    return render(request, "plan_import/import_done.html", {"plan": plan, "summary": imports.imported_plan_summary(plan)})
