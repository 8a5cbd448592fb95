"""The numbers of the final evaluation (总结评估) of one plan over its whole period.

Built from the same readers as the annual report (:mod:`kesu.evaluation.figures`): the plan's last
year through :func:`kesu.supervision.plan_year.plan_year` (targets with their accepted figures, reporting
per period), every quantitative target judged by :mod:`kesu.plans.attainment` through
:func:`kesu.evaluation.figures.target_line` — once at the end of the period and once at the end of each
year for the trend —, the units' records through :func:`kesu.supervision.plan_period.unit_records`,
what is left unfinished through :func:`kesu.supervision.closing.unfinished_work`, indicators through
:func:`kesu.indicators.linked_targets.linked_targets` and the survey through :mod:`kesu.literacy.summaries`.

The status lights are judged as of the end of January after the plan's last year (or today if
earlier), as the annual report on that year judges them. Reads take a fixed number of queries, however
many tasks, units, reports and years there are (tests/evaluation/test_final_figures.py).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from kesu.content.summaries import ContentPeriod, content_period
from kesu.evaluation.figures import (
    HEADLINE_INDICATOR,
    EvaluationError,
    Headline,
    IndicatorLine,
    indicator_line,
    target_line,
)
from kesu.indicators.linked_targets import linked_targets
from kesu.literacy.summaries import SharePoint, headline_target_share, share_trend, wave_shares
from kesu.org.models import Region
from kesu.planning.models import Plan, Task
from kesu.plans.attainment import Basis, Kind, Verdict, amount_reached, is_met
from kesu.supervision.closing import UnfinishedTask, unfinished_work
from kesu.supervision.plan_period import UnitRecord, YearTotals, unit_records
from kesu.supervision.plan_year import PeriodTally, plan_year
from kesu.supervision.status import Colour

STATUS_AS_OF_DAYS_AFTER_PERIOD = 31


class HeadlineVerdict:
    """How the latest estimate stands against the headline target, its interval taken into account."""

    MET = "已实现"  # the whole interval is at or above the target
    MET_POINT = "基本实现"  # the estimate is, the interval's lower bound is not
    NEAR = "未实现（置信区间包含目标值）"
    MISSED = "未实现"
    UNKNOWN = "无法评估"


@dataclass(frozen=True)
class FinalTargetLine:
    """A quantitative target of the plan and what the accepted figures reached at the end of the period."""

    task_code: str
    text: str
    kind: Kind
    comparator: str
    target_value: float
    unit: str
    reached: float | None  # by the end of the last year (a yearly target: in the last year)
    progress: float | None  # share of the target met, not capped
    verdict: Verdict
    years_met: int | None  # yearly targets: years whose own figure met the target
    years_measured: int | None  # yearly targets: years with a figure


@dataclass(frozen=True)
class YearLine:
    """One year of the period: targets judged as of its end, reporting on its periods, the survey."""

    year: int
    verdicts: dict[str, int]  # Verdict value → number of targets
    due: int
    on_time: int
    submitted: int
    accepted: int
    literacy: SharePoint | None

    @property
    def targets(self) -> int:
        return sum(self.verdicts.values())

    @property
    def met_or_on_track(self) -> int:
        return self.verdicts.get(Verdict.MET, 0) + self.verdicts.get(Verdict.ON_TRACK, 0)

    @property
    def met_or_on_track_share(self) -> float | None:
        return self.met_or_on_track / self.targets if self.targets else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


@dataclass(frozen=True)
class IndicatorYears:
    """A target linked to an indicator: its value year by year and the verdict at the end."""

    line: IndicatorLine
    values: dict[int, float]


@dataclass(frozen=True)
class CarriedTask:
    """A task of this plan that a task of a successor plan carries on (Task.carried_from)."""

    code: str
    title: str
    new_plan: str
    new_code: str
    new_title: str


@dataclass(frozen=True)
class FinalFigures(YearTotals):
    region: Region
    plan: Plan
    first_year: int
    last_year: int
    as_of: datetime.date
    generated_on: datetime.date
    headline: Headline
    headline_verdict: str
    task_total: int
    unit_count: int
    colour_totals: dict[str, int]
    targets: tuple[FinalTargetLine, ...]
    years: tuple[YearLine, ...]
    indicators: tuple[IndicatorYears, ...]
    literacy_trend: tuple[SharePoint, ...]
    units: tuple[UnitRecord, ...]
    unfinished: tuple[UnfinishedTask, ...]
    successors: tuple[Plan, ...]  # plans declared to follow this one
    carried: tuple[CarriedTask, ...]
    content: ContentPeriod  # the content library over the period, in the region's subtree

    @property
    def year_range(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    @property
    def verdict_totals(self) -> dict[str, int]:
        counts = Counter(t.verdict for t in self.targets)
        return {v.value: counts.get(v, 0) for v in Verdict}


    @property
    def carried_codes(self) -> set[str]:
        return {c.code for c in self.carried}


# --- Reading -----------------------------------------------------------------------------------------


def final_as_of(plan: Plan, today: datetime.date) -> datetime.date:
    end = datetime.date(plan.period_end, 12, 31) + datetime.timedelta(days=STATUS_AS_OF_DAYS_AFTER_PERIOD)
    return min(today, end)


def check_final_available(plan: Plan, today: datetime.date) -> None:
    """The final evaluation is there once the period's last year has started."""
    if plan.period_start is None or plan.period_end is None:
        raise EvaluationError(f"《{plan.title}》未设定实施期，无法进行总结评估")
    if today.year < plan.period_end:
        raise EvaluationError(
            f"《{plan.title}》实施期至{plan.period_end}年，总结评估自{plan.period_end}年起提供"
        )


def final_plan_for(region: Region, today: datetime.date) -> Plan:
    """The region's newest plan whose last year has started (the current version of it)."""
    plan = (
        Plan.objects.filter(region=region, period_start__isnull=False, period_end__lte=today.year)
        .select_related("region")
        .order_by("-period_end", "-is_current", "-version", "-pk")
        .first()
    )
    if plan is None:
        raise EvaluationError(f"{region.name}没有实施期已进入最后一年的实施方案，无法生成总结评估报告")
    return plan


def headline_verdict(headline: Headline) -> str:
    estimate, target = headline.estimate, headline.target_share
    if estimate is None or target is None:
        return HeadlineVerdict.UNKNOWN
    if estimate.share >= target:
        return HeadlineVerdict.MET if estimate.low is not None and estimate.low >= target else HeadlineVerdict.MET_POINT
    if estimate.high is not None and estimate.high >= target:
        return HeadlineVerdict.NEAR
    return HeadlineVerdict.MISSED


def final_figures(plan: Plan, *, today: datetime.date | None = None) -> FinalFigures:
    generated_on = today or timezone.localdate()
    check_final_available(plan, generated_on)
    region = plan.region
    first, last = plan.period_start, plan.period_end
    as_of = final_as_of(plan, generated_on)
    board = plan_year(plan, last, as_of)
    trend = share_trend(region, until_year=last)
    # The latest survey of the period (a later one measures the next plan's start).
    literacy = wave_shares(region, trend[-1].year) if trend else ()
    headline = Headline(
        plan.headline_indicator or HEADLINE_INDICATOR, plan.headline_value, plan.headline_unit or "%",
        plan.headline_year, headline_target_share(plan), next((s for s in literacy if s.overall), None),
    )
    successors = tuple(Plan.objects.filter(preceding_plan=plan).order_by("period_start", "-is_current", "pk"))
    return FinalFigures(
        region=region, plan=plan, first_year=first, last_year=last, as_of=as_of, generated_on=generated_on,
        headline=headline, headline_verdict=headline_verdict(headline), task_total=board.task_total,
        unit_count=board.unit_count, colour_totals=board.colour_totals,
        targets=tuple(final_target_line(t, first, last) for t in board.targets),
        years=year_lines(board.targets, board.periods, trend, first, last),
        indicators=tuple(
            IndicatorYears(indicator_line(link), {f.year: f.value for f in link.figures})
            for link in linked_targets(region, plan, last)
        ),
        literacy_trend=trend, units=unit_records(plan, as_of),
        unfinished=tuple(unfinished_work(plan, as_of)), successors=successors,
        carried=carried_tasks(plan), content=content_period(region, first, last),
    )


def final_target_line(target, first: int, last: int) -> FinalTargetLine:
    """The target at the end of ``last`` by :func:`~kesu.evaluation.figures.target_line` (the annual
    report's rule); its verdict is the projection's to the target's deadline (met, missed once the
    deadline has come, else on or off track), and a yearly target also counts the years it was met."""
    line = target_line(target, last)
    if line.projection is not None:
        verdict = line.projection.verdict
    else:
        met = is_met(target.attainment, line.reached)
        verdict = Verdict.UNKNOWN if met is None else (Verdict.MET if met else Verdict.OFF_TRACK)
    years_met = years_measured = None
    if line.kind == Kind.YEARLY:
        judged = [is_met(target.attainment, amount_reached(target.attainment, target.figures, y, basis=Basis.TO_DATE))
                  for y in range(first, last + 1)]
        years_measured = sum(1 for m in judged if m is not None)
        years_met = sum(1 for m in judged if m)
    return FinalTargetLine(
        line.task_code, line.text, line.kind, target.comparator, line.target_value, line.unit, line.reached,
        line.progress, verdict, years_met, years_measured,
    )


def year_lines(targets, periods: tuple[PeriodTally, ...], trend: tuple[SharePoint, ...], first: int,
               last: int) -> tuple[YearLine, ...]:
    by_year = {p.year: p for p in trend}
    lines = []
    for year in range(first, last + 1):
        verdicts = Counter()
        for target in targets:
            line = target_line(target, year)
            verdicts[line.projection.verdict.value if line.projection is not None else Verdict.UNKNOWN.value] += 1
        tallies = [p for p in periods if p.year == year]
        lines.append(YearLine(
            year, dict(verdicts), sum(p.due for p in tallies), sum(p.on_time for p in tallies),
            sum(p.submitted for p in tallies), sum(p.accepted for p in tallies), by_year.get(year),
        ))
    return tuple(lines)


def carried_tasks(plan: Plan) -> tuple[CarriedTask, ...]:
    rows = (
        Task.objects.filter(carried_from__plan=plan)
        .order_by("carried_from__order", "carried_from__pk", "plan__period_start", "order")
        .values_list("carried_from__code", "carried_from__title", "plan__title", "code", "title")
    )
    return tuple(CarriedTask(*row) for row in rows)


def unfinished_colour_counts(items: tuple[UnfinishedTask, ...]) -> dict[str, int]:
    counts = Counter(item.colour for item in items)
    return {c.key: counts.get(c, 0) for c in Colour}
