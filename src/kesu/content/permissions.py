"""Who may see and change content, rumours and emergency events.

- Office admins author and manage the content of their region and every region under it, push and
  publish there, record rumours and start emergency events for regions within their own.
- Unit reporters offer their unit's content (source “成员单位提供”) and see what was pushed to their unit.
- Leaders and statisticians read their region's subtree.
- Experts see the items whose review they are assigned to; no one reviews content they wrote.
- Everyone, signed in or not, sees approved, current content on the public pages (kesu.content.public).
Approved content of the regions above a user's is readable too, so a county can push its city's items.
Objects outside a user's scope are missing (404), as everywhere in kesu.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from kesu.content.models import ContentItem, ContentStatus, EmergencyEvent, EmergencyPackage, Rumour
from kesu.org.models import Region, Role, User
from kesu.org.permissions import can_administer, home_region

READER_ROLES = (Role.OFFICE_ADMIN, Role.LEADER, Role.STATISTICIAN)


def _ancestor_paths(region: Region) -> list[str]:
    """The paths of `region` and every region above it (paths are prefixes of each other)."""
    parts = [part for part in region.path.split("/") if part]
    return ["/" + "/".join(parts[:length]) + "/" for length in range(1, len(parts) + 1)]


def _above(region: Region) -> Q:
    return Q(region__path__in=_ancestor_paths(region)) & ~Q(region=region)


def visible_items(user: User) -> QuerySet[ContentItem]:
    items = ContentItem.objects.all()
    if not user.is_authenticated:
        return items.none()
    if user.role == Role.EXPERT:
        return items.filter(rounds__reviews__expert__user=user).distinct()
    if user.role == Role.UNIT_REPORTER:
        if not user.unit_id:
            return items.none()
        return items.filter(Q(source_unit_id=user.unit_id) | Q(pushes__recipients__unit_id=user.unit_id)).distinct()
    if user.role in READER_ROLES and user.region_id:
        approved_above = _above(user.region) & Q(approved_version__isnull=False)
        return items.filter(Q(region__path__startswith=user.region.path) | approved_above)
    return items.none()


def can_manage(user: User, item: ContentItem) -> bool:
    return can_administer(user, item.region)


def require_manage(user: User, region: Region) -> None:
    if not can_administer(user, region):
        raise PermissionDenied(f"仅{region.name}及其上级纲要办管理员可以管理该区划的科普内容")


def can_author(user: User, region: Region) -> bool:
    if can_administer(user, region):
        return True
    unit_region = home_region(user) if user.is_authenticated and user.role == Role.UNIT_REPORTER else None
    return unit_region is not None and region.pk == unit_region.pk


def require_author(user: User, region: Region) -> None:
    if not can_author(user, region):
        raise PermissionDenied(f"当前账号无权在{region.name}登记科普内容")


def can_edit(user: User, item: ContentItem) -> bool:
    """The office manages every item of its region; a unit edits only the items its unit offered."""
    if item.status == ContentStatus.WITHDRAWN:
        return False
    if can_administer(user, item.region):
        return True
    return (
        user.is_authenticated and user.role == Role.UNIT_REPORTER and user.unit_id is not None
        and item.source_unit_id == user.unit_id
    )


def require_edit(user: User, item: ContentItem) -> None:
    if item.status == ContentStatus.WITHDRAWN:
        raise PermissionDenied("该内容已撤下，不能再修改")
    if not can_edit(user, item):
        raise PermissionDenied("当前账号无权修改该内容")


def require_within(user: User, regions) -> None:
    """A push, a publication or an emergency reaches only regions within the office's own."""
    if not (user.is_authenticated and user.role == Role.OFFICE_ADMIN and user.region_id):
        raise PermissionDenied("仅纲要办管理员可以发布、推送科普内容或启动应急科普")
    outside = [region.name for region in regions if not region.is_within(user.region)]
    if outside:
        raise PermissionDenied(f"{'、'.join(outside)}不在本纲要办（{user.region.name}）管辖范围内，不能向其发布或推送")


def visible_rumours(user: User) -> QuerySet[Rumour]:
    if user.is_authenticated and user.role in READER_ROLES and user.region_id:
        return Rumour.objects.filter(region__path__startswith=user.region.path)
    return Rumour.objects.none()


def visible_emergencies(user: User) -> QuerySet[EmergencyEvent]:
    """Readers see the events of their subtree and the events above them that affect their region;
    a unit sees the events whose pushes reached it."""
    if not user.is_authenticated:
        return EmergencyEvent.objects.none()
    if user.role == Role.UNIT_REPORTER and user.unit_id:
        return EmergencyEvent.objects.filter(pushes__recipients__unit_id=user.unit_id).distinct()
    if user.role in READER_ROLES and user.region_id:
        return EmergencyEvent.objects.filter(
            Q(region__path__startswith=user.region.path)
            | Q(affected_regions__path__startswith=user.region.path)
        ).distinct()
    return EmergencyEvent.objects.none()


def visible_packages(user: User) -> QuerySet[EmergencyPackage]:
    """An office sees the emergency packages of its subtree and those above it (which its events use)."""
    if user.is_authenticated and user.role in READER_ROLES and user.region_id:
        return EmergencyPackage.objects.filter(
            Q(region__path__startswith=user.region.path) | Q(region__path__in=_ancestor_paths(user.region))
        )
    return EmergencyPackage.objects.none()
