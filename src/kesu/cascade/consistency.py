"""Target consistency (目标一致性) across levels, read as frozen dataclasses for the page and the export.

Headline targets. Each plan's headline (公民具备科学素质的比例, %) is set against its parent plan's and
against the national 纲要's target for the same year (the plan's ``headline_year``, else its last
year; the national targets come from the outline data file: 2025 → 15 %, 2035 → 25 %). A child whose
headline is below its parent's, or below the national one, is listed. Different units are 不可比.

Task targets, through *confirmed* links only (a proposal is not yet the office's word). For each
quantitative target of a parent task, the targets of the child tasks linked to it are compared by
the kind ``kesu.plans.attainment`` gives the parent target:

* Counts that add up (累计 / 每年, and 达到 with a count unit such as 建成 50 个): the children
  together should reach the parent, so the **sum** of the children's targets is compared with the
  parent's; a sum below it is listed (合计低于上级). 每年 and 累计 targets are not mixed (不可比):
  a yearly amount is not a total over the period.
* Rates, shares and per-capita figures (%, ‰, 人/万人, 人均…, 覆盖率…; attainment says they do not
  add up): **each** child is compared with the parent's rate; a child below it is listed.
* Ceilings (不超过…): each child is compared with the parent's; a child above it is listed.

Units must match: a child target in 人次 is never summed with, or set against, a parent target in
个 (listed as 不可比). ``万``/``亿`` before a unit is scaled (3 万人次 = 30000 人次). A child task with
several targets is paired by unit, and by subject when the parent task has several targets of the
same unit. Decisions are also written in docs/decisions.md (上下联动：目标一致性的规则).
"""

from __future__ import annotations

from dataclasses import dataclass

from kesu.cascade.coverage import child_plans
from kesu.cascade.models import LinkState, PlanParent, TaskLink
from kesu.org.models import User
from kesu.planning.models import Plan, Target
from kesu.planning.selectors import visible_tasks
from kesu.plans.attainment import Kind

SCALES = (("亿", 100_000_000), ("万", 10_000))
CONSISTENT, BELOW, ABOVE, NOT_COMPARABLE, NO_CHILDREN = "一致", "低于上级", "高于上级上限", "不可比", "下级未设目标"


def base_unit(unit: str) -> tuple[str, float]:
    """(unit without 万/亿, factor): 万人次 → (人次, 10000)."""
    unit = (unit or "").strip()
    for prefix, factor in SCALES:
        if len(unit) > 1 and unit.startswith(prefix):
            return unit[1:], factor
    return unit, 1.0


# ---- headline targets -------------------------------------------------------------------------

@dataclass(frozen=True)
class Headline:
    plan_id: int | None  # None: the national 纲要
    region: str
    title: str
    indicator: str
    value: float | None
    unit: str
    year: int | None


@dataclass(frozen=True)
class HeadlineCheck:
    plan: Headline
    parent: Headline | None
    national: Headline | None
    versus_parent: str  # 一致 / 低于上级 / 不可比 / "" (no parent plan, or no figure)
    versus_national: str

    @property
    def listed(self) -> bool:
        return BELOW in (self.versus_parent, self.versus_national)


def _headline(plan: Plan) -> Headline:
    return Headline(plan.pk, plan.region.name, plan.title, plan.headline_indicator, plan.headline_value,
                    plan.headline_unit, plan.headline_year or plan.period_end)


def national_headline(year: int | None) -> Headline | None:
    """The national 纲要's headline for ``year`` (2025 when the plan names none), from the data file."""
    from kesu.plans.national import load_outline

    outline = load_outline()
    year = year or 2025
    for target in outline.targets:
        if target.year == year:
            return Headline(None, "全国", outline.title or "全民科学素质行动规划纲要（2021—2035年）",
                            target.indicator, target.value, target.unit, target.year)
    return None


def _versus(child: Headline, other: Headline | None) -> str:
    if other is None or child.value is None or other.value is None:
        return ""
    if base_unit(child.unit)[0] != base_unit(other.unit)[0]:
        return NOT_COMPARABLE
    return BELOW if child.value < other.value else CONSISTENT


def headline_check(plan: Plan, parent: Plan | None) -> HeadlineCheck:
    own = _headline(plan)
    up = _headline(parent) if parent is not None else None
    national = national_headline(own.year)
    return HeadlineCheck(own, up, national, _versus(own, up), _versus(own, national))


def headline_checks(user: User, plan: Plan) -> tuple[HeadlineCheck, ...]:
    """The plan itself against its parent and the 纲要, then each child plan against the plan."""
    parent = PlanParent.objects.filter(plan=plan).select_related("parent_plan__region").first()
    parent_plan = parent.parent_plan if parent is not None and not parent.is_national else None
    checks = [headline_check(plan, parent_plan)]
    ids = [c.plan_id for c in child_plans(user, plan)]
    for child in Plan.objects.filter(pk__in=ids).select_related("region").defer("parsed").order_by("region__code"):
        checks.append(headline_check(child, plan))
    return tuple(checks)


# ---- task targets -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChildTarget:
    region: str
    plan_id: int
    task_code: str
    text: str
    value: float | None  # in the parent target's unit; None when not comparable
    unit: str
    verdict: str  # for rates and ceilings, this child's own; for sums, "" (the sum is judged)


@dataclass(frozen=True)
class TargetCheck:
    task_id: int
    task_code: str
    task_title: str
    text: str
    subject: str
    value: float
    unit: str
    comparator: str
    kind: Kind
    summed: bool
    total: float | None  # the children's sum (summed kinds)
    children: tuple[ChildTarget, ...]
    verdict: str

    @property
    def rule(self) -> str:
        if self.kind == Kind.CEILING:
            return "各下级目标逐一不超过上级上限"
        if self.summed:
            return "下级目标合计应不低于上级目标"
        return "各下级目标逐一不低于上级目标"

    @property
    def listed(self) -> bool:
        return self.verdict != CONSISTENT

    @property
    def not_comparable(self) -> tuple[ChildTarget, ...]:
        return tuple(c for c in self.children if c.verdict == NOT_COMPARABLE)


def _pick(child: Target, parents: list[Target]) -> Target | None:
    """The parent target a child target answers: same base unit, the same subject preferred."""
    unit = base_unit(child.unit)[0]
    same = [p for p in parents if base_unit(p.unit)[0] == unit]
    return next((p for p in same if child.subject and p.subject == child.subject), same[0] if same else None)


def _check(parent: Target, kind: Kind, summed: bool, entries: list[tuple[Target, Kind, str, int, str]],
           others: list[ChildTarget]) -> TargetCheck:
    goal_factor = base_unit(parent.unit)[1]
    children, total = list(others), None
    for target, child_kind, region, plan_id, code in entries:
        value = target.value * base_unit(target.unit)[1] / goal_factor
        yearly_mix = summed and (child_kind == Kind.YEARLY) != (kind == Kind.YEARLY)
        if yearly_mix:
            children.append(ChildTarget(region, plan_id, code, target.text, None, target.unit, NOT_COMPARABLE))
            continue
        if summed:
            total = (total or 0.0) + value
            children.append(ChildTarget(region, plan_id, code, target.text, value, parent.unit, ""))
        else:
            bad = value > parent.value if kind == Kind.CEILING else value < parent.value
            children.append(ChildTarget(region, plan_id, code, target.text, value, parent.unit,
                                        (ABOVE if kind == Kind.CEILING else BELOW) if bad else CONSISTENT))
    comparable = [c for c in children if c.verdict != NOT_COMPARABLE]
    if not comparable:
        verdict = NOT_COMPARABLE if children else NO_CHILDREN
    elif summed:
        verdict = BELOW if (total or 0.0) < parent.value else CONSISTENT
    else:
        verdict = next((c.verdict for c in comparable if c.verdict != CONSISTENT), CONSISTENT)
    if verdict == CONSISTENT and len(comparable) < len(children):
        verdict = NOT_COMPARABLE  # a difference in units is itself something for the office to resolve
    return TargetCheck(parent.task_id, parent.task.code, parent.task.title, parent.text, parent.subject,
                       parent.value, parent.unit, parent.comparator, kind, summed, total,
                       tuple(sorted(children, key=lambda c: (c.region, c.task_code))), verdict)


def target_checks(user: User, plan: Plan) -> tuple[TargetCheck, ...]:
    """One check per quantitative target of the plan's tasks that some child task is linked to
    (confirmed), in plan order."""
    ids = [c.plan_id for c in child_plans(user, plan)]
    links = list(TaskLink.objects.filter(parent_task__plan=plan, state=LinkState.CONFIRMED,
                                         task__plan_id__in=ids, task__in=visible_tasks(user))
                 .select_related("task__plan__region").order_by("task__plan__region__code", "task__order"))
    if not links:
        return ()
    child_tasks: dict[int, list] = {}
    for link in links:
        child_tasks.setdefault(link.parent_task_id, []).append(link.task)
    targets: dict[int, list[Target]] = {}
    for target in Target.objects.filter(task_id__in={t.pk for ts in child_tasks.values() for t in ts}
                                        | set(child_tasks)).select_related("task").order_by("task", "order"):
        targets.setdefault(target.task_id, []).append(target)
    deadline = plan.period_end
    checks = []
    for parent_task in (visible_tasks(user).filter(pk__in=list(child_tasks)).order_by("order", "pk")):
        parents = targets.get(parent_task.pk, [])
        if not parents:
            continue
        entries: dict[int, list] = {p.pk: [] for p in parents}
        unmatched: list[ChildTarget] = []
        for task in child_tasks[parent_task.pk]:
            for target in targets.get(task.pk, []):
                match = _pick(target, parents)
                if match is None:
                    unmatched.append(ChildTarget(task.plan.region.name, task.plan_id, task.code, target.text,
                                                 None, target.unit, NOT_COMPARABLE))
                    continue
                kind = target.attainment_target(task.plan.period_end).kind
                entries[match.pk].append((target, kind, task.plan.region.name, task.plan_id, task.code))
        for index, parent in enumerate(parents):
            judged = parent.attainment_target(deadline)
            summed = judged.adds_up and judged.kind != Kind.CEILING
            # Units no parent target has are shown once, under the task's first target.
            checks.append(_check(parent, judged.kind, summed, entries[parent.pk], unmatched if index == 0 else []))
    return tuple(checks)
