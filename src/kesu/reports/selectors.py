"""Reads behind the region dashboard: the annual report data regrouped for the page, its charts as
JSON for charts.js, one mini chart per lower region, and a chart's numbers as a workbook."""

from __future__ import annotations

import datetime
from io import BytesIO

from kesu.org.models import Region
from kesu.reports.charts import ChartSpec, report_charts
from kesu.reports.report_data import annual_report_data, plan_for_year, rank_lower_regions
from kesu.tracking.models import Plan

DASHBOARD_CHARTS = (
    "literacy_trend", "period_on_time", "group_status", "group_progress", "unit_scores", "lower_completion",
    "literacy_groups",
)


def dashboard_year(region: Region, today: datetime.date) -> int:
    """This year if a plan of the region covers it, else the last year of the region's newest plan."""
    if plan_for_year(region, today.year) is not None:
        return today.year
    plan = Plan.objects.filter(region=region).order_by("-is_current", "-version", "-pk").first()
    if plan is not None and plan.period_end:
        return min(plan.period_end, today.year)
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
    data = annual_report_data(region, year, today=today)
    specs = report_charts(data)
    charts = {key: specs[key] for key in DASHBOARD_CHARTS if key in specs}
    minis = _mini_charts(data.lower_regions)
    all_specs = charts | minis
    years = list(range(data.plan.period_start or year, (data.plan.period_end or year) + 1))
    return {
        "data": data,
        "years": years,
        "chart_ids": list(charts),
        "mini_ids": list(minis),
        "chart_specs": all_specs,
        "chart_payloads": {key: spec.payload() for key, spec in all_specs.items()},
        "lower_regions": rank_lower_regions(data.lower_regions),
        "key_indicators": data.indicators[:8],
    }


def chart_workbook(spec: ChartSpec, scope: str) -> bytes:
    from kesu.reports.document import Column, Table
    from kesu.reports.xlsx import write_table_sheet

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
