"""The numbers of the annual evaluation report (and the region dashboard) for one region × year.

Read only through the domain apps' typed selectors, which return frozen dataclasses:
:func:`kesu.supervision.plan_year.plan_year` and :func:`~kesu.supervision.plan_year.lower_region_standings`
(task lights, reports, scores, targets with their accepted figures),
:func:`kesu.indicators.linked_targets.linked_targets` (indicator values of linked targets),
:mod:`kesu.literacy.summaries` (shares, 0–1), :mod:`kesu.resources.summaries` (the registries of
outreach resources) and :mod:`kesu.content.summaries` (the content library). Targets are judged by :mod:`kesu.plans.attainment`
alone: progress reports give figures to date (``Basis.TO_DATE``), indicators and surveys one figure a
year (``Basis.PER_YEAR``), so the report says what the task page and the indicators page say.

Everything here is a number (or a name); the sentences are built from these in
:mod:`kesu.evaluation.narrative`. Reads take a fixed number of queries, however many tasks, units,
reports and lower regions there are (tests/evaluation/test_query_counts.py).

Statuses are judged *as of* the end of January after the report year (when the second half-year's
reports have been due for two weeks), or today if that is earlier, so that a report on a past year
is not coloured by periods of the years after it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from kesu.content.summaries import ContentYear, content_year
from kesu.indicators.linked_targets import LinkedTarget, linked_targets
from kesu.literacy.summaries import LiteracyShare, SharePoint, headline_target_share, share_trend, wave_shares
from kesu.org.models import Region
from kesu.planning.models import Plan
from kesu.planning.selectors import PlanState, plan_for_year, plan_standing
from kesu.plans.attainment import Basis, Kind, Projection, Verdict, amount_reached, gap, progress, project
from kesu.resources.summaries import ResourcesSummary, resources_summary
from kesu.supervision.plan_year import (
    GroupTally,
    OutstandingReport,
    PeriodTally,
    RegionStanding,
    TargetFigures,
    TaskLight,
    UnitScoreLine,
    lower_region_standings,
    plan_year,
)
from kesu.supervision.status import Colour

HEADLINE_INDICATOR = "公民具备科学素质的比例"
STATUS_AS_OF_DAYS_AFTER_YEAR = 31
ON_TRACK = {Verdict.MET: True, Verdict.ON_TRACK: True, Verdict.OFF_TRACK: False}


class EvaluationError(ValueError):
    """The evaluation report cannot be assembled (unknown region, no plan for the year); shown to the
    user as is."""


@dataclass(frozen=True)
class Headline:
    """The plan's headline target (公民具备科学素质的比例) and the latest survey's overall share."""

    indicator: str
    target_value: float | None  # as the plan writes it, in ``unit``
    unit: str
    target_year: int | None
    target_share: float | None  # the same target as a share, 0–1
    estimate: LiteracyShare | None

    @property
    def gap(self) -> float | None:
        """Percentage points still to go (positive = below target)."""
        if self.estimate is None or self.target_share is None:
            return None
        return round((self.target_share - self.estimate.share) * 100, 2)


@dataclass(frozen=True)
class TargetLine:
    """A quantitative target with what accepted figures reached by the end of the year."""

    task_code: str
    text: str
    target_value: float
    unit: str
    kind: Kind
    reached: float | None
    progress: float | None  # share of the target met, not capped (1.15 = 15 % over)
    projection: Projection | None  # to the deadline; None without a deadline year

    @property
    def yearly(self) -> bool:
        return self.kind == Kind.YEARLY


@dataclass(frozen=True)
class IndicatorLine:
    """A target linked to an indicator: its latest amount, the gap and the projection to its year."""

    name: str
    unit: str
    value: float | None
    target: float
    target_year: int
    gap: float | None  # in the target's unit, positive = still short
    projection: float | None  # None with fewer than two years of values
    verdict: Verdict

    @property
    def on_track(self) -> bool | None:
        return ON_TRACK.get(self.verdict)


@dataclass(frozen=True)
class EvaluationFigures:
    region: Region
    year: int
    plan: Plan
    as_of: datetime.date
    generated_on: datetime.date
    headline: Headline
    task_total: int
    unit_count: int
    colour_totals: dict[str, int]
    mean_task_progress: float | None  # of the status lights (capped at 1 per task)
    groups: tuple[GroupTally, ...]
    alert_tasks: tuple[TaskLight, ...]  # amber and red, worst first
    overdue_reports: tuple[OutstandingReport, ...]  # of the year's periods
    weights: tuple[tuple[str, float], ...]
    scores: tuple[UnitScoreLine, ...]
    targets: tuple[TargetLine, ...]
    indicators: tuple[IndicatorLine, ...]
    literacy: tuple[LiteracyShare, ...]  # the year's wave, overall first
    literacy_trend: tuple[SharePoint, ...]  # every wave up to the year
    lower_regions: tuple[RegionStanding, ...]
    trends: tuple[PeriodTally, ...]  # every period up to the year
    resources: ResourcesSummary  # bases, people and activities in the region's subtree
    content: ContentYear  # the content library's year in the region's subtree

    @property
    def year_trends(self) -> tuple[PeriodTally, ...]:
        return tuple(t for t in self.trends if t.year == self.year)


# --- Reading -----------------------------------------------------------------------------------------


def region_by_code(code: str) -> Region:
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        raise EvaluationError(f"未找到行政区划代码“{code}”")
    return region


def default_as_of(year: int, today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return min(today, datetime.date(year, 12, 31) + datetime.timedelta(days=STATUS_AS_OF_DAYS_AFTER_YEAR))


def evaluation_figures(
    region: Region, year: int, *, today: datetime.date | None = None, plan: Plan | None = None
) -> EvaluationFigures:
    plan = plan or plan_for_year(region, year)
    if plan is None:
        message = f"{region.name}没有覆盖{year}年的全民科学素质行动实施方案，无法生成年度报告"
        standing = plan_standing(region, year)
        if standing.state == PlanState.ENDED:
            # Between two plans: say which one ended and what can be had instead.
            message += (f"（{standing.label}：《{standing.plan.title}》可生成{standing.plan.period_end}年度报告"
                        f"或总结评估）")
        raise EvaluationError(message)
    generated_on = today or timezone.localdate()
    as_of = default_as_of(year, generated_on)
    board = plan_year(plan, year, as_of)
    literacy = wave_shares(region, year)
    headline = Headline(
        plan.headline_indicator or HEADLINE_INDICATOR, plan.headline_value, plan.headline_unit or "%",
        plan.headline_year, headline_target_share(plan), next((s for s in literacy if s.overall), None),
    )
    return EvaluationFigures(
        region=region, year=year, plan=plan, as_of=as_of, generated_on=generated_on, headline=headline,
        task_total=board.task_total, unit_count=board.unit_count, colour_totals=board.colour_totals,
        mean_task_progress=board.mean_task_progress, groups=board.groups,
        # Stable: tasks keep their plan order within a colour.
        alert_tasks=tuple(sorted((t for t in board.tasks if t.colour != Colour.GREEN), key=lambda t: -t.colour)),
        # Earlier years' periods are history.
        overdue_reports=tuple(o for o in board.outstanding if o.period_year == year),
        weights=board.weights, scores=board.scores,
        targets=tuple(target_line(t, year) for t in board.targets),
        indicators=tuple(indicator_line(link) for link in linked_targets(region, plan, year)),
        literacy=literacy, literacy_trend=share_trend(region, until_year=year),
        lower_regions=lower_region_standings(region, year, as_of), trends=board.periods,
        resources=resources_summary(region, year), content=content_year(region, year),
    )


def target_line(target: TargetFigures, year: int) -> TargetLine:
    """What the accepted figures reached by the end of ``year`` (a yearly target: in ``year``), the
    progress toward the target and the projection to its deadline, as on the task page."""
    at = target.attainment
    reached = amount_reached(at, target.figures, year, basis=Basis.TO_DATE)
    projection = None
    if target.deadline_year is not None:
        projection = project(at, target.figures, basis=Basis.TO_DATE, year=target.deadline_year, until=year)
    return TargetLine(target.task_code, target.text, target.value, target.unit, at.kind, reached,
                      progress(at, reached), projection)


def indicator_line(link: LinkedTarget) -> IndicatorLine:
    """The latest amount of the indicator against the target, and the least-squares projection to
    the target year (one value a year: ``Basis.PER_YEAR``)."""
    at = link.attainment
    p = project(at, link.figures, basis=Basis.PER_YEAR, year=link.target_year)
    value = p.current[1] if p.current else None
    shortfall = gap(at, value)
    return IndicatorLine(
        name=link.indicator_name, unit=link.unit, value=value, target=link.target_value,
        target_year=link.target_year, gap=None if shortfall is None else round(shortfall, 2),
        projection=None if p.value is None else round(p.value, 2), verdict=p.verdict,
    )


def rank_lower_regions(lines: tuple[RegionStanding, ...] | list[RegionStanding]) -> list[RegionStanding]:
    """Best first: completion, then on-time reporting, then fewer red tasks; regions without a plan last."""
    return sorted(lines, key=lambda r: (
        not r.has_plan, -(r.completion if r.completion is not None else -1),
        -(r.on_time_rate if r.on_time_rate is not None else -1), r.red, r.code,
    ))
