"""Reads of the registries: scoped querysets (`visible_records`), filters shared by the list pages,
the API and the CLI, and one flat row per record for exports and JSON.

Scope: `user` narrows to what that user may see (kesu.resources.permissions); the CLI, which runs as
the system, passes `region` instead. Filters are plain strings as they arrive from a query string.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When

from kesu.org.models import Region, User
from kesu.resources import permissions
from kesu.resources.kinds import KINDS, Column, Kind
from kesu.resources.masking import shown
from kesu.resources.models import (
    Activity,
    ApplicationStatus,
    BaseApplication,
    BaseLevel,
    Expert,
    OutreachBase,
)
from kesu.resources.models.bases import STANDING_STATUSES


@dataclass(frozen=True)
class Filters:
    region: str = ""  # a region code: that region and everything under it
    year: int | None = None
    level: str = ""
    status: str = ""
    kind: str = ""  # an activity's kind
    q: str = ""  # name contains
    standing: bool = False  # bases recognised and not revoked (at the end of `year` when given)
    recognised_in: bool = False  # bases recognised in `year`
    emergency: bool = False  # experts on the emergency team
    tag: str = ""  # an expertise tag code

    @classmethod
    def from_query(cls, query) -> Filters:
        def flag(name):
            return query.get(name, "") in ("1", "true", "on", "yes")

        year = query.get("year", "")
        return cls(
            region=query.get("region", "").strip(), year=int(year) if str(year).isdigit() else None,
            level=query.get("level", "").strip(), status=query.get("status", "").strip(),
            kind=query.get("kind", "").strip(), q=query.get("q", "").strip(),
            standing=flag("standing"), recognised_in=flag("recognised_in"), emergency=flag("emergency"),
            tag=query.get("tag", "").strip(),
        )


def _base_queryset(kind: Kind, user: User | None, region: Region | None) -> QuerySet:
    if user is not None:
        if kind.code == "base":
            queryset = permissions.visible_bases(user)
        elif kind.code == "activity":
            queryset = permissions.visible_activities(user)
        else:
            queryset = permissions.in_scope(user, kind.model)
    else:
        queryset = kind.model.objects.all()
    if region is not None:
        queryset = queryset.filter(region__path__startswith=region.path)
    return queryset


def visible_records(kind_code: str, *, user: User | None = None, region: Region | None = None,
                    filters: Filters = Filters()) -> QuerySet:
    kind = KINDS[kind_code]
    queryset = _base_queryset(kind, user, region).select_related("region")
    if filters.region:
        queryset = queryset.filter(region__path__contains=f"/{filters.region}/")
    if filters.q:
        queryset = queryset.filter(name__contains=filters.q)
    if kind.code == "base":
        queryset = _filter_bases(queryset, filters)
    elif kind.code == "activity":
        queryset = queryset.select_related("organiser")
        if filters.year:
            queryset = queryset.filter(year=filters.year)
        if filters.kind:
            queryset = queryset.filter(kind=filters.kind)
    elif kind.code == "expert":
        if filters.emergency:
            queryset = queryset.filter(is_emergency=True)
        if filters.tag:
            queryset = queryset.filter(tags__code=filters.tag)
    elif kind.code == "volunteer":
        queryset = queryset.select_related("team")
    if filters.status and kind.code != "base" and hasattr(kind.model, "is_active"):
        queryset = queryset.filter(is_active=filters.status == "active")
    return queryset


def _filter_bases(queryset: QuerySet, filters: Filters) -> QuerySet:
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.recognised_in and filters.year:
        recognised = BaseApplication.objects.filter(status=ApplicationStatus.RECOGNISED, year=filters.year)
        if filters.level:
            recognised = recognised.filter(level=filters.level)
        return queryset.filter(pk__in=recognised.values("base_id"))
    if filters.standing:
        if filters.year:
            return _standing_at(queryset, filters.year, filters.level)
        queryset = queryset.filter(status__in=STANDING_STATUSES)
    if filters.level:
        queryset = queryset.filter(level=filters.level)
    return queryset


def _standing_at(queryset: QuerySet, year: int, level: str) -> QuerySet:
    """The bases standing at the end of `year` (at `level` if given): kesu.resources.feeds.standing_bases
    as a subquery, so that a list page asks only about its own scope instead of loading every standing
    base in the country into an IN list (150,000 bases: seconds per page)."""
    latest = (
        BaseApplication.objects.filter(base=OuterRef("pk"), status=ApplicationStatus.RECOGNISED, year__lte=year)
        .alias(rank=_level_rank(1)).order_by("-year", "-rank").values("level")[:1]
    )
    queryset = queryset.filter(Q(revoked_year__isnull=True) | Q(revoked_year__gt=year)).alias(
        standing_level=Subquery(latest)
    )
    return queryset.filter(standing_level=level) if level else queryset.filter(standing_level__isnull=False)


def _level_rank(sign: int) -> Case:
    return Case(*(When(level=level.value, then=Value(sign * BaseLevel.rank(level))) for level in BaseLevel),
                default=Value(1), output_field=IntegerField())


def public_bases(filters: Filters = Filters()) -> QuerySet[OutreachBase]:
    """The public directory: recognised bases only, and only public fields are ever read from it."""
    queryset = OutreachBase.objects.filter(status__in=STANDING_STATUSES).select_related("region").only(
        "id", "name", "level", "category", "address", "open_days", "region__name", "region__code",
        "region__path", "host_organisation", "status",
    )
    if filters.region:
        queryset = queryset.filter(region__path__contains=f"/{filters.region}/")
    if filters.level:
        queryset = queryset.filter(level=filters.level)
    if filters.q:
        queryset = queryset.filter(Q(name__contains=filters.q) | Q(address__contains=filters.q))
    # Highest level first: the codes' alphabetical order is not the levels' order.
    return queryset.alias(level_rank=_level_rank(-1)).order_by("level_rank", "region__code", "name")


def _cell(record, column: Column, *, personal: bool):
    if column.attr == "region":
        return record.region.code
    if column.attr == "level":
        return record.get_level_display() if record.level else ""
    if column.attr == "tags":
        return "、".join(tag.name for tag in record.tags.all())
    if column.attr == "team":
        return record.team.name if record.team_id else ""
    if column.attr == "organiser":
        return record.organiser.name if record.organiser_id else record.organiser_name
    if column.attr == "audiences":
        return "、".join(record.audience_labels())
    value = getattr(record, column.attr)
    if column.personal:
        return shown(value, whole=personal)
    if isinstance(column.value, type):  # a choices class: its label
        return getattr(record, f"get_{column.attr}_display")()
    return value


def row(kind_code: str, record, *, personal: bool = False) -> dict:
    """One record as {header: value} in the kind's column order (the xlsx export and the template)."""
    kind = KINDS[kind_code]
    return {column.header: _cell(record, column, personal=personal) for column in kind.columns}


def summary(kind_code: str, record) -> dict:
    """The JSON every list gives: id, name, kind, region, status and, for bases, level."""
    kind = KINDS[kind_code]
    data = {"id": record.pk, "name": record.name, "kind": kind.code, "region": record.region.code,
            "region_name": record.region.name}
    if kind.code == "base":
        data["status"] = record.status
        data["level"] = record.level or None
    elif kind.code == "activity":
        data["status"] = "recorded"
        data.update(activity_kind=record.kind, start_date=record.start_date.isoformat(),
                    participants=record.participants)
    else:
        data["status"] = "active" if record.is_active else "inactive"
    return data


def prefetched(kind_code: str, queryset: QuerySet) -> QuerySet:
    """The queryset with what `row` reads per record loaded in bulk."""
    if kind_code == "expert":
        return queryset.prefetch_related("tags")
    if kind_code == "volunteer":
        return queryset.select_related("team")
    if kind_code == "activity":
        return queryset.select_related("organiser")
    return queryset


def level_counts(region: Region) -> dict[str, int]:
    """Standing bases in `region`'s subtree by level, lowest level first."""
    counts = dict.fromkeys((level.value for level in BaseLevel), 0)
    rows = (
        OutreachBase.objects.filter(region__path__startswith=region.path, status__in=STANDING_STATUSES)
        .order_by().values_list("level")
    )
    for (level,) in rows:
        if level in counts:
            counts[level] += 1
    return counts


def assignments_for(user: User):
    return permissions.visible_assignments(user).select_related(
        "application__base__region", "expert"
    ).order_by("submitted_at", "-application__year")


def experts_for_panel(region: Region) -> QuerySet[Expert]:
    """Experts an office may put on a panel: active, in its region's subtree or above it."""
    codes = [code for code in region.path.strip("/").split("/") if code]
    return Expert.objects.filter(is_active=True).filter(
        Q(region__path__startswith=region.path) | Q(region__code__in=codes)
    ).select_related("region")


def activities_for_report(unit_id: int, year: int | None = None) -> QuerySet[Activity]:
    queryset = Activity.objects.filter(organiser_id=unit_id)
    if year:
        queryset = queryset.filter(year=year)
    return queryset.order_by("-start_date")
