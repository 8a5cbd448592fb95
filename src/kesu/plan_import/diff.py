"""What a draft changes against the plan version it revises: tasks added, removed and changed, and
which new task continues which old one (its `predecessor` once confirmed)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from kesu.org.models import Unit
from kesu.plan_import.models import ImportDraft
from kesu.planning.models import Plan, Task, UnitRole

# Titles at least this similar (difflib ratio) identify the same task across plan versions.
TITLE_SIMILARITY = 0.6


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
    # The plan's own particulars that differ: 标题, 文号, 实施期, 总体目标.
    particulars: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """No task added, removed or changed (tasks, their units and targets)."""
        return not (self.added or self.removed or self.changed)

    @property
    def is_unchanged(self) -> bool:
        """The draft says nothing the previous version does not: importing it would only make a copy."""
        return self.is_empty and not self.particulars

    @property
    def unchanged_message(self) -> str:
        return f"与现行方案（第{self.previous.version}版）内容相同，无需导入"


def normal_title(title: str) -> str:
    """A title without numbering, brackets and spaces: what stays when a plan is renumbered."""
    return re.sub(r"[\s\d一二三四五六七八九十（）().、．]+", "", title or "")


def _similarity(old: Task, new: dict[str, Any]) -> float:
    return difflib.SequenceMatcher(None, normal_title(old.title), normal_title(new["title"])).ratio()


def match_tasks(old_tasks: list[Task], new_tasks: list[dict[str, Any]]) -> dict[str, Task]:
    """Pair new tasks with old ones: same code first, then the most similar title (≥ 0.6)."""
    matches: dict[str, Task] = {}
    by_code = {t.code: t for t in old_tasks}
    used: set[int] = set()
    for new in new_tasks:
        old = by_code.get(new["id"])
        # A kept code with a rewritten title is still the same task; a code reused for something
        # unrelated is not.
        if old is not None and _similarity(old, new) >= TITLE_SIMILARITY / 2:
            matches[new["id"]] = old
            used.add(old.pk)
    for new in new_tasks:
        if new["id"] in matches:
            continue
        best, best_ratio = None, TITLE_SIMILARITY
        for old in old_tasks:
            if old.pk in used:
                continue
            ratio = _similarity(old, new)
            if ratio >= best_ratio:
                best, best_ratio = old, ratio
        if best is not None:
            matches[new["id"]] = best
            used.add(best.pk)
    return matches


def _target_key(target: dict[str, Any]) -> tuple:
    return (float(target["value"]), target["unit"], target.get("comparator", ">="), target.get("deadline_year"),
            target.get("kind") or "")


def _particulars(previous: Plan, plan: dict[str, Any]) -> list[str]:
    period = plan.get("period") or {}
    headline = plan.get("headline_target") or {}
    changed = []
    if previous.title != (plan.get("title") or "")[:255]:
        changed.append("标题")
    if previous.doc_number != (plan.get("doc_number") or "")[:64]:
        changed.append("文号")
    if (previous.period_start, previous.period_end) != (period.get("start"), period.get("end")):
        changed.append("实施期")
    if (previous.headline_value, previous.headline_year) != (headline.get("value"), headline.get("year")):
        changed.append("总体目标")
    return changed


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

    diff = PlanDiff(previous=previous, particulars=_particulars(previous, draft.plan))
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
            (t.value, t.unit, t.comparator, t.deadline_year, t.kind) for t in old.targets.all()
        )
        if old_targets != sorted(_target_key(t) for t in new.get("targets", [])):
            changed.append("目标")
        if changed:
            diff.changed.append(TaskChange(old, new, changed))
        else:
            diff.unchanged += 1
    diff.removed = [t for t in old_tasks if t.pk not in matched_old]
    return diff
