"""How a page chart is laid out (``{% load kesu_charts %}``): the one rule for every ECharts card.

A bar chart with many categories (27 member units, 12 months, every township) turns horizontal and
grows by a band per category, so that no label overlaps another however many there are; the card
writes the result on the chart's element (``data-chart-layout``, its height) and the page scripts
(kesu/charts.js, surveys/literacy_charts.js) draw what it says rather than deciding again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template

register = template.Library()

BAND = 28  # px per category of a horizontal bar chart, enough for a 12 px label and its gap
SERIES_BAND = 18  # px per bar when a category holds bars of several series side by side
MARGINS = 70  # px for the legend above and the value axis below the bars
MIN_HEIGHT = 200
DEFAULT_HEIGHT = 320  # vertical bars, pies and trend lines (the stylesheet's .chart height)
MAX_VERTICAL = 6  # more categories than this do not fit side by side under a half-width card
LONG_LABEL = 8  # ems: a label longer than this reads badly turned by 30° under a vertical bar


@dataclass(frozen=True)
class ChartLayout:
    horizontal: bool
    height: int  # px

    @property
    def style(self) -> str:
        """The inline height a horizontal chart needs; vertical ones keep the stylesheet's height."""
        return f"height:{self.height}px" if self.horizontal else ""


def _ems(text: str) -> float:
    return sum(1 if ord(ch) > 0x2E80 else 0.55 for ch in str(text))


def layout(kind: str, categories: list, series_count: int = 1) -> ChartLayout:
    """The layout of a chart of ``kind`` ("bar", "stacked_bar", "interval_bar", "pie", "trend")."""
    if kind not in ("bar", "stacked_bar", "interval_bar"):
        return ChartLayout(False, DEFAULT_HEIGHT)
    count = len(categories)
    longest = max((_ems(c) for c in categories), default=0)
    if count <= MAX_VERTICAL and longest <= LONG_LABEL:
        return ChartLayout(False, DEFAULT_HEIGHT)
    side_by_side = series_count if kind == "bar" else 1
    band = max(BAND, SERIES_BAND * side_by_side + 10)
    return ChartLayout(True, max(MIN_HEIGHT, count * band + MARGINS))


@register.filter
def chart_layout(chart: dict) -> ChartLayout:
    """The layout of a chart given as its page JSON (``type``, ``categories``, ``series``)."""
    series = chart.get("series") or [None]
    return layout(chart.get("type", "bar"), list(chart.get("categories") or []), len(series))


@register.filter
def chart_value(value) -> str:
    """A number of a chart's data table as the chart shows it: no trailing .0, at most two decimals."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return f"{value:.2f}".rstrip("0").rstrip(".")


@register.filter
def chart_layout_of(charts: dict, chart_id: str) -> ChartLayout:
    """The layout of one chart of a page's chart JSON, by its id (``charts|chart_layout_of:chart_id``)."""
    return chart_layout(charts.get(chart_id) or {})
