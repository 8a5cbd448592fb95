"""Reads of the survey module: a wave's estimates arranged for the page, the trend across waves
against the plan's headline target, and `literacy_estimates` (one wave) and
`literacy_trend` (every wave's overall estimate) for the annual report.

Every function reads a fixed number of queries, however many domains or waves there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from kesu.literacy.mapping import dimension_label, natural_order
from kesu.literacy.models import CiMethod, LiteracyEstimate, SurveyWave, WaveStatus
from kesu.org.models import Region
from kesu.planning.models import Plan
from kesu.planning.selectors import covering
from kesu.plans import attainment
from kesu.plans.attainment import Basis

DEFAULT_CI_METHOD = CiMethod.LOGIT.value
OVERALL_LABEL = "总体"


def active_waves(region: Region) -> list[SurveyWave]:
    """The region's current waves, newest year first (one per year)."""
    return list(
        SurveyWave.objects.filter(region=region, status=WaveStatus.ACTIVE)
        .select_related("uploaded_by").order_by("-year", "-uploaded_at")
    )


def superseded_waves(region: Region) -> list[SurveyWave]:
    return list(SurveyWave.objects.filter(region=region, status=WaveStatus.SUPERSEDED).order_by("-year", "-uploaded_at"))


def lower_regions_with_waves(region: Region) -> list[Region]:
    """Regions under `region` that have a wave of their own, for links from the page."""
    return list(
        Region.objects.filter(path__startswith=region.path, survey_waves__status=WaveStatus.ACTIVE)
        .exclude(pk=region.pk).distinct().order_by("code")
    )


@dataclass
class EstimateLine:
    """One row of a results table; shares (0–1), shown as percentages by the templates."""

    label: str
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    deff: float | None
    n: int
    unreliable: bool
    domain_key: str = ""

    @property
    def unreliable_reason(self) -> str:
        reasons = []
        if self.n < 30:
            reasons.append("样本量不足 30")
        if self.ci_low is None or self.ci_high is None or self.ci_high - self.ci_low > 0.10:
            reasons.append("置信区间宽度超过 10 个百分点")
        return "；".join(reasons)


@dataclass
class DimensionTable:
    column: str
    label: str
    lines: list[EstimateLine]


@dataclass
class WaveResults:
    wave: SurveyWave
    ci_method: str
    overall: EstimateLine | None
    dimensions: list[DimensionTable] = field(default_factory=list)

    @property
    def ci_level(self) -> float:
        return self.wave.ci_level


def _region_names(region_column: str, estimates: list[LiteracyEstimate]) -> dict[str, str]:
    if not region_column:
        return {}
    codes = {str(row.domain.get(region_column)) for row in estimates if row.dimension == region_column}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}


def _line(row: LiteracyEstimate, label: str) -> EstimateLine:
    return EstimateLine(
        label=label, estimate=row.estimate, se=row.se, ci_low=row.ci_low, ci_high=row.ci_high,
        deff=row.deff, n=row.n, unreliable=row.is_unreliable, domain_key=row.domain_key,
    )


def domain_label(row: LiteracyEstimate, region_column: str, region_names: dict[str, str]) -> str:
    if not row.dimension:
        return OVERALL_LABEL
    value = str(row.domain.get(row.dimension))
    if row.dimension == region_column and value in region_names:
        return region_names[value]
    return value


def wave_results(wave: SurveyWave, ci_method: str = DEFAULT_CI_METHOD) -> WaveResults:
    estimates = list(LiteracyEstimate.objects.filter(wave=wave, ci_method=ci_method).order_by("order"))
    names = _region_names(wave.region_column, estimates)
    results = WaveResults(wave=wave, ci_method=ci_method, overall=None)
    columns = ([wave.region_column] if wave.region_column else []) + list(wave.group_columns)
    tables = {column: DimensionTable(column, dimension_label(column, wave.region_column), []) for column in columns}
    for row in estimates:
        line = _line(row, domain_label(row, wave.region_column, names))
        if not row.dimension:
            results.overall = line
        elif row.dimension in tables:
            tables[row.dimension].lines.append(line)
    for table in tables.values():
        table.lines = [table.lines[i] for i in natural_order([line.label for line in table.lines])]
    results.dimensions = [table for table in tables.values() if table.lines]
    return results


# --- trend against the headline target ----------------------------------------------------------


@dataclass
class TrendPoint:
    year: int
    wave_id: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    n: int


@dataclass
class Trend:
    points: list[TrendPoint]
    plan: Plan | None
    target: float | None  # share 0–1
    target_year: int | None
    projection: list[tuple[int, float]] | None = None  # the chart's segment, last wave → target year
    goal: attainment.Target | None = None  # the headline target as kesu.plans.attainment reads it
    forecast: attainment.Projection | None = None

    @property
    def projected(self) -> float | None:
        return self.projection[-1][1] if self.projection else None

    @property
    def projection_meets_target(self) -> bool | None:
        if self.goal is None or self.forecast is None or self.forecast.value is None:
            return None
        return attainment.is_met(self.goal, self.forecast.value)


def headline_plan(region: Region, year: int | None = None) -> Plan | None:
    """The plan whose headline target the trend is read against: the one in force in ``year`` (default
    this year), else the one that ended last before it, else the newest (a plan not yet begun)."""
    from django.utils import timezone

    year = year if year is not None else timezone.localdate().year
    plans = Plan.objects.filter(region=region, is_current=True, headline_value__isnull=False)
    return (plans.filter(covering(year)).order_by("-period_end", "-version", "-pk").first()
            or plans.filter(period_end__lt=year).order_by("-period_end", "-version", "-pk").first()
            or plans.order_by("-period_end", "-version", "-pk").first())


def headline_share(plan: Plan) -> float:
    """The plan's headline value as a share: plans write 15.5 (%), a few 0.155."""
    value = float(plan.headline_value)
    return value / 100 if plan.headline_unit.strip() in ("%", "％") or value > 1 else value


def headline_target(plan: Plan) -> attainment.Target:
    """The plan's headline (公民具备科学素质的比例达到15%) as a target of shares, 0–1."""
    return attainment.Target.classify(
        headline_share(plan), ">=", "", plan.headline_unit.strip() or "%", text=plan.headline_indicator,
        deadline_year=plan.headline_year,
    )


def naive_projection(points: list[tuple[int, float]], goal: attainment.Target) -> attainment.Projection:
    """The waves' least-squares line read at the target year, by the one projection rule
    (kesu.plans.attainment.project; each wave measures its own year). Naive on purpose: it ignores
    sampling error and any curvature; the page says so. Not clamped to [0, 1]: a line that leaves
    the possible range says the trend cannot go on, which is worth seeing."""
    return attainment.project(goal, [attainment.Figure(year, value) for year, value in points], basis=Basis.PER_YEAR)


def projection_segment(forecast: attainment.Projection) -> list[tuple[int, float]] | None:
    """The chart's dashed segment, from the line at the last wave to the target year; None without
    a line or when the target year is not after the last wave."""
    if forecast.line is None or forecast.value is None or not forecast.points:
        return None
    last = forecast.points[-1][0]
    if forecast.year <= last:
        return None
    return [(last, forecast.line.at(last)), (forecast.year, forecast.value)]


def trend(region: Region, ci_method: str = DEFAULT_CI_METHOD) -> Trend:
    rows = (
        LiteracyEstimate.objects.filter(
            wave__region=region, wave__status=WaveStatus.ACTIVE, ci_method=ci_method, domain_key=""
        ).select_related("wave").order_by("wave__year", "wave__uploaded_at")
    )
    by_year = {row.wave.year: row for row in rows}
    points = [TrendPoint(year, row.wave_id, row.estimate, row.ci_low, row.ci_high, row.n)
              for year, row in sorted(by_year.items())]
    plan = headline_plan(region)
    result = Trend(points=points, plan=plan, target=None, target_year=None)
    if plan is not None:
        result.target = headline_share(plan)
        result.target_year = plan.headline_year
    if plan is not None and result.target_year is not None:
        result.goal = headline_target(plan)
        known = [(point.year, point.estimate) for point in points if point.estimate is not None]
        result.forecast = naive_projection(known, result.goal)
        result.projection = projection_segment(result.forecast)
    return result


# --- for the annual report ------------------------------------------------------------------------


@dataclass(frozen=True)
class LiteracyRow:
    """One estimate of 公民具备科学素质的比例 (a share, 0–1) of a wave.

    `domain` is "总体" for the whole population, else "<group>：<level>" (区划：吴兴区, 性别：女);
    `dimension` and `level` are its two parts ("" and "总体" for the whole population).
    """

    domain: str
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    wave_year: int
    dimension: str = ""
    level: str = OVERALL_LABEL
    deff: float | None = None
    unreliable: bool = False
    ci_method: str = DEFAULT_CI_METHOD
    region_name: str = ""


def literacy_estimates(region: Region, year: int | None = None, *, ci: str = DEFAULT_CI_METHOD) -> list[LiteracyRow]:
    """The estimates of the region's latest active wave (or of the wave of `year`), overall first.

    An empty list when the region has no such wave.  Two queries (three with a region column).
    """
    waves = SurveyWave.objects.filter(region=region, status=WaveStatus.ACTIVE).select_related("region")
    if year is not None:
        waves = waves.filter(year=year)
    wave = waves.order_by("-year", "-uploaded_at").first()
    if wave is None:
        return []
    estimates = list(LiteracyEstimate.objects.filter(wave=wave, ci_method=ci).order_by("order"))
    names = _region_names(wave.region_column, estimates)
    rows = []
    for row in estimates:
        level = domain_label(row, wave.region_column, names)
        dimension = dimension_label(row.dimension, wave.region_column) if row.dimension else ""
        rows.append(LiteracyRow(
            domain=f"{dimension}：{level}" if dimension else OVERALL_LABEL,
            estimate=row.estimate, se=row.se, ci_low=row.ci_low, ci_high=row.ci_high, n=row.n,
            wave_year=wave.year, dimension=dimension, level=level, deff=row.deff,
            unreliable=row.is_unreliable, ci_method=row.ci_method, region_name=wave.region.name,
        ))
    return rows


class LiteracyTrendPoint(NamedTuple):
    """公民具备科学素质的比例 of the whole population in one survey year (shares, 0–1)."""

    year: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None


def literacy_trend(
    region: Region, *, until_year: int | None = None, ci: str = DEFAULT_CI_METHOD
) -> list[LiteracyTrendPoint]:
    """The overall estimate of each of the region's active waves, oldest year first (the latest
    upload when a year has more than one active wave); up to `until_year` when given.

    One query, however many waves there are.
    """
    rows = LiteracyEstimate.objects.filter(
        wave__region=region, wave__status=WaveStatus.ACTIVE, ci_method=ci, domain_key=""
    )
    if until_year is not None:
        rows = rows.filter(wave__year__lte=until_year)
    by_year: dict[int, LiteracyTrendPoint] = {}
    for year, estimate, ci_low, ci_high in rows.order_by("wave__year", "wave__uploaded_at", "wave_id").values_list(
        "wave__year", "estimate", "ci_low", "ci_high"
    ):
        by_year[year] = LiteracyTrendPoint(year, estimate, ci_low, ci_high)
    return [by_year[year] for year in sorted(by_year)]
