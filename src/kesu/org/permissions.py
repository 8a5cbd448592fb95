"""Who may see and change what. Every view and API endpoint goes through these functions; templates
never decide access.

Rules:
- office admins act for their region and every region under it (read and write);
- leaders and statisticians read everything in their region's subtree; leaders never write;
- unit reporters see only the tasks their unit is assigned to and only their own unit's reports.
Objects outside a user's scope are reported as missing (404) rather than forbidden, so that IDs of
other units' objects cannot be probed; a page the role may never use answers 403.

The scoping of an app's own rows lives with that app (kesu.planning.selectors.visible_plans and
visible_tasks, kesu.progress.selectors.visible_reports), built on `home_region` here: org sits below
those apps and never imports them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from kesu.org.models import Region, Role, Unit, User


def require_role(user: User, *roles: str) -> None:
    if not user.is_authenticated or user.role not in roles:
        raise PermissionDenied("当前角色无权访问此页面 / your role may not use this page")


def home_region(user: User) -> Region | None:
    if user.role == Role.UNIT_REPORTER:
        return user.unit.region if user.unit_id else None
    return user.region


def visible_regions(user: User) -> QuerySet[Region]:
    region = home_region(user)
    if region is None:
        return Region.objects.none()
    if user.role == Role.UNIT_REPORTER:
        return Region.objects.filter(pk=region.pk)
    return region.subtree()


def visible_units(user: User) -> QuerySet[Unit]:
    if user.role == Role.UNIT_REPORTER:
        return Unit.objects.filter(pk=user.unit_id) if user.unit_id else Unit.objects.none()
    region = home_region(user)
    if region is None:
        return Unit.objects.none()
    return Unit.objects.filter(region__path__startswith=region.path)


def get_visible_or_404(queryset: QuerySet, **lookup):
    """Fetch one object from a queryset already narrowed to the user's scope."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404("对象不存在或无权查看 / not found") from exc


def can_administer(user: User, region: Region) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.OFFICE_ADMIN
        and user.region_id is not None
        and region.is_within(user.region)
    )


def can_report_for(user: User, unit: Unit) -> bool:
    return user.is_authenticated and user.role == Role.UNIT_REPORTER and user.unit_id == unit.pk


def require_office_admin(user: User, region: Region) -> None:
    if not can_administer(user, region):
        raise PermissionDenied("仅纲要办管理员可执行此操作 / only the office may do this")
