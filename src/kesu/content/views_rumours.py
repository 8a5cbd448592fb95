"""科学辟谣 pages: the office's rumour list, record and detail (with the rebuttal and closing), and the
public rebuttal pages under /public/rumours/. Thin: scope with visible_rumours (outside → 404), write
through kesu.content.debunking, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesu.audit.models import AuditEntry
from kesu.content import debunking, selectors
from kesu.content.errors import ContentError
from kesu.content.models import ContentStatus, Rumour, RumourStatus, Spread, Topic
from kesu.content.permissions import READER_ROLES, visible_rumours
from kesu.org.models import Region, Role
from kesu.progress.selectors import history_rows

PUBLIC_STATUSES = (RumourStatus.REBUTTED, RumourStatus.CLOSED)


def _office_regions(user):
    if user.role != Role.OFFICE_ADMIN or not user.region_id:
        raise PermissionDenied("仅纲要办管理员可以登记谣言")
    return Region.objects.filter(path__startswith=user.region.path).order_by("path")


@login_required
@require_GET
def rumour_list(request):
    if request.user.role not in READER_ROLES:
        raise PermissionDenied("科学辟谣由纲要办管理，本账号无权查看")
    status = request.GET.get("status", "")
    if status not in RumourStatus.values:
        status = ""
    scoped = visible_rumours(request.user)
    region, year = selectors.region_by_code(request.GET.get("region", "")), selectors.year_of(request.GET.get("year"))
    if request.GET.get("region") and region is None:
        scoped = scoped.none()
    elif region is not None:
        scoped = scoped.filter(region__path__startswith=region.path)
    if year:
        # A rebuttal counts in the year it was published (as the indicator counts it); others by first sighting.
        rebutted = status in (RumourStatus.REBUTTED, RumourStatus.CLOSED)
        scoped = scoped.filter(**{"rebutted_at__year" if rebutted else "first_seen__year": year})
    # The indicator counts every rumour rebutted in the year, those since closed included.
    wanted = [RumourStatus.REBUTTED, RumourStatus.CLOSED] if status == RumourStatus.REBUTTED and year else [status]
    rumours = (scoped.filter(status__in=wanted) if status else scoped).select_related("region", "topic", "rebuttal")
    tabs = [(value, label, scoped.filter(status=value).count()) for value, label in RumourStatus.choices]
    return render(request, "content/rumour_list.html", {
        "rumours": rumours[:200], "status": status, "tabs": tabs, "region": region, "year": year,
        "may_record": request.user.role == Role.OFFICE_ADMIN,
    })


@login_required
@require_http_methods(["GET", "POST"])
def rumour_new(request):
    regions = _office_regions(request.user)
    values, error = {"first_seen": timezone.localdate().isoformat(), "spread": Spread.LOW}, None
    if request.method == "POST":
        values = request.POST.dict()
        region = regions.filter(pk=values.get("region") or 0).first()
        topic = Topic.objects.filter(pk=values.get("topic") or 0).first()
        try:
            if region is None:
                raise ContentError("请选择所属区划", field="region")
            rumour = debunking.record_rumour(
                actor=request.user, region=region, claim=values.get("claim"), topic=topic,
                first_seen=values.get("first_seen") or None, where_seen=values.get("where_seen", ""),
                spread=values.get("spread"),
            )
        except ContentError as refused:
            error = refused
        else:
            messages.success(request, "已登记谣言。")
            return redirect("content:rumour_detail", rumour.pk)
    return render(request, "content/rumour_form.html", {
        "regions": regions, "topics": Topic.objects.all(), "spreads": Spread.choices, "values": values,
        "error": error,
    }, status=400 if error else 200)


def _rumour(request, pk) -> Rumour:
    return get_object_or_404(visible_rumours(request.user).select_related("region", "topic", "rebuttal"), pk=pk)


@login_required
@require_GET
def rumour_detail(request, pk):
    rumour = _rumour(request, pk)
    entries = AuditEntry.objects.filter(model=Rumour._meta.label, object_id=str(rumour.pk)).order_by("-at", "-id")
    return render(request, "content/rumour_detail.html", {
        "rumour": rumour, "may_manage": debunking.may_manage(request.user, rumour),
        "history": history_rows(list(entries[:50])), "statuses": RumourStatus,
        "may_draft": rumour.status == RumourStatus.MONITORING and (
            rumour.rebuttal is None or rumour.rebuttal.status in (ContentStatus.WITHDRAWN, ContentStatus.REJECTED)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def rumour_edit(request, pk):
    rumour = _rumour(request, pk)
    if not debunking.may_manage(request.user, rumour) or rumour.status == RumourStatus.CLOSED:
        raise PermissionDenied("该谣言记录不能修改")
    values = {"claim": rumour.claim, "topic": str(rumour.topic_id), "first_seen": rumour.first_seen.isoformat(),
              "where_seen": rumour.where_seen, "spread": rumour.spread}
    error = None
    if request.method == "POST":
        values = request.POST.dict()
        try:
            debunking.edit_rumour(
                actor=request.user, rumour=rumour, claim=values.get("claim"),
                topic=Topic.objects.filter(pk=values.get("topic") or 0).first(),
                first_seen=values.get("first_seen") or None, where_seen=values.get("where_seen", ""),
                spread=values.get("spread"),
            )
        except ContentError as refused:
            error = refused
        else:
            messages.success(request, "已保存修改。")
            return redirect("content:rumour_detail", rumour.pk)
    return render(request, "content/rumour_form.html", {
        "rumour": rumour, "topics": Topic.objects.all(), "spreads": Spread.choices, "values": values,
        "error": error,
    }, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def rumour_rebuttal(request, pk):
    rumour = _rumour(request, pk)
    if not debunking.may_manage(request.user, rumour):
        raise PermissionDenied("当前账号无权为该谣言起草辟谣内容")
    values, error = {"title": f"辟谣：{rumour.claim[:40]}"}, None
    if request.method == "POST":
        values = request.POST.dict()
        try:
            item = debunking.draft_rebuttal(
                actor=request.user, rumour=rumour, title=values.get("title", ""), body_html=values.get("body_html", ""),
                summary=values.get("summary", ""), broadcast_text=values.get("broadcast_text", ""),
            )
        except ContentError as refused:
            error = refused
        else:
            messages.success(request, f"已起草辟谣内容《{item.title}》，请提交科学性审查。")
            return redirect("content:rumour_detail", rumour.pk)
    return render(request, "content/rumour_rebuttal.html", {"rumour": rumour, "values": values, "error": error},
                  status=400 if error else 200)


@login_required
@require_POST
def rumour_close(request, pk):
    rumour = _rumour(request, pk)
    try:
        debunking.close_rumour(actor=request.user, rumour=rumour, note=request.POST.get("note", ""))
    except ContentError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "已结束跟踪。")
    return redirect("content:rumour_detail", rumour.pk)


# --- public pages (no sign-in) ---

def _public_candidates():
    return (Rumour.objects.filter(status__in=PUBLIC_STATUSES, rebuttal__approved_version__isnull=False)
            .exclude(rebuttal__status=ContentStatus.WITHDRAWN)
            .select_related("region", "topic", "rebuttal__approved_version").order_by("-rebutted_at", "-id"))


def public_rumours() -> list[Rumour]:
    """Rumours whose rebuttal passed review and may be shown today (not withdrawn, expired or out of season)."""
    today = timezone.localdate()
    return [rumour for rumour in _public_candidates()[:500] if rumour.rebuttal.is_current(today)]


@require_GET
def public_rumour_list(request):
    rumours = public_rumours()
    regions = sorted({rumour.region.pk: rumour.region for rumour in rumours}.values(), key=lambda r: r.path)
    region = selectors.region_by_code(request.GET.get("region", ""))
    if region is not None:
        rumours = [rumour for rumour in rumours if selectors.in_subtree_or_above(rumour.region, region)]
    return render(request, "content/public_rumour_list.html", {
        "rumours": rumours, "regions": regions, "region": region,
    })


@require_GET
def public_rumour_detail(request, pk):
    rumour = _public_candidates().filter(pk=pk).first()
    if rumour is None or not rumour.rebuttal.is_current(timezone.localdate()):
        raise Http404("没有该辟谣信息")
    return render(request, "content/public_rumour_detail.html", {
        "rumour": rumour, "version": rumour.rebuttal.approved_version,
    })
