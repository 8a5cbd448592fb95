"""Chart specifications for literacy_charts.js: plain JSON (percentages), emitted with json_script."""

from __future__ import annotations

from kesu.literacy.selectors import DimensionTable, Trend


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 2)


def interval_chart(table: DimensionTable, level: float) -> dict:
    """Bars of the estimate by level of one group column, with the CI as error bars."""
    return {
        "type": "interval_bar",
        "title": f"按{table.label}分：公民具备科学素质的比例",
        "unit": "%",
        "categories": [line.label for line in table.lines],
        "estimate": [_percent(line.estimate) for line in table.lines],
        "low": [_percent(line.ci_low) for line in table.lines],
        "high": [_percent(line.ci_high) for line in table.lines],
        "n": [line.n for line in table.lines],
        "unreliable": [line.unreliable for line in table.lines],
        "ci_label": f"{level:.0%} 置信区间",
    }


def trend_chart(trend: Trend, level: float) -> dict:
    """Estimates of the region's waves with CIs, the headline target and a naive projection."""
    target = None
    if trend.target is not None and trend.target_year is not None:
        target = {"year": trend.target_year, "value": _percent(trend.target),
                  "label": f"{trend.target_year}年目标 {_percent(trend.target):g}%"}
    projection = None
    if trend.projection:
        projection = [[year, _percent(value)] for year, value in trend.projection]
    return {
        "type": "trend",
        "title": "公民具备科学素质的比例：历次调查与规划目标",
        "unit": "%",
        "points": [
            {"year": point.year, "estimate": _percent(point.estimate), "low": _percent(point.ci_low),
             "high": _percent(point.ci_high), "n": point.n}
            for point in trend.points
        ],
        "target": target,
        "projection": projection,
        "ci_label": f"{level:.0%} 置信区间",
        "projection_label": "朴素线性外推（仅供参考）",
    }
