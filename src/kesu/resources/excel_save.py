"""The import's writes, in bulk: the checks of kesu.resources.services.save_record and
lifecycle.record_recognition applied to a chunk of rows at a time.

Why not save_record row by row: it costs about ten queries a row (identity look-up, lock, foreign-key
checks, insert, audit entry, savepoints), so 20,000 activities took 40 s on SQLite and a re-import of
the same file 75 s, and 5,000 recognised bases 53 s. Here a chunk's stored records are locked in one
query, every row is checked in memory, and the chunk is written with bulk_create / bulk_update. Bulk
writes send no signals, so the audit entries are written here with the fields
kesu.audit.registry.record fills. The rules stay where they live: who may write
(services._check_permission), a base's figures (lifecycle.check_base_figures), the standing a
recognition gives (lifecycle.take_standing) and the model's own validation (full_clean; foreign keys
were resolved from the database while reading).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone

from kesu.audit.context import current_actor, current_reason
from kesu.audit.models import AuditAction, AuditEntry
from kesu.audit.registry import snapshot
from kesu.org.models import User
from kesu.resources import feeds, lifecycle, permissions, services
from kesu.resources.excel_read import ParsedRow, RowError
from kesu.resources.kinds import Kind
from kesu.resources.lifecycle import LifecycleError
from kesu.resources.models import ApplicationStatus, BaseApplication, BaseLevel, BaseStatus, ExpertiseTag
from kesu.resources.models.bases import OPEN_APPLICATION_STATUSES
from kesu.resources.services import RecordError

CHUNK = 500


@dataclass
class _Pending:
    row: ParsedRow
    instance: models.Model
    before: dict | None  # the stored record's audit snapshot; None for a new record
    fields: set[str] = field(default_factory=set)  # fields that change
    tags: list | None = None  # ExpertiseTag objects to set, when they change
    recognition: tuple[str, int] | None = None  # (level, year) to record

    @property
    def outcome(self) -> str:
        if self.before is None:
            return "created"
        return "updated" if self.fields or self.tags is not None or self.recognition else "unchanged"


@dataclass
class _State:
    """What the checks of one chunk read from the database, fetched once for the chunk."""

    stored: dict[int, models.Model] = field(default_factory=dict)
    recognised: set[tuple[int, str, int]] = field(default_factory=set)
    open_applications: set[int] = field(default_factory=set)


class Writer:
    def __init__(self, *, actor: User | None, spec: Kind):
        self.actor = actor
        self.spec = spec
        self.counts: Counter[str] = Counter()
        self.errors: list[RowError] = []
        self._permission: dict[tuple, Exception | None] = {}
        self._policies: dict[tuple[int, str], lifecycle.Policy] = {}
        self._tags = {t.name: t for t in ExpertiseTag.objects.all()} if spec.code == "expert" else {}
        self._exclude = [f.name for f in spec.model._meta.fields if f.is_relation] + ["year"]

    def write(self, rows: list[ParsedRow], progress: Callable[[int, int], None] | None = None) -> None:
        for start in range(0, len(rows), CHUNK):
            self._chunk(rows[start:start + CHUNK])
            if progress is not None:
                progress(min(start + CHUNK, len(rows)), len(rows))

    def _chunk(self, rows: list[ParsedRow]) -> None:
        state = self._state([row.existing.pk for row in rows if row.existing is not None])
        pending = []
        for row in rows:
            try:
                pending.append(self._prepare(row, state))
            except (LifecycleError, PermissionDenied) as exc:
                self.errors.append(_refusal(self.spec, row, exc))
        self._save(pending)
        self.counts.update(p.outcome for p in pending)

    def _state(self, pks: list[int]) -> _State:
        queryset = self.spec.model.objects.select_for_update().select_related("region").filter(pk__in=pks)
        if self.spec.code == "expert":
            queryset = queryset.prefetch_related("tags")
        state = _State(stored={record.pk: record for record in queryset})
        if self.spec.has_level and pks:
            applications = BaseApplication.objects.filter(base_id__in=pks)
            state.recognised = set(
                applications.filter(status=ApplicationStatus.RECOGNISED).values_list("base_id", "level", "year")
            )
            state.open_applications = set(
                applications.filter(status__in=[s.value for s in OPEN_APPLICATION_STATUSES]).values_list(
                    "base_id", flat=True)
            )
        return state

    # --- the checks --------------------------------------------------------------------------

    def _permitted(self, region, keys: dict) -> None:
        if self.actor is None:
            return
        key = (region.pk, keys.get("organiser_id"), keys.get("applicant_unit_id"))
        if key not in self._permission:
            try:
                services._check_permission(self.actor, self.spec, region, keys)
                self._permission[key] = None
            except PermissionDenied as exc:
                self._permission[key] = exc
        if self._permission[key] is not None:
            raise self._permission[key]

    def _prepare(self, row: ParsedRow, state: _State) -> _Pending:
        values = row.values
        self._permitted(values["region"], values)
        stored = state.stored.get(row.existing.pk) if row.existing is not None else None
        if stored is None:
            pending = _Pending(row, self.spec.model(**values), None)
            old_years: set[int] = set()
        else:
            # The record found must be the actor's to change too (another unit's activity or base).
            self._permitted(stored.region, services._current_keys(stored))
            old_years = services._years(stored)
            pending = _Pending(row, stored, snapshot(stored))
            for name, value in values.items():
                if getattr(stored, name) != value:
                    pending.fields.add(stored._meta.get_field(name).name)
                    setattr(stored, name, value)
        self._validate(pending.instance)
        if row.tags is not None:
            current = sorted(t.name for t in stored.tags.all()) if stored is not None else []
            if sorted(row.tags) != current:
                pending.tags = [self._tags[name] for name in row.tags]
        if self.spec.has_level and row.level:
            self._recognition(pending, state)
        feeds.sync_after_commit(self.spec.code, old_years | services._years(pending.instance))
        return pending

    def _validate(self, instance: models.Model) -> None:
        if self.spec.code == "base":
            lifecycle.check_base_figures(exhibition_area=instance.exhibition_area,
                                         annual_visitors=instance.annual_visitors, open_days=instance.open_days)
        if self.spec.code == "activity" and instance.end_date < instance.start_date:
            raise RecordError("结束日期不能早于开始日期", "end_date")
        try:
            instance.full_clean(exclude=self._exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            name, messages = next(iter(exc.message_dict.items()))
            raise RecordError("；".join(messages), name) from exc

    def _recognition(self, pending: _Pending, state: _State) -> None:
        """lifecycle.record_recognition's rules for the level a register lists for a base."""
        base, row = pending.instance, pending.row
        if self.actor is not None:
            permissions.require_manage(self.actor, base.region)
        level = row.level
        same_level = base.level == level
        year = row.recognised_year or (base.recognised_year if same_level else None) or timezone.localdate().year
        if base.pk is not None and (base.pk, level, year) in state.recognised:
            if row.plaque_number and same_level and base.recognised_year == year \
                    and row.plaque_number != base.plaque_number:
                raise RecordError(
                    f"与已登记的牌匾编号“{base.plaque_number or '（空）'}”不同；导入不修改已有认定的牌匾编号",
                    "plaque_number",
                )
            return  # recorded already: an import run again
        if base.pk in state.open_applications:
            raise RecordError("该基地有一份申报正在办理，不能直接登记认定结果", "level")
        if base.status == BaseStatus.REVOKED and year >= (base.revoked_year or 0):
            raise RecordError(f"该基地已于{base.revoked_year}年撤销（摘牌），不能登记此后的认定", "level")
        # A register may list an earlier recognition: history, the base keeps its latest standing.
        earlier = bool(base.level) and (year, BaseLevel.rank(level)) < (
            base.recognised_year or 0, BaseLevel.rank(base.level))
        if base.is_standing and not earlier and BaseLevel.rank(level) < BaseLevel.rank(base.level):
            raise RecordError(
                f"该基地现为{base.get_level_display()}（{base.recognised_year}年认定），"
                f"{year}年的“{BaseLevel(level).label}”低于现有级别；降级须经复核办理", "level",
            )
        pending.recognition = (level, year)
        feeds.sync_after_commit("base", set(range(year, timezone.localdate().year)))
        if earlier or base.status == BaseStatus.REVOKED:
            return
        lifecycle.take_standing(base, level=level, year=year, plaque_number=row.plaque_number,
                                policy=self._policy(base.region, level))
        pending.fields.update(services.LIFECYCLE_FIELDS)

    def _policy(self, region, level: str) -> lifecycle.Policy:
        key = (region.pk, level)
        if key not in self._policies:
            self._policies[key] = lifecycle.policy_for(region, level)
        return self._policies[key]

    # --- the writes --------------------------------------------------------------------------

    def _save(self, pending: list[_Pending]) -> None:
        model = self.spec.model
        new = [p for p in pending if p.before is None]
        for p in new:
            if self.spec.code == "activity":
                p.instance.year = p.instance.start_date.year  # what Activity.save() does
        model.objects.bulk_create([p.instance for p in new], batch_size=CHUNK)
        changed = [p for p in pending if p.before is not None and p.fields]
        if changed:
            fields = set().union(*(p.fields for p in changed))
            if "start_date" in fields and self.spec.code == "activity":
                fields.add("year")
                for p in changed:
                    p.instance.year = p.instance.start_date.year
            if any(f.name == "updated_at" for f in model._meta.fields):
                now = timezone.now()
                for p in changed:
                    p.instance.updated_at = now
                fields.add("updated_at")
            model.objects.bulk_update([p.instance for p in changed], sorted(fields), batch_size=CHUNK)
        for p in pending:
            if p.tags is not None:
                p.instance.tags.set(p.tags)
        applications = [
            BaseApplication(
                base=p.instance, level=p.recognition[0], year=p.recognition[1], status=ApplicationStatus.RECOGNISED,
                applied_by=self.actor, plaque_number=p.row.plaque_number, decided_by=self.actor,
                decided_at=timezone.now(), recorded=True,
            )
            for p in pending if p.recognition
        ]
        BaseApplication.objects.bulk_create(applications, batch_size=CHUNK)
        entries = [_audit(AuditAction.CREATE, p.instance, None, snapshot(p.instance)) for p in new]
        entries += [_audit(AuditAction.UPDATE, p.instance, p.before, after) for p in changed
                    if (after := snapshot(p.instance)) != p.before]
        entries += [_audit(AuditAction.CREATE, a, None, snapshot(a)) for a in applications]
        AuditEntry.objects.bulk_create(entries, batch_size=CHUNK)


def _audit(action: str, instance: models.Model, before: dict | None, after: dict | None) -> AuditEntry:
    actor = current_actor()
    return AuditEntry(
        actor=actor if actor is not None and actor.pk else None, actor_name=str(actor) if actor is not None else "系统",
        action=action, model=instance._meta.label, object_id=str(instance.pk), object_repr=str(instance)[:255],
        before=before, after=after, reason=current_reason(),
    )


def _refusal(spec: Kind, row: ParsedRow, exc: Exception) -> RowError:
    message = str(exc) or "无权导入该行"
    name = getattr(exc, "field", "")
    if name:
        header = spec.field_label(name)
        return RowError(row.row, header, message.removeprefix(f"{header}："))
    return RowError(row.row, "", message)
