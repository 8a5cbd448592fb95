"""应急科普 pages: the events (list, start, the event page with its pushes, items and timeline, notes,
closing, the after-action report) and the emergency packages. Thin: scope with visible_emergencies /
visible_packages (outside → 404), write through kesu.content.emergency, render."""

from __future__ import annotations

import datetime
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesu.content import aftermath, emergency, selectors
from kesu.content.errors import ContentError
from kesu.content.models import EmergencyLevel, EmergencyStatus, EventType, ReviewRound
from kesu.content.permissions import READER_ROLES, visible_emergencies, visible_packages
from kesu.org.models import Region, Role
from kesu.org.permissions import can_administer
from kesu.resources.masking import shown
from kesu.resources.permissions import sees_personal_data


def _new_item_url(event) -> str:
    """LIB's form for a new item, told the event: the item is then reviewed on the fast track."""
    return f"{reverse('content:item_new')}?emergency={event.pk}"


def _office_regions(user):
    if user.role != Role.OFFICE_ADMIN or not user.region_id:
        raise PermissionDenied("仅纲要办管理员可以启动应急科普")
    return Region.objects.filter(path__startswith=user.region.path).order_by("path")


@login_required
@require_GET
def event_list(request):
    events = visible_emergencies(request.user).select_related("region").prefetch_related("affected_regions")
    region, year = selectors.region_by_code(request.GET.get("region", "")), selectors.year_of(request.GET.get("year"))
    if request.GET.get("region") and region is None:
        events = events.none()
    elif region is not None:
        events = events.filter(region__path__startswith=region.path)
    if year:
        events = events.filter(started_at__year=year)
    return render(request, "content/emergency_list.html", {
        "active": [e for e in events if e.status == EmergencyStatus.ACTIVE],
        "past": [e for e in events if e.status != EmergencyStatus.ACTIVE][:100],
        "may_start": request.user.role == Role.OFFICE_ADMIN,
        "region": region, "year": year, "region_code": request.GET.get("region", "")[:12],
    })


def _parse_started(value: str):
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise ContentError("启动时间格式不正确", field="started_at") from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request):
    regions = _office_regions(request.user)
    values, chosen, error = {"distribute_within_hours": "6", "level": EmergencyLevel.IV}, [], None
    if request.method == "POST":
        values = request.POST.dict()
        chosen = request.POST.getlist("affected_regions")
        affected = list(regions.filter(pk__in=[pk for pk in chosen if pk.isdigit()]))
        try:
            if len(affected) != len(chosen):
                raise ContentError("所选影响区划不在本纲要办管辖范围内", field="affected_regions")
            event = emergency.start_emergency(
                actor=request.user, region=request.user.region, event_type=values.get("event_type"),
                title=values.get("title"), level=values.get("level"), affected_regions=affected,
                started_at=_parse_started(values.get("started_at", "")),
                distribute_within_hours=values.get("distribute_within_hours", ""),
                description=values.get("description", ""),
            )
        except ContentError as refused:
            error = refused
        else:
            messages.success(request, f"已启动应急科普：{event.title}。")
            return redirect("content:emergency_detail", event.pk)
    return render(request, "content/emergency_form.html", {
        "regions": regions, "event_types": EventType.choices, "levels": EmergencyLevel.choices, "values": values,
        "chosen": chosen, "error": error,
    }, status=400 if error else 200)


def _event(request, pk):
    return get_object_or_404(visible_emergencies(request.user).select_related("region"), pk=pk)


def _pushes(event, now):
    rows = []
    for push in event.pushes.select_related("item").prefetch_related(
            "recipients__unit__region", "recipients__messenger__region", "regions").order_by("sent_at", "pk"):
        recipients = list(push.recipients.all())
        overdue = push.due_at is not None and push.due_at < now
        rows.append({
            "push": push, "total": len(recipients), "acknowledged": sum(1 for r in recipients if r.acknowledged_at),
            "reach": sum(r.reach or 0 for r in recipients),
            "late": [r for r in recipients if overdue and r.acknowledged_at is None],
        })
    return rows


def _items(event):
    rows = []
    for item in event.items.select_related("current_version").order_by("created_at", "pk"):
        latest = ReviewRound.objects.filter(item=item).order_by("-opened_at", "-pk").first()
        rows.append({"item": item, "round": latest})
    return rows


@login_required
@require_GET
def event_detail(request, pk):
    event = _event(request, pk)
    now = timezone.now()
    may_manage = can_administer(request.user, event.region)
    active = event.status == EmergencyStatus.ACTIVE
    experts = list(emergency.on_call_experts(event))
    whole = sees_personal_data(request.user)
    for expert in experts:
        expert.phone_shown = shown(expert.phone, whole=whole) if expert.phone else ""
    return render(request, "content/emergency_detail.html", {
        "event": event, "affected": event.affected_regions.order_by("path"), "now": now,
        "experts": experts, "pushes": _pushes(event, now), "items": _items(event),
        "timeline": selectors.main_timeline(event), "folded": selectors.folded_count(event),
        "may_manage": may_manage, "active": active,
        "new_item_url": _new_item_url(event) if may_manage and active else "",
    })


@login_required
@require_POST
def event_note(request, pk):
    event = _event(request, pk)
    try:
        emergency.add_note(actor=request.user, event=event, text=request.POST.get("text", ""))
    except ContentError as refused:
        messages.error(request, refused.message)
    return redirect("content:emergency_detail", event.pk)


@login_required
@require_POST
def event_close(request, pk):
    event = _event(request, pk)
    try:
        emergency.close_emergency(actor=request.user, event=event)
    except ContentError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "已结束应急科普响应。")
    return redirect("content:emergency_detail", event.pk)


@login_required
@require_GET
def event_report(request, pk):
    event = _event(request, pk)
    if request.user.role not in READER_ROLES:
        # The report names every unit that missed its deadline: for offices and readers, not the units.
        raise PermissionDenied("处置总结仅供纲要办和本地区领导、统计人员查阅")
    response = HttpResponse(
        aftermath.after_action_docx(event),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f"attachment; filename=\"after-action-{event.pk}.docx\"; filename*=UTF-8''" \
        + quote(f"{event.title}应急科普处置总结.docx")
    return response


# --- packages ---

@login_required
@require_http_methods(["GET", "POST"])
def package_list(request):
    if request.user.role not in READER_ROLES:
        raise PermissionDenied("应急科普资源包由纲要办管理，本账号无权查看")
    packages = visible_packages(request.user).select_related("region").prefetch_related("items")
    error, values = None, {}
    if request.method == "POST":
        values = request.POST.dict()
        regions = _office_regions(request.user)
        region = regions.filter(pk=values.get("region") or 0).first()
        try:
            if region is None:
                raise ContentError("请选择所属区划", field="region")
            package = emergency.create_package(actor=request.user, region=region,
                                               event_type=values.get("event_type"), name=values.get("name"))
        except ContentError as refused:
            error = refused
        else:
            messages.success(request, f"已建立资源包“{package.name}”，请选择其中的内容。")
            return redirect("content:package_detail", package.pk)
    may_create = request.user.role == Role.OFFICE_ADMIN and bool(request.user.region_id)
    return render(request, "content/emergency_packages.html", {
        "packages": packages, "event_types": EventType.choices, "error": error, "values": values,
        "regions": _office_regions(request.user) if may_create else [], "may_create": may_create,
    }, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def package_detail(request, pk):
    package = get_object_or_404(visible_packages(request.user).select_related("region"), pk=pk)
    may_manage = can_administer(request.user, package.region)
    choices = emergency.package_choices(package.region)
    error = None
    if request.method == "POST":
        picked = [pk for pk in request.POST.getlist("items") if pk.isdigit()]
        items = list(choices.filter(pk__in=picked))
        try:
            if len(items) != len(set(picked)):
                raise ContentError("所选内容中有未通过审查或不可用的内容", field="items")
            emergency.set_package_items(actor=request.user, package=package, items=items)
        except ContentError as refused:
            error = refused
        else:
            messages.success(request, "已保存资源包内容。")
            return redirect("content:package_detail", package.pk)
    today = timezone.localdate()
    held = set(package.items.values_list("pk", flat=True))
    return render(request, "content/emergency_package.html", {
        "package": package, "may_manage": may_manage, "error": error,
        "rows": [{"item": item, "held": item.pk in held, "current": item.is_current(today)}
                 for item in choices.select_related("region")],
    }, status=400 if error else 200)
