"""Who may see and change the registries.

- Office admins manage the records of their region and every region under it (a county office its
  county; a city office its counties' too), and recognise bases at their own level: a county office
  县级, a city office 市级, a provincial office 省级 and records 国家级 recognitions.
- Leaders and statisticians read their region's subtree.
- Unit reporters record and read their own unit's activities and apply for bases on its behalf.
- Experts see only the applications assigned to them and score those.
Phone and ID numbers are shown to office admins only (kesu.resources.masking).
Objects outside a user's scope are missing (404), as everywhere in kesu.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from kesu.org.models import Region, RegionLevel, Role, User
from kesu.org.permissions import can_administer, home_region
from kesu.resources.models import Activity, BaseApplication, BaseLevel, OutreachBase, ReviewAssignment

READER_ROLES = (Role.OFFICE_ADMIN, Role.LEADER, Role.STATISTICIAN)

# The region level of the office that recognises at each base level.
RECOGNISING_OFFICE = {
    BaseLevel.COUNTY: RegionLevel.COUNTY,
    BaseLevel.CITY: RegionLevel.CITY,
    BaseLevel.PROVINCE: RegionLevel.PROVINCE,
    BaseLevel.NATIONAL: RegionLevel.PROVINCE,
}


def reads_registries(user: User) -> bool:
    return user.is_authenticated and user.role in READER_ROLES and user.region_id is not None


def require_reader(user: User) -> None:
    if not reads_registries(user):
        raise PermissionDenied("当前角色无权查看科普资源登记册")


def in_scope(user: User, model, queryset: QuerySet | None = None) -> QuerySet:
    """Records of `model` (any registry model with a `region`) in the user's region subtree."""
    queryset = model.objects.all() if queryset is None else queryset
    if not reads_registries(user):
        return queryset.none()
    return queryset.filter(region__path__startswith=user.region.path)


def can_manage(user: User, region: Region) -> bool:
    return can_administer(user, region)


def require_manage(user: User, region: Region) -> None:
    if not can_manage(user, region):
        raise PermissionDenied(f"仅{region.name}及其上级纲要办管理员可以维护该区划的登记册")


def sees_personal_data(user: User) -> bool:
    return user.is_authenticated and user.role == Role.OFFICE_ADMIN


def can_recognise(user: User, base: OutreachBase, level: str) -> bool:
    return (
        can_administer(user, base.region)
        and user.region.level == RECOGNISING_OFFICE[BaseLevel(level)]
    )


def require_recognise(user: User, base: OutreachBase, level: str) -> None:
    if not can_recognise(user, base, level):
        raise PermissionDenied(
            f"{BaseLevel(level).label}科普教育基地由{_office_label(level)}纲要办（科协）认定，当前账号无权办理"
        )


# Regions from the top: an office's rules for a level apply to the regions under it.
REGION_RANK = {RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.COUNTY: 2, RegionLevel.TOWNSHIP: 3}


def can_set_policy(user: User, region: Region, level: str) -> bool:
    """The rules for a level are set at the recognising office's region or above it: a county's own
    rules for 市级 would override the city's for that county."""
    office = RECOGNISING_OFFICE[BaseLevel(level)]
    return can_administer(user, region) and REGION_RANK[region.level] <= REGION_RANK[office]


def require_set_policy(user: User, region: Region, level: str) -> None:
    if not can_administer(user, region):
        require_manage(user, region)
    if not can_set_policy(user, region, level):
        raise PermissionDenied(f"{BaseLevel(level).label}科普教育基地的认定规则由{_office_label(level)}及以上纲要办制定")


def _office_label(level: str) -> str:
    return {RegionLevel.COUNTY: "县级", RegionLevel.CITY: "市级", RegionLevel.PROVINCE: "省级"}[
        RECOGNISING_OFFICE[BaseLevel(level)]
    ]


def can_apply_for(user: User, base: OutreachBase) -> bool:
    if can_administer(user, base.region):
        return True
    return (
        user.is_authenticated and user.role == Role.UNIT_REPORTER and user.unit_id is not None
        and base.applicant_unit_id == user.unit_id
    )


def visible_bases(user: User) -> QuerySet[OutreachBase]:
    if user.is_authenticated and user.role == Role.UNIT_REPORTER and user.unit_id:
        return OutreachBase.objects.filter(applicant_unit_id=user.unit_id)
    return in_scope(user, OutreachBase)


def visible_applications(user: User) -> QuerySet[BaseApplication]:
    if user.is_authenticated and user.role == Role.EXPERT:
        return BaseApplication.objects.filter(assignments__expert__user=user).distinct()
    return BaseApplication.objects.filter(base__in=visible_bases(user))


def visible_assignments(user: User) -> QuerySet[ReviewAssignment]:
    """An expert's own assignments; an office admin's are every assignment in their scope."""
    if not user.is_authenticated:
        return ReviewAssignment.objects.none()
    if user.role == Role.EXPERT:
        return ReviewAssignment.objects.filter(expert__user=user)
    if user.role == Role.OFFICE_ADMIN and user.region_id:
        return ReviewAssignment.objects.filter(application__base__region__path__startswith=user.region.path)
    return ReviewAssignment.objects.none()


def visible_activities(user: User) -> QuerySet[Activity]:
    if user.is_authenticated and user.role == Role.UNIT_REPORTER:
        return Activity.objects.filter(organiser_id=user.unit_id) if user.unit_id else Activity.objects.none()
    return in_scope(user, Activity)


def can_record_activity(user: User, region: Region, organiser_id: int | None) -> bool:
    if can_administer(user, region):
        return True
    return (
        user.is_authenticated and user.role == Role.UNIT_REPORTER and user.unit_id is not None
        and organiser_id == user.unit_id and home_region(user) is not None
        and region.is_within(home_region(user))
    )


def require_record_activity(user: User, region: Region, organiser_id: int | None) -> None:
    if not can_record_activity(user, region, organiser_id):
        raise PermissionDenied("只能登记本单位主办、本辖区内的活动")
