"""Pages about one person, team, organisation or activity beyond its fields: volunteers' service
records, activity photos (served only to those who may see the activity, like progress evidence),
and activities offered as evidence in the organising unit's own progress reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from kesu.org.models import Role
from kesu.org.permissions import get_visible_or_404
from kesu.progress.models import ProgressReport
from kesu.progress.selectors import visible_reports
from kesu.progress.services import EDITABLE_STATUSES, EvidenceRejectedError
from kesu.resources import permissions, services
from kesu.resources.forms import EvidenceForm, PhotoForm, ServiceRecordForm
from kesu.resources.kinds import Kind
from kesu.resources.models import Activity, ActivityEvidence, ActivityPhoto, Volunteer
from kesu.resources.services import RecordError

SHOWN = 100


def _detail(kind: str, pk: int):
    return redirect(reverse("resources:detail", kwargs={"kind": kind, "pk": pk}))


def detail_context(request, kind: Kind, record) -> dict:
    """What a record's page shows besides its fields; `audited` lists further rows for its trail."""
    user = request.user
    if kind.code == "volunteer":
        records = record.service_records.select_related("activity")
        totals = records.aggregate(n=Count("id"), hours=Sum("hours"), beneficiaries=Sum("beneficiaries"))
        shown = list(records[:SHOWN])
        return {"service_records": shown, "totals": totals, "service_form": ServiceRecordForm(),
                "may_add_service": permissions.can_manage(user, record.region), "audited": shown}
    if kind.code == "team":
        return {"members": list(record.volunteers.order_by("name")[:SHOWN]),
                "member_count": record.volunteers.count(), "audited": []}
    if kind.code == "organisation":
        return {"bases": list(record.bases.select_related("region")[:SHOWN]), "audited": []}
    if kind.code == "activity":
        return _activity_context(user, record)
    return {"audited": []}


def _activity_context(user, activity: Activity) -> dict:
    links = list(ActivityEvidence.objects.filter(activity=activity)
                 .select_related("report__task", "report__period", "report__unit"))
    own_unit = user.role == Role.UNIT_REPORTER and user.unit_id is not None and user.unit_id == activity.organiser_id
    attachable = []
    if own_unit:
        attached = {link.report_id for link in links}
        attachable = [
            report for report in ProgressReport.objects.filter(unit_id=user.unit_id, status__in=EDITABLE_STATUSES)
            .select_related("task", "period").order_by("-period__start", "task__order")[:SHOWN]
            if report.pk not in attached
        ]
    return {
        "photos": list(activity.photos.all()), "photo_form": PhotoForm(),
        "may_record": permissions.can_record_activity(user, activity.region, activity.organiser_id),
        "evidence_links": links, "may_link": own_unit, "attachable_reports": attachable,
        "linked_bases": list(activity.bases.all()[:SHOWN]), "linked_experts": list(activity.experts.all()[:SHOWN]),
        "linked_teams": list(activity.teams.all()[:SHOWN]), "audited": links,
    }


# --- volunteers ------------------------------------------------------------------------------


@login_required
@require_POST
def service_record_add(request, pk: int):
    volunteer = get_visible_or_404(permissions.in_scope(request.user, Volunteer), pk=pk)
    permissions.require_manage(request.user, volunteer.region)
    form = ServiceRecordForm(request.POST)
    if not form.is_valid():
        messages.error(request, "未保存服务记录：" + "；".join(
            f"{form.fields[name].label}：{'；'.join(errors)}" for name, errors in form.errors.items()))
        return _detail("volunteer", volunteer.pk)
    data = form.cleaned_data
    try:
        services.add_service_record(actor=request.user, volunteer=volunteer, date=data["date"], hours=data["hours"],
                                    description=data["description"], beneficiaries=data["beneficiaries"] or 0)
    except RecordError as exc:
        messages.error(request, f"未保存服务记录：{exc}")
    else:
        messages.success(request, f"已记录{volunteer.name} {data['date']:%Y-%m-%d} 的志愿服务 {data['hours']:g} 小时")
    return _detail("volunteer", volunteer.pk)


# --- activities ------------------------------------------------------------------------------


def _scoped_activity(request, pk: int) -> Activity:
    return get_visible_or_404(permissions.visible_activities(request.user).select_related("region"), pk=pk)


@login_required
@require_POST
def activity_delete(request, pk: int):
    activity = _scoped_activity(request, pk)
    permissions.require_record_activity(request.user, activity.region, activity.organiser_id)
    services.delete_activity(actor=request.user, activity=activity)
    messages.success(request, f"已删除活动“{activity.name}”")
    return redirect(reverse("resources:list", kwargs={"kind": "activity"}))


@login_required
@require_POST
def photo_upload(request, pk: int):
    activity = _scoped_activity(request, pk)
    permissions.require_record_activity(request.user, activity.region, activity.organiser_id)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的照片（JPG、PNG）")
        return _detail("activity", activity.pk)
    try:
        photo = services.add_photo(actor=request.user, activity=activity, uploaded=form.cleaned_data["file"])
    except (RecordError, EvidenceRejectedError) as exc:
        messages.error(request, f"未上传：{exc}")
    else:
        messages.success(request, f"已上传照片“{photo.original_name}”")
    return _detail("activity", activity.pk)


@login_required
@require_GET
def photo_file(request, photo_id: int):
    photo = get_visible_or_404(
        ActivityPhoto.objects.filter(activity__in=permissions.visible_activities(request.user)), pk=photo_id
    )
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件已不存在") from exc
    # Shown in the page (images only: services.add_photo checks the content), never cached by proxies.
    response = FileResponse(handle, filename=photo.original_name, content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _evidence_act(request, pk: int, act, refused: str, done: str):
    """Attach or detach: the activity in scope (else 404), the organiser's own reporter only (else
    403), a report of the user's own (else 404); the service's refusal comes back as a message."""
    activity = _scoped_activity(request, pk)
    if not (request.user.role == Role.UNIT_REPORTER and request.user.unit_id == activity.organiser_id):
        raise PermissionDenied("只有主办单位的填报员可以把活动关联到本单位的进度报告")
    form = EvidenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{refused}请选择进度报告")
        return _detail("activity", activity.pk)
    report = get_visible_or_404(visible_reports(request.user).select_related("task", "period"),
                                pk=form.cleaned_data["report"])
    try:
        act(actor=request.user, activity=activity, report=report)
    except RecordError as exc:
        messages.error(request, f"{refused}{exc}")
    else:
        messages.success(request, done.format(report=f"“{report.task.code} {report.task.title}”{report.period.label}"))
    return _detail("activity", activity.pk)


@login_required
@require_POST
def evidence_attach(request, pk: int):
    return _evidence_act(request, pk, services.attach_activity, "未关联：", "已将活动作为{report}进度报告的佐证")


@login_required
@require_POST
def evidence_detach(request, pk: int):
    return _evidence_act(request, pk, services.detach_activity, "未移除：", "已从{report}进度报告中移除该活动")


def activities_for_report(report: ProgressReport) -> list[tuple[str, str]]:
    """The progress evidence source (kesu.progress.evidence_sources): activities attached to `report`."""
    links = ActivityEvidence.objects.filter(report=report).select_related("activity").order_by("activity__start_date")
    return [
        (f"科普活动：{link.activity.name}（{link.activity.start_date:%Y-%m-%d}，参与{link.activity.participants}人次）",
         reverse("resources:detail", kwargs={"kind": "activity", "pk": link.activity_id}))
        for link in links
    ]
