"""Reads for the import pages: the draft's preview and what a confirmed import wrote."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from kesu.org.models import Region, Unit
from kesu.plan_import.diff import PlanDiff, diff_against_previous
from kesu.plan_import.drafts import (
    NEW_UNIT,
    ImportDraft,
    draft_task,
    plan_unit_names,
    region_mismatch,
    validate_draft,
)
from kesu.planning.models import Plan, Task


def current_plans(region: Region):
    """The plans a draft may revise: the region's current ones, newest import first."""
    return Plan.objects.filter(region=region, is_current=True).order_by("-imported_at")


@dataclass
class DraftPreview:
    draft: ImportDraft
    region: Region
    plan: dict[str, Any]
    units: list[Unit]
    mapping_rows: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    diff: PlanDiff | None
    problems: list[str]
    candidates: Any
    region_warning: str | None
    target_count: int
    new_unit: str = NEW_UNIT

    def context(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def draft_preview(draft: ImportDraft) -> DraftPreview:
    region = draft.region
    units = list(Unit.objects.filter(region=region).order_by("name"))
    unit_names = {u.pk: u.name for u in units}
    plan = draft.plan
    mapping_rows = [
        {"name": name, "choice": draft.mapping.get(name), "reason": draft.match_reasons.get(name, "")}
        for name in plan_unit_names(plan)
    ]

    def shown(name):
        choice = draft.mapping.get(name)
        return unit_names.get(choice, f"{name}（新建）") if choice != NEW_UNIT else f"{name}（新建）"

    tasks = [
        {**task, "lead_shown": [shown(n) for n in task["lead_units"]],
         "participating_shown": [shown(n) for n in task["participating_units"]]}
        for task in plan["tasks"]
    ]
    return DraftPreview(
        draft=draft, region=region, plan=plan, units=units, mapping_rows=mapping_rows, tasks=tasks,
        diff=diff_against_previous(draft), problems=validate_draft(draft), candidates=current_plans(region),
        region_warning=region_mismatch(draft),
        target_count=sum(len(t.get("targets", [])) for t in plan["tasks"]),
    )


def task_edit_initial(draft: ImportDraft, task_id: str) -> tuple[dict[str, Any], dict[str, str], list[tuple]]:
    """The task as the correction form shows it: the task, the form's initial values, and each
    target's (index, target, initial values)."""
    task = draft_task(draft, task_id)
    initial = {
        "title": task["title"], "text": task["text"],
        "lead_units": "、".join(task["lead_units"]), "participating_units": "、".join(task["participating_units"]),
    }
    targets = [
        (index, target, {
            "value": f"{target['value']:g}", "unit": target["unit"], "comparator": target.get("comparator", ">="),
            "deadline_year": target.get("deadline_year") or "",
        })
        for index, target in enumerate(task.get("targets", []))
    ]
    return task, initial, targets


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
