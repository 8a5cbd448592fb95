"""应急科普: starting an emergency event, sending out the content prepared for it, and closing it.

Starting an event records it, names the on-call experts (the emergency experts of the affected
regions and the regions above them up to the office's, whose expertise fits the event type) and
pushes every current item of the packages for the event type (the office's region or above) to the
affected regions, each push due within the event's hours. Content written during the event is
reviewed on the fast track (kesu.content.authoring with `emergency=`). Everything done is written to
the event's timeline (kesu.content.timeline), which the after-action report tells in order.
"""

from __future__ import annotations

import datetime

from django.db.models import Q

from kesu.content import clock, distributing, feeds, timeline
from kesu.content.errors import ContentError, service
from kesu.content.models import (
    Audience,
    ContentItem,
    EmergencyEvent,
    EmergencyLevel,
    EmergencyPackage,
    EmergencyStatus,
    EventType,
    TimelineKind,
)
from kesu.content.permissions import _ancestor_paths, require_manage, require_within
from kesu.org.models import Region
from kesu.resources.models import Expert

# The expertise (kesu.resources ExpertiseTag codes) an on-call expert needs for each event type.
EVENT_EXPERTISE: dict[str, tuple[str, ...]] = {
    EventType.FLOOD: ("disaster", "meteorology", "emergency"),
    EventType.TYPHOON: ("disaster", "meteorology", "emergency", "marine"),
    EventType.EARTHQUAKE: ("earthquake", "disaster", "emergency"),
    EventType.GEOLOGICAL: ("geology", "disaster", "emergency"),
    EventType.EPIDEMIC: ("public_health", "health"),
    EventType.HEAT: ("health", "meteorology"),
    EventType.COLD: ("meteorology", "health", "emergency"),
    EventType.FIRE: ("fire_safety", "forestry", "emergency"),
    EventType.FOOD_SAFETY: ("food_safety", "health"),
    EventType.POLLUTION: ("ecology", "chemistry", "emergency"),
    EventType.OTHER: ("emergency",),
}
TITLE_MAX = 120
NOTE_MAX = 280
HOURS_MAX = 72
PUBLIC_AUDIENCE = "public"


def _clean_hours(hours) -> int:
    try:
        hours = int(str(hours).strip())
    except (TypeError, ValueError):
        raise ContentError("转发时限须为整数小时", field="distribute_within_hours") from None
    if not 1 <= hours <= HOURS_MAX:
        raise ContentError(f"转发时限须在1至{HOURS_MAX}小时之间", field="distribute_within_hours")
    return hours


def _clean_started_at(started_at) -> datetime.datetime:
    now = clock.now()
    if started_at is None:
        return now
    if started_at > now + datetime.timedelta(minutes=5):
        raise ContentError("启动时间不能晚于当前时间", field="started_at")
    return started_at


def _lock(event: EmergencyEvent) -> EmergencyEvent:
    return EmergencyEvent.objects.select_for_update(of=("self",)).select_related("region").get(pk=event.pk)


def on_call_experts(event: EmergencyEvent) -> list[Expert]:
    """The active emergency experts of the affected regions (townships included) and of every region
    above them — a county's event calls on its city's and province's emergency team too, as its
    packages come from above — whose tags fit the event type; every such expert when none fit."""
    paths: set[str] = set()
    within = Q()
    for region in event.affected_regions.all():
        paths.update(_ancestor_paths(region))
        within |= Q(region__path__startswith=region.path)
    pool = (Expert.objects.filter(is_active=True, is_emergency=True)
            .filter(Q(region__path__in=paths) | within).select_related("region"))
    fitting = list(pool.filter(tags__code__in=EVENT_EXPERTISE.get(event.event_type, ())).distinct())
    return fitting or list(pool)


def packages_for(event: EmergencyEvent):
    """The packages for the event's type in the office's region or above, nearest first."""
    return (EmergencyPackage.objects.filter(event_type=event.event_type, region__path__in=_ancestor_paths(event.region))
            .select_related("region").order_by("-region__path", "name"))


def _push_packages(actor, event: EmergencyEvent, regions: list[Region]) -> None:
    packages = list(packages_for(event))
    if not packages:
        timeline.note(event, TimelineKind.NOTE, f"未找到“{event.get_event_type_display()}”类应急科普资源包，未自动推送内容")
        return
    due_at = event.started_at + datetime.timedelta(hours=event.distribute_within_hours)
    if due_at <= clock.now():
        timeline.note(event, TimelineKind.NOTE, "启动时间距今已超过转发时限，资源包内容未自动推送，请人工推送")
        return
    audiences = list(Audience.objects.filter(code=PUBLIC_AUDIENCE))
    today = clock.today()
    sent: set[int] = set()
    for package in packages:
        for item in package.items.order_by("title", "pk"):
            if item.pk in sent:
                continue
            if not item.is_current(today):
                timeline.note(event, TimelineKind.NOTE,
                              f"资源包“{package.name}”中的《{item.title}》当前不在有效期或未通过审查，已跳过", item=item)
                continue
            try:
                distributing.push_item(actor=actor, item=item, regions=regions, audiences=audiences,
                                       message=f"应急科普：{event.title}", due_at=due_at, emergency=event)
            except ContentError as error:
                timeline.note(event, TimelineKind.NOTE, f"《{item.title}》未能推送：{error.message}", item=item)
                continue
            sent.add(item.pk)


@service
def start_emergency(
    *, actor, region, event_type, title, level, affected_regions, started_at=None, distribute_within_hours=6,
    description="",
) -> EmergencyEvent:
    """Start an emergency event of the office of `region` for `affected_regions` (all within the office's)."""
    require_manage(actor, region)
    affected = list(dict.fromkeys(affected_regions))
    if not affected:
        raise ContentError("请选择受影响区划", field="affected_regions")
    require_within(actor, [region, *affected])
    outside = [r.name for r in affected if not r.is_within(region)]
    if outside:
        raise ContentError(f"{'、'.join(outside)}不在{region.name}范围内", field="affected_regions")
    if event_type not in EventType.values:
        raise ContentError("请选择事件类型", field="event_type")
    if level not in EmergencyLevel.values:
        raise ContentError("请选择响应级别", field="level")
    title = (title or "").strip()
    if not title:
        raise ContentError("请填写事件名称", field="title")
    if len(title) > TITLE_MAX:
        raise ContentError(f"事件名称不能超过{TITLE_MAX}字", field="title")
    event = EmergencyEvent.objects.create(
        region=region, event_type=event_type, title=title, level=level, started_at=_clean_started_at(started_at),
        distribute_within_hours=_clean_hours(distribute_within_hours), description=(description or "").strip(),
        started_by=actor,
    )
    event.affected_regions.set(affected)
    feeds.sync_after_commit(feeds.year_of(event.started_at))
    names = "、".join(r.name for r in affected)
    timeline.note(event, TimelineKind.STARTED,
                  f"启动{event.get_level_display()}应急科普响应：{title}（{event.get_event_type_display()}，影响{names}）",
                  region=region, at=event.started_at)
    experts = on_call_experts(event)
    if experts:
        listing = "、".join(f"{e.name}（{e.region.name}）" for e in experts)
        timeline.note(event, TimelineKind.EXPERTS, f"应急科普专家待命：{listing}")
    else:
        timeline.note(event, TimelineKind.EXPERTS, "辖区内暂无应急科普专家可待命")
    _push_packages(actor, event, affected)
    return event


@service
def add_note(*, actor, event, text) -> None:
    event = _lock(event)
    require_manage(actor, event.region)
    text = (text or "").strip()
    if not text:
        raise ContentError("请填写工作记录内容", field="text")
    if len(text) > NOTE_MAX:
        raise ContentError(f"工作记录不能超过{NOTE_MAX}字", field="text")
    timeline.note(event, TimelineKind.NOTE, text)


@service
def close_emergency(*, actor, event, closed_at=None) -> EmergencyEvent:
    event = _lock(event)
    require_manage(actor, event.region)
    if event.status == EmergencyStatus.CLOSED:
        raise ContentError("该应急事件已结束")
    closed_at = closed_at or clock.now()
    if closed_at < event.started_at:
        raise ContentError("结束时间不能早于启动时间", field="closed_at")
    event.status = EmergencyStatus.CLOSED
    event.closed_at = closed_at
    event.save(update_fields=["status", "closed_at"])
    timeline.note(event, TimelineKind.CLOSED, f"结束应急科普响应：{event.title}", at=closed_at)
    return event


# --- packages (平急结合: approved in calm times, ready for the event) ---

@service
def create_package(*, actor, region, event_type, name) -> EmergencyPackage:
    require_manage(actor, region)
    if event_type not in EventType.values:
        raise ContentError("请选择事件类型", field="event_type")
    name = (name or "").strip()
    if not name:
        raise ContentError("请填写资源包名称", field="name")
    if len(name) > 100:
        raise ContentError("资源包名称不能超过100字", field="name")
    if EmergencyPackage.objects.filter(region=region, event_type=event_type, name=name).exists():
        raise ContentError(f"{region.name}已有同名的{EventType(event_type).label}资源包", field="name")
    return EmergencyPackage.objects.create(region=region, event_type=event_type, name=name)


@service
def set_package_items(*, actor, package, items) -> EmergencyPackage:
    """Set the package's content: approved items of the package's region or the regions above it."""
    package = EmergencyPackage.objects.select_for_update(of=("self",)).select_related("region").get(pk=package.pk)
    require_manage(actor, package.region)
    items = list(dict.fromkeys(items))
    paths = set(_ancestor_paths(package.region))
    for item in items:
        if not isinstance(item, ContentItem) or item.region.path not in paths:
            raise ContentError(f"《{item}》不属于{package.region.name}或其上级区划，不能加入资源包", field="items")
        if item.approved_version_id is None or item.status == "withdrawn":
            raise ContentError(f"《{item.title}》尚未通过科学性审查或已撤下，不能加入资源包", field="items")
    package.items.set(items)
    return package


def package_choices(region: Region):
    """Items that may go into a package of `region`: approved and not withdrawn, of the region or above."""
    return (ContentItem.objects.filter(region__path__in=_ancestor_paths(region), approved_version__isnull=False)
            .exclude(status="withdrawn").filter(Q(expires_on__isnull=True) | Q(expires_on__gte=clock.today()))
            .order_by("title"))
