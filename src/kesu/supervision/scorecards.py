"""Yearly unit scorecards (目标管理考核): formulas, the ranking, and the office's edits.

For each unit assigned to a task of the plan and each year Y, three rates between 0 and 1:

- **按时报送率** on-time reporting = reports first submitted on or before their due date ÷ reports
  due, over the unit's task assignments × the plan's periods that start in Y and whose due date has
  passed. A report submitted late, still a draft or never written counts as not on time; a report
  resubmitted after being returned keeps its first submission date.
- **目标完成率** target completion = mean, over the tasks the unit *leads* that have quantitative
  targets, of :func:`kesu.supervision.status.completion_for_year` (progress ÷ time elapsed by the end
  of Y, capped at 1, from accepted figures).
- **审核通过率** review outcome = reports accepted without ever being returned ÷ reports reviewed
  (accepted, or returned at least once), over the unit's reports for periods starting in Y.

With the plan's weights W (ScoreWeights, default 30/40/30, summing to 100):

    base = Σ W_i × rate_i × (Σ W_all ÷ Σ W_i over the rates that exist)
    total = base + Σ office adjustments of (unit, Y)

A rate that cannot exist (nothing due, no measurable target, nothing reviewed) is left out and the
other weights are scaled up so that a unit is not punished for having no such item; a unit with no
rate at all has no score. Units are ranked by total, ties sharing a rank.

Writes (weights, adjustments) are for the office admin of the plan's region only and are audited:
ScoreAdjustment through its model signals, weight changes with an explicit audit record.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.db import transaction

from kesu.audit.context import acting_as
from kesu.audit.models import AuditAction
from kesu.audit.registry import record, snapshot
from kesu.org.models import Unit, User
from kesu.org.permissions import require_office_admin
from kesu.planning.models import Plan, Task
from kesu.progress.models import ReportStatus
from kesu.supervision.models import ScoreAdjustment, ScoreWeights
from kesu.supervision.selectors import Board, load_board, submitted_on_time
from kesu.supervision.status import completion_for_year

DEFAULT_WEIGHTS = {"on_time_reporting": 30.0, "target_completion": 40.0, "review_outcome": 30.0}
WEIGHT_LABELS = {"on_time_reporting": "按时报送", "target_completion": "目标完成", "review_outcome": "审核通过"}
MAX_ADJUSTMENT_POINTS = 20.0


class ScorecardError(ValueError):
    """A scorecard edit that cannot be saved; the message is shown to the user as is."""


def weights_for(plan: Plan) -> dict[str, float]:
    try:
        stored = plan.score_weights
    except ScoreWeights.DoesNotExist:
        return dict(DEFAULT_WEIGHTS)
    return {name: getattr(stored, name) for name in DEFAULT_WEIGHTS}


@dataclass
class UnitScore:
    unit: Unit
    year: int
    rates: dict[str, float | None]
    points: dict[str, float | None]
    base: float | None
    adjustments: list[ScoreAdjustment] = field(default_factory=list)
    rank: int | None = None
    due_reports: int = 0
    on_time_reports: int = 0
    reviewed_reports: int = 0
    first_pass_reports: int = 0
    measured_tasks: int = 0

    @property
    def adjustment_points(self) -> float:
        return sum(a.points for a in self.adjustments)

    @property
    def total(self) -> float | None:
        return None if self.base is None else round(self.base + self.adjustment_points, 2)


def combine(rates: dict[str, float | None], weights: dict[str, float]) -> tuple[dict[str, float | None], float | None]:
    """Weighted points per component and the base score, scaling up over the rates that exist."""
    available = {name: rate for name, rate in rates.items() if rate is not None}
    available_weight = sum(weights[name] for name in available)
    if not available or available_weight <= 0:
        return dict.fromkeys(rates), None
    scale = sum(weights.values()) / available_weight
    points = {
        name: (None if rate is None else round(weights[name] * rate * scale, 2)) for name, rate in rates.items()
    }
    return points, round(sum(p for p in points.values() if p is not None), 2)


def unit_scores(board: Board, weights: dict[str, float], year: int,
                adjustments: list[ScoreAdjustment] = ()) -> list[UnitScore]:
    """Scores of every unit on the board for ``year``, ranked (best first)."""
    tallies = {uid: {"due": 0, "on_time": 0, "reviewed": 0, "first_pass": 0, "completion": []}
               for uid in board.units}
    for row in board.rows:
        periods = [p for p in board.periods_by_plan.get(row.task.plan_id, []) if p.start.year == year]
        for unit_id, reports in row.reports_by_unit.items():
            tally = tallies[unit_id]
            by_period = {r.period_id: r for r in reports}
            for period in periods:
                report = by_period.get(period.pk)
                if period.due < board.today:
                    tally["due"] += 1
                    tally["on_time"] += submitted_on_time(report, period.due)
                if report is None:
                    continue
                if report.status == ReportStatus.ACCEPTED or report.returned_times:
                    tally["reviewed"] += 1
                    if report.status == ReportStatus.ACCEPTED and not report.returned_times:
                        tally["first_pass"] += 1
        completion = completion_for_year(row.data, year, board.today) if row.data.targets else None
        if completion is not None:
            for unit in row.leads:
                tallies[unit.pk]["completion"].append(completion)

    by_unit_adjustments: dict[int, list[ScoreAdjustment]] = {}
    for adjustment in adjustments:
        if adjustment.year == year:
            by_unit_adjustments.setdefault(adjustment.unit_id, []).append(adjustment)

    scores = []
    for unit_id, tally in tallies.items():
        rates = {
            "on_time_reporting": tally["on_time"] / tally["due"] if tally["due"] else None,
            "target_completion": (sum(tally["completion"]) / len(tally["completion"])
                                  if tally["completion"] else None),
            "review_outcome": tally["first_pass"] / tally["reviewed"] if tally["reviewed"] else None,
        }
        points, base = combine(rates, weights)
        scores.append(UnitScore(
            board.units[unit_id], year, rates, points, base, by_unit_adjustments.get(unit_id, []),
            due_reports=tally["due"], on_time_reports=tally["on_time"], reviewed_reports=tally["reviewed"],
            first_pass_reports=tally["first_pass"], measured_tasks=len(tally["completion"]),
        ))
    scores.sort(key=lambda s: (s.total is None, -(s.total or 0), s.unit.name))
    previous_total, previous_rank = None, 0
    for position, score in enumerate(scores, start=1):
        if score.total is None:
            continue
        if score.total != previous_total:
            previous_total, previous_rank = score.total, position
        score.rank = previous_rank
    return scores


def scorecard_years(plan: Plan, board: Board) -> list[int]:
    years = {p.start.year for p in board.periods_by_plan.get(plan.pk, []) if p.due < board.today}
    return sorted(years, reverse=True)


def plan_scorecard(plan: Plan, year: int | None = None, today: datetime.date | None = None) -> dict:
    board = load_board(Task.objects.filter(plan=plan), today)
    years = scorecard_years(plan, board)
    if year is None:
        year = years[0] if years else board.today.year
    weights = weights_for(plan)
    adjustments = list(
        ScoreAdjustment.objects.filter(plan=plan, year=year).select_related("unit", "created_by")
    )
    return {
        "board": board, "year": year, "years": years, "weights": weights,
        "scores": unit_scores(board, weights, year, adjustments), "adjustments": adjustments,
    }


def unit_score_rows(unit: Unit, plans: list[Plan], today: datetime.date | None = None) -> list[UnitScore]:
    """The unit's scorecard rows over the years of each plan it has tasks in (unit page)."""
    rows = []
    for plan in plans:
        # The whole plan is loaded so that the rank is the unit's rank among all units of the plan.
        board = load_board(Task.objects.filter(plan=plan), today)
        adjustments = list(ScoreAdjustment.objects.filter(plan=plan))
        weights = weights_for(plan)
        for year in scorecard_years(plan, board):
            rows.extend(s for s in unit_scores(board, weights, year, adjustments) if s.unit.pk == unit.pk)
    return rows


# --- Writes ------------------------------------------------------------------------------------------


def _number(raw, label: str) -> float:
    try:
        value = float(str(raw).strip())
    except (TypeError, ValueError):
        raise ScorecardError(f"{label}须为数字，收到“{raw}”") from None
    if not math.isfinite(value):
        raise ScorecardError(f"{label}须为有限数字")
    return value


@transaction.atomic
def update_score_weights(*, actor: User, plan: Plan, on_time_reporting, target_completion, review_outcome,
                         reason: str = "") -> ScoreWeights:
    require_office_admin(actor, plan.region)
    values = {
        name: _number(raw, WEIGHT_LABELS[name] + "权重")
        for name, raw in (("on_time_reporting", on_time_reporting), ("target_completion", target_completion),
                          ("review_outcome", review_outcome))
    }
    for name, value in values.items():
        if value < 0:
            raise ScorecardError(f"{WEIGHT_LABELS[name]}权重不能为负数")
    if abs(sum(values.values()) - 100) > 0.01:
        raise ScorecardError(f"三项权重之和须为 100 分，当前为 {sum(values.values()):g} 分")
    weights, created = ScoreWeights.objects.select_for_update().get_or_create(plan=plan, defaults=values)
    before = None if created else snapshot(weights)
    if not created:
        for name, value in values.items():
            setattr(weights, name, value)
        weights.save()
    after = snapshot(weights)
    if before != after:
        # ScoreWeights is not signal-audited, so the change is logged here.
        with acting_as(actor, reason):
            record(AuditAction.CREATE if created else AuditAction.UPDATE, weights, before, after)
    return weights


@transaction.atomic
def add_score_adjustment(*, actor: User, plan: Plan, unit: Unit, year, points, reason: str) -> ScoreAdjustment:
    require_office_admin(actor, plan.region)
    year = int(_number(year, "年度"))
    points = _number(points, "加减分")
    reason = (reason or "").strip()
    if not reason:
        raise ScorecardError("加减分须填写理由")
    if len(reason) > 255:
        raise ScorecardError("理由不能超过 255 个字")
    if points == 0:
        raise ScorecardError("加减分不能为 0")
    if abs(points) > MAX_ADJUSTMENT_POINTS:
        raise ScorecardError(f"单次加减分不能超过 ±{MAX_ADJUSTMENT_POINTS:g} 分")
    if plan.period_start and plan.period_end and not plan.period_start <= year <= plan.period_end:
        raise ScorecardError(f"年度须在方案期限 {plan.period_start}—{plan.period_end} 年之内")
    if not Task.objects.filter(plan=plan, assignments__unit=unit).exists():
        raise ScorecardError(f"{unit.name}不是本方案任务的责任单位")
    with acting_as(actor, reason):
        return ScoreAdjustment.objects.create(
            plan=plan, unit=unit, year=year, points=points, reason=reason, created_by=actor
        )
