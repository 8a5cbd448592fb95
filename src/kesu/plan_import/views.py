"""Plan import in the browser: upload → preview (unit mapping, task/target corrections and additions,
changes against the previous version) → confirm. The draft is stored in the database for the region
(`models.ImportDraft`), so any office admin of the region can resume it from any browser; nothing is
written to plan tables before confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kesu.org.http import posted, posted_files
from kesu.org.models import Role
from kesu.org.permissions import can_administer, require_role
from kesu.org.selectors import administrable_regions
from kesu.plan_import import drafts, reading, review, selectors, services
from kesu.plan_import.errors import PlanImportError
from kesu.plan_import.forms import (
    ConfirmForm,
    MetadataForm,
    PlanUploadForm,
    TargetAddForm,
    TargetEditForm,
    TargetKindForm,
    TaskAddForm,
    TaskEditForm,
)
from kesu.plan_import.metadata import metadata_initial
from kesu.plan_import.models import DraftState, ImportDraft
from kesu.planning.models import Plan


def _load(request, token: str) -> ImportDraft:
    """The open draft behind the URL. A colleague may have confirmed or discarded it meanwhile:
    say so instead of a bare 404."""
    require_role(request.user, Role.OFFICE_ADMIN)
    draft = selectors.draft_for(request.user, token)
    if draft.state == DraftState.IMPORTED and draft.imported_plan_id:
        raise _Closed(draft)
    if draft.state != DraftState.OPEN:
        raise Http404(services.closed_message(draft))
    return draft


class _Closed(Exception):
    def __init__(self, draft: ImportDraft):
        self.draft = draft


def _open_draft(view):
    """Resolve the token to an open draft; a confirmed one sends the user to what it became."""

    def wrapper(request, token: str, **kwargs):
        try:
            draft = _load(request, token)
        except _Closed as closed:
            messages.info(request, services.closed_message(closed.draft))
            return redirect("plan_import:done", plan_id=closed.draft.imported_plan_id)
        return view(request, draft, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return login_required(wrapper)


def _preview_url(draft: ImportDraft, task_id: str | None = None) -> str:
    url = reverse("plan_import:preview", kwargs={"token": draft.token})
    return f"{url}#task-{task_id}" if task_id else url


def _who(request) -> str:
    return request.user.get_full_name() or request.user.get_username()


def _edit(request, draft: ImportDraft, edit, success: str) -> bool:
    """Apply one correction through the service; report the outcome as a message."""
    try:
        services.edit_draft(actor=request.user, draft=draft, edit=edit)
    except PlanImportError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True


@login_required
def upload(request):
    require_role(request.user, Role.OFFICE_ADMIN)
    services.purge_expired_drafts()
    regions = administrable_regions(request.user)
    form = PlanUploadForm(posted(request), posted_files(request), regions=regions,
                          home=getattr(request.user, "region", None))
    if request.method == "POST":
        if not request.FILES.get("file"):
            form.add_error("file", "请选择要上传的方案文件")
        elif form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                read = reading.read_upload(uploaded)
            except PlanImportError as exc:
                form.add_error("file", str(exc))
            else:
                draft, resumed = services.start_import(
                    actor=request.user, region=form.cleaned_data["region"], parsed=read.parsed,
                    file_sha256=reading.upload_sha256(uploaded), workbook=read.workbook, columns=read.columns,
                )
                if resumed:
                    messages.info(request, "这个文件已有未完成的导入，已为您打开，之前的修改都还在")
                return redirect("plan_import:preview", token=draft.token)
    return render(request, "plan_import/import_upload.html", {
        "form": form, "open_drafts": selectors.open_drafts(request.user),
        "draft_days": services.draft_lifetime().days,
    }, status=400 if form.errors else 200)


def _render_preview(request, draft: ImportDraft, *, add_form: TaskAddForm | None = None, status: int = 200):
    preview = selectors.draft_preview(draft)
    add_form = add_form or TaskAddForm(region=draft.region, sections=drafts.section_choices(draft.plan))
    context = preview.context() | {
        "token": draft.token, "confirm_form": ConfirmForm(), "add_form": add_form,
        "draft_days": services.draft_lifetime().days,
        "link_parent": drafts.draft_parent(draft), "link_parent_choices": drafts.parent_choices(draft),
        "link_rows": drafts.link_rows(draft),
    }
    return render(request, "plan_import/import_preview.html", context, status=status)


@_open_draft
def preview(request, draft: ImportDraft):
    return _render_preview(request, draft)


@_open_draft
@require_POST
def save_mapping(request, draft: ImportDraft):
    choices = {}
    for index, name in enumerate(drafts.plan_unit_names(draft.plan)):
        value = request.POST.get(f"map-{index}")
        if value:
            choices[name] = value
    who = _who(request)
    _edit(request, draft, lambda d: drafts.draft_set_mapping(d, choices, by=who), "单位对应已保存")
    return redirect(_preview_url(draft))


@_open_draft
@require_POST
def check_item(request, draft: ImportDraft):
    """Tick (or untick) one item of the 请先核对 panel as 已核对."""
    item = (request.POST.get("item") or "").strip()
    checked = request.POST.get("checked", "1") != "0"
    who = _who(request)
    _edit(request, draft, lambda d: review.draft_tick(d, item, by=who, checked=checked),
          "已标记为已核对" if checked else "已取消核对")
    return redirect(_preview_url(draft) + "#review")


@_open_draft
@require_POST
def remap_columns(request, draft: ImportDraft):
    """Re-read the kept workbook with the column mapping the office chose."""
    mapping: dict[str, dict[int, str]] = {}
    for position, sheet in enumerate(draft.columns or []):
        mapping[sheet["sheet"]] = {
            column["column"]: request.POST.get(f"col-{position}-{column['column']}", column["role"])
            for column in sheet["columns"]
        }
    try:
        reread = services.remap_workbook(actor=request.user, draft=draft, mapping=mapping)
    except PlanImportError as exc:
        messages.error(request, str(exc))
    else:
        draft.refresh_from_db()
        messages.success(request, remap_message(draft.task_count, reread))
    return redirect(_preview_url(draft) + "#columns")


def remap_message(task_count: int, reread) -> str:
    """Says exactly what the re-reading kept and what it reset."""
    lost = f"，原有 {reread.gone} 项任务已不在新的读取结果中" if reread.gone else ""
    kinds = ""
    if reread.kinds_kept or reread.kinds_dropped:
        kinds = f"目标类型的更正已在 {reread.kinds_kept} 个相同的目标上保留"
        kinds += f"（{reread.kinds_dropped} 个目标已不在新的读取结果中，其更正未保留）" if reread.kinds_dropped else ""
        kinds += "；"
    return (f"已按所选列对应重新读取工作簿：{task_count} 项任务{lost}。基本信息的修改、单位对应及两者的核对标记已保留；"
            f"{kinds}此前对任务内容、责任单位和目标数值的修改，以及添加和删除的任务、目标已重置，请重新核对")


@_open_draft
@require_POST
def choose_previous(request, draft: ImportDraft):
    choice = (request.POST.get("previous") or "").strip()
    previous = None
    if choice:
        previous = selectors.current_plans(draft.region).filter(pk=int(choice) if choice.isdigit() else None).first()
        if previous is None:
            messages.error(request, "所选方案不是本地区的现行方案，请重新选择")
            return redirect(_preview_url(draft))

    def choose(d):
        d.previous = previous

    _edit(request, draft, choose, "已更改修订的方案" if previous else "将作为新方案导入")
    return redirect(_preview_url(draft))


@_open_draft
@require_POST
def add_task(request, draft: ImportDraft):
    form = TaskAddForm(request.POST, region=draft.region, sections=drafts.section_choices(draft.plan))
    if form.is_valid():
        data = form.cleaned_data

        def add(d):
            return drafts.draft_add_task(
                d, code=data["code"], title=data["title"], text=data["text"], section=data["section"],
                lead_units=list(data["lead_units"]), participating_units=list(data["participating_units"]),
            )

        try:
            services.edit_draft(actor=request.user, draft=draft, edit=add)
        except PlanImportError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已添加任务 {data['code']}")
            return redirect(_preview_url(draft, data["code"]))
    return _render_preview(request, draft, add_form=form, status=400)


@_open_draft
@require_POST
def delete_task(request, draft: ImportDraft, task_id: str):
    _edit(request, draft, lambda d: drafts.draft_delete_task(d, task_id), f"已删除任务 {task_id}")
    return redirect(_preview_url(draft))


def _render_task_form(request, draft, task_id, *, form=None, add_target_form=None, status=200):
    try:
        task, initial, targets = selectors.task_edit_initial(draft, task_id)
    except PlanImportError:
        raise Http404("方案中没有这个任务") from None
    # One page holds a form per target: distinct ids keep each label tied to its own field.
    target_forms = [(index, target, TargetEditForm(initial=values, auto_id=f"id_target{index}_%s"))
                    for index, target, values in targets]
    if add_target_form is not None:
        add_target_form.auto_id = "id_new_target_%s"
    return render(request, "plan_import/import_task_form.html", {
        "token": draft.token, "task": task, "form": form or TaskEditForm(initial=initial),
        "target_forms": target_forms, "add_target_form": add_target_form or TargetAddForm(auto_id="id_new_target_%s"),
    }, status=status)


@_open_draft
def edit_task(request, draft: ImportDraft, task_id: str):
    form = TaskEditForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            who = _who(request)
            services.edit_draft(actor=request.user, draft=draft,
                                edit=lambda d: drafts.draft_edit_task(d, task_id, **form.cleaned_data, by=who))
        except PlanImportError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"任务 {task_id} 已修改")
            return redirect(_preview_url(draft, task_id))
    if request.method != "POST":
        form = None
    return _render_task_form(request, draft, task_id, form=form, status=400 if form is not None else 200)


@_open_draft
def edit_metadata(request, draft: ImportDraft):
    """Correct the plan's title, 文号, issuer, date, region, period and headline target."""
    form = MetadataForm(posted(request), initial=metadata_initial(draft.plan))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = services.edit_metadata(actor=request.user, draft=draft, **form.cleaned_data)
            except PlanImportError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"基本信息已修改：{'、'.join(changed)}" if changed else "基本信息没有变化")
                # To the top, where the message and the 请先核对 counts it changed are shown.
                return redirect(_preview_url(draft))
        status = 400
    panel = review.review_panel(draft, drafts.plan_unit_names(draft.plan), {})
    doubts = {i.item.partition(":")[2]: [d["reason"] for d in i.doubts] or [i.description]
              for i in panel.pending if i.kind == "metadata"}
    return render(request, "plan_import/import_metadata_form.html", {
        "token": draft.token, "form": form, "plan": draft.plan, "region": draft.region, "doubts": doubts,
        "document_rows": [(form[name], doubts.get(name, [])) for name in ("title", "doc_number", "issuer", "date", "region")],
    }, status=status)


def _form_errors(form) -> str:
    return "；".join(f"{form.fields[name].label}：{e}" if name in form.fields else e
                    for name, errors in form.errors.items() for e in errors)


@_open_draft
@require_POST
def edit_target(request, draft: ImportDraft, task_id: str, index: int):
    form = TargetEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, "目标填写有误：" + _form_errors(form))
        return redirect("plan_import:edit_task", token=draft.token, task_id=task_id)
    deleted = form.cleaned_data["delete"]
    who = _who(request)
    if not _edit(request, draft, lambda d: drafts.draft_edit_target(d, task_id, index, **form.cleaned_data, by=who),
                 f"任务 {task_id} 的目标已{'删除' if deleted else '修改'}"):
        return redirect("plan_import:edit_task", token=draft.token, task_id=task_id)
    return redirect(_preview_url(draft, task_id))


@_open_draft
@require_POST
def add_target(request, draft: ImportDraft, task_id: str):
    form = TargetAddForm(request.POST)
    if form.is_valid():
        try:
            services.edit_draft(actor=request.user, draft=draft,
                                edit=lambda d: drafts.draft_add_target(d, task_id, **form.cleaned_data))
        except PlanImportError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已为任务 {task_id} 添加目标")
            return redirect(_preview_url(draft, task_id))
    return _render_task_form(request, draft, task_id, add_target_form=form, status=400)


@_open_draft
@require_POST
def target_kind(request, draft: ImportDraft, task_id: str, index: int):
    form = TargetKindForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择目标类型")
    else:
        kind = form.cleaned_data["kind"]
        who = _who(request)
        _edit(request, draft, lambda d: drafts.draft_set_target_kind(d, task_id, index, kind, by=who),
              f"任务 {task_id} 第{index + 1}个目标的类型已改为“{dict(form.fields['kind'].choices)[kind]}”")
    return redirect(_preview_url(draft, task_id))


@_open_draft
@require_POST
def save_links(request, draft: ImportDraft):
    """The parent plan and the office's pick of a parent item per task (上级方案与对应)."""
    parent = (request.POST.get("parent") or "").strip()
    choices = {task["id"]: (request.POST.get(f"link-{index}") or "").strip()
               for index, task in enumerate(draft.plan.get("tasks", []))}
    _edit(request, draft, lambda d: drafts.draft_set_links(d, parent, choices), "上级方案与对应已保存")
    return redirect(_preview_url(draft) + "#links")


@_open_draft
@require_POST
def confirm(request, draft: ImportDraft):
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择填报周期")
        return redirect(_preview_url(draft))
    try:
        plan = services.confirm_import(
            actor=request.user, draft=draft, period_kind=form.cleaned_data["period_kind"],
            before_issue=form.cleaned_data["before_issue"],
        )
    except PlanImportError as exc:
        messages.error(request, str(exc))
        return redirect(_preview_url(draft))
    messages.success(
        request, f"已导入《{plan.title}》第{plan.version}版：{plan.tasks.count()} 项任务"
    )
    return redirect("plan_import:done", plan_id=plan.pk)


@_open_draft
@require_POST
def discard(request, draft: ImportDraft):
    try:
        services.discard_import(actor=request.user, draft=draft)
    except PlanImportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已放弃本次导入，未写入任何数据")
    return redirect("plan_import:upload")


@login_required
def done(request, plan_id: int):
    require_role(request.user, Role.OFFICE_ADMIN)
    plan = get_object_or_404(Plan.objects.select_related("region", "previous_version"), pk=plan_id)
    if not can_administer(request.user, plan.region):
        raise Http404("对象不存在或无权查看")
    return render(request, "plan_import/import_done.html", {"plan": plan, "summary": selectors.imported_plan_summary(plan)})
