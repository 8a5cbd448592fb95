"""Pages of distribution: an item's 发布 tab (channel downloads and the distribution log), the push form
with kesu's proposal, a push's recipients, a unit's inbox, a messenger's link page and subscriptions.

Objects come from the user's scope (visible_items, the user's unit, the token) so another unit's
recipient is simply missing (404); the services check permission again."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, Sum
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kesu.content import channels, distributing
from kesu.content.errors import ContentError
from kesu.content.models import Audience, Channel, Publication, Push, PushRecipient, Subscription, Topic
from kesu.content.permissions import READER_ROLES, visible_items
from kesu.content.targeting import recipients_for
from kesu.org.models import Region, Role, Unit
from kesu.org.permissions import can_administer
from kesu.resources.models import Messenger
from kesu.resources.views import paged

PUBLISH_CHANNELS = [(value, label) for value, label in Channel.choices if value != Channel.PUSH]


def _is_office(user) -> bool:
    return user.role == Role.OFFICE_ADMIN and bool(user.region_id)


def _office_regions(user):
    return Region.objects.filter(path__startswith=user.region.path).order_by("path")[:300]


def _item(request, pk):
    return get_object_or_404(visible_items(request.user).select_related("approved_version", "region"), pk=pk)


def _ids(values) -> list[int]:
    return [int(value) for value in values if str(value).isdigit()]


def _push_rows(pushes):
    return pushes.annotate(
        recipient_count=Count("recipients"),
        acknowledged=Count("recipients", filter=Q(recipients__acknowledged_at__isnull=False)),
        reach_total=Sum("recipients__reach"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def distribution(request, pk):
    item = _item(request, pk)
    today = timezone.localdate()
    may_publish = _is_office(request.user)
    if request.method == "POST":
        if not may_publish:
            raise PermissionDenied("仅纲要办管理员可以登记发布")
        region = get_object_or_404(Region, pk=request.POST.get("region") or 0)
        try:
            distributing.publish(actor=request.user, item=item, channel=request.POST.get("channel", ""),
                                 region=region, reach=request.POST.get("reach"), note=request.POST.get("note", ""))
        except ContentError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已登记发布记录")
        return redirect("content:distribution", pk=item.pk)
    publications = Publication.objects.filter(item=item).select_related("region", "published_by", "version", "push")
    pushes = _push_rows(Push.objects.filter(item=item).select_related("publication__region"))
    push_reach = {push.publication_id: push.reach_total for push in pushes}
    rows = [(p, p.reach if p.channel != Channel.PUSH else push_reach.get(p.pk)) for p in publications]
    version = item.approved_version
    wechat = channels.wechat_html(version) if version else ""
    return render(request, "content/dist_item.html", {
        "item": item, "version": version, "refusal": distributing.refusal(item, today), "wechat": wechat,
        "rows": rows, "reach_total": sum(reach or 0 for _, reach in rows), "pushes": pushes,
        "may_publish": may_publish, "channels": PUBLISH_CHANNELS,
        "regions": _office_regions(request.user) if may_publish else [],
    })


@login_required
@require_GET
def download(request, pk, what):
    item = _item(request, pk)
    reason = distributing.refusal(item, timezone.localdate())
    if reason:
        messages.error(request, reason)
        return redirect("content:distribution", pk=item.pk)
    version = item.approved_version
    try:
        if what == "wechat":
            data, kind, name = channels.wechat_html(version).encode(), "text/html; charset=utf-8", "公众号.html"
        elif what in ("poster", "poster-a3"):
            data = channels.poster_pdf(version, "A3" if what == "poster-a3" else "A4")
            kind, name = "application/pdf", "海报.pdf"
        elif what == "broadcast":
            data, kind, name = channels.broadcast_text(version).encode(), "text/plain; charset=utf-8", "广播文本.txt"
        elif what == "package":
            data, kind, name = channels.unit_package(item), "application/zip", "单位资料包.zip"
        else:
            raise Http404
    except ContentError as error:
        messages.error(request, error.message)
        return redirect("content:distribution", pk=item.pk)
    response = HttpResponse(data, content_type=kind)
    stem = channels._safe_name(version.title)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(stem + '-' + name)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def _push_choices(request):
    user = request.user
    allowed = {region.pk: region for region in _office_regions(user)}
    regions = [allowed[pk] for pk in _ids(request.POST.getlist("regions")) if pk in allowed]
    audiences = list(Audience.objects.filter(pk__in=_ids(request.POST.getlist("audiences"))))
    return regions, audiences


@login_required
@require_http_methods(["GET", "POST"])
def push_form(request, pk):
    item = _item(request, pk)
    if not _is_office(request.user):
        raise PermissionDenied("仅纲要办管理员可以推送内容")
    if request.method == "POST":
        regions, audiences = _push_choices(request)
        units = messengers = None
        if request.POST.get("previewed"):
            units = list(Unit.objects.filter(pk__in=_ids(request.POST.getlist("units"))).select_related("region"))
            messengers = list(Messenger.objects.filter(pk__in=_ids(request.POST.getlist("messengers")))
                              .select_related("region"))
        due_at = _due_at(request.POST.get("due_at", ""))
        try:
            push = distributing.push_item(actor=request.user, item=item, regions=regions, audiences=audiences,
                                          message=request.POST.get("message", ""), units=units,
                                          messengers=messengers, due_at=due_at)
        except ContentError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已推送给{push.recipients.count()}个对象")
            return redirect("content:push_detail", pk=push.pk)
    return render(request, "content/push_form.html", {
        "item": item, "refusal": distributing.refusal(item, timezone.localdate()),
        "audiences": Audience.objects.all(), "regions": _office_regions(request.user),
    })


def _due_at(text: str):
    if not text:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@login_required
@require_POST
def push_preview(request, pk):
    item = _item(request, pk)
    if not _is_office(request.user):
        raise PermissionDenied("仅纲要办管理员可以推送内容")
    regions, audiences = _push_choices(request)
    proposals = recipients_for(region_list=regions, audiences=audiences, topics=list(item.topics.all())) \
        if regions else []
    return render(request, "content/push_preview.html", {"proposals": proposals, "regions": regions})


def _visible_pushes(user):
    if user.role in READER_ROLES and user.region_id:
        return Push.objects.filter(publication__region__path__startswith=user.region.path)
    return Push.objects.none()


@login_required
@require_http_methods(["GET", "POST"])
def push_detail(request, pk):
    push = get_object_or_404(_visible_pushes(request.user).select_related("item", "version", "publication__region"),
                             pk=pk)
    if request.method == "POST":
        recipient = get_object_or_404(PushRecipient, push=push, pk=request.POST.get("recipient") or 0)
        try:
            distributing.report_reach(actor=request.user, recipient=recipient, reach=request.POST.get("reach"),
                                      note=request.POST.get("note", ""))
        except ContentError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已记录{recipient}的传播情况")
        return redirect("content:push_detail", pk=push.pk)
    recipients = list(push.recipients.select_related("unit__region", "messenger__region"))
    now = timezone.now()
    for recipient in recipients:
        recipient.overdue = bool(push.due_at and recipient.reported_at is None and now > push.due_at)
        recipient.may_record = recipient.messenger_id is not None and can_administer(request.user,
                                                                                    recipient.messenger.region)
    return render(request, "content/push_detail.html", {
        "push": push, "recipients": recipients,
        "acknowledged": sum(1 for r in recipients if r.acknowledged_at),
        "reach_total": sum(r.reach or 0 for r in recipients),
    })


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request):
    user = request.user
    if user.role != Role.UNIT_REPORTER or not user.unit_id:
        raise PermissionDenied("收件箱仅供成员单位填报人使用")
    mine = PushRecipient.objects.filter(unit_id=user.unit_id)
    if request.method == "POST":
        recipient = get_object_or_404(mine, pk=request.POST.get("recipient") or 0)
        try:
            if request.POST.get("action") == "acknowledge":
                distributing.acknowledge(actor=user, recipient=recipient)
                messages.success(request, "已签收")
            else:
                distributing.report_reach(actor=user, recipient=recipient, reach=request.POST.get("reach"),
                                          note=request.POST.get("note", ""))
                messages.success(request, "已反馈传播情况")
        except ContentError as error:
            messages.error(request, error.message)
        return redirect("content:inbox")
    rows = list(mine.select_related("push__item", "push__version", "push__sent_by", "push__emergency")
                .order_by(F("acknowledged_at").desc(nulls_first=True), "-push__sent_at")[:200])
    now = timezone.now()
    for row in rows:
        row.reason_lines = [line for line in row.reason.split("；") if line]
        row.overdue = bool(row.push.due_at and row.reported_at is None and now > row.push.due_at)
    return render(request, "content/inbox.html", {"rows": rows, "now": now})


@require_http_methods(["GET", "POST"])
def messenger_page(request, token):
    recipient = get_object_or_404(
        PushRecipient.objects.select_related("push__item", "push__version", "messenger"),
        token=token, messenger__isnull=False,
    )
    if request.method == "POST":
        try:
            if request.POST.get("action") == "acknowledge":
                distributing.acknowledge_by_token(token)
                messages.success(request, "已签收，谢谢！")
            else:
                distributing.report_reach_by_token(token, request.POST.get("reach"), request.POST.get("note", ""))
                messages.success(request, "已收到您反馈的传播情况，谢谢！")
        except ContentError as error:
            messages.error(request, error.message)
        return redirect("content:messenger_page", token=token)
    return render(request, "content/messenger_page.html", {
        "recipient": recipient, "push": recipient.push, "version": recipient.push.version,
    })


def _subscription_target(request):
    """(unit, messenger, topic, on) from the pressed button ("unit:3:7:1") or from separate fields."""
    pressed = request.POST.get("toggle", "")
    if pressed:
        kind, pk, topic_pk, on = [*pressed.split(":"), "", "", "", ""][:4]
    else:
        (kind, _, pk), topic_pk, on = request.POST.get("target", "").partition(":"), request.POST.get("topic"), \
            request.POST.get("on")
    topic = get_object_or_404(Topic, pk=topic_pk if str(topic_pk).isdigit() else 0)
    if kind == "unit" and pk.isdigit():
        return get_object_or_404(Unit, pk=pk), None, topic, on == "1"
    if kind == "messenger" and pk.isdigit():
        return None, get_object_or_404(Messenger, pk=pk), topic, on == "1"
    raise Http404


def _subscription_regions(user):
    """The office's regions that have someone to subscribe (active units or messengers), its own first."""
    subtree = Region.objects.filter(path__startswith=user.region.path)
    holders = (Q(pk=user.region_id) | Q(pk__in=Unit.objects.filter(is_active=True).values("region"))
               | Q(pk__in=Messenger.objects.filter(is_active=True).values("region")))
    return list(subtree.filter(holders).order_by("path")[:300])


def _back_to(request) -> str:
    """The page (region and page number) the toggle was pressed on, rebuilt from its known keys only."""
    sent = QueryDict(request.POST.get("back", ""))
    kept = {key: sent[key] for key in ("region", "page", "n") if sent.get(key, "").isalnum()}
    return f"{request.path}?{urlencode(kept)}" if kept else request.path


@login_required
@require_http_methods(["GET", "POST"])
def subscriptions(request):
    user = request.user
    if request.method == "POST":
        unit, messenger, topic, on = _subscription_target(request)
        verb = distributing.subscribe if on else distributing.unsubscribe
        try:
            verb(actor=user, topic=topic, unit=unit, messenger=messenger)
        except ContentError as error:
            messages.error(request, error.message)
        return redirect(_back_to(request))
    page, regions, region = None, [], None
    if user.role == Role.UNIT_REPORTER and user.unit_id:
        targets = [("unit", unit) for unit in Unit.objects.filter(pk=user.unit_id)]
    elif _is_office(user):
        regions = _subscription_regions(user)
        code = request.GET.get("region", "")
        region = next((r for r in regions if r.code == code), user.region)
        targets = [("unit", u) for u in Unit.objects.filter(region=region, is_active=True).order_by("name")]
        # A county may have thousands of messengers: one page at a time, the region's units on every page.
        page = paged(Messenger.objects.filter(region__path__startswith=region.path, is_active=True)
                     .select_related("region").order_by("region__path", "name", "pk"), request.GET, size=25)
        targets += [("messenger", m) for m in page.rows]
    else:
        raise PermissionDenied("仅成员单位填报人和纲要办管理员可以管理订阅")
    topics = list(Topic.objects.all())
    existing = set(Subscription.objects.filter(
        Q(unit_id__in=[t.pk for k, t in targets if k == "unit"])
        | Q(messenger_id__in=[t.pk for k, t in targets if k == "messenger"])
    ).values_list("unit_id", "messenger_id", "topic_id"))
    rows = [{
        "kind": kind, "target": target,
        "topics": [(topic, (target.pk if kind == "unit" else None, target.pk if kind == "messenger" else None,
                            topic.pk) in existing) for topic in topics],
    } for kind, target in targets]
    return render(request, "content/subscriptions.html", {
        "rows": rows, "topics": topics, "page": page, "regions": regions, "region": region,
        "back": request.GET.urlencode(),
    })
