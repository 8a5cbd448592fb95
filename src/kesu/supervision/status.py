"""Task status (预警：红黄绿灯) from plain data, free of the database.

A task's colour is the worst of these findings:

1. **Progress against time.** For every quantitative target, progress is the share of the target
   reached by *accepted* figures (reports the office has not accepted yet do not count), capped at
   100 % (the task's progress is a mean over its targets, and one target far over its goal must not
   hide another behind). Time elapsed is measured up to the *reporting horizon*: the end of the
   latest reporting period whose due date has passed, because progress cannot be expected before it
   is due to be reported. With ``gap = time elapsed − progress``:
   ``gap >= red_gap`` → red, ``gap >= amber_gap`` → amber, otherwise green.

   What a target is and how much of it the figures reached is :mod:`kesu.plans.attainment`'s rule,
   the same for the task page, the annual report and the indicators page: its kind (the office's
   ``Target.kind``, else read from the text) and ``amount_reached`` with ``Basis.TO_DATE``, as the
   report form asks for figures (each unit states what it has reached so far).

   - *Cumulative* targets (“十四五”期间培训1000名): time runs from 1 January of the plan's first year
     to 31 December of the target's deadline year (else the task's, else the plan's last year).
   - *Yearly* targets (每年, 年均, 年度, 每季度 …): judged per calendar year, and the light is
     decided by the latest year with a past-due period alone: that year's figures against the
     year's goal, time elapsed = share of the year up to the end of that year's latest past-due
     period (pro rata within the current year). Earlier years are history (the task page lists
     them): a task is not kept red by 2021 while 2022–2025 met their goals.

   Each progress reason names what decided it: the target, the year (yearly targets) and the
   reporting period whose end is the horizon (“截至2024年上半年”).
   - *Level* and *ceiling* targets (覆盖率达到90%, 控制在…以内): the latest figure counts, time as
     for cumulative ones; a ceiling's progress is 100 % while the figure is within it.

2. **Overdue reports.** Every unit assigned to the task owes a report for every period whose due date
   has passed. A missing or draft report is overdue: amber, red once ``overdue_red_days`` have passed.

3. **Returned reports.** A report the office sent back and the unit has not resubmitted: amber, red
   once it has been waiting more than ``returned_red_days`` since it was returned.

Adding progress only ever raises the progress share, so more progress never worsens the colour.
Thresholds come from ``settings.KESU_STATUS_THRESHOLDS`` (see :func:`thresholds_from_settings`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from enum import IntEnum
from functools import cached_property

from kesu.plans import attainment
from kesu.plans.attainment import Basis, Kind


class Colour(IntEnum):
    """Ordered so that ``max()`` picks the worst."""

    GREEN = 0
    AMBER = 1
    RED = 2

    @property
    def key(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return {Colour.GREEN: "正常", Colour.AMBER: "预警", Colour.RED: "滞后"}[self]

    @property
    def lamp(self) -> str:
        return {Colour.GREEN: "绿灯", Colour.AMBER: "黄灯", Colour.RED: "红灯"}[self]


@dataclass(frozen=True)
class StatusThresholds:
    amber_gap: float = 0.15
    red_gap: float = 0.30
    overdue_red_days: int = 30
    returned_red_days: int = 30

    def __post_init__(self):
        if not 0 <= self.amber_gap <= self.red_gap <= 1:
            raise ValueError(
                f"预警阈值无效：需满足 0 ≤ amber_gap({self.amber_gap}) ≤ red_gap({self.red_gap}) ≤ 1"
            )
        if self.overdue_red_days < 0 or self.returned_red_days < 0:
            raise ValueError("预警阈值无效：天数不能为负")


def thresholds_from_settings(overrides: Mapping | None = None) -> StatusThresholds:
    """Defaults, then ``settings.KESU_STATUS_THRESHOLDS``, then ``overrides`` (e.g. per plan)."""
    from django.conf import settings

    values: dict = {}
    for source in (getattr(settings, "KESU_STATUS_THRESHOLDS", None) or {}, overrides or {}):
        unknown = set(source) - {f.name for f in fields(StatusThresholds)}
        if unknown:
            raise ValueError(f"未知的预警阈值设置：{', '.join(sorted(unknown))}")
        values.update(source)
    return StatusThresholds(**values)


@dataclass(frozen=True)
class FigureInput:
    """An accepted figure: what one unit had reached by the end of one reporting period."""

    period_start: datetime.date
    period_end: datetime.date
    value: float
    unit_id: int | None = None


@dataclass(frozen=True)
class TargetInput:
    label: str
    value: float
    unit: str = ""
    comparator: str = ">="
    period_text: str = ""
    deadline_year: int | None = None
    figures: tuple[FigureInput, ...] = ()
    text: str = ""  # the target's original sentence, which the kind is read from
    kind_override: str = ""  # the office's correction (planning.Target.kind); empty: read from the text

    @cached_property
    def attainment_target(self) -> attainment.Target:
        """The target as kesu.plans.attainment judges it (computed once: boards are cached)."""
        return attainment.Target.classify(
            self.value, self.comparator, self.period_text, self.unit, text=self.text,
            deadline_year=self.deadline_year, override=self.kind_override or None,
        )

    @property
    def kind(self) -> Kind:
        return self.attainment_target.kind

    @cached_property
    def attainment_figures(self) -> tuple[attainment.Figure, ...]:
        return tuple(attainment.Figure(f.period_start.year, f.value, f.unit_id, f.period_end) for f in self.figures)


@dataclass(frozen=True)
class PeriodInput:
    label: str
    start: datetime.date
    end: datetime.date
    due: datetime.date


@dataclass(frozen=True)
class Obligation:
    """A report a unit owes for a period. ``report_status`` is None when nothing was written."""

    unit_id: int
    unit_name: str
    period: PeriodInput
    report_status: str | None
    returned_on: datetime.date | None = None


@dataclass(frozen=True)
class TaskStatusInput:
    plan_start_year: int | None
    plan_end_year: int | None
    task_deadline_year: int | None
    targets: tuple[TargetInput, ...] = ()
    periods: tuple[PeriodInput, ...] = ()
    obligations: tuple[Obligation, ...] = ()


@dataclass(frozen=True)
class Finding:
    colour: Colour
    reason: str
    kind: str  # "progress", "overdue", "returned"
    unit_id: int | None = None
    period_label: str = ""
    days: int | None = None


@dataclass(frozen=True)
class TaskStatus:
    colour: Colour
    findings: tuple[Finding, ...] = ()
    progress: float | None = None
    elapsed: float | None = None
    summary: str = ""

    @property
    def key(self) -> str:
        return self.colour.key

    @property
    def reason(self) -> str:
        """Why the task is amber or red (every finding of that colour); for green, the overall progress."""
        if self.colour == Colour.GREEN:
            return self.summary
        return "；".join(f.reason for f in self.findings if f.colour == self.colour)

    @property
    def overdue(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "overdue"]

    @property
    def returned(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "returned"]


@dataclass
class _Progress:
    share: float
    elapsed: float
    label: str = ""
    year: int | None = None
    period_label: str = ""  # the past-due period whose end is the horizon ("" before any is due)


def percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}%"


def achieved_share(target: TargetInput, year: int | None = None) -> float:
    """The share of ``target`` its accepted figures reached (of ``year``, for a yearly target), capped
    at 1; 0 without figures. The one place the status lights weigh figures against a target."""
    goal = target.attainment_target
    amount = attainment.amount_reached(goal, target.attainment_figures, year, basis=Basis.TO_DATE)
    return min(1.0, attainment.progress(goal, amount) or 0.0)


def _gap_colour(gap: float, thresholds: StatusThresholds) -> Colour:
    if gap >= thresholds.red_gap:
        return Colour.RED
    if gap >= thresholds.amber_gap:
        return Colour.AMBER
    return Colour.GREEN


def _past_due(periods: Iterable[PeriodInput], today: datetime.date) -> list[PeriodInput]:
    return [p for p in periods if p.due < today]


def _target_progress(target: TargetInput, data: TaskStatusInput, today: datetime.date) -> list[_Progress]:
    """One evaluation per target (cumulative, level) or per judged year (yearly)."""
    past_due = _past_due(data.periods, today)
    label = target.label
    results: list[_Progress] = []
    if target.kind == Kind.YEARLY:
        years = sorted({p.start.year for p in past_due})
        for year in years:
            horizon = max((p for p in past_due if p.start.year == year), key=lambda p: p.end)
            elapsed = attainment.expected_share(year, year, horizon.end)
            results.append(_Progress(achieved_share(target, year), elapsed, label, year, horizon.label))
        return results

    start_year = data.plan_start_year or min((p.start.year for p in data.periods), default=None)
    end_year = target.deadline_year or data.task_deadline_year or data.plan_end_year
    share = achieved_share(target)
    if start_year is None or end_year is None or not past_due:
        return [_Progress(share, 0.0, label)]
    horizon = max(past_due, key=lambda p: p.end)
    return [_Progress(share, attainment.expected_share(start_year, end_year, horizon.end), label,
                      period_label=horizon.label)]


def _progress_reason(item: _Progress) -> str:
    """“培训科技辅导员 2024年进度 40%，时间已过 50%（截至2024年上半年）”: the horizon's period is left
    out only where the year already says it (a yearly target judged at its year's end)."""
    prefix = f"{item.label} " if item.label else ""
    year = f"{item.year}年" if item.year else ""
    reason = f"{prefix}{year}进度 {percent(item.share)}，时间已过 {percent(item.elapsed)}"
    if item.period_label and not (item.year and item.elapsed >= 1):
        reason += f"（截至{item.period_label}）"
    return reason


def compute_task_status(
    data: TaskStatusInput, today: datetime.date, thresholds: StatusThresholds | None = None
) -> TaskStatus:
    thresholds = thresholds or StatusThresholds()
    findings: list[Finding] = []

    per_target = [_target_progress(target, data, today) for target in data.targets]
    # The latest evaluation of each target decides (the latest judged year, for yearly ones).
    current = [items[-1] for items in per_target if items]
    for item in current:
        colour = _gap_colour(item.elapsed - item.share, thresholds)
        findings.append(Finding(colour, _progress_reason(item), "progress", period_label=item.period_label))

    for obligation in data.obligations:
        period = obligation.period
        if period.due >= today:
            continue
        if obligation.report_status in (None, "draft"):
            days = (today - period.due).days
            colour = Colour.RED if days > thresholds.overdue_red_days else Colour.AMBER
            findings.append(Finding(
                colour, f"{obligation.unit_name} {period.label}报告逾期 {days} 天未报送", "overdue",
                obligation.unit_id, period.label, days,
            ))
        elif obligation.report_status == "returned":
            waited = (today - obligation.returned_on).days if obligation.returned_on else None
            if waited is not None and waited > thresholds.returned_red_days:
                colour, reason = Colour.RED, f"{obligation.unit_name} {period.label}报告被退回 {waited} 天未重新报送"
            else:
                colour, reason = Colour.AMBER, f"{obligation.unit_name} {period.label}报告被退回未重新报送"
            findings.append(Finding(colour, reason, "returned", obligation.unit_id, period.label, waited))

    progress = elapsed = None
    if current:
        progress = sum(i.share for i in current) / len(current)
        elapsed = sum(i.elapsed for i in current) / len(current)

    colour = max((f.colour for f in findings), default=Colour.GREEN)
    findings.sort(key=lambda f: (-f.colour, f.kind != "overdue", -(f.days or 0)))
    if progress is not None and progress >= 1:
        summary = "量化目标已完成"
    elif progress is not None:
        summary = f"进度 {percent(progress)}，时间已过 {percent(elapsed)}"
    elif any(o.period.due < today for o in data.obligations):
        summary = "到期报告均已报送"
    else:
        summary = "尚无到期报告"
    return TaskStatus(colour, tuple(findings), progress, elapsed, summary)


def completion_for_year(data: TaskStatusInput, year: int, today: datetime.date) -> float | None:
    """How far a task's targets were where they should be by the end of ``year`` (scorecards).

    Per target: progress share divided by time elapsed, capped at 1, judged with the periods and
    figures of ``year`` and before (yearly targets: that year's own evaluation). The task's value is
    the mean over targets; None when no target could be judged for that year (nothing due yet).
    """
    periods = tuple(p for p in data.periods if p.start.year <= year)
    ratios = []
    for target in data.targets:
        limited = replace(target, figures=tuple(f for f in target.figures if f.period_start.year <= year))
        scoped = TaskStatusInput(data.plan_start_year, data.plan_end_year, data.task_deadline_year,
                                 (limited,), periods, ())
        evaluations = _target_progress(limited, scoped, today)
        if limited.kind == Kind.YEARLY:
            evaluations = [e for e in evaluations if e.year == year]
        if not evaluations or evaluations[-1].elapsed <= 0:
            continue
        latest = evaluations[-1]
        ratios.append(min(1.0, latest.share / latest.elapsed))
    return sum(ratios) / len(ratios) if ratios else None
