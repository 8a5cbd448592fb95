"""Plans in succession (方案衔接): a region's plan for one period followed by the plan for the next
(十四五 2021—2025 → 十五五 2026—2030). Not a revision: a revised document of the same plan is a new
*version* (``Plan.previous_version``), whose tasks take their reports along (``Task.predecessor``);
a successor plan is a plan of its own, with its own periods and reports, and the link only says
which plan came before (``Plan.preceding_plan``) and which of its unfinished tasks a new task
carries on (承接, ``Task.carried_from``). The old plan is never changed.

:func:`declare_successor` is the one write; :func:`succession_form` is what the page offers.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from kesu.audit.context import acting_as
from kesu.org.models import User
from kesu.org.permissions import require_office_admin
from kesu.planning.models import Plan, Task
from kesu.supervision.closing import UnfinishedTask, unfinished_work
from kesu.supervision.status import Colour

# A suggested match needs at least this title similarity (difflib ratio of the normalised titles).
SUGGEST_AT = 0.5
REASON = "声明下一期方案"


class SuccessionError(Exception):
    """A declaration the office cannot make; ``str(error)`` is the Chinese message."""


def normal_title(title: str) -> str:
    """A title without numbering, brackets, punctuation and spaces: what stays from one plan to the next."""
    return re.sub(r"[\s\d一二三四五六七八九十（）().、．，,。“”\"《》]+", "", title or "")


def title_similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, normal_title(a), normal_title(b)).ratio()


def period_label(plan: Plan) -> str:
    if plan.period_start and plan.period_end:
        return f"{plan.period_start}—{plan.period_end}"
    return str(plan.period_start or plan.period_end or "期间未定")


@dataclass(frozen=True)
class Succession:
    """What a declaration did: the plans linked, the old plan's unfinished work (as it was offered),
    and the task links now in force, old task id → new task id."""

    plan: Plan
    successor: Plan
    unfinished: tuple[UnfinishedTask, ...]
    links: dict[int, int]


def _check_plans(plan: Plan, successor: Plan) -> None:
    if plan.region_id != successor.region_id:
        raise SuccessionError(f"两个方案不属于同一地区：{plan.region.name} / {successor.region.name}")
    if not plan.is_current or not successor.is_current:
        raise SuccessionError("只能衔接两个方案的现行版本（修订后的旧版本已不再使用）")
    start, previous_start = successor.period_start, plan.period_start
    if start is None or previous_start is None:
        raise SuccessionError("方案缺少实施期起始年，无法判断先后：请先在方案导入时补全实施期")
    if start <= previous_start or (plan.period_end is not None and start <= plan.period_end):
        raise SuccessionError(
            f"下一期方案（{period_label(successor)}年）须在上一期方案（{period_label(plan)}年）结束之后开始"
        )
    if successor.preceding_plan_id not in (None, plan.pk):
        raise SuccessionError(f"“{successor.title}”已声明为另一方案的下一期方案")
    if Plan.objects.filter(preceding_plan=plan, is_current=True).exclude(pk=successor.pk).exists():
        raise SuccessionError(f"“{plan.title}”已有下一期方案")


def _check_links(carry_over: Mapping, old_ids: set[int], new_tasks: dict[int, Task]) -> dict[int, int]:
    links: dict[int, int] = {}
    for raw_old, raw_new in carry_over.items():
        try:
            old_id, new_id = int(raw_old), int(raw_new)
        except (TypeError, ValueError) as exc:
            raise SuccessionError(f"任务编号无效：{raw_old} → {raw_new}") from exc
        if old_id not in old_ids:
            raise SuccessionError(f"任务（编号 {old_id}）不是上一期方案的任务")
        if new_id not in new_tasks:
            raise SuccessionError(f"任务（编号 {new_id}）不是下一期方案的任务")
        links[old_id] = new_id
    taken: dict[int, int] = {}
    for old_id, new_id in links.items():
        if new_id in taken:
            task = new_tasks[new_id]
            raise SuccessionError(f"下一期任务“{task.code} {task.title}”只能承接一项上一期任务")
        taken[new_id] = old_id
    return links


def declare_successor(*, actor: User, plan: Plan, successor: Plan,
                      carry_over: Mapping[int, int] | Iterable[tuple[int, int]] | None = None) -> Succession:
    """Declare ``successor`` the plan of the period after ``plan`` (same region, office admin only).

    ``carry_over`` maps tasks of ``plan`` to the tasks of ``successor`` that carry them on; it is
    the whole set of links wanted (a successor task linked before and left out is unlinked, so the
    page can correct a choice). None leaves the task links as they are. Tasks of ``plan`` that
    were not unfinished may be linked too: the office knows its plans. Atomic: a bad link writes
    nothing. Every change is in the audit log (Plan and Task are audited models)."""
    require_office_admin(actor, plan.region)
    require_office_admin(actor, successor.region)
    if plan.pk == successor.pk:
        raise SuccessionError("不能把方案声明为它自己的下一期方案")
    with acting_as(actor, REASON), transaction.atomic():
        locked = {p.pk: p for p in Plan.objects.select_for_update().filter(pk__in=[plan.pk, successor.pk])
                  .select_related("region").order_by("pk")}
        if len(locked) != 2:
            raise SuccessionError("方案不存在")
        plan, successor = locked[plan.pk], locked[successor.pk]
        _check_plans(plan, successor)
        new_tasks = {t.pk: t for t in Task.objects.select_for_update().filter(plan=successor).order_by("pk")}
        old_ids = set(Task.objects.filter(plan=plan).values_list("pk", flat=True))
        links = None
        if carry_over is not None:
            pairs = carry_over.items() if isinstance(carry_over, Mapping) else carry_over
            links = _check_links(dict(pairs), old_ids, new_tasks)

        if successor.preceding_plan_id != plan.pk:
            successor.preceding_plan = plan
            successor.save(update_fields=["preceding_plan"])
        if links is not None:
            wanted = {new_id: old_id for old_id, new_id in links.items()}
            for task in new_tasks.values():
                target = wanted.get(task.pk)
                # Links to tasks outside the old plan (none today) are not the page's to remove.
                if target == task.carried_from_id or (target is None and task.carried_from_id not in old_ids):
                    continue
                task.carried_from_id = target
                task.save(update_fields=["carried_from"])
        current = {t.carried_from_id: t.pk for t in Task.objects.filter(plan=successor, carried_from__in=old_ids)}
        return Succession(plan, successor, tuple(unfinished_work(plan)), current)


# --- What the page offers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CarryOverLine:
    """An old task offered for carry-over: checked when linked (or suggested), with the new task."""

    item: UnfinishedTask
    linked_to: int | None  # the successor task carrying it now
    suggested: int | None  # the most similar successor task by title, if similar enough
    similarity: float

    @property
    def chosen(self) -> int | None:
        return self.linked_to or self.suggested


def carry_over_lines(plan: Plan, successor: Plan, unfinished: list[UnfinishedTask] | None = None,
                     ) -> tuple[list[CarryOverLine], list[Task]]:
    """The old plan's unfinished tasks with the successor task each is (or could be) carried into,
    and the successor's tasks for the selects. Tasks already linked but no longer unfinished are
    listed too, so that the page can show and undo every link."""
    unfinished = unfinished_work(plan) if unfinished is None else unfinished
    new_tasks = list(Task.objects.filter(plan=successor).only("pk", "code", "title", "carried_from_id", "order")
                     .order_by("order", "pk"))
    linked = {t.carried_from_id: t.pk for t in new_tasks if t.carried_from_id}
    listed = {item.task_id for item in unfinished}
    extra = [tid for tid in linked if tid not in listed]
    if extra:
        for task in Task.objects.filter(pk__in=extra, plan=plan).order_by("order"):
            unfinished = [*unfinished, UnfinishedTask(task.pk, task.code, task.title, "", (), (), Colour.GREEN,
                                                      "已完成", ())]
    lines = []
    for item in unfinished:
        best, score = None, 0.0
        for task in new_tasks:
            ratio = title_similarity(item.title, task.title)
            if ratio > score:
                best, score = task.pk, ratio
        lines.append(CarryOverLine(item, linked.get(item.task_id), best if score >= SUGGEST_AT else None, score))
    return lines, new_tasks


@dataclass(frozen=True)
class SuccessionLinks:
    """A plan's neighbours in time, for its pages: the plan declared before it and after it, and the
    region's other current plans that could be (one query, see :func:`succession_links`)."""

    preceding: Plan | None
    successors: tuple[Plan, ...]
    earlier: tuple[Plan, ...]  # current plans ending before this one starts, latest first
    later: tuple[Plan, ...]  # current plans starting after this one ends, nearest first

    @property
    def can_link(self) -> bool:
        return bool(self.earlier or self.later)


def succession_links(plan: Plan) -> SuccessionLinks:
    neighbours = list(
        Plan.objects.filter(Q(is_current=True) | Q(pk=plan.preceding_plan_id) | Q(preceding_plan=plan),
                            region_id=plan.region_id)
        .exclude(pk=plan.pk).only("pk", "title", "period_start", "period_end", "preceding_plan_id", "is_current",
                                  "region_id", "version")
    )
    preceding = next((p for p in neighbours if p.pk == plan.preceding_plan_id), None)
    successors = tuple(sorted((p for p in neighbours if p.preceding_plan_id == plan.pk),
                              key=lambda p: (p.period_start or 0, p.pk)))
    current = [p for p in neighbours if p.is_current]
    earlier = later = ()
    if plan.period_start is not None:
        earlier = tuple(sorted((p for p in current if p.period_end is not None and p.period_end < plan.period_start),
                               key=lambda p: (-p.period_end, -p.pk)))
    after = plan.period_end if plan.period_end is not None else plan.period_start
    if after is not None:
        later = tuple(sorted((p for p in current if p.period_start is not None and p.period_start > after),
                             key=lambda p: (p.period_start, p.pk)))
    return SuccessionLinks(preceding, successors, earlier, later)
