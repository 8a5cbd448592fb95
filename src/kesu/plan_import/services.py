"""Plan import (方案导入): a parsed plan document becomes a Plan with its section tree, tasks, unit
assignments, targets and reporting periods.

The flow, shared by the browser and `kesu plans import`:

1. `parse_plan_upload` / `parse_plan_path` read and parse the document (nothing is written);
2. `start_draft` builds an `ImportDraft`: the plan as JSON (`Plan.to_dict()`), a unit mapping
   pre-filled by `match_unit`, and the current plan it revises, if any;
3. the office edits the draft (`draft_set_mapping`, `draft_edit_task`, `draft_edit_target`) and
   looks at `draft_preview` / `diff_against_previous`;
4. `confirm_import` writes everything in one transaction, with the importing user as audit actor.

Revisions: a plan of the same region with the same title or 文号 (or one chosen explicitly) is
the previous version. Confirming creates a new Plan (`version + 1`, `previous_version` set, old one
`is_current=False`). Each new task matched to an old one (by code, then by title similarity) gets
`predecessor` set. Progress reports are NOT moved: a report belongs to a reporting period of the
plan version it was made under, and moving it would attach it to a period of another plan. History
stays reachable through the predecessor chain (`task_lineage`, `reports_with_history`). The new
version's reporting periods start after the last period the previous version holds reports for.
"""

from __future__ import annotations

import datetime
import difflib
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from kesu.audit.context import acting_as
from kesu.audit.models import AuditAction
from kesu.audit.registry import record, snapshot
from kesu.org.models import Region, Unit, User
from kesu.org.services import UnitMatcher, add_alias, create_unit
from kesu.planning.models import Plan, Section, SectionKind, Target, Task, TaskUnit, UnitRole
from kesu.plans.model import COMPARATORS, ParsedPlan
from kesu.progress.models import PeriodKind, ProgressReport
from kesu.progress.periods import create_reporting_periods

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ALLOWED_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
# Titles at least this similar (difflib ratio) identify the same task across plan versions.
TITLE_SIMILARITY = 0.6
NEW_UNIT = "new"


class PlanImportError(ValueError):
    """The document or the edited draft cannot be imported; the message says why, in Chinese."""


# --------------------------------------------------------------------------------------------
# Reading the document


def parse_plan_path(path: str | Path, display_name: str | None = None) -> ParsedPlan:
    from kesu.plans import parse_file
    from kesu.plans.errors import PlanParseError

    try:
        plan = parse_file(path)
    except PlanParseError as exc:
        raise PlanImportError(f"无法解析“{display_name or Path(path).name}”：{exc.problem}") from None
    if display_name:
        plan.source = display_name
    return plan


def check_upload(name: str, size: int, head: bytes) -> None:
    """Reject what cannot be a plan document before parsing: type, size, executable content."""
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise PlanImportError(
            f"文件“{name}”的类型 {suffix or '（无扩展名）'} 不支持，请上传 .txt、.md、.docx 或 .pdf 文件"
        )
    if size == 0:
        raise PlanImportError(f"文件“{name}”是空文件")
    if size > MAX_UPLOAD_BYTES:
        raise PlanImportError(
            f"文件“{name}”大小 {size / 1024 / 1024:.1f} MB，超过上限 {MAX_UPLOAD_BYTES // 1024 // 1024} MB"
        )
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        raise PlanImportError(f"文件“{name}”是可执行程序，不是方案文档")
    if suffix == ".docx" and not head.startswith(b"PK"):
        raise PlanImportError(f"文件“{name}”不是有效的 Word（.docx）文档")
    if suffix == ".pdf" and not head.startswith(b"%PDF"):
        raise PlanImportError(f"文件“{name}”不是有效的 PDF 文档")


def parse_plan_upload(uploaded) -> ParsedPlan:
    """Parse a Django UploadedFile. The bytes go to a private temporary file that is removed after."""
    name = Path(uploaded.name or "upload").name
    head = uploaded.read(8)
    uploaded.seek(0)
    check_upload(name, uploaded.size, head)
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="kesu-import-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in uploaded.chunks():
                out.write(chunk)
        return parse_plan_path(path, display_name=name)


# --------------------------------------------------------------------------------------------
# The draft


@dataclass
class ImportDraft:
    """What the office is about to import; JSON-serialisable so it can live in the session."""

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


def _task_index(draft: ImportDraft, task_id: str) -> int:
    for index, task in enumerate(draft.plan["tasks"]):
        if task["id"] == task_id:
            return index
    raise PlanImportError(f"方案中没有编号为“{task_id}”的任务")


def _split_units(text: str) -> list[str]:
    return [part for part in (p.strip() for p in re.split(r"[、,，;；\s]+", text or "")) if part]


def draft_edit_task(
    draft: ImportDraft, task_id: str, *, title: str, text: str, lead_units: str, participating_units: str
) -> None:
    """Correct a task the parser got wrong. Unit lists are names separated by 、 or commas; a name
    not yet in the mapping is matched against the region's units like the parsed ones."""
    task = draft.plan["tasks"][_task_index(draft, task_id)]
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
    task = draft.plan["tasks"][_task_index(draft, task_id)]
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


# --------------------------------------------------------------------------------------------
# Differences to the previous version


@dataclass
class TaskChange:
    old: Task
    new: dict[str, Any]
    fields: list[str]


@dataclass
class PlanDiff:
    previous: Plan
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[Task] = field(default_factory=list)
    changed: list[TaskChange] = field(default_factory=list)
    unchanged: int = 0
    # new task id -> old task
    matches: dict[str, Task] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _normal_title(title: str) -> str:
    return re.sub(r"[\s\d一二三四五六七八九十（）().、．]+", "", title or "")


def match_tasks(old_tasks: list[Task], new_tasks: list[dict[str, Any]]) -> dict[str, Task]:
    """Pair new tasks with old ones: same code first, then the most similar title (≥ 0.6)."""
    matches: dict[str, Task] = {}
    by_code = {t.code: t for t in old_tasks}
    used: set[int] = set()
    for new in new_tasks:
        old = by_code.get(new["id"])
        if old is not None and (
            difflib.SequenceMatcher(None, _normal_title(old.title), _normal_title(new["title"])).ratio()
            >= TITLE_SIMILARITY / 2
        ):
            matches[new["id"]] = old
            used.add(old.pk)
    for new in new_tasks:
        if new["id"] in matches:
            continue
        best, best_ratio = None, TITLE_SIMILARITY
        for old in old_tasks:
            if old.pk in used:
                continue
            ratio = difflib.SequenceMatcher(None, _normal_title(old.title), _normal_title(new["title"])).ratio()
            if ratio >= best_ratio:
                best, best_ratio = old, ratio
        if best is not None:
            matches[new["id"]] = best
            used.add(best.pk)
    return matches


def _target_key(target: dict[str, Any]) -> tuple:
    return (float(target["value"]), target["unit"], target.get("comparator", ">="), target.get("deadline_year"))


def diff_against_previous(draft: ImportDraft) -> PlanDiff | None:
    if draft.previous_id is None:
        return None
    previous = Plan.objects.get(pk=draft.previous_id)
    old_tasks = list(
        previous.tasks.prefetch_related("targets", "assignments__unit").order_by("order")
    )
    unit_names = dict(Unit.objects.filter(region_id=draft.region_id).values_list("pk", "name"))

    def resolved(name: str) -> str:
        mapped = draft.mapping.get(name)
        return unit_names.get(mapped, name) if isinstance(mapped, int) else name

    diff = PlanDiff(previous=previous)
    diff.matches = match_tasks(old_tasks, draft.plan["tasks"])
    matched_old = {t.pk for t in diff.matches.values()}
    for new in draft.plan["tasks"]:
        old = diff.matches.get(new["id"])
        if old is None:
            diff.added.append(new)
            continue
        changed = []
        if old.title != new["title"]:
            changed.append("标题")
        if old.text.strip() != (new.get("text") or "").strip():
            changed.append("任务内容")
        old_units = {(a.unit.name, a.role) for a in old.assignments.all()}
        new_units = {(resolved(n), UnitRole.LEAD) for n in new["lead_units"]}
        new_units |= {(resolved(n), UnitRole.PARTICIPATING) for n in new["participating_units"]
                      if (resolved(n), UnitRole.LEAD) not in new_units}
        if old_units != new_units:
            changed.append("责任单位")
        old_targets = sorted(
            (t.value, t.unit, t.comparator, t.deadline_year) for t in old.targets.all()
        )
        if old_targets != sorted(_target_key(t) for t in new.get("targets", [])):
            changed.append("目标")
        if changed:
            diff.changed.append(TaskChange(old, new, changed))
        else:
            diff.unchanged += 1
    diff.removed = [t for t in old_tasks if t.pk not in matched_old]
    return diff


# --------------------------------------------------------------------------------------------
# Checks and confirmation


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
            key = (*chain, _normal_title(item.get("title", "")))
            by_path.setdefault(key, section)
            walk(item.get("children", []), section, key)

    walk(sections, None, ())
    return by_path


def _section_for(path: list[str], by_path: dict[tuple[str, ...], Section]) -> Section | None:
    """The deepest saved heading on the task's path. Headings are looked up by their chain of
    titles; a path whose outer headings the parser did not keep still finds its inner heading."""
    keys = [_normal_title(p) for p in path]
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


def _resolve_units(region: Region, draft: ImportDraft, *, is_demo: bool) -> dict[str, Unit]:
    units = {u.pk: u for u in Unit.objects.filter(region=region)}
    aliases_of = {entry["name"]: entry.get("aliases", []) for entry in draft.plan.get("units", [])}
    resolved: dict[str, Unit] = {}
    created_by_name: dict[str, Unit] = {}
    for name in plan_unit_names(draft.plan):
        choice = draft.mapping.get(name)
        if choice == NEW_UNIT:
            existing = next((u for u in units.values() if u.name == name), None) or created_by_name.get(name)
            if existing is None:
                existing = create_unit(region, name, aliases=aliases_of.get(name, []), is_demo=is_demo)
                created_by_name[name] = existing
            resolved[name] = existing
        elif isinstance(choice, int) and choice in units:
            unit = units[choice]
            resolved[name] = unit
            # The office said this spelling means that unit: remember it for the next import.
            if name != unit.name:
                add_alias(unit, name)
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


def confirm_import(
    draft: ImportDraft, *, user: User | None, period_kind: str = PeriodKind.HALF_YEARLY, is_demo: bool = False,
) -> Plan:
    """Write the draft as a Plan, atomically, audited with `user` as the actor."""
    problems = validate_draft(draft)
    if problems:
        raise PlanImportError("方案未导入：" + "；".join(problems))
    region = draft.region
    with acting_as(user, reason="方案导入"), transaction.atomic():
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
            is_current=True, imported_by=user if user is not None and user.pk else None, is_demo=is_demo,
        )
        if previous is not None:
            previous.is_current = False
            previous.save()
        units = _resolve_units(region, draft, is_demo=is_demo)
        by_path = _save_sections(plan, data.get("sections", []))
        _save_tasks(plan, draft, units, by_path, diff.matches if diff else {})
        create_reporting_periods(plan, period_kind, start_from=_continue_after(previous))
    return plan


@dataclass
class ImportedPlanSummary:
    tasks: list[Task]
    section_count: int
    target_count: int
    assignment_count: int
    unit_count: int
    periods: list


def imported_plan_summary(plan: Plan) -> ImportedPlanSummary:
    """What an import wrote, for the page shown after confirmation. Six queries whatever the size."""
    tasks = list(
        plan.tasks.select_related("group", "predecessor").prefetch_related("assignments__unit", "targets")
    )
    return ImportedPlanSummary(
        tasks=tasks,
        section_count=plan.sections.count(),
        target_count=sum(len(t.targets.all()) for t in tasks),
        assignment_count=sum(len(t.assignments.all()) for t in tasks),
        unit_count=len({a.unit_id for t in tasks for a in t.assignments.all()}),
        periods=list(plan.periods.all()),
    )


# --------------------------------------------------------------------------------------------
# History across versions


def task_lineage(task: Task) -> list[Task]:
    """The task and its predecessors in older plan versions, newest first."""
    chain = [task]
    seen = {task.pk}
    current = task
    while current.predecessor_id and current.predecessor_id not in seen:
        current = Task.objects.select_related("plan").get(pk=current.predecessor_id)
        chain.append(current)
        seen.add(current.pk)
    return chain


def reports_with_history(task: Task):
    """Reports on this task and on its predecessors, for the task page's history."""
    return (
        ProgressReport.objects.filter(task__in=[t.pk for t in task_lineage(task)])
        .select_related("unit", "period", "task__plan")
        .order_by("-period__start", "unit__name")
    )
