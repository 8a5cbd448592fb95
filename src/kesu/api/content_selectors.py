"""Reads behind the 科普内容 endpoints. Every object comes from a kesu.content.permissions queryset
(visible_items, visible_rumours, visible_emergencies), so the API sees what the pages show and an
object out of scope is a 404; lists load what they show in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kesu.content.errors import ContentError
from kesu.content.models import (
    Audience,
    ContentItem,
    ContentReview,
    EmergencyEvent,
    Push,
    PushRecipient,
    ReviewRound,
    Rumour,
    Topic,
)
from kesu.content.permissions import READER_ROLES, visible_emergencies, visible_items, visible_rumours
from kesu.content.permissions import _ancestor_paths as ancestor_paths
from kesu.org.models import Region, Role, Unit, User
from kesu.org.permissions import home_region, visible_units
from kesu.resources.models import Messenger


def region_by_code(code: str | None, *, user: User, field: str) -> Region:
    """The region of `code`, or the user's own when none is given; an unknown code is a 400 naming `field`."""
    if not code:
        region = home_region(user)
        if region is None:
            raise ContentError("当前账号没有所属区划，请填写区划代码", field=field)
        return region
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        raise ContentError(f"区划代码“{code}”不存在", field=field)
    return region


def regions_by_codes(codes, *, field: str) -> list[Region]:
    codes = [code.strip() for code in codes]
    found = {region.code: region for region in Region.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise ContentError(f"区划代码“{'、'.join(missing)}”不存在", field=field)
    return [found[code] for code in dict.fromkeys(codes)]


def topic_by_code(code: str, *, field: str = "topic") -> Topic:
    topic = Topic.objects.filter(code=(code or "").strip()).first()
    if topic is None:
        raise ContentError(f"未知的主题：{code}", field=field)
    return topic


def objects_by_ids(queryset: QuerySet, ids, *, field: str, label: str) -> list:
    """The rows of `queryset` (the user's scope) with `ids`, in order; a missing id is a 400 that does
    not say whether the row exists elsewhere. The service decides whether the user may use each one."""
    ids = list(dict.fromkeys(ids))
    found = queryset.in_bulk(ids)
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ContentError(f"{label}编号{'、'.join(missing)}不存在或不在权限范围内", field=field)
    return [found[pk] for pk in ids]


def audiences_by_codes(codes) -> list[Audience]:
    found = {audience.code: audience for audience in Audience.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise ContentError(f"未知的受众：{'、'.join(missing)}", field="audiences")
    return [found[code] for code in dict.fromkeys(codes)]


def push_units(user: User, ids) -> list[Unit]:
    return objects_by_ids(visible_units(user).select_related("region"), ids, field="unit_ids", label="单位")


def push_messengers(user: User, ids) -> list[Messenger]:
    region = home_region(user)
    scope = Messenger.objects.filter(region__path__startswith=region.path) if region else Messenger.objects.none()
    return objects_by_ids(scope.select_related("region"), ids, field="messenger_ids", label="科普信息员")


def source_unit(user: User, unit_id: int | None) -> Unit | None:
    """A unit of the user's region, the regions under it or above it (an item may name its city's units)."""
    if unit_id is None:
        return None
    region = home_region(user)
    if region is None:
        scope = Unit.objects.none()
    else:
        scope = Unit.objects.filter(Q(region__path__startswith=region.path) | Q(region__path__in=ancestor_paths(region)))
    return objects_by_ids(scope.select_related("region"), [unit_id], field="source_unit_id", label="单位")[0]


# --- content ----------------------------------------------------------------------------------------


def _items(user: User) -> QuerySet[ContentItem]:
    return visible_items(user).select_related("region", "current_version", "approved_version").prefetch_related(
        "topics", "audiences"
    )


def item_in_scope(*, user: User, content_id: int) -> ContentItem:
    return get_object_or_404(_items(user), pk=content_id)


def content_out(item: ContentItem, today) -> dict:
    return {
        "id": item.pk, "title": item.title, "summary": item.summary, "kind": item.kind, "status": item.status,
        "region": item.region.code, "region_name": item.region.name,
        "topics": [topic.code for topic in item.topics.all()],
        "audiences": [audience.code for audience in item.audiences.all()],
        "source": item.source, "is_rebuttal": item.is_rebuttal, "emergency_id": item.emergency_id,
        "current_version": item.current_version.number if item.current_version else None,
        "approved_version": item.approved_version.number if item.approved_version else None,
        "valid_from": item.valid_from, "expires_on": item.expires_on,
        "season_start_month": item.season_start_month, "season_end_month": item.season_end_month,
        "is_current": item.is_current(today), "updated_at": item.updated_at,
    }


def content_page(*, user: User, filters) -> tuple[int, list[dict]]:
    items = _items(user)
    if filters.status:
        items = items.filter(status=filters.status)
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.topic:
        items = items.filter(topics__code=filters.topic)
    if filters.audience:
        items = items.filter(audiences__code=filters.audience)
    if filters.region:
        region = region_by_code(filters.region, user=user, field="region")
        items = items.filter(region__path__startswith=region.path)
    if filters.q:
        items = items.filter(Q(title__icontains=filters.q) | Q(summary__icontains=filters.q))
    items = items.distinct().order_by("-updated_at", "-id")
    today = timezone.localdate()
    page = items[filters.offset : filters.offset + filters.limit]
    return items.count(), [content_out(item, today) for item in page]


def content_detail(*, user: User, content_id: int) -> dict:
    item = item_in_scope(user=user, content_id=content_id)
    version = item.current_version
    return {
        **content_out(item, timezone.localdate()),
        "source_unit_id": item.source_unit_id, "source_name": item.source_name, "source_url": item.source_url,
        "licence": item.licence, "body_html": version.body_html if version else "",
        "broadcast_text": version.broadcast_text if version else "", "file_name": version.file_name if version else "",
        "first_published_at": item.first_published_at, "created_at": item.created_at,
    }


def versions(item: ContentItem) -> list[dict]:
    return [
        {
            "number": version.number, "title": version.title, "summary": version.summary,
            "body_html": version.body_html, "broadcast_text": version.broadcast_text,
            "file_name": version.file_name, "file_type": version.file_type, "file_size": version.file_size,
            "file_sha256": version.file_sha256, "note": version.note,
            "created_by": str(version.created_by or ""), "created_at": version.created_at,
            "is_approved": version.pk == item.approved_version_id,
        }
        for version in item.versions.select_related("created_by").order_by("number")
    ]


def rounds(item: ContentItem) -> list[dict]:
    reviews = Prefetch("reviews", queryset=ContentReview.objects.select_related("expert").order_by("id"))
    queryset = ReviewRound.objects.filter(item=item).select_related("version").prefetch_related(reviews)
    return [
        {
            "id": round_.pk, "version": round_.version.number, "required": round_.required,
            "fast_track": round_.fast_track, "status": round_.status, "opened_at": round_.opened_at,
            "due_at": round_.due_at, "closed_at": round_.closed_at,
            "reviews": [
                {"id": review.pk, "expert_id": review.expert_id, "expert_name": review.expert.name,
                 "verdict": review.verdict, "comments": review.comments, "assigned_at": review.assigned_at,
                 "decided_at": review.decided_at}
                for review in round_.reviews.all()
            ],
        }
        for round_ in queryset.order_by("-opened_at", "-id")
    ]


def review_in_scope(*, item: ContentItem, review_id: int) -> ContentReview:
    return get_object_or_404(ContentReview.objects.filter(round__item=item), pk=review_id)


def publications(item: ContentItem) -> list[dict]:
    queryset = item.publications.select_related("version", "region", "published_by", "push").prefetch_related(
        "push__recipients"
    )
    rows = []
    for publication in queryset.order_by("-published_at", "-id"):
        push = getattr(publication, "push", None)
        reach = publication.reach
        if push is not None:
            reach = sum(recipient.reach or 0 for recipient in push.recipients.all())
        rows.append({
            "id": publication.pk, "version": publication.version.number, "channel": publication.channel,
            "region": publication.region.code, "region_name": publication.region.name,
            "published_at": publication.published_at, "published_by": str(publication.published_by or ""),
            "reach": reach, "note": publication.note, "emergency_id": publication.emergency_id,
            "push_id": push.pk if push is not None else None,
        })
    return rows


# --- pushes -----------------------------------------------------------------------------------------


def visible_pushes(user: User) -> QuerySet[Push]:
    """A unit reads the pushes that reached it; readers the pushes of items they see sent to or from
    their region's subtree."""
    if not user.is_authenticated:
        return Push.objects.none()
    if user.role == Role.UNIT_REPORTER:
        if not user.unit_id:
            return Push.objects.none()
        return Push.objects.filter(recipients__unit_id=user.unit_id).distinct()
    if user.role in READER_ROLES and user.region_id:
        path = user.region.path
        return Push.objects.filter(
            Q(item__in=visible_items(user))
            & (Q(regions__path__startswith=path) | Q(publication__region__path__startswith=path))
        ).distinct()
    return Push.objects.none()


def _recipients(user: User, push: Push | None = None) -> QuerySet[PushRecipient]:
    recipients = PushRecipient.objects.select_related("unit", "messenger")
    if push is not None:
        recipients = recipients.filter(push=push)
    else:
        recipients = recipients.filter(push__in=visible_pushes(user))
    if user.role == Role.UNIT_REPORTER:
        # A unit answers for itself and does not learn who else was sent the item.
        recipients = recipients.filter(unit_id=user.unit_id)
    return recipients


def recipient_in_scope(*, user: User, recipient_id: int) -> PushRecipient:
    return get_object_or_404(_recipients(user), pk=recipient_id)


def push_detail(*, user: User, push_id: int) -> dict:
    push = get_object_or_404(
        visible_pushes(user).select_related("item", "version", "sent_by").prefetch_related("regions", "audiences"),
        pk=push_id,
    )
    recipients = [
        {
            "id": recipient.pk, "unit_id": recipient.unit_id, "unit_name": recipient.unit.name if recipient.unit else "",
            "messenger_id": recipient.messenger_id,
            "messenger_name": recipient.messenger.name if recipient.messenger else "", "reason": recipient.reason,
            "acknowledged_at": recipient.acknowledged_at, "reach": recipient.reach,
            "reach_note": recipient.reach_note, "reported_at": recipient.reported_at,
        }
        for recipient in _recipients(user, push).order_by("id")
    ]
    return {
        "id": push.pk, "content_id": push.item_id, "title": push.item.title, "version": push.version.number,
        "message": push.message, "regions": [region.code for region in push.regions.all()],
        "audiences": [audience.code for audience in push.audiences.all()], "sent_at": push.sent_at,
        "sent_by": str(push.sent_by or ""), "due_at": push.due_at, "emergency_id": push.emergency_id,
        "recipients": recipients,
        "acknowledged": sum(1 for row in recipients if row["acknowledged_at"] is not None),
        "reach": sum(row["reach"] or 0 for row in recipients),
    }


# --- rumours ----------------------------------------------------------------------------------------


def _rumours(user: User) -> QuerySet[Rumour]:
    return visible_rumours(user).select_related("region", "topic", "rebuttal")


def rumour_in_scope(*, user: User, rumour_id: int) -> Rumour:
    return get_object_or_404(_rumours(user), pk=rumour_id)


def rumour_out(rumour: Rumour) -> dict:
    return {
        "id": rumour.pk, "claim": rumour.claim, "region": rumour.region.code, "region_name": rumour.region.name,
        "topic": rumour.topic.code, "topic_name": rumour.topic.name, "first_seen": rumour.first_seen,
        "where_seen": rumour.where_seen, "spread": rumour.spread, "status": rumour.status,
        "rebuttal_id": rumour.rebuttal_id, "rebuttal_status": rumour.rebuttal.status if rumour.rebuttal else None,
        "rebutted_at": rumour.rebutted_at, "closed_at": rumour.closed_at, "closing_note": rumour.closing_note,
    }


def rumour_page(*, user: User, filters) -> tuple[int, list[dict]]:
    rumours = _rumours(user)
    if filters.status:
        rumours = rumours.filter(status=filters.status)
    if filters.topic:
        rumours = rumours.filter(topic__code=filters.topic)
    rumours = rumours.order_by("-first_seen", "-id")
    page = rumours[filters.offset : filters.offset + filters.limit]
    return rumours.count(), [rumour_out(rumour) for rumour in page]


def rumour_detail(*, user: User, rumour_id: int) -> dict:
    return rumour_out(rumour_in_scope(user=user, rumour_id=rumour_id))


# --- emergencies ------------------------------------------------------------------------------------


def _events(user: User) -> QuerySet[EmergencyEvent]:
    return visible_emergencies(user).select_related("region").prefetch_related("affected_regions")


def event_in_scope(*, user: User, emergency_id: int) -> EmergencyEvent:
    return get_object_or_404(_events(user), pk=emergency_id)


def event_out(event: EmergencyEvent) -> dict:
    return {
        "id": event.pk, "title": event.title, "event_type": event.event_type, "level": event.level,
        "status": event.status, "region": event.region.code, "region_name": event.region.name,
        "affected_regions": [region.code for region in event.affected_regions.all()],
        "started_at": event.started_at, "closed_at": event.closed_at,
        "distribute_within_hours": event.distribute_within_hours,
    }


def event_page(*, user: User, filters) -> tuple[int, list[dict]]:
    events = _events(user)
    if filters.status:
        events = events.filter(status=filters.status)
    events = events.order_by("-started_at", "-id")
    page = events[filters.offset : filters.offset + filters.limit]
    return events.count(), [event_out(event) for event in page]


def event_detail(*, user: User, emergency_id: int) -> dict:
    event = event_in_scope(user=user, emergency_id=emergency_id)
    timeline = event.timeline.select_related("region").order_by("at", "id")
    return {
        **event_out(event), "description": event.description,
        "push_ids": list(visible_pushes(user).filter(emergency=event).order_by("sent_at", "id")
                         .values_list("pk", flat=True)),
        "timeline": [
            {"at": entry.at, "kind": entry.kind, "text": entry.text, "content_id": entry.item_id,
             "region": entry.region.code if entry.region else None, "actor_name": entry.actor_name}
            for entry in timeline
        ],
    }
