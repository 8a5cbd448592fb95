"""Writes to the registries other than the base lifecycle (kesu.resources.lifecycle): records of every
kind, volunteers' service records, activity photos and activities offered as progress-report
evidence. Web pages, API, CLI, Excel import and demo all come through here.

A record is identified by its kind's identity (KINDS[kind].identity: name and region, and for an
activity its start date too): creating a second one is refused as a duplicate; the import updates
the one it finds instead.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone

from kesu.org.models import Region, User
from kesu.org.permissions import home_region
from kesu.planning.selectors import visible_tasks
from kesu.progress.models import ProgressReport, ReportStatus
from kesu.progress.services import check_evidence_file
from kesu.resources import feeds, permissions
from kesu.resources.kinds import KINDS, Kind
from kesu.resources.lifecycle import LifecycleError, check_base_figures, service
from kesu.resources.models import (
    Activity,
    ActivityEvidence,
    ActivityPhoto,
    ExpertiseTag,
    Messenger,
    OutreachBase,
    ServiceRecord,
    Volunteer,
    VolunteerTeam,
)
from kesu.resources.models.people import MAX_SERVICE_HOURS, MIN_SERVICE_HOURS


class RecordError(LifecycleError):
    """A refused registry write; `field` names the offending field when there is one."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class DuplicateRecord(RecordError):
    """A record with the same identity (KINDS[kind].identity) is already on the register."""


def _check_permission(actor: User | None, kind: Kind, region: Region, values: dict) -> None:
    if actor is None:  # the system: demo loader and migrations
        return
    if kind.code == "activity":
        permissions.require_record_activity(actor, region, values.get("organiser_id"))
    elif kind.code == "base" and actor.is_unit_reporter:
        if values.get("applicant_unit_id") != actor.unit_id:
            raise PermissionDenied("只能以本单位名义登记申报基地")
        unit_region = home_region(actor)
        if unit_region is None or not region.is_within(unit_region):
            raise PermissionDenied("只能登记本单位所在区划内的基地")
    else:
        permissions.require_manage(actor, region)


def _full_clean(instance: models.Model, kind: Kind) -> None:
    try:
        instance.full_clean(exclude=["year"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        label = kind.field_label(field)
        raise RecordError(f"{label}：{'；'.join(messages)}", field) from exc


# A base's standing: written by kesu.resources.lifecycle only (recognise, re_examine, record_recognition).
LIFECYCLE_FIELDS = ("level", "status", "recognised_year", "valid_until", "next_re_examination_year",
                    "plaque_number", "rectify_by", "revoked_year")


def find_existing(kind: Kind, values: dict):
    lookup = {name: values.get(name) for name in kind.identity}
    if any(v in (None, "") for v in lookup.values()):
        return None
    return kind.model.objects.filter(**lookup).first()


@service
def save_record(*, actor: User | None, kind: str, values: dict, instance: models.Model | None = None,
                tags: Iterable[str] | None = None, links: dict[str, Iterable[int]] | None = None,
                update_existing: bool = False):
    """Create a record of `kind` from model field values (``region`` a Region; foreign keys as
    ``<field>_id``), or update `instance`. ``tags`` are expertise tag names (experts); ``links`` maps
    an activity's many-to-many field (bases, experts, teams, tasks) to ids. With ``update_existing``
    a record with the same identity is updated instead of refused (the import's re-run)."""
    spec = KINDS[kind]
    if kind == "base":
        for field in LIFECYCLE_FIELDS:
            if field in values:
                raise RecordError(f"{spec.field_label(field)}由认定流程（申报、认定、复核）维护，不能直接修改", field)
    region = values.get("region") or (instance.region if instance is not None else None)
    if region is None:
        raise RecordError("缺少所在区划", "region")
    old_years: set[int] = set()
    if instance is not None:
        instance = spec.model.objects.select_for_update().get(pk=instance.pk)
        # An update names only what changes: the unit it belongs to stays unless it is in `values`.
        _check_permission(actor, spec, region, {**_current_keys(instance), **values})
        if actor is not None:
            _check_permission(actor, spec, instance.region, {**_current_keys(instance), **values})
        identity = {name: values.get(name, getattr(instance, name)) for name in spec.identity}
        existing = find_existing(spec, identity)
        if existing is not None and existing.pk != instance.pk:
            raise DuplicateRecord(
                f"{spec.label}“{identity['name']}”在{region.name}已登记（编号{existing.pk}），不能重复登记", "name"
            )
        old_years = _years(instance)
    else:
        _check_permission(actor, spec, region, values)
        existing = find_existing(spec, values)
        if existing is not None:
            if not update_existing:
                raise DuplicateRecord(
                    f"{spec.label}“{values.get('name')}”在{region.name}已登记（编号{existing.pk}），不能重复登记",
                    "name",
                )
            instance = spec.model.objects.select_for_update().get(pk=existing.pk)
            # The record found must be the actor's to change too (another unit's activity or base).
            _check_permission(actor, spec, instance.region, _current_keys(instance))
    before = None if instance is None else {f: getattr(instance, f) for f in values}
    if instance is None:
        instance = spec.model(**values)
    else:
        for field, value in values.items():
            setattr(instance, field, value)
    if kind == "base":
        try:
            check_base_figures(exhibition_area=instance.exhibition_area, annual_visitors=instance.annual_visitors,
                               open_days=instance.open_days)
        except LifecycleError as exc:
            raise RecordError(str(exc), exc.field) from exc
    if kind == "activity" and instance.start_date and instance.end_date and instance.end_date < instance.start_date:
        raise RecordError("结束日期不能早于开始日期", "end_date")
    _full_clean(instance, spec)
    changed = before is None or any(before[f] != getattr(instance, f) for f in values)
    if changed:
        instance.save()
    if tags is not None:
        _set_tags(instance, tags)
    for field, ids in (links or {}).items():
        ids = set(ids)
        if actor is not None:
            _check_links(actor, spec, field, ids)
        getattr(instance, field).set(list(ids))
    feeds.sync_after_commit(kind, old_years | _years(instance))
    return instance


def _check_links(actor: User, spec: Kind, field: str, ids: set[int]) -> None:
    """Linked bases, experts and teams must lie in the actor's region; tasks among the actor's own."""
    if not ids:
        return
    if field == "tasks":
        allowed = visible_tasks(actor).filter(pk__in=ids)
    else:
        region = home_region(actor)
        model = spec.model._meta.get_field(field).related_model
        allowed = model.objects.filter(pk__in=ids)
        allowed = allowed.filter(region__path__startswith=region.path) if region else allowed.none()
    missing = sorted(ids - set(allowed.values_list("pk", flat=True)))
    if missing:
        label = str(spec.model._meta.get_field(field).verbose_name)
        raise RecordError(
            f"{label}中有不存在或不在本辖区的记录（编号 {'、'.join(map(str, missing))}）", field
        )


def _current_keys(instance) -> dict:
    return {f"{name}_id": getattr(instance, f"{name}_id") for name in ("organiser", "applicant_unit")
            if hasattr(instance, f"{name}_id")}


def _set_tags(expert, names: Iterable[str]) -> None:
    names = [n.strip() for n in names if n and n.strip()]
    found = {t.name: t for t in ExpertiseTag.objects.filter(name__in=names)}
    unknown = [n for n in names if n not in found]
    if unknown:
        raise RecordError("专长不在专长领域目录中：" + "、".join(unknown) + "（目录见专长领域管理）", "tags")
    expert.tags.set(list(found.values()))


def _years(instance) -> set[int]:
    """The years whose statistics a write to `instance` can change, besides the current one."""
    if isinstance(instance, Activity):
        return {instance.year or instance.start_date.year}
    # Stocks counted as at the end of each year (kesu.resources.feeds): every year since they began.
    since = None
    if isinstance(instance, OutreachBase):
        since = instance.recognised_year
    elif isinstance(instance, Volunteer | Messenger):
        start = instance.registered_on if isinstance(instance, Volunteer) else instance.since
        since = start.year if start else None
    elif isinstance(instance, VolunteerTeam):
        since = instance.founded_year
    return set(range(since, timezone.localdate().year)) if since else set()


@service
def set_active(*, actor: User, record, active: bool):
    """Take a person, team or organisation off the register (or back): history stays, counts drop."""
    spec = KINDS.for_model(type(record))
    permissions.require_manage(actor, record.region)
    record = spec.model.objects.select_for_update().get(pk=record.pk)
    if not hasattr(record, "is_active"):
        raise RecordError(f"{spec.label}不能停用")
    if record.is_active != active:
        record.is_active = active
        record.save()
        feeds.sync_after_commit(spec.code, set())
    return record


@service
def delete_activity(*, actor: User, activity: Activity) -> None:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    permissions.require_record_activity(actor, activity.region, activity.organiser_id)
    reviewed = ActivityEvidence.objects.filter(activity=activity).exclude(
        report__status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED)
    )
    if reviewed.exists():
        raise RecordError("该活动已作为佐证随进度报告报送，不能删除；请先由纲要办退回相关报告")
    year = activity.year
    activity.delete()
    feeds.sync_after_commit("activity", {year})


@service
def add_service_record(*, actor: User, volunteer: Volunteer, date: datetime.date, hours: float,
                       description: str, beneficiaries: int = 0, activity: Activity | None = None) -> ServiceRecord:
    permissions.require_manage(actor, volunteer.region)
    if not MIN_SERVICE_HOURS <= hours <= MAX_SERVICE_HOURS:
        raise RecordError(
            f"服务时长应在{MIN_SERVICE_HOURS:g}到{MAX_SERVICE_HOURS}小时之间（填写了{hours:g}）", "hours"
        )
    if activity is not None and not activity.region.is_within(home_region(actor)):
        raise RecordError("所属活动不在本辖区", "activity")
    if beneficiaries < 0:
        raise RecordError("服务人次不能为负数", "beneficiaries")
    if not description.strip():
        raise RecordError("请填写服务内容", "description")
    record = ServiceRecord.objects.create(
        volunteer=volunteer, date=date, hours=hours, beneficiaries=beneficiaries,
        description=description.strip(), activity=activity,
    )
    feeds.sync_after_commit("volunteer", {date.year})
    return record


PHOTO_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


@service
def add_photo(*, actor: User, activity: Activity, uploaded) -> ActivityPhoto:
    permissions.require_record_activity(actor, activity.region, activity.organiser_id)
    # check_evidence_file answers the (checked) extension, not a content type.
    _, extension = check_evidence_file(uploaded)
    content_type = PHOTO_TYPES.get(extension)
    if content_type is None:
        raise RecordError("活动照片只接受 JPG、PNG 图片", "file")
    return ActivityPhoto.objects.create(
        activity=activity, file=uploaded, original_name=uploaded.name[:255], content_type=content_type,
        size=uploaded.size, uploaded_by=actor,
    )


def _check_evidence(actor: User, activity: Activity, report: ProgressReport) -> None:
    if not (actor.is_unit_reporter and actor.unit_id == report.unit_id):
        raise PermissionDenied("只有报告所属单位的填报员可以关联佐证活动")
    if activity.organiser_id != report.unit_id:
        raise RecordError("只能关联本单位主办的活动")


@service
def attach_activity(*, actor: User, activity: Activity, report: ProgressReport) -> ActivityEvidence:
    """Offer an activity as evidence in the unit's own progress report (editable reports only)."""
    _check_evidence(actor, activity, report)
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise RecordError(f"报告当前为“{report.get_status_display()}”，不能再添加佐证")
    link, _ = ActivityEvidence.objects.get_or_create(activity=activity, report=report,
                                                     defaults={"attached_by": actor})
    return link


@service
def detach_activity(*, actor: User, activity: Activity, report: ProgressReport) -> None:
    _check_evidence(actor, activity, report)
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise RecordError(f"报告当前为“{report.get_status_display()}”，不能再移除佐证")
    for link in ActivityEvidence.objects.filter(activity=activity, report=report):
        link.delete()
