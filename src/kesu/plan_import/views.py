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
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kesu.org.http import posted, posted_files
from kesu.org.models import Role
from kesu.org.permissions import can_administer, require_role
from kesu.org.selectors import administrable_regions
from kesu.plan_import import drafts, reading, selectors, services
from kesu.plan_import.errors import PlanImportError
from kesu.plan_import.forms import ConfirmForm, PlanUploadForm, TargetEditForm, TaskEditForm
from kesu.planning.models import Plan

SESSION_KEY = "kesu_plan_imports"
DRAFT_TTL = datetime.timedelta(hours=12)
MAX_DRAFTS = 3
GONE = "导入草稿不存在或已过期，请重新上传"


def _session_drafts(request) -> dict:
    stored = request.session.get(SESSION_KEY, {})
    now = timezone.now()
    fresh = {
        token: data for token, data in stored.items()
        if now - datetime.datetime.fromisoformat(data["created_at"]) < DRAFT_TTL
    }
    if len(fresh) != len(stored):
        request.session[SESSION_KEY] = fresh
    return fresh


def _load(request, token: str) -> drafts.ImportDraft:
    require_role(request.user, Role.OFFICE_ADMIN)
    data = _session_drafts(request).get(token)
    if data is None:
        raise Http404(GONE)
    draft = drafts.ImportDraft.from_json(data)
    if not can_administer(request.user, draft.region):
        raise Http404(GONE)
    return draft


def _store(request, token: str, draft: drafts.ImportDraft) -> None:
    stored = _session_drafts(request)
    stored[token] = draft.to_json()
    # Oldest drafts go first when the office starts many imports without finishing them.
    while len(stored) > MAX_DRAFTS:
        oldest = min(stored, key=lambda t: stored[t]["created_at"])
        del stored[oldest]
    request.session[SESSION_KEY] = stored


def _forget(request, token: str) -> None:
    stored = _session_drafts(request)
    stored.pop(token, None)
    request.session[SESSION_KEY] = stored


def _preview_url(token: str, task_id: str | None = None) -> str:
    url = reverse("plan_import:preview", kwargs={"token": token})
    return f"{url}#task-{task_id}" if task_id else url


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
                parsed = reading.parse_plan_upload(form.cleaned_data["file"])
            except PlanImportError as exc:
                form.add_error("file", str(exc))
            else:
                draft = drafts.start_draft(form.cleaned_data["region"], parsed)
                token = secrets.token_urlsafe(12)
                _store(request, token, draft)
                return redirect("plan_import:preview", token=token)
    return render(request, "plan_import/import_upload.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def preview(request, token: str):
    draft = _load(request, token)
    context = selectors.draft_preview(draft).context() | {"token": token, "confirm_form": ConfirmForm()}
    return render(request, "plan_import/import_preview.html", context)


@login_required
@require_POST
def save_mapping(request, token: str):
    draft = _load(request, token)
    choices = {}
    for index, name in enumerate(drafts.plan_unit_names(draft.plan)):
        value = request.POST.get(f"map-{index}")
        if value:
            choices[name] = value
    try:
        drafts.draft_set_mapping(draft, choices)
    except PlanImportError as exc:
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
        draft.previous_id = get_object_or_404(selectors.current_plans(draft.region), pk=choice).pk
    else:
        draft.previous_id = None
    _store(request, token, draft)
    return redirect("plan_import:preview", token=token)


@login_required
def edit_task(request, token: str, task_id: str):
    draft = _load(request, token)
    try:
        task, initial, targets = selectors.task_edit_initial(draft, task_id)
    except PlanImportError:
        raise Http404("方案中没有这个任务") from None
    form = TaskEditForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            drafts.draft_edit_task(draft, task_id, **form.cleaned_data)
        except PlanImportError as exc:
            form.add_error(None, str(exc))
        else:
            _store(request, token, draft)
            messages.success(request, f"任务 {task_id} 已修改")
            return redirect(_preview_url(token, task_id))
    target_forms = [(index, target, TargetEditForm(initial=values)) for index, target, values in targets]
    return render(request, "plan_import/import_task_form.html", {
        "token": token, "task": task, "form": form, "target_forms": target_forms,
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def edit_target(request, token: str, task_id: str, index: int):
    draft = _load(request, token)
    form = TargetEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, "目标填写有误：" + "；".join(e for errs in form.errors.values() for e in errs))
        return redirect("plan_import:edit_task", token=token, task_id=task_id)
    try:
        drafts.draft_edit_target(draft, task_id, index, **form.cleaned_data)
    except PlanImportError as exc:
        messages.error(request, str(exc))
        return redirect("plan_import:edit_task", token=token, task_id=task_id)
    _store(request, token, draft)
    messages.success(request, f"任务 {task_id} 的目标已{'删除' if form.cleaned_data['delete'] else '修改'}")
    return redirect(_preview_url(token, task_id))


@login_required
@require_POST
def confirm(request, token: str):
    draft = _load(request, token)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择填报周期")
        return redirect("plan_import:preview", token=token)
    try:
        plan = services.confirm_import(
            actor=request.user, draft=draft, period_kind=form.cleaned_data["period_kind"]
        )
    except PlanImportError as exc:
        messages.error(request, str(exc))
        return redirect("plan_import:preview", token=token)
    _forget(request, token)
    messages.success(
        request, f"已导入《{plan.title}》第{plan.version}版：{plan.tasks.count()} 项任务"
    )
    return redirect("plan_import:done", plan_id=plan.pk)


@login_required
@require_POST
def discard(request, token: str):
    _load(request, token)
    _forget(request, token)
    messages.success(request, "已放弃本次导入，未写入任何数据")
    return redirect("plan_import:upload")


@login_required
def done(request, plan_id: int):
    require_role(request.user, Role.OFFICE_ADMIN)
    plan = get_object_or_404(Plan.objects.select_related("region", "previous_version"), pk=plan_id)
    if not can_administer(request.user, plan.region):
        raise Http404("对象不存在或无权查看")
    return render(request, "plan_import/import_done.html", {"plan": plan, "summary": selectors.imported_plan_summary(plan)})
