"""County 考核: a yearly scorecard of the offices of a city plan's child plans, one row per county.

For a city plan P, each current child plan C (PlanParent of C is P) and a year Y, three rates between
0 and 1, each read through the app that owns the number:

- **按时报送率** on-time reporting = reports of C's units first submitted by their due date ÷ reports
  due, over C's task assignments × C's periods starting in Y whose due date has passed — the sums of
  the unit scorecard's tallies (``kesu.supervision.scorecards.unit_scores`` on C's board).
- **目标完成率** target completion = share of C's quantitative targets that are attained or on track by
  the end of Y: a target counts when its own light, judged on its own with the periods and accepted
  figures of Y and before (``kesu.supervision.status.compute_task_status``, whose amounts are
  ``kesu.plans.attainment``'s), is green; an attained target is always green. Targets with no period
  due by then are not counted. ``attained`` counts those already met (``attainment.is_met``).
- **科学素质比例达成率** survey rate = the latest survey estimate of C's region up to Y (overall
  population, ``kesu.literacy.selectors.literacy_trend``) as a share of C's headline target
  (``attainment.progress`` against ``headline_target``), capped at 1.

With P's weights W (CountyScoreWeights, default 30/40/30, summing to 100) the total is the unit
scorecard's ``combine``: Σ W_i × rate_i, scaled by Σ W ÷ Σ W_i over the rates that exist. A rate that
does not exist — no report due, no measurable target, and for the survey rate no estimate or no
headline target (shown as 无数据) — is left out and its weight is spread over the others in proportion
to theirs; a county with no rate has no total. Counties are ranked by total, ties sharing a rank.

Weights are written by :func:`update_county_weights`: the office of P's region (or above), P's row
locked, audited (CountyScoreWeights is @audited).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, replace
from io import BytesIO

from django.db import transaction
from django.utils import timezone

from kesu.audit.context import acting_as
from kesu.cascade.models import CountyScoreWeights
from kesu.cascade.rollup import child_plans
from kesu.literacy.selectors import headline_target, literacy_trend
from kesu.org.models import User
from kesu.org.permissions import require_office_admin
from kesu.planning.models import Plan, Task
from kesu.plans import attainment
from kesu.plans.attainment import Basis, Kind
from kesu.supervision.scorecards import combine, scorecard_years, unit_scores
from kesu.supervision.selectors import Board, load_board
from kesu.supervision.status import Colour, TaskStatusInput, compute_task_status

DEFAULT_WEIGHTS = {"on_time_reporting": 30.0, "target_completion": 40.0, "survey_rate": 30.0}
WEIGHT_LABELS = {"on_time_reporting": "按时报送", "target_completion": "目标完成", "survey_rate": "科学素质比例"}


class AssessmentError(ValueError):
    """A weight edit that cannot be saved; the message is shown as is."""


def weights_for(plan: Plan) -> dict[str, float]:
    stored = CountyScoreWeights.objects.filter(plan=plan).first()
    if stored is None:
        return dict(DEFAULT_WEIGHTS)
    return {name: getattr(stored, name) for name in DEFAULT_WEIGHTS}


@dataclass(frozen=True)
class CountyScore:
    plan_id: int
    region_name: str
    plan_title: str
    rates: dict
    points: dict
    total: float | None
    due_reports: int
    on_time_reports: int
    measured_targets: int
    green_targets: int
    attained_targets: int
    survey_estimate: float | None
    survey_year: int | None
    headline_goal: float | None
    rank: int | None = None


def _targets(board: Board, year: int) -> tuple[int, int, int]:
    """(measured, green, attained) targets of the board by the end of ``year``."""
    measured = green = attained = 0
    for row in board.rows:
        data = row.data
        periods = tuple(p for p in data.periods if p.start.year <= year)
        if not any(p.due < board.today for p in periods):
            continue
        for target in data.targets:
            limited = replace(target, figures=tuple(f for f in target.figures if f.period_start.year <= year))
            alone = TaskStatusInput(data.plan_start_year, data.plan_end_year, data.task_deadline_year,
                                    (limited,), periods, ())
            measured += 1
            green += compute_task_status(alone, board.today, board.thresholds).colour == Colour.GREEN
            goal = limited.attainment_target
            amount = attainment.amount_reached(goal, limited.attainment_figures,
                                               year if goal.kind == Kind.YEARLY else None, basis=Basis.TO_DATE)
            attained += bool(attainment.is_met(goal, amount))
    return measured, green, attained


def _survey(child: Plan, year: int) -> tuple[float | None, int | None, float | None, float | None]:
    """(rate, estimate, survey year, headline goal) of the child plan's region up to ``year``."""
    points = [p for p in literacy_trend(child.region, until_year=year) if p.estimate is not None]
    goal = headline_target(child) if child.headline_value is not None else None
    if not points:
        return None, None, None, goal.goal if goal else None
    latest = points[-1]
    if goal is None:
        return None, latest.estimate, latest.year, None
    return min(1.0, attainment.progress(goal, latest.estimate) or 0.0), latest.estimate, latest.year, goal.goal


def _score(child: Plan, board: Board, weights: dict[str, float], year: int) -> CountyScore:
    units = unit_scores(board, weights={"on_time_reporting": 1, "target_completion": 1, "review_outcome": 1},
                        year=year)
    due = sum(s.due_reports for s in units)
    on_time = sum(s.on_time_reports for s in units)
    measured, green, attained = _targets(board, year)
    survey, estimate, survey_year, goal = _survey(child, year)
    rates = {
        "on_time_reporting": on_time / due if due else None,
        "target_completion": green / measured if measured else None,
        "survey_rate": survey,
    }
    points, total = combine(rates, weights)
    return CountyScore(child.pk, child.region.name, child.title, rates, points, total, due, on_time,
                       measured, green, attained, estimate, survey_year, goal)


def county_scorecard(plan: Plan, year: int | None = None, today: datetime.date | None = None) -> dict:
    """The county 考核 of the city ``plan``: its years, the chosen year, weights and ranked rows."""
    children = list(child_plans(plan))
    boards = {child.pk: load_board(Task.objects.filter(plan=child), today) for child in children}
    years = sorted({y for child in children for y in scorecard_years(child, boards[child.pk])}, reverse=True)
    if year is None:
        year = years[0] if years else (today or timezone.localdate()).year
    weights = weights_for(plan)
    scores = [_score(child, boards[child.pk], weights, year) for child in children]
    scores.sort(key=lambda s: (s.total is None, -(s.total or 0), s.region_name))
    ranked, previous, rank = [], None, 0
    for position, score in enumerate(scores, start=1):
        if score.total is not None and score.total != previous:
            previous, rank = score.total, position
        ranked.append(replace(score, rank=rank if score.total is not None else None))
    return {"year": year, "years": years, "weights": weights, "scores": ranked}


def _number(raw, label: str) -> float:
    try:
        value = float(str(raw).strip())
    except (TypeError, ValueError):
        raise AssessmentError(f"{label}须为数字，收到“{raw}”") from None
    if not math.isfinite(value) or value < 0:
        raise AssessmentError(f"{label}须为不小于 0 的数字")
    return value


def update_county_weights(*, actor: User, plan: Plan, on_time_reporting, target_completion, survey_rate,
                          reason: str = "") -> CountyScoreWeights:
    """Set the weights of the county 考核 of ``plan``; they must sum to 100."""
    raw = {"on_time_reporting": on_time_reporting, "target_completion": target_completion,
           "survey_rate": survey_rate}
    with acting_as(actor, reason or "修改县级考核权重"), transaction.atomic():
        require_office_admin(actor, plan.region)
        locked = Plan.objects.select_for_update().select_related("region").filter(pk=plan.pk).first()
        if locked is None:
            raise AssessmentError("方案不存在")
        values = {name: _number(value, WEIGHT_LABELS[name] + "权重") for name, value in raw.items()}
        if abs(sum(values.values()) - 100) > 0.01:
            raise AssessmentError(f"三项权重之和须为 100 分，当前为 {sum(values.values()):g} 分")
        weights = CountyScoreWeights.objects.filter(plan=locked).first() or CountyScoreWeights(plan=locked)
        if weights.pk is None or any(getattr(weights, n) != v for n, v in values.items()):
            for name, value in values.items():
                setattr(weights, name, value)
            weights.save()
        return weights


def _share(value: float | None) -> str:
    return "无数据" if value is None else f"{value * 100:.1f}%"


def assessment_workbook(plan: Plan, year: int | None = None, today: datetime.date | None = None) -> tuple[bytes, int]:
    """The county 考核 of one year as an xlsx workbook, and the year."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    card = county_scorecard(plan, year, today)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "县级考核"
    weights = card["weights"]
    sheet.append([f"{plan.region.name}{card['year']}年度县级纲要办考核"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["权重：" + "，".join(f"{WEIGHT_LABELS[n]} {w:g}" for n, w in weights.items())
                  + "；无数据的项目不计入，其权重按比例分给其余项目"])
    header = ["排名", "县（市、区）", "方案", "按时报送率", "报送（按时/应报）", "目标完成率", "目标（正常/已达成/计入）",
              "科学素质比例", "总体目标", "科学素质比例达成率", "总分"]
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for s in card["scores"]:
        sheet.append([
            s.rank or "—", s.region_name, s.plan_title, _share(s.rates["on_time_reporting"]),
            f"{s.on_time_reports}/{s.due_reports}", _share(s.rates["target_completion"]),
            f"{s.green_targets}/{s.attained_targets}/{s.measured_targets}",
            _share(s.survey_estimate) + (f"（{s.survey_year}年）" if s.survey_year else ""),
            _share(s.headline_goal), _share(s.rates["survey_rate"]),
            "无数据" if s.total is None else s.total,
        ])
    for column, width in zip("ABCDEFGHIJK", (6, 14, 40, 12, 14, 12, 20, 18, 10, 16, 8), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), card["year"]
