"""请先核对: which items of a draft the office should check first, and which it has checked.

The parser attaches a judgement to every task, unit assignment, target and metadata field it read
(`kesu.plans.confidence`, stored under the draft plan's "judgements"); the unit mapping adds one for
each name pre-filled by a close spelling only (`kesu.org.unit_names`, kind "unit"). Items under
DOUBTFUL_BELOW are listed least sure first, each with a link to the row of the preview where it is
corrected. A person ticks an item as 已核对, or corrects it, which counts as checked too; both are
kept in `ImportDraft.checked`. Judgements whose item the office has deleted are left out.

Item ids: "task:<id>", "assignment:<task id>:<unit>", "target:<task id>:<index>",
"plan_target:<index>", "metadata:<field>", "unit:<name>".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from kesu.org.unit_names import FUZZY_THRESHOLD
from kesu.plan_import.errors import PlanImportError
from kesu.plan_import.models import ImportDraft
from kesu.plans.confidence import DOUBTFUL_BELOW, RULES

KIND_LABELS = {"task": "任务", "assignment": "责任单位", "target": "目标", "metadata": "基本信息", "unit": "单位对应"}
METADATA_LABELS = {
    "title": "标题", "doc_number": "文号", "issuer": "印发机关", "date": "印发日期", "region": "地区",
    "period": "实施期", "headline_target": "总体目标",
}
UNIT_RULE = "unit.fuzzy"
UNIT_RULE_DESCRIPTION = f"方案中的名称与本地区已有单位的名称或别名相近（相似度不低于 {FUZZY_THRESHOLD}），按相近者对应"
# A fuzzy match is never sure enough to pass unchecked: similarity FUZZY_THRESHOLD..100 is laid over
# confidence _UNIT_FLOOR.._UNIT_CEILING, under DOUBTFUL_BELOW, so the closer spelling is listed later.
_UNIT_FLOOR, _UNIT_CEILING = 0.5, round(DOUBTFUL_BELOW - 0.05, 2)
_SHARED_UNIT_PENALTY = 0.2


def confidence_word(confidence: float) -> str:
    if confidence >= 0.9:
        return "可靠"
    if confidence >= DOUBTFUL_BELOW:
        return "较可靠"
    if confidence >= 0.4:
        return "存疑"
    return "可能有误"


@dataclass
class ReviewItem:
    item: str
    kind: str
    label: str
    rule: str
    description: str
    confidence: float
    doubts: list[dict[str, Any]]
    # (href, text) of the places in the preview where the item is corrected.
    links: list[tuple[str, str]]
    checked: dict[str, Any] | None = None

    @property
    def doubtful(self) -> bool:
        return self.confidence < DOUBTFUL_BELOW

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def word(self) -> str:
        return confidence_word(self.confidence)

    @property
    def percent(self) -> int:
        return round(self.confidence * 100)


@dataclass
class ReviewPanel:
    has_judgements: bool
    total: int = 0
    pending: list[ReviewItem] = field(default_factory=list)
    done: list[ReviewItem] = field(default_factory=list)
    # Rows of the preview holding a doubtful item not yet checked: task ids, (task id, index) of
    # targets, plan-target indexes, metadata fields, unit names.
    marked_tasks: set[str] = field(default_factory=set)
    marked_targets: set[tuple[str, int]] = field(default_factory=set)
    marked_plan_targets: set[int] = field(default_factory=set)
    marked_metadata: set[str] = field(default_factory=set)
    marked_units: set[str] = field(default_factory=set)
    # Unit names fuzzily mapped to a unit that another name of the plan is mapped to as well.
    shared_units: dict[str, list[str]] = field(default_factory=dict)


def unit_anchor(names: list[str], name: str) -> str:
    return f"#unit-{names.index(name)}" if name in names else "#units"


def item_exists(plan: dict[str, Any], item: str, unit_names: list[str]) -> bool:
    """Whether the item a judgement points at is still in the draft (the office may have deleted or
    edited it away)."""
    kind, _, rest = item.partition(":")
    tasks = {t["id"]: t for t in plan.get("tasks", [])}
    if kind == "task":
        return rest in tasks
    if kind == "assignment":
        task_id, _, unit = rest.rpartition(":")
        task = tasks.get(task_id)
        return task is not None and unit in [*task.get("lead_units", []), *task.get("participating_units", [])]
    if kind == "target":
        task_id, _, index = rest.rpartition(":")
        task = tasks.get(task_id)
        return task is not None and index.isdigit() and int(index) < len(task.get("targets", []))
    if kind == "plan_target":
        return rest.isdigit() and int(rest) < len(plan.get("targets", []))
    if kind == "metadata":
        return rest in METADATA_LABELS
    if kind == "unit":
        return rest in unit_names
    return False


def metadata_label(plan: dict[str, Any], name: str) -> str:
    """A metadata item as the panel names it: the field in Chinese and its value now (the parser's
    label names the field in English and keeps the value it read, which a correction changes)."""
    value = plan.get(name)
    if name == "period" and value:
        shown = f"{value.get('start')}—{value.get('end')}年"
    elif name == "headline_target" and value:
        shown = f"{value.get('year')}年达到 {value.get('value'):g}{value.get('unit') or ''}"
    else:
        shown = str(value) if value else "（空）"
    return f"{METADATA_LABELS.get(name, name)}：{shown}"


def _links(item: str, unit_names: list[str]) -> list[tuple[str, str]]:
    kind, _, rest = item.partition(":")
    if kind == "task":
        return [(f"#task-{rest}", f"任务 {rest}")]
    if kind == "assignment":
        task_id, _, unit = rest.rpartition(":")
        return [(f"#task-{task_id}", f"任务 {task_id}"), (unit_anchor(unit_names, unit), f"单位“{unit}”的对应")]
    if kind == "target":
        task_id, _, index = rest.rpartition(":")
        return [(f"#target-{task_id}-{index}", f"任务 {task_id} 第{int(index) + 1}个目标")]
    if kind == "plan_target":
        return [(f"#plan-target-{rest}", f"方案目标 {int(rest) + 1}")]
    if kind == "metadata":
        return [(f"#meta-{rest}", METADATA_LABELS.get(rest, rest))]
    if kind == "unit":
        return [(unit_anchor(unit_names, rest), f"单位“{rest}”的对应")]
    return []


def _unit_judgements(draft: ImportDraft, unit_names: list[str], unit_labels: dict[int, str]) -> list[dict[str, Any]]:
    """One judgement per name still mapped as the close spelling pre-filled it."""
    judgements = []
    by_unit: dict[Any, list[str]] = {}
    for name in unit_names:
        by_unit.setdefault(draft.mapping.get(name), []).append(name)
    for name, similarity in (draft.match_similarity or {}).items():
        if name not in unit_names:
            continue
        unit_id = draft.mapping.get(name)
        shown = unit_labels.get(unit_id, "新建单位")
        reason = (draft.match_reasons or {}).get(name) or f"名称相近（相似度 {similarity}）"
        closeness = max(0.0, min(1.0, (similarity - FUZZY_THRESHOLD) / (100 - FUZZY_THRESHOLD)))
        base = _UNIT_FLOOR + closeness * (_UNIT_CEILING - _UNIT_FLOOR)
        # The rule itself is sure (1.0); the distance of the spelling is what lowers it.
        doubts = [{"reason": reason, "penalty": round(1.0 - base, 2)}]
        others = [n for n in by_unit.get(unit_id, []) if n != name] if unit_id in unit_labels else []
        if others:
            doubts.append({"reason": f"方案中的“{'”“'.join(others)}”也对应到“{shown}”，请确认不是不同的单位",
                           "penalty": _SHARED_UNIT_PENALTY})
        confidence = 1.0 - sum(d["penalty"] for d in doubts)
        judgements.append({
            "item": f"unit:{name}", "kind": "unit", "label": f"“{name}” → {shown}", "rule": UNIT_RULE,
            "confidence": round(max(0.05, confidence), 2), "doubts": doubts,
        })
    return judgements


def review_panel(draft: ImportDraft, unit_names: list[str], unit_labels: dict[int, str]) -> ReviewPanel:
    plan = draft.plan or {}
    stored = plan.get("judgements")
    unit_judgements = _unit_judgements(draft, unit_names, unit_labels)
    panel = ReviewPanel(has_judgements=stored is not None)
    checked = draft.checked or {}
    items = []
    for data in [*(stored or []), *unit_judgements]:
        item = data.get("item", "")
        if not item_exists(plan, item, unit_names):
            continue
        rule = RULES.get(data.get("rule", ""))
        description = UNIT_RULE_DESCRIPTION if data.get("rule") == UNIT_RULE else (rule.description if rule else "")
        label = data.get("label") or item
        if item.startswith("metadata:"):
            label = metadata_label(plan, item.partition(":")[2])
        items.append(ReviewItem(
            item=item, kind=data.get("kind", item.partition(":")[0]), label=label,
            rule=data.get("rule", ""), description=description, confidence=float(data.get("confidence", 0.0)),
            doubts=list(data.get("doubts", [])), links=_links(item, unit_names), checked=checked.get(item),
        ))
    panel.total = len(items)
    # Least sure first; ties keep document order (the sort is stable).
    doubtful = sorted((i for i in items if i.doubtful), key=lambda i: i.confidence)
    panel.pending = [i for i in doubtful if i.checked is None]
    panel.done = [i for i in doubtful if i.checked is not None]
    for entry in panel.pending:
        _mark(panel, entry.item)
    for data in unit_judgements:
        if len(data["doubts"]) > 1:
            name = data["item"].partition(":")[2]
            panel.shared_units[name] = [data["doubts"][1]["reason"]]
    return panel


def _mark(panel: ReviewPanel, item: str) -> None:
    kind, _, rest = item.partition(":")
    if kind in ("task", "assignment"):
        # An assignment is checked in its task's row; the unit's row of the mapping is marked only
        # for doubts about the mapping itself, or "名称一致" would sit beside 待核对.
        panel.marked_tasks.add(rest.rpartition(":")[0] if kind == "assignment" else rest)
    elif kind == "target":
        task_id, _, index = rest.rpartition(":")
        panel.marked_targets.add((task_id, int(index)))
        panel.marked_tasks.add(task_id)
    elif kind == "plan_target":
        panel.marked_plan_targets.add(int(rest))
    elif kind == "metadata":
        panel.marked_metadata.add(rest)
    elif kind == "unit":
        panel.marked_units.add(rest)


def mark_checked(draft: ImportDraft, item: str, *, by: str, how: str = "ticked") -> None:
    """Record that a person checked the item (ticked 已核对, or corrected it: "edited")."""
    draft.checked[item] = {"by": by, "at": timezone.now().isoformat(timespec="minutes"), "how": how}


def draft_tick(draft: ImportDraft, item: str, *, by: str, checked: bool = True) -> None:
    """The office ticks (or unticks) an item of the 请先核对 panel as 已核对."""
    from kesu.plan_import.drafts import plan_unit_names

    if not item_exists(draft.plan, item, plan_unit_names(draft.plan)):
        raise PlanImportError("要核对的项目已不在方案中")
    if checked:
        mark_checked(draft, item, by=by)
    else:
        draft.checked.pop(item, None)


def task_edited(draft: ImportDraft, task_id: str, *, by: str) -> None:
    """Correcting a task checks it and its unit assignments."""
    mark_checked(draft, f"task:{task_id}", by=by, how="edited")
    prefix = f"assignment:{task_id}:"
    for data in (draft.plan or {}).get("judgements") or []:
        if data.get("item", "").startswith(prefix):
            mark_checked(draft, data["item"], by=by, how="edited")


def target_deleted(draft: ImportDraft, task_id: str, index: int) -> None:
    """A deleted target's later siblings move up one place: so do their judgements and ticks."""
    prefix = f"target:{task_id}:"

    def moved(item: str) -> str | None:
        if not item.startswith(prefix):
            return item
        position = int(item[len(prefix):])
        if position == index:
            return None
        return f"{prefix}{position - 1}" if position > index else item

    judgements = (draft.plan or {}).get("judgements")
    if judgements is not None:
        kept = []
        for data in judgements:
            new = moved(data.get("item", ""))
            if new is not None:
                kept.append({**data, "item": new})
        draft.plan["judgements"] = kept
    draft.checked = {new: value for item, value in (draft.checked or {}).items() if (new := moved(item)) is not None}
