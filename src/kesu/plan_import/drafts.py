"""The import draft: what the office is about to import, kept in its session until confirmed. The
edits here change only the draft; nothing reaches the plan tables before `services.confirm_import`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from kesu.org.models import Region, Unit
from kesu.org.unit_names import UnitMatcher
from kesu.plan_import.errors import PlanImportError
from kesu.planning.models import Plan
from kesu.plans.model import COMPARATORS, ParsedPlan

NEW_UNIT = "new"


@dataclass
class ImportDraft:
    """JSON-serialisable so that it can live in the session."""

    region_id: int
    plan: dict[str, Any]
    mapping: dict[str, int | str | None]
    match_reasons: dict[str, str] = field(default_factory=dict)
    previous_id: int | None = None
    created_at: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "region_id": self.region_id, "plan": self.plan, "mapping": self.mapping,
            "match_reasons": self.match_reasons, "previous_id": self.previous_id,
            "created_at": self.created_at,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportDraft:
        return cls(**data)

    @property
    def region(self) -> Region:
        return Region.objects.get(pk=self.region_id)

    def parsed(self) -> ParsedPlan:
        return ParsedPlan.from_dict(self.plan)


def plan_unit_names(plan: dict[str, Any]) -> list[str]:
    """Every unit name the plan uses, in first-use order (task assignments, then the unit list)."""
    names: dict[str, None] = {}
    for task in plan.get("tasks", []):
        for name in [*task.get("lead_units", []), *task.get("participating_units", [])]:
            names.setdefault(name, None)
    for entry in plan.get("units", []):
        names.setdefault(entry["name"], None)
    return list(names)


def find_previous_version(region: Region, plan: dict[str, Any]) -> Plan | None:
    """The current plan of the region with the same title or 文号, if there is one."""
    candidates = Plan.objects.filter(region=region, is_current=True)
    doc_number = (plan.get("doc_number") or "").strip()
    by_title = candidates.filter(title=plan.get("title", "")).first()
    if by_title is not None:
        return by_title
    if doc_number:
        return candidates.filter(doc_number=doc_number).first()
    return None


def region_for_plan(parsed: ParsedPlan) -> Region | None:
    """The region a parsed plan governs: its `region` name, else the longest region name in the
    title (天桥区 in 济南市天桥区…). None when no known region fits."""
    if parsed.region:
        found = list(Region.objects.filter(name=parsed.region))
        if len(found) == 1:
            return found[0]
    title = parsed.title or ""
    named = [r for r in Region.objects.all() if r.name and r.name in title]
    return max(named, key=lambda r: (len(r.path), len(r.name)), default=None)


def start_draft(region: Region, parsed: ParsedPlan, *, previous: Plan | None = None) -> ImportDraft:
    data = parsed.to_dict()
    matcher = UnitMatcher(region)
    mapping: dict[str, int | str | None] = {}
    reasons: dict[str, str] = {}
    for name in plan_unit_names(data):
        match = matcher.match(name)
        mapping[name] = match.unit.pk if match.unit else NEW_UNIT
        reasons[name] = match.reason
    if previous is None:
        previous = find_previous_version(region, data)
    return ImportDraft(
        region_id=region.pk, plan=data, mapping=mapping, match_reasons=reasons,
        previous_id=previous.pk if previous else None, created_at=timezone.now().isoformat(),
    )


def region_mismatch(draft: ImportDraft) -> str | None:
    """A warning when the document names another region than the one chosen for the import."""
    named = (draft.plan.get("region") or "").strip()
    region = draft.region
    if named and named not in region.name and region.name not in named:
        return f"方案文件写明的地区是“{named}”，与所选地区“{region.name}”不一致，请确认没有选错"
    return None


def draft_set_mapping(draft: ImportDraft, choices: dict[str, str]) -> None:
    """Apply the office's mapping choices: a unit id of the region, or "new" to create the unit."""
    region_units = set(Unit.objects.filter(region_id=draft.region_id).values_list("pk", flat=True))
    problems = []
    for name, choice in choices.items():
        if name not in draft.mapping:
            continue
        if choice == NEW_UNIT:
            draft.mapping[name] = NEW_UNIT
            continue
        try:
            unit_id = int(choice)
        except (TypeError, ValueError):
            problems.append(f"“{name}”的对应单位无效")
            continue
        if unit_id not in region_units:
            problems.append(f"“{name}”对应的单位不属于本地区")
            continue
        draft.mapping[name] = unit_id
    if problems:
        raise PlanImportError("；".join(problems))


def draft_task(draft: ImportDraft, task_id: str) -> dict[str, Any]:
    for task in draft.plan["tasks"]:
        if task["id"] == task_id:
            return task
    raise PlanImportError(f"方案中没有编号为“{task_id}”的任务")


def _split_units(text: str) -> list[str]:
    return [part for part in (p.strip() for p in re.split(r"[、,，;；\s]+", text or "")) if part]


def draft_edit_task(
    draft: ImportDraft, task_id: str, *, title: str, text: str, lead_units: str, participating_units: str
) -> None:
    """Correct a task the parser got wrong. Unit lists are names separated by 、 or commas; a name
    not yet in the mapping is matched against the region's units like the parsed ones."""
    task = draft_task(draft, task_id)
    title = (title or "").strip()
    if not title:
        raise PlanImportError(f"任务 {task_id} 的标题不能为空")
    leads, participants = _split_units(lead_units), _split_units(participating_units)
    if not leads and not participants:
        raise PlanImportError(f"任务 {task_id} 至少需要一个责任单位")
    task.update(title=title, text=(text or "").strip(), lead_units=leads,
                participating_units=[p for p in participants if p not in leads])
    new_names = [n for n in [*leads, *participants] if n not in draft.mapping]
    if new_names:
        matcher = UnitMatcher(Region.objects.get(pk=draft.region_id))
        for name in new_names:
            match = matcher.match(name)
            draft.mapping[name] = match.unit.pk if match.unit else NEW_UNIT
            draft.match_reasons[name] = match.reason


def draft_edit_target(
    draft: ImportDraft, task_id: str, index: int, *, value: str, unit: str, comparator: str,
    deadline_year: str, delete: bool = False,
) -> None:
    task = draft_task(draft, task_id)
    targets = task.setdefault("targets", [])
    if not 0 <= index < len(targets):
        raise PlanImportError(f"任务 {task_id} 没有第{index + 1}个目标")
    if delete:
        del targets[index]
        return
    try:
        number = float(str(value).strip())
    except ValueError:
        raise PlanImportError(f"任务 {task_id} 目标值“{value}”不是数字") from None
    unit = (unit or "").strip()
    if not unit or len(unit) > 16:
        raise PlanImportError(f"任务 {task_id} 目标的计量单位应为1–16个字")
    if comparator not in COMPARATORS:
        raise PlanImportError(f"比较方式“{comparator}”无效，应为 {' '.join(COMPARATORS)}")
    year = None
    if str(deadline_year or "").strip():
        try:
            year = int(str(deadline_year).strip())
        except ValueError:
            raise PlanImportError(f"任务 {task_id} 目标时限“{deadline_year}”不是年份") from None
        if not 2000 <= year <= 2100:
            raise PlanImportError(f"任务 {task_id} 目标时限 {year} 年不合理")
    targets[index].update(value=number, unit=unit, comparator=comparator, deadline_year=year)


def validate_draft(draft: ImportDraft) -> list[str]:
    """Problems that would stop the import, in Chinese; empty when the draft can be confirmed."""
    problems = []
    plan = draft.plan
    if not (plan.get("title") or "").strip():
        problems.append("方案标题为空")
    if not plan.get("tasks"):
        problems.append("方案中没有任务")
    seen: set[str] = set()
    for task in plan.get("tasks", []):
        if task["id"] in seen:
            problems.append(f"任务编号“{task['id']}”重复")
        seen.add(task["id"])
        if len(task["id"]) > 32:
            problems.append(f"任务编号“{task['id'][:40]}”过长")
        if not task["lead_units"] and not task["participating_units"]:
            problems.append(f"任务 {task['id']}“{task['title'][:20]}”没有责任单位")
        for target in task.get("targets", []):
            if target.get("comparator", ">=") not in COMPARATORS:
                problems.append(f"任务 {task['id']} 的目标比较方式“{target.get('comparator')}”无效")
    for name in plan_unit_names(plan):
        if draft.mapping.get(name) is None:
            problems.append(f"单位“{name}”尚未对应")
    return problems
