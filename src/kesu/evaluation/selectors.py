"""Reads behind the region dashboard: the evaluation figures regrouped for the page, its charts as
JSON for charts.js, one mini chart per lower region, the page's content rendered once per version of
its data (the cache key is built here, beside the computation it caches), and a chart's numbers as a
workbook."""

from __future__ import annotations

import datetime
import sys
from dataclasses import astuple, dataclass
from io import BytesIO

from django.db.models import Q
from django.template.loader import render_to_string

from kesu.caching import fragments, versions
from kesu.evaluation import narrative
from kesu.evaluation.charts import ChartSpec, report_charts
from kesu.evaluation.figures import EvaluationError, evaluation_figures, rank_lower_regions
from kesu.evaluation.services import FORMATS, check_year
from kesu.org.models import Region
from kesu.planning.models import Plan
from kesu.planning.selectors import PlanState, plan_standing
from kesu.supervision.plan_year import lower_region_standings
from kesu.supervision.status import thresholds_from_settings

DASHBOARD_CHARTS = (
    "literacy_trend", "period_on_time", "group_status", "group_progress", "unit_scores", "lower_completion",
    "literacy_groups", "resource_levels", "activities_by_month",
)


def dashboard_year(region: Region, today: datetime.date) -> int:
    """This year if a plan of the region covers it, else the last year of the region's plan that
    ended most recently (its final year, with every figure in), else this year."""
    plan, state = plan_standing(region, today.year)
    if state == PlanState.ENDED and plan.period_end:
        return plan.period_end
    return today.year


def _mini_charts(lower) -> dict[str, ChartSpec]:
    """Small multiples: each lower region's on-time reporting rate per reporting period."""
    return {
        f"mini-{line.code}": ChartSpec(
            "bar", f"{line.name}按时报送率", [label for label, _ in line.period_on_time],
            [("按时报送率", [None if rate is None else round(rate * 100, 1) for _, rate in line.period_on_time])],
            "%", value_max=100,
        )
        for line in lower if line.has_plan and line.period_on_time
    }


def dashboard_context(region: Region, year: int, today: datetime.date | None = None) -> dict:
    data = evaluation_figures(region, year, today=today)
    specs = report_charts(data)
    charts = {key: specs[key] for key in DASHBOARD_CHARTS if key in specs}
    minis = _mini_charts(data.lower_regions)
    all_specs = charts | minis
    years = list(range(data.plan.period_start or year, (data.plan.period_end or year) + 1))
    estimate = data.headline.estimate
    return {
        "data": data,
        "key_numbers": narrative.key_numbers(data),
        "headline_percent": None if estimate is None else narrative.share_percent(estimate.share),
        "headline_ci": None if estimate is None else narrative.ci_text(estimate),
        "years": years,
        "chart_ids": list(charts),
        "mini_ids": list(minis),
        "chart_specs": all_specs,
        "chart_payloads": {key: spec.payload() for key, spec in all_specs.items()},
        "lower_regions": rank_lower_regions(data.lower_regions),
        "key_indicators": data.indicators[:8],
        # Registry figures that also feed 科普统计: every write that changes them recounts the feeds,
        # which replaces the indicators token the cache key holds.
        "resource_numbers": [] if data.resources.is_empty else narrative.resources_key_numbers(data.resources),
    }


@dataclass(frozen=True)
class RenderedDashboard:
    """The region dashboard as every viewer allowed to see the region sees it: the year shown, the
    page content as HTML and the charts behind its Excel exports."""

    year: int
    body: str
    chart_specs: dict[str, ChartSpec]


def rendered_dashboard(region: Region, requested_year: int | None, today: datetime.date) -> RenderedDashboard:
    """The dashboard of ``region`` for ``requested_year`` (None: the default year), from the
    per-process cache while none of its data changed.

    The key names every input: the tokens of the plans of the region and of its lower regions (a new
    or deleted plan changes the set, so the plan chosen for the year and the default year are covered
    too), the tokens of regions, indicators and surveys, today (statuses and the default year depend
    on it) and the status thresholds. Nothing of the viewer is an input: every role that may open the
    page sees the same content, and it is rendered without the request.
    """

    if requested_year is not None and not _valid_year(requested_year):
        # Not cached: any number in the query string would otherwise make an entry.
        return _render_dashboard(region, requested_year, today)
    return fragments.get_or_compute(
        dashboard_cache_key(region, requested_year, today),
        lambda: _render_dashboard(region, requested_year, today), cost=_cost,
    )


def dashboard_cache_key(region: Region, requested_year: int | None, today: datetime.date) -> tuple:
    """Every input of :func:`_render_dashboard` (see :func:`rendered_dashboard`), as version tokens."""
    plans = Plan.objects.filter(region__in=Region.objects.filter(Q(pk=region.pk) | Q(parent=region)))
    return (
        "evaluation:region-dashboard", region.pk, requested_year, today, versions.plan_tokens(plans),
        versions.tokens(versions.REGIONS, versions.INDICATORS, versions.SURVEYS), astuple(thresholds_from_settings()),
    )


def _valid_year(year: int) -> bool:
    try:
        check_year(year)
    except EvaluationError:
        return False
    return True


def _render_dashboard(region: Region, requested_year: int | None, today: datetime.date) -> RenderedDashboard:
    year = dashboard_year(region, today) if requested_year is None else requested_year
    context = {"region": region, "year": year, "formats": FORMATS, "years": []}
    try:
        check_year(year)
        context |= dashboard_context(region, year, today)
    except EvaluationError as exc:
        context["problem"] = str(exc)
        context["standing"] = plan_standing(region, year)
        context["lower_regions"] = rank_lower_regions(lower_region_standings(region, year, today))
    body = render_to_string("evaluation/region_dashboard_body.html", context)
    return RenderedDashboard(year, body, context.get("chart_specs", {}))


def _cost(dashboard: RenderedDashboard) -> int:
    # The chart specs are small next to the body (a city's 15 charts: ~5 KB pickled, body 100 KB in
    # memory); counting the body twice bounds both for the cache's byte budget.
    return 2 * sys.getsizeof(dashboard.body)


def chart_workbook(spec: ChartSpec, scope: str) -> bytes:
    from kesu.evaluation.document import Column, Table
    from kesu.evaluation.xlsx import write_table_sheet

    kind = "percent" if spec.unit == "%" else "num"
    table = Table(
        f"{scope}{spec.title}",
        [Column("类别", width=1.6), *(Column(f"{name}（{spec.unit}）" if spec.unit else name, kind)
                                    for name, _ in spec.series)],
        spec.rows,
    )
    buffer = BytesIO()
    write_table_sheet(table, spec.title).save(buffer)
    return buffer.getvalue()
