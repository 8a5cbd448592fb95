"""Charts with many categories stay readable: bar charts with more categories than fit side by side (or
long names) turn horizontal and grow a band per category, on the page (kesu_charts, written on the
chart's element for charts.js) and in the report's static charts; every chart card has its numbers
one click away (查看数据) from the same JSON the chart draws."""

from __future__ import annotations

import itertools
import re

import pytest
from django.template.loader import render_to_string

from kesu.evaluation import charts as static_charts
from kesu.org.templatetags import kesu_charts
from kesu.org.templatetags.kesu_charts import chart_layout, chart_value, layout

UNITS = [f"第{i}成员单位（市直部门）" for i in range(1, 28)]


def _unit_chart(names) -> dict:
    values = [round(100 * i / len(names), 1) for i in range(len(names))]
    return {
        "type": "bar", "title": "各单位按时报送率", "unit": "%", "categories": list(names), "colours": ["#1d5fa8"],
        "series": [{"name": "按时报送率", "data": values}],
        "rows": [[name, value] for name, value in zip(names, values, strict=True)],
    }


def test_few_short_categories_stay_vertical_at_the_cards_height():
    assert layout("bar", ["绿灯", "黄灯", "红灯"]) == kesu_charts.ChartLayout(False, kesu_charts.DEFAULT_HEIGHT)
    assert layout("pie", UNITS).horizontal is False
    assert layout("trend", []).style == ""


def test_many_categories_turn_horizontal_and_grow_a_band_each():
    for count in (7, 12, 27, 60):
        chosen = layout("bar", [f"单位{i}" for i in range(count)])
        assert chosen.horizontal
        assert chosen.height >= count * kesu_charts.BAND  # no two labels share a band
        assert chosen.style == f"height:{chosen.height}px"
    assert layout("bar", UNITS).height >= 27 * 20
    # Grouped bars of two series need a wider band than one bar; stacked bars share one.
    assert layout("bar", UNITS, series_count=2).height > layout("bar", UNITS).height
    assert layout("stacked_bar", UNITS, series_count=3).height == layout("bar", UNITS).height


def test_long_names_turn_horizontal_even_when_few():
    titles = ["青少年科学素质提升行动", "农民科学素质提升行动", "产业工人科学素质提升行动"]
    assert layout("stacked_bar", titles).horizontal
    assert layout("bar", ["2024年上半年", "2024年下半年"]).horizontal is False


def test_a_chart_card_with_27_units_is_tall_enough_and_lists_them_under_查看数据():
    chart = _unit_chart(UNITS)
    html = render_to_string("supervision/dashboard_chart.html", {"chart": chart, "chart_id": "unit_on_time"})
    element = re.search(r'<div class="chart"[^>]*data-chart="unit_on_time"[^>]*>', html).group(0)
    assert 'data-chart-layout="horizontal"' in element
    height = int(re.search(r'style="height:(\d+)px"', element).group(1))
    assert height == chart_layout(chart).height >= 27 * 20
    table = re.search(r'<details class="chart-data"[^>]*>\s*<summary>查看数据</summary>(.*?)</details>', html, re.S).group(1)
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td class="num">([^<]+)</td></tr>', table)
    assert [name for name, _ in rows] == UNITS
    assert [value for _, value in rows] == [chart_value(v) for v in chart["series"][0]["data"]]

    few = render_to_string("supervision/dashboard_chart.html",
                           {"chart": _unit_chart(["甲", "乙", "丙"]), "chart_id": "few"})
    assert 'data-chart-layout="vertical"' in few and "style=" not in re.search(r'<div class="chart"[^>]*>', few).group(0)


@pytest.mark.parametrize("value, shown", [(None, "—"), (12.0, "12"), (85.25, "85.25"), (4.4, "4.4"), (3, "3"),
                                          (0.333333, "0.33")])
def test_table_values_read_as_the_chart_shows_them(value, shown):
    assert chart_value(value) == shown


def test_the_reports_static_charts_grow_with_their_categories():
    def spec(count):
        names = UNITS[:count]
        return static_charts.ChartSpec("bar", "成员单位考核得分", names, [("总分", [80.0] * count)], "分")

    heights = {count: static_charts.size_of(spec(count))[1] for count in (3, 12, 27)}
    assert heights[27] - heights[12] == 15 * static_charts.BAR_BAND
    assert static_charts.BAR_BAND >= static_charts.FONT_SIZE * 2  # a label and its gap per band
    svg = static_charts.render_svg(spec(27))
    labels = re.findall(r'<text x="[\d.]+" y="([\d.]+)"[^>]*text-anchor="end">([^<]+)</text>', svg)
    assert len(labels) == 27
    ys = [float(y) for y, _ in labels]
    assert min(b - a for a, b in itertools.pairwise(ys)) >= static_charts.BAR_BAND
    # Long names are cut to the label column and end in "…".
    assert all(static_charts.text_width(text, static_charts.FONT_SIZE) <= static_charts.LABEL_WIDTH for _, text in labels)
