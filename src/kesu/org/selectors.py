"""Reads for the office's unit and user pages. Each selector runs a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from kesu.org.models import Region, Role, Unit, User
from kesu.org.permissions import home_region


def administrable_regions(user: User) -> QuerySet[Region]:
    """Regions an office admin manages: its own and everything under it."""
    if not user.is_authenticated or user.role != Role.OFFICE_ADMIN or user.region_id is None:
        return Region.objects.none()
    return user.region.subtree()


def units_with_counts(region: Region) -> list[Unit]:
    """The region's units with their aliases and how many tasks, reports and users each has.
    Two queries: units with annotations, then aliases."""
    return list(
        Unit.objects.filter(region=region)
        .annotate(
            lead_count=Count("assignments", filter=Q(assignments__role="lead"), distinct=True),
            participating_count=Count(
                "assignments", filter=Q(assignments__role="participating"), distinct=True
            ),
            report_count=Count("reports", distinct=True),
            user_count=Count("users", distinct=True),
        )
        .prefetch_related("aliases")
        .order_by("-is_active", "name")
    )


def users_in_region(region: Region) -> list[User]:
    """Users acting for the region or its subtree, and reporters of units there. One query."""
    return list(
        User.objects.filter(Q(region__path__startswith=region.path) | Q(unit__region__path__startswith=region.path))
        .select_related("region", "unit", "unit__region")
        .order_by("role", "unit__name", "username")
    )


def default_region(user: User) -> Region | None:
    return home_region(user)


def visible_units_for_admin(user: User) -> QuerySet[Unit]:
    """Units an office admin can give reporters to (its region's subtree), for choice fields."""
    if user.role != Role.OFFICE_ADMIN or user.region_id is None:
        return Unit.objects.none()
    return Unit.objects.filter(region__path__startswith=user.region.path, is_active=True).select_related("region")
