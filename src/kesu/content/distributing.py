"""Sending approved content out: the distribution log (`publish`), targeted pushes (`push_item`), the
recipients' answers (acknowledgement and reach) and topic subscriptions.

Only the approved version ever leaves: a publication or a push records the version it sent, so a
later edit (a new draft under review) never changes what went out. An item that is not current
today (not approved, withdrawn, not yet valid, expired, out of season) is refused by every channel.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from kesu.audit.context import acting_as
from kesu.content import clock, feeds, timeline
from kesu.content.errors import ContentError, service
from kesu.content.models import (
    Channel,
    ContentItem,
    ContentStatus,
    Publication,
    Push,
    PushRecipient,
    Subscription,
    Topic,
)
from kesu.content.models.emergencies import TimelineKind
from kesu.content.permissions import require_within, visible_items
from kesu.content.targeting import recipients_for
from kesu.org.models import Role, Unit
from kesu.org.permissions import can_administer
from kesu.resources.models import Messenger

# A sanity bound on a reported reach: a typo of extra zeros is refused, not summed into totals.
REACH_MAX = 10_000_000


def refusal(item: ContentItem, on: datetime.date) -> str:
    """Why `item` may not go out on `on` ("" when it may)."""
    if item.status == ContentStatus.WITHDRAWN:
        return f"《{item.title}》已撤下，不能再发布或推送"
    if item.approved_version_id is None:
        return f"《{item.title}》尚未通过科学性审查，不能发布或推送"
    if item.valid_from and on < item.valid_from:
        return f"《{item.title}》自{item.valid_from:%Y年%m月%d日}起生效，目前还不能发布"
    if item.expires_on and on > item.expires_on:
        return f"《{item.title}》已于{item.expires_on:%Y年%m月%d日}失效，不能再发布或推送"
    if not item.in_season(on):
        return (f"《{item.title}》只在每年{item.season_start_month}月至{item.season_end_month}月适用，"
                f"当前不在适用时段")
    return ""


def _require_current(item: ContentItem) -> None:
    reason = refusal(item, clock.today())
    if reason:
        raise ContentError(reason)


def _require_visible(actor, item: ContentItem) -> None:
    if not visible_items(actor).filter(pk=item.pk).exists():
        raise PermissionDenied("当前账号无权发布该内容")


def clean_reach(reach, *, required: bool = False) -> int | None:
    """`reach` as a non-negative int within REACH_MAX, or a ContentError naming the problem."""
    if reach in (None, ""):
        if required:
            raise ContentError("请填写传播人次", field="reach")
        return None
    try:
        value = int(str(reach).strip())
    except (TypeError, ValueError):
        raise ContentError("传播人次须为整数", field="reach") from None
    if value < 0:
        raise ContentError("传播人次不能为负数", field="reach")
    if value > REACH_MAX:
        raise ContentError(f"传播人次超过{REACH_MAX:,}，请核实后填写", field="reach")
    return value


def _lock(item: ContentItem) -> ContentItem:
    return ContentItem.objects.select_for_update().get(pk=item.pk)


def _mark_published(item: ContentItem, at: datetime.datetime) -> None:
    if item.first_published_at is None:
        item.first_published_at = at
        item.save(update_fields=["first_published_at", "updated_at"])


@service
def publish(*, actor, item, channel, region, reach=None, note="", emergency=None) -> Publication:
    """Record that the approved version of `item` went out by `channel` in `region`."""
    if channel not in Channel.values or channel == Channel.PUSH:
        raise ContentError("请选择发布渠道（精准推送请使用推送功能）", field="channel")
    require_within(actor, [region])
    item = _lock(item)
    _require_visible(actor, item)
    _require_current(item)
    version = item.approved_version
    if channel == Channel.BROADCAST and not version.broadcast_text.strip():
        raise ContentError("该内容的已通过版本没有广播/短信文本，不能通过应急广播发布", field="channel")
    now = clock.now()
    publication = Publication.objects.create(
        item=item, version=version, channel=channel, region=region, published_at=now, published_by=actor,
        reach=clean_reach(reach), note=(note or "")[:200], emergency=emergency or item.emergency,
    )
    _mark_published(item, now)
    feeds.sync_after_commit(feeds.year_of(now))
    timeline.note(
        publication.emergency, TimelineKind.PUBLISHED,
        f"在{region.name}通过{publication.get_channel_display()}发布《{item.title}》", item=item, region=region,
    )
    return publication


def _within_any(region, regions) -> bool:
    return any(region.is_within(chosen) for chosen in regions)


@service
def push_item(
    *, actor, item, regions, audiences=(), message="", units=None, messengers=None, due_at=None, emergency=None,
) -> Push:
    """Push the approved version of `item` to units and messengers serving `audiences` in `regions`.

    `units`/`messengers` None take kesu's proposal (kesu.content.targeting); otherwise they are the
    office's choice, each of which must be within the chosen regions."""
    regions = list(regions)
    if not regions:
        raise ContentError("请选择推送区划", field="regions")
    require_within(actor, regions)
    item = _lock(item)
    _require_visible(actor, item)
    _require_current(item)
    audiences = list(audiences)
    proposals = recipients_for(region_list=regions, audiences=audiences, topics=list(item.topics.all()))
    reasons = {proposal.key: proposal.reason for proposal in proposals}
    if units is None and messengers is None:
        chosen_units = [p.unit for p in proposals if p.unit]
        chosen_messengers = [p.messenger for p in proposals if p.messenger]
    else:
        chosen_units, chosen_messengers = list(units or ()), list(messengers or ())
    for unit in chosen_units:
        if not _within_any(unit.region, regions):
            raise ContentError(f"{unit.name}（{unit.region.name}）不在所选推送区划内", field="units")
    for messenger in chosen_messengers:
        if not messenger.is_active or not _within_any(messenger.region, regions):
            raise ContentError(f"科普信息员{messenger.name}不在所选推送区划内或已不在册", field="messengers")
    if not chosen_units and not chosen_messengers:
        raise ContentError("没有推送对象：请选择受众或勾选至少一个单位或信息员", field="units")
    emergency = emergency or item.emergency
    now = clock.now()
    if due_at is None and emergency is not None:
        due_at = now + datetime.timedelta(hours=emergency.distribute_within_hours)
    if due_at is not None and due_at <= now:
        raise ContentError("完成时限须晚于当前时间", field="due_at")
    home = regions[0] if len(regions) == 1 else actor.region
    publication = Publication.objects.create(
        item=item, version=item.approved_version, channel=Channel.PUSH, region=home, published_at=now,
        published_by=actor, note=(message or "")[:200], emergency=emergency,
    )
    push = Push.objects.create(
        item=item, version=item.approved_version, publication=publication, message=(message or "")[:300],
        sent_at=now, sent_by=actor, due_at=due_at, emergency=emergency,
    )
    push.regions.set(regions)
    push.audiences.set(audiences)
    PushRecipient.objects.bulk_create(
        [PushRecipient(push=push, unit=unit, reason=reasons.get(f"unit:{unit.pk}", "纲要办指定"))
         for unit in dict.fromkeys(chosen_units)]
        + [PushRecipient(push=push, messenger=m, reason=reasons.get(f"messenger:{m.pk}", "纲要办指定"))
           for m in dict.fromkeys(chosen_messengers)]
    )
    _mark_published(item, now)
    feeds.sync_after_commit(feeds.year_of(now))
    count = len(set(chosen_units)) + len(set(chosen_messengers))
    names = "、".join(region.name for region in regions)
    timeline.note(emergency, TimelineKind.PUSHED, f"向{names}推送《{item.title}》，共{count}个对象",
                  item=item, region=home)
    return push


def _lock_recipient(recipient: PushRecipient) -> PushRecipient:
    return PushRecipient.objects.select_for_update(of=("self",)).select_related("push__item", "push__emergency", "unit",
                                                                     "messenger").get(pk=recipient.pk)


def _require_answering(actor, recipient: PushRecipient) -> None:
    """A unit's recipient answers through its unit's reporter; a messenger's, through the pushing office
    (which records what the messenger said on the phone)."""
    if recipient.unit_id is not None:
        if not (actor.is_authenticated and actor.role == Role.UNIT_REPORTER and actor.unit_id == recipient.unit_id):
            raise PermissionDenied("只能由被推送单位的填报人签收和反馈")
        return
    if not can_administer(actor, recipient.messenger.region):
        raise PermissionDenied("只能由信息员所在区划的纲要办代为反馈")


def _acknowledge(recipient: PushRecipient) -> PushRecipient:
    if recipient.acknowledged_at is None:
        recipient.acknowledged_at = clock.now()
        recipient.save(update_fields=["acknowledged_at"])
        timeline.note(recipient.push.emergency, TimelineKind.ACKNOWLEDGED,
                      f"{recipient}签收《{recipient.push.item.title}》", item=recipient.push.item)
    return recipient


def _report(recipient: PushRecipient, reach, note: str) -> PushRecipient:
    recipient.reach = clean_reach(reach, required=True)
    recipient.reach_note = (note or "").strip()[:200]
    recipient.reported_at = clock.now()
    recipient.acknowledged_at = recipient.acknowledged_at or recipient.reported_at
    recipient.save(update_fields=["reach", "reach_note", "reported_at", "acknowledged_at"])
    # Reach counts in the year the push went out, which a late report may no longer be.
    feeds.sync_after_commit(feeds.year_of(recipient.push.sent_at))
    timeline.note(recipient.push.emergency, TimelineKind.REACH,
                  f"{recipient}反馈《{recipient.push.item.title}》传播{recipient.reach}人次", item=recipient.push.item)
    return recipient


@service
def acknowledge(*, actor, recipient) -> PushRecipient:
    recipient = _lock_recipient(recipient)
    _require_answering(actor, recipient)
    return _acknowledge(recipient)


@service
def report_reach(*, actor, recipient, reach, note="") -> PushRecipient:
    recipient = _lock_recipient(recipient)
    _require_answering(actor, recipient)
    return _report(recipient, reach, note)


def _by_token(token: str) -> PushRecipient:
    """The messenger's recipient row for `token` (PushRecipient.DoesNotExist for any other token)."""
    found = PushRecipient.objects.filter(token=str(token or ""), messenger__isnull=False).only("pk").first()
    if found is None:
        raise PushRecipient.DoesNotExist("无效的链接")
    return _lock_recipient(found)


def acknowledge_by_token(token: str) -> PushRecipient:
    """A messenger signs for a push through the link sent to them (no account)."""
    with acting_as(None, reason="科普信息员通过链接签收"), transaction.atomic():
        return _acknowledge(_by_token(token))


def report_reach_by_token(token: str, reach, note: str = "") -> PushRecipient:
    with acting_as(None, reason="科普信息员通过链接反馈"), transaction.atomic():
        return _report(_by_token(token), reach, note)


def _require_subscriber(actor, unit: Unit | None, messenger: Messenger | None) -> None:
    if (unit is None) == (messenger is None):
        raise ContentError("请指定订阅的单位或信息员（二选一）")
    if unit is not None:
        own = actor.is_authenticated and actor.role == Role.UNIT_REPORTER and actor.unit_id == unit.pk
        if not (own or can_administer(actor, unit.region)):
            raise PermissionDenied("只能为本单位，或由纲要办为本区划单位管理订阅")
    elif not can_administer(actor, messenger.region):
        raise PermissionDenied("只能由信息员所在区划的纲要办管理其订阅")


@service
def subscribe(*, actor, topic: Topic, unit=None, messenger=None) -> Subscription:
    _require_subscriber(actor, unit, messenger)
    subscription, _ = Subscription.objects.get_or_create(topic=topic, unit=unit, messenger=messenger)
    return subscription


@service
def unsubscribe(*, actor, topic: Topic, unit=None, messenger=None) -> None:
    _require_subscriber(actor, unit, messenger)
    Subscription.objects.filter(topic=topic, unit=unit, messenger=messenger).delete()
