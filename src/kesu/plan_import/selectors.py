"""Reads for the import pages: the draft's preview and what a confirmed import wrote."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from django.http import Http404

from kesu.org.models import Region, Unit, User
from kesu.org.selectors import administrable_regions
from kesu.plan_import.diff import PlanDiff, diff_against_previous
from kesu.plan_import.drafts import (
    NEW_UNIT,
    draft_task,
    effective_kind,
    plan_unit_names,
    read_kind,
    region_mismatch,
    validate_draft,
)
from kesu.plan_import.models import DraftState, ImportDraft
from kesu.plan_import.review import METADATA_LABELS, ReviewPanel, review_panel
from kesu.planning.models import Plan, Task
from kesu.plans.attainment import Kind

GONE = "这份导入草稿不存在或已过期，请重新上传方案文件"
KIND_CHOICES = [(kind.value, kind.label) for kind in Kind]


def open_drafts(user: User) -> list[ImportDraft]:
    """The unfinished imports of every region the office administers, last changed first."""
    return list(
        ImportDraft.objects.filter(region__in=administrable_regions(user), state=DraftState.OPEN)
        .select_related("region", "created_by").order_by("-updated_at")
    )


def draft_for(user: User, token: str) -> ImportDraft:
    """The draft behind a URL, if the user administers its region; otherwise it does not exist (404),
    so that another office cannot learn that a token is in use."""
    draft = (
        ImportDraft.objects.filter(token=token, region__in=administrable_regions(user))
        .select_related("region", "created_by", "closed_by", "imported_plan").first()
    )
    if draft is None:
        raise Http404(GONE)
    return draft


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
    # Set when the draft repeats the plan it revises: there is nothing to import.
    unchanged: str | None = None
    review: ReviewPanel | None = None
    # The kept workbook's column mapping, one form row per source column (empty for other formats).
    workbook_sheets: list[dict[str, Any]] | None = None
    workbook_kept: bool = False
    role_choices: tuple = ()
    metadata_rows: list[dict[str, Any]] | None = None
    plan_targets: list[dict[str, Any]] | None = None
    new_unit: str = NEW_UNIT
    kind_choices: tuple = tuple(KIND_CHOICES)

    def context(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def draft_preview(draft: ImportDraft) -> DraftPreview:
    region = draft.region
    units = list(Unit.objects.filter(region=region).order_by("name"))
    unit_names = {u.pk: u.name for u in units}
    plan = draft.plan
    names = plan_unit_names(plan)
    review = review_panel(draft, names, unit_names)
    mapping_rows = [
        {"name": name, "choice": draft.mapping.get(name), "reason": draft.match_reasons.get(name, ""),
         "index": index, "doubtful": name in review.marked_units, "shared": review.shared_units.get(name, [])}
        for index, name in enumerate(names)
    ]

    def shown(name):
        choice = draft.mapping.get(name)
        return unit_names.get(choice, f"{name}（新建）") if choice != NEW_UNIT else f"{name}（新建）"

    tasks = [
        {**task, "lead_shown": [shown(n) for n in task["lead_units"]],
         "participating_shown": [shown(n) for n in task["participating_units"]],
         "doubtful": task["id"] in review.marked_tasks,
         "targets": [{**_target_row(t), "doubtful": (task["id"], i) in review.marked_targets}
                     for i, t in enumerate(task.get("targets", []))]}
        for task in plan["tasks"]
    ]
    diff = diff_against_previous(draft)
    return DraftPreview(
        draft=draft, region=region, plan=plan, units=units, mapping_rows=mapping_rows, tasks=tasks,
        diff=diff, problems=validate_draft(draft), candidates=current_plans(region),
        region_warning=region_mismatch(draft),
        target_count=sum(len(t.get("targets", [])) for t in plan["tasks"]),
        unchanged=diff.unchanged_message if diff is not None and diff.is_unchanged else None,
        review=review, workbook_sheets=_workbook_rows(draft.columns or []), workbook_kept=bool(draft.workbook),
        role_choices=tuple(ROLE_CHOICES),
        metadata_rows=[{"field": f, "label": label, "doubtful": f in review.marked_metadata}
                       for f, label in METADATA_LABELS.items()],
        plan_targets=[{**t, "doubtful": i in review.marked_plan_targets} for i, t in enumerate(plan.get("targets") or [])],
    )


# The roles a workbook column can take in the preview's mapping form, in the order offices think of them.
ROLE_CHOICES = [
    ("seq", "序号"), ("task", "任务"), ("lead", "牵头单位"), ("resp", "责任单位"), ("part", "配合单位"),
    ("target", "目标"), ("deadline", "完成时限"), ("detail", "工作措施"), ("category", "类别"), ("", "忽略"),
]


def _workbook_rows(sheets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each sheet's columns with a form field name ("col-<sheet>-<column>") for the mapping form."""
    return [
        {"sheet": sheet["sheet"], "columns": [
            {**column, "field": f"col-{position}-{column['column']}", "letter": _column_letter(column["column"])}
            for column in sheet["columns"]
        ]}
        for position, sheet in enumerate(sheets)
    ]


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _target_row(target: dict[str, Any]) -> dict[str, Any]:
    """A target as the preview shows it: the kind the rule reads from its wording, and the one that
    counts (the office's correction, if any)."""
    read = read_kind(target)
    kind = effective_kind(target)
    return {**target, "read_kind": read, "kind_value": kind.value, "kind_label": kind.label,
            "corrected": kind != read}


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
            "deadline_year": target.get("deadline_year") or "", "kind": effective_kind(target).value,
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
