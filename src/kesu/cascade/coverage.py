"""Coverage (覆盖) across levels, read as frozen dataclasses for the page and the xlsx export.

Two views:

* ``task_matrix``: a parent plan's tasks × its child plans (plans whose PlanParent is this plan).
  A cell is 已覆盖 when some task of the child plan has a *confirmed* link to the parent task; 待确认
  when it has only *proposed* links to it and the best scores at least ``PROPOSED_THRESHOLD`` (the
  office has not yet said yes, but the text match is strong enough to be worth a look); otherwise
  未覆盖 (no link, or only weak proposals, which are mostly noise of the similarity ranking).
* ``national_coverage``: which headings of the national 纲要 a plan covers. Directly through its
  tasks' links to national headings when its parent is the national 纲要; otherwise through its
  links to its parent plan's tasks and, in turn, that plan's links upwards (a county task linked to a
  city task linked to A1 covers A1). Along such a chain a heading is 已覆盖 only when every link on
  the way is confirmed, and 待确认 when each link is confirmed or a proposal ≥ the threshold. Local
  additions (L1 …) count under the national heading they are ``within``.

Child plans and tasks are those the user may see (kesu.planning.selectors); callers check the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from kesu.cascade.models import LinkState, PlanParent, TaskLink
from kesu.org.models import User
from kesu.planning.models import Plan
from kesu.planning.selectors import visible_plans, visible_tasks

PROPOSED_THRESHOLD = 0.5
MAX_DEPTH = 6  # national → province → city → county → …: a cycle or a deeper chain stops here


class Cover(IntEnum):
    """Ordered so that the better of two states is ``max`` and a chain's state is ``min``."""

    MISSING = 0
    PROPOSED = 1
    COVERED = 2

    @property
    def label(self) -> str:
        return {0: "未覆盖", 1: "待确认", 2: "已覆盖"}[self.value]

    @property
    def css(self) -> str:
        return {0: "missing", 1: "proposed", 2: "covered"}[self.value]


def link_cover(state: str, score: float | None) -> Cover:
    if state == LinkState.CONFIRMED:
        return Cover.COVERED
    if score is not None and score >= PROPOSED_THRESHOLD:
        return Cover.PROPOSED
    return Cover.MISSING


@dataclass(frozen=True)
class ChildPlan:
    plan_id: int
    region: str
    title: str


@dataclass(frozen=True)
class Cell:
    cover: Cover
    child_tasks: tuple[str, ...]  # codes of the child plan's tasks that make the cell what it is

    @property
    def label(self) -> str:
        return self.cover.label


@dataclass(frozen=True)
class MatrixRow:
    task_id: int
    code: str
    title: str
    cells: tuple[Cell, ...]  # one per child plan, in the matrix's order


@dataclass(frozen=True)
class ChildCounts:
    child: ChildPlan
    covered: int
    proposed: int
    missing: int


@dataclass(frozen=True)
class Matrix:
    children: tuple[ChildPlan, ...]
    rows: tuple[MatrixRow, ...]
    counts: tuple[ChildCounts, ...]
    threshold: float = PROPOSED_THRESHOLD


def child_plans(user: User, plan: Plan) -> tuple[ChildPlan, ...]:
    """The plans whose parent is ``plan`` and which the user may see, by region code."""
    plans = (visible_plans(user).filter(cascade_parent__parent_plan=plan).select_related("region")
             .defer("parsed").order_by("region__code", "pk"))
    return tuple(ChildPlan(p.pk, p.region.name, p.title) for p in plans)


def task_matrix(user: User, plan: Plan) -> Matrix:
    children = child_plans(user, plan)
    tasks = list(visible_tasks(user).filter(plan=plan).order_by("order", "pk").values_list("pk", "code", "title"))
    best: dict[tuple[int, int], tuple[Cover, list[str]]] = {}
    links = (TaskLink.objects.filter(parent_task__plan=plan, task__plan_id__in=[c.plan_id for c in children],
                                     task__in=visible_tasks(user))
             .values_list("parent_task_id", "task__plan_id", "task__code", "state", "score"))
    for parent_task, child_plan, child_code, state, score in links:
        cover = link_cover(state, score)
        if cover == Cover.MISSING:
            continue
        key = (parent_task, child_plan)
        current, codes = best.get(key, (Cover.MISSING, []))
        if cover > current:
            best[key] = (cover, [child_code])
        elif cover == current:
            codes.append(child_code)
    rows = []
    for pk, code, title in tasks:
        cells = []
        for child in children:
            cover, codes = best.get((pk, child.plan_id), (Cover.MISSING, []))
            cells.append(Cell(cover, tuple(sorted(set(codes)))))
        rows.append(MatrixRow(pk, code, title, tuple(cells)))
    counts = tuple(
        ChildCounts(child, *(sum(1 for row in rows if row.cells[i].cover == c)
                             for c in (Cover.COVERED, Cover.PROPOSED, Cover.MISSING)))
        for i, child in enumerate(children))
    return Matrix(children, tuple(rows), counts)


@dataclass(frozen=True)
class HeadingCover:
    code: str
    title: str
    cover: Cover
    tasks: tuple[str, ...]  # codes of the plan's tasks that cover it (at that state)

    @property
    def label(self) -> str:
        return self.cover.label


@dataclass(frozen=True)
class NationalCoverage:
    source: str  # how the headings were reached, in a sentence for the page
    through_plans: tuple[str, ...]  # titles of the plans on the way up (empty: direct links)
    headings: tuple[HeadingCover, ...]  # national headings (no local additions), outline order
    has_parent: bool

    @property
    def left_out(self) -> tuple[HeadingCover, ...]:
        return tuple(h for h in self.headings if h.cover == Cover.MISSING)


def _outline():
    from kesu.plans.national import load_outline

    return load_outline()


def _national_of(code: str) -> str | None:
    try:
        return _outline().national_code(code)
    except KeyError:  # a code from an older data file: no heading to count it under
        return None


def _heading_covers(plan_id: int, depth: int) -> tuple[dict[int, dict[str, Cover]], tuple[str, ...], bool]:
    """For each task of the plan: national heading → best cover, following links up the chain;
    with the titles of the plans passed on the way and whether the chain reaches the 纲要."""
    parent = PlanParent.objects.filter(plan_id=plan_id).select_related("parent_plan").first()
    if parent is None or depth > MAX_DEPTH:
        return {}, (), False
    result: dict[int, dict[str, Cover]] = {}
    if parent.is_national:
        for task, code, state, score in (TaskLink.objects.filter(task__plan_id=plan_id).exclude(national_code="")
                                         .values_list("task_id", "national_code", "state", "score")):
            heading, cover = _national_of(code), link_cover(state, score)
            if heading and cover:
                slot = result.setdefault(task, {})
                slot[heading] = max(slot.get(heading, Cover.MISSING), cover)
        return result, (), True
    above, through, reaches = _heading_covers(parent.parent_plan_id, depth + 1)
    for task, parent_task, state, score in (TaskLink.objects.filter(task__plan_id=plan_id,
                                                                    parent_task__isnull=False)
                                            .values_list("task_id", "parent_task_id", "state", "score")):
        cover = link_cover(state, score)
        if not cover:
            continue
        for heading, upper in above.get(parent_task, {}).items():
            slot = result.setdefault(task, {})
            slot[heading] = max(slot.get(heading, Cover.MISSING), min(cover, upper))
    return result, (parent.parent_plan.title, *through), reaches


def national_coverage(user: User, plan: Plan) -> NationalCoverage:
    covers, through, reaches = _heading_covers(plan.pk, 0)
    codes = dict(visible_tasks(user).filter(plan=plan).values_list("pk", "code"))
    if not PlanParent.objects.filter(plan=plan).exists():
        source = "尚未设定上级方案，无法判断对国家纲要的覆盖。"
    elif not through:
        source = "按本方案任务与国家纲要条目的对应判断。"
    elif reaches:
        source = "按本方案任务与上级方案任务的对应，再经" + "→".join(f"《{t}》" for t in through) \
            + "与国家纲要条目的对应判断。"
    else:
        source = "上级方案链未连到国家纲要（" + "→".join(f"《{t}》" for t in through) + "），无法判断。"
    headings = []
    for heading in _outline().headings:
        if heading.kind == "local_addition":
            continue
        best, tasks = Cover.MISSING, []
        for task, by_heading in covers.items():
            if task not in codes:
                continue
            cover = by_heading.get(heading.code, Cover.MISSING)
            if cover and cover > best:
                best, tasks = cover, [codes[task]]
            elif cover and cover == best:
                tasks.append(codes[task])
        headings.append(HeadingCover(heading.code, heading.title, best, tuple(sorted(tasks, key=_code_key))))
    return NationalCoverage(source, through, tuple(headings), PlanParent.objects.filter(plan=plan).exists())


def _code_key(code: str):
    return tuple(int(p) if p.isdigit() else 0 for p in code.replace("-", ".").split(".")), code

