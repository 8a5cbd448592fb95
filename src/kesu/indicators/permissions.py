"""Who may enter, review and read outreach statistics; builds on kesu.org.permissions.

- office admins and statisticians enter values for their region and every region under it
  (a county office its own county, a city office the city and its counties);
- unit reporters enter only their own unit's values (unit-level values), in their unit's region;
- review (accept / return) belongs to an office admin of a region strictly above the submitting
  one (the city reviews its counties); only such a reviewer may unlock accepted values;
- leaders read everything in their subtree and never write;
- definitions (data elements, indicators) are read by everyone; an office admin edits those its own
  region or a region under it defined. The national set (owner None) is read-only to every office:
  it is shared by all regions, and `kesu indicators seed` would overwrite an edit at the next load;
  an office that needs another formula copies the indicator into its own.
Regions outside the user's scope answer 404; a role that may not write answers 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from kesu.org.models import Region, Role, Unit, User
from kesu.org.permissions import get_visible_or_404, visible_regions

ENTRY_ROLES = (Role.OFFICE_ADMIN, Role.STATISTICIAN)
NATIONAL_READ_ONLY = "全国科普统计指标体系为只读，不能修改；如需调整，请复制为本地区的指标后修改"


def region_in_scope_or_404(user: User, code: str) -> Region:
    return get_visible_or_404(visible_regions(user), code=code)


def can_enter_values(user: User | None, region: Region, unit: Unit | None = None) -> bool:
    """`user` None is the system itself: `kesu indicators …` run by the server's operator."""
    if user is None:
        return unit is None or unit.region_id == region.pk
    if not user.is_authenticated:
        return False
    if unit is not None:
        if unit.region_id != region.pk:
            return False
        if user.role == Role.UNIT_REPORTER:
            return user.unit_id == unit.pk
    if user.role in ENTRY_ROLES and user.region_id is not None:
        return region.is_within(user.region)
    return False


def require_enter_values(user: User | None, region: Region, unit: Unit | None = None) -> None:
    if not can_enter_values(user, region, unit):
        raise PermissionDenied("当前账号无权填报该区划（单位）的统计数据")


def can_review(user: User | None, region: Region) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and user.role == Role.OFFICE_ADMIN
        and user.region_id is not None
        and region.pk != user.region_id
        and region.is_within(user.region)
    )


def require_review(user: User | None, region: Region) -> None:
    if not can_review(user, region):
        raise PermissionDenied("只有上级纲要办管理员可以审核、退回或解锁本区划的数据")


def can_manage_definitions(user: User) -> bool:
    return user.is_authenticated and user.role == Role.OFFICE_ADMIN and user.region_id is not None


def can_edit_definition(user: User, definition) -> bool:
    """`definition` is a DataElement or an Indicator."""
    return (
        can_manage_definitions(user)
        and definition.owner_id is not None
        and definition.owner.is_within(user.region)
    )


def editable_owner_ids(user: User) -> set[int]:
    """Owners whose definitions the user may edit: for marking edit links in a list in one query."""
    if not can_manage_definitions(user):
        return set()
    return set(visible_regions(user).values_list("pk", flat=True))


def editable_definition_or_404(user: User, queryset: QuerySet, **lookup):
    """The definition to edit: a role that may not define anything gets 403 before the object is
    looked at; a definition of a region outside the user's subtree is 404; the national set is 403."""
    if not can_manage_definitions(user):
        raise PermissionDenied("仅纲要办管理员可以修改指标和数据项")
    in_scope = queryset.filter(Q(owner__isnull=True) | Q(owner__path__startswith=user.region.path))
    definition = get_visible_or_404(in_scope.select_related("owner"), **lookup)
    if definition.owner_id is None:
        raise PermissionDenied(NATIONAL_READ_ONLY)
    return definition


def entry_columns(user: User | None, region: Region) -> list[Region]:
    """The regions a template for `region` gets a column for: the region itself (a total entered
    directly) and, for an office above county level, each child region it may edit."""
    columns = [region] if can_enter_values(user, region) else []
    columns += [child for child in region.children.order_by("code") if can_enter_values(user, child)]
    return columns
