"""The confirming write of a plan import: the draft becomes a Plan with its sections, tasks, unit
assignments, targets and reporting periods, in one transaction, audited with the actor."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from kesu.audit.context import acting_as
from kesu.audit.models import AuditAction
from kesu.audit.registry import record, snapshot
from kesu.org.models import Region, Unit, User
from kesu.org.permissions import require_office_admin
from kesu.org.services import add_alias, create_unit
from kesu.plan_import.diff import diff_against_previous, normal_title
from kesu.plan_import.drafts import NEW_UNIT, ImportDraft, plan_unit_names, validate_draft
from kesu.plan_import.errors import PlanImportError
from kesu.planning.models import Plan, Section, SectionKind, Target, Task, TaskUnit, UnitRole
from kesu.progress.models import PeriodKind
from kesu.progress.periods import create_reporting_periods


def confirm_import(
    *, actor: User | None, draft: ImportDraft, period_kind: str = PeriodKind.HALF_YEARLY, is_demo: bool = False,
) -> Plan:
    """Write the draft as a Plan. `actor` must administer the plan's region; None is the system
    itself (`kesu plans import` without --as, the demo loader), run by the server's operator."""
    region = draft.region
    if actor is not None:
        require_office_admin(actor, region)
    problems = validate_draft(draft)
    if problems:
        raise PlanImportError("方案未导入：" + "；".join(problems))
    with acting_as(actor, reason="方案导入"), transaction.atomic():
        previous = None
        if draft.previous_id is not None:
            previous = Plan.objects.select_for_update().get(pk=draft.previous_id, region=region)
            if not previous.is_current:
                raise PlanImportError("要修订的方案已不是现行版本，请重新开始导入")
        diff = diff_against_previous(draft) if previous else None
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
        create_reporting_periods(plan, period_kind, start_from=_continue_after(previous))
    return plan


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
            deadline_year=target.get("deadline_year"), order=position,
        )


def _continue_after(previous: Plan | None) -> datetime.date | None:
    """A new version's reporting starts after the last period the previous version has reports for."""
    if previous is None:
        return None
    last = previous.periods.filter(reports__isnull=False).order_by("-end").values_list("end", flat=True).first()
    return last + datetime.timedelta(days=1) if last else None
