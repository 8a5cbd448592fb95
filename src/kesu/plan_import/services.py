"""The confirming write of a plan import: the draft becomes a Plan with its sections, tasks, unit
assignments, targets and reporting periods, in one transaction, audited with the actor."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kesu.audit.context import acting_as
from kesu.audit.models import AuditAction
from kesu.audit.registry import record, snapshot
from kesu.org.models import Region, Unit, User
from kesu.org.permissions import require_office_admin
from kesu.org.services import add_alias, create_unit
from kesu.plan_import.diff import diff_against_previous, normal_title
from kesu.plan_import.drafts import (
    NEW_UNIT,
    Reread,
    draft_parent,
    draft_replace_parsed,
    plan_unit_names,
    start_draft,
    validate_draft,
)
from kesu.plan_import.errors import PlanImportError
from kesu.plan_import.metadata import MetadataEdit, draft_edit_metadata
from kesu.plan_import.models import DraftState, ImportDraft
from kesu.plan_import.reading import reread_workbook
from kesu.plan_import.signals import plan_imported
from kesu.planning.models import Plan, Section, SectionKind, Target, Task, TaskUnit, UnitRole
from kesu.plans.model import ParsedPlan
from kesu.progress.models import PeriodKind
from kesu.progress.periods import create_reporting_periods


def _draft_header(draft: ImportDraft) -> dict[str, Any]:
    """What the audit log keeps of a draft: which file for which region and what became of it, not the
    parsed document (the entry's object name carries the plan's title). Keys are the model's field
    names, so the log labels them."""
    return {
        "region_id": draft.region_id, "source_name": draft.source_name, "file_sha256": draft.file_sha256,
        "previous_id": draft.previous_id, "state": draft.state, "imported_plan_id": draft.imported_plan_id,
        "created_by_id": draft.created_by_id, "closed_by_id": draft.closed_by_id,
    }


def draft_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=int(getattr(settings, "KESU_IMPORT_DRAFT_DAYS", 14)))


def start_import(
    *, actor: User, region: Region, parsed: ParsedPlan, file_sha256: str = "", workbook: bytes | None = None,
    columns: list[dict[str, Any]] | None = None,
) -> tuple[ImportDraft, bool]:
    """Store a new draft for the region. The same file uploaded again while its draft is still open
    resumes that draft instead of starting a second one: (draft, True). An uploaded workbook's bytes
    and column mapping are kept with the draft so that the preview can re-read it."""
    require_office_admin(actor, region)
    with acting_as(actor, reason="开始导入方案"), transaction.atomic():
        if file_sha256:
            existing = ImportDraft.objects.filter(
                region=region, file_sha256=file_sha256, state=DraftState.OPEN,
                updated_at__gte=timezone.now() - draft_lifetime(),
            ).first()
            if existing is not None:
                return existing, True
        draft = start_draft(region, parsed)
        draft.created_by = actor
        draft.file_sha256 = file_sha256
        draft.workbook = workbook
        draft.columns = columns or []
        draft.created_at = draft.updated_at = timezone.now()
        draft.save()
        record(AuditAction.CREATE, draft, None, _draft_header(draft), reason="开始导入方案")
    return draft, False


def edit_draft(*, actor: User, draft: ImportDraft, edit: Callable[[ImportDraft], Any]) -> Any:
    """Apply one correction to a stored draft under a row lock, so that two office admins working on
    the same draft do not overwrite each other's changes. Returns what `edit` returns."""
    with transaction.atomic():
        locked = _locked_open(actor, draft)
        result = edit(locked)
        locked.updated_at = timezone.now()
        locked.save()
    draft.refresh_from_db()
    return result


def edit_metadata(
    *, actor: User, draft: ImportDraft, title: str, doc_number: str = "", issuer: str = "", date: str = "",
    region: str = "", period_start: str = "", period_end: str = "", headline_value: str = "",
    headline_year: str = "",
) -> list[str]:
    """Correct the draft's metadata (the office's values as typed; `metadata.clean_metadata` checks
    them all before any is stored). Returns the labels of the fields that changed, which count as
    checked in 请先核对; `confirm_import` writes the corrected values."""
    edit = MetadataEdit(
        title=title, doc_number=doc_number, issuer=issuer, date=date, region=region, period_start=period_start,
        period_end=period_end, headline_value=headline_value, headline_year=headline_year,
    )
    by = actor.get_full_name() or actor.get_username()
    return edit_draft(actor=actor, draft=draft, edit=lambda d: draft_edit_metadata(d, edit, by=by))


def remap_workbook(*, actor: User, draft: ImportDraft, mapping: dict[str, dict[int, str]]) -> Reread:
    """Read the draft's kept workbook again with the column mapping the office chose; the new reading
    replaces the parsed plan (`drafts.draft_replace_parsed` says what is kept and returns what became
    of the corrections)."""
    with transaction.atomic():
        locked = _locked_open(actor, draft)
        if not locked.workbook:
            raise PlanImportError("这份导入没有保存工作簿原文件，无法更改列对应，请重新上传")
        upload = reread_workbook(bytes(locked.workbook), locked.source_name or "upload.xlsx", mapping)
        reread = draft_replace_parsed(locked, upload.parsed, columns=upload.columns)
        locked.updated_at = timezone.now()
        locked.save()
    draft.refresh_from_db()
    return reread


def _locked_open(actor: User | None, draft: ImportDraft) -> ImportDraft:
    locked = ImportDraft.objects.select_for_update().select_related("region").get(pk=draft.pk)
    if actor is not None:
        require_office_admin(actor, locked.region)
    if locked.state != DraftState.OPEN:
        raise PlanImportError(closed_message(locked))
    return locked


def closed_message(draft: ImportDraft) -> str:
    who = draft.closed_by or "其他管理员"
    if draft.state == DraftState.IMPORTED:
        return f"这份导入草稿已由{who}确认导入，无需再次操作"
    return f"这份导入草稿已由{who}放弃，请重新上传方案文件"


def discard_import(*, actor: User, draft: ImportDraft) -> None:
    """Give a draft up. Only its header stays (for a colleague's open tab) until it expires."""
    with acting_as(actor, reason="放弃导入"), transaction.atomic():
        locked = _locked_open(actor, draft)
        before = _draft_header(locked)
        _close(locked, actor, DraftState.DISCARDED)
        record(AuditAction.UPDATE, locked, before, _draft_header(locked), reason="放弃导入")


def _close(draft: ImportDraft, actor: User | None, state: str, plan: Plan | None = None) -> None:
    title = draft.title
    draft.state = state
    draft.imported_plan = plan
    draft.closed_by = actor if actor is not None and actor.pk else None
    draft.plan, draft.mapping, draft.match_reasons = {"title": title}, {}, {}
    draft.match_similarity, draft.checked, draft.workbook, draft.columns = {}, {}, None, []
    draft.updated_at = timezone.now()
    draft.save()


def purge_expired_drafts(*, now: datetime.datetime | None = None) -> int:
    """Delete drafts untouched for KESU_IMPORT_DRAFT_DAYS days. An open one counts as discarded by
    the system and is audited as such; closed ones were audited when they closed."""
    cutoff = (now or timezone.now()) - draft_lifetime()
    expired = list(ImportDraft.objects.filter(updated_at__lt=cutoff))
    if not expired:
        return 0
    with acting_as(None, reason="导入草稿过期"), transaction.atomic():
        for draft in expired:
            if draft.state == DraftState.OPEN:
                record(AuditAction.DELETE, draft, _draft_header(draft), None,
                       reason=f"导入草稿超过{draft_lifetime().days}天未处理，自动清除")
        ImportDraft.objects.filter(pk__in=[d.pk for d in expired]).delete()
    return len(expired)


def confirm_import(
    *, actor: User | None, draft: ImportDraft, period_kind: str = PeriodKind.HALF_YEARLY, is_demo: bool = False,
    before_issue: bool = False,
) -> Plan:
    """Write the draft as a Plan. `actor` must administer the plan's region; None is the system
    itself (`kesu plans import` without --as, the demo loader), run by the server's operator.

    A stored draft is locked and closed in the same transaction, so it is imported once only.
    `before_issue` lays out reporting periods for the plan's years before its issue date too."""
    region = draft.region
    if actor is not None:
        require_office_admin(actor, region)
    with acting_as(actor, reason="方案导入"), transaction.atomic():
        stored = None
        if draft.pk:
            # The stored copy under lock is what gets imported, not the one the request read.
            draft = stored = _locked_open(actor, draft)
        problems = validate_draft(draft)
        if problems:
            raise PlanImportError("方案未导入：" + "；".join(problems))
        previous = None
        if draft.previous_id is not None:
            previous = Plan.objects.select_for_update().get(pk=draft.previous_id, region=region)
            if not previous.is_current:
                raise PlanImportError("要修订的方案已不是现行版本，请重新开始导入")
        diff = diff_against_previous(draft) if previous else None
        if diff is not None and diff.is_unchanged:
            raise PlanImportError(diff.unchanged_message)
        data = draft.plan
        headline = data.get("headline_target") or {}
        period = data.get("period") or {}
        plan = Plan.objects.create(
            region=region, title=data["title"][:255], doc_number=(data.get("doc_number") or "")[:64],
            issuer=(data.get("issuer") or "")[:255], issued_on=_parse_date(data.get("date")),
            period_start=period.get("start"), period_end=period.get("end"),
            headline_indicator=(headline.get("indicator") or "")[:64], headline_value=headline.get("value"),
            headline_unit=(headline.get("unit") or "")[:16], headline_year=headline.get("year"),
            source_name=(data.get("source") or "")[:255], parsed=data,
            version=previous.version + 1 if previous else 1, previous_version=previous,
            is_current=True, imported_by=actor if actor is not None and actor.pk else None, is_demo=is_demo,
        )
        if previous is not None:
            previous.is_current = False
            previous.save()
        units = _resolve_units(region, draft, actor=actor, is_demo=is_demo)
        by_path = _save_sections(plan, data.get("sections", []))
        _save_tasks(plan, draft, units, by_path, diff.matches if diff else {})
        create_reporting_periods(plan, period_kind, start_from=_continue_after(previous), before_issue=before_issue)
        _announce(plan, draft, actor, stored=stored is not None)
        if stored is not None:
            before = _draft_header(stored)
            _close(stored, actor, DraftState.IMPORTED, plan)
            record(AuditAction.UPDATE, stored, before, _draft_header(stored), reason="确认导入")
    return plan


def _announce(plan: Plan, draft: ImportDraft, actor: User | None, *, stored: bool) -> None:
    """Hand the office's parent and link choices to the apps listening (kesu.cascade). A draft confirmed
    through the preview without a choice gets the parent the preview showed; the CLI and the demo
    (no stored draft) choose nothing."""
    parent = draft.plan.get("parent") or (draft_parent(draft) if stored else None)
    plan_imported.send(sender=ImportDraft, plan=plan, actor=actor, parent=parent,
                       links=dict(draft.plan.get("links") or {}))


def _parse_date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _save_sections(plan: Plan, sections: list[dict[str, Any]]) -> dict[tuple[str, ...], Section]:
    """Save the heading tree; return sections keyed by the chain of normalised titles from the root."""
    by_path: dict[tuple[str, ...], Section] = {}
    counter = 0

    def walk(items, parent, chain):
        nonlocal counter
        for item in items:
            kind = item.get("kind") if item.get("kind") in (SectionKind.ACTION, SectionKind.PROGRAMME) else SectionKind.OTHER
            section = Section.objects.create(
                plan=plan, parent=parent, number=(item.get("number") or "")[:32],
                title=(item.get("title") or "")[:255], kind=kind, order=counter,
            )
            counter += 1
            record(AuditAction.CREATE, section, None, snapshot(section), reason="方案导入")
            key = (*chain, normal_title(item.get("title", "")))
            by_path.setdefault(key, section)
            walk(item.get("children", []), section, key)

    walk(sections, None, ())
    return by_path


def _section_for(path: list[str], by_path: dict[tuple[str, ...], Section]) -> Section | None:
    """The deepest saved heading on the task's path. Headings are looked up by their chain of
    titles; a path whose outer headings the parser did not keep still finds its inner heading."""
    keys = [normal_title(p) for p in path]
    for end in range(len(keys), 0, -1):
        chain = tuple(keys[:end])
        if chain in by_path:
            return by_path[chain]
        suffix = [s for k, s in by_path.items() if k[-len(chain):] == chain]
        if len(suffix) == 1:
            return suffix[0]
    return None


def _group_of(section: Section | None, sections_by_id: dict[int, Section]) -> Section | None:
    """The action or programme a task belongs to, for grouping on dashboards.

    The parser marks a heading such as 三、提升行动 and everything under it as "action", so the
    group is the second heading of that chain from the top (（一）青少年科学素质提升行动), or the
    only one when the chain has one heading."""
    chain: list[Section] = []
    while section is not None:
        if section.kind in (SectionKind.ACTION, SectionKind.PROGRAMME):
            chain.append(section)
        section = sections_by_id.get(section.parent_id) if section.parent_id else None
    if not chain:
        return None
    return chain[-2] if len(chain) >= 2 else chain[-1]


def _resolve_units(region: Region, draft: ImportDraft, *, actor: User | None, is_demo: bool) -> dict[str, Unit]:
    units = {u.pk: u for u in Unit.objects.filter(region=region)}
    aliases_of = {entry["name"]: entry.get("aliases", []) for entry in draft.plan.get("units", [])}
    resolved: dict[str, Unit] = {}
    created_by_name: dict[str, Unit] = {}
    for name in plan_unit_names(draft.plan):
        choice = draft.mapping.get(name)
        if choice == NEW_UNIT:
            existing = next((u for u in units.values() if u.name == name), None) or created_by_name.get(name)
            if existing is None:
                existing = create_unit(
                    actor=actor, region=region, name=name, aliases=aliases_of.get(name, []), is_demo=is_demo,
                )
                created_by_name[name] = existing
            resolved[name] = existing
        elif isinstance(choice, int) and choice in units:
            unit = units[choice]
            resolved[name] = unit
            # The office said this spelling means that unit: remember it for the next import.
            if name != unit.name:
                add_alias(actor=actor, unit=unit, alias=name)
        else:
            raise PlanImportError(f"单位“{name}”尚未对应到本地区的单位")
    return resolved


def _save_tasks(plan: Plan, draft: ImportDraft, units: dict[str, Unit], by_path, matches) -> list[Task]:
    sections_by_id = {s.pk: s for s in by_path.values()}
    period_end = plan.period_end
    tasks = []
    for order, data in enumerate(draft.plan["tasks"]):
        section = _section_for(data.get("path", []), by_path)
        targets = data.get("targets", [])
        years = [t["deadline_year"] for t in targets if t.get("deadline_year")]
        task = Task.objects.create(
            plan=plan, section=section, group=_group_of(section, sections_by_id), code=data["id"],
            title=data["title"][:255], text=data.get("text", ""), path=list(data.get("path", [])),
            units_raw=data.get("units_raw", ""), deadline_year=max(years) if years else period_end,
            order=order, predecessor=matches.get(data["id"]),
        )
        assigned: dict[int, str] = {}
        for name in data["lead_units"]:
            assigned[units[name].pk] = UnitRole.LEAD
        for name in data["participating_units"]:
            assigned.setdefault(units[name].pk, UnitRole.PARTICIPATING)
        for unit_id, role in assigned.items():
            TaskUnit.objects.create(task=task, unit_id=unit_id, role=role)
        _save_targets(task, targets)
        tasks.append(task)
    return tasks


def _save_targets(task: Task, targets: list[dict[str, Any]]) -> None:
    for position, target in enumerate(targets):
        Target.objects.create(
            task=task, text=(target.get("text") or "")[:255], subject=(target.get("subject") or "")[:128],
            value=float(target["value"]), unit=(target.get("unit") or "")[:16],
            comparator=target.get("comparator") or ">=", period=(target.get("period") or "")[:32],
            deadline_year=target.get("deadline_year"), kind=target.get("kind") or "", order=position,
        )


def _continue_after(previous: Plan | None) -> datetime.date | None:
    """A new version's reporting starts after the last period the previous version has reports for."""
    if previous is None:
        return None
    last = previous.periods.filter(reports__isnull=False).order_by("-end").values_list("end", flat=True).first()
    return last + datetime.timedelta(days=1) if last else None
