/* Literacy-rate charts of the survey pages: bars with confidence-interval error bars by group, and the
   trend across survey waves against the plan's headline target with a naive straight-line projection.
   Options are built from the JSON the view emits (json_script #survey-charts); each chart has a table
   view (查看数据, plain HTML) and PNG export through kesu/charts.js, as on the dashboards; a card laid out
   "horizontal" (many groups, see kesu_charts) gets horizontal bars. Nothing is fetched from elsewhere. */
(function () {
  "use strict";

  var FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif";
  var BLUE = "#1d5fa8", GREY = "#b8c2cc", RED = "#c62828", AMBER = "#d98b00";

  function pct(value) { return value === null || value === undefined ? "—" : value.toFixed(1) + "%"; }

  // Whiskers from low to high at each place: [place, low, high]; the place is a category index or a
  // year, on the x axis (or the y axis of horizontal bars).
  function errorBars(name, data, horizontal) {
    function point(api, value) {
      return horizontal ? api.coord([value, api.value(0)]) : api.coord([api.value(0), value]);
    }
    return {
      type: "custom", name: name, data: data, z: 10, silent: true, itemStyle: { color: "#333" },
      encode: horizontal ? { y: 0, x: [1, 2] } : { x: 0, y: [1, 2] },
      renderItem: function (params, api) {
        var low = point(api, api.value(1));
        var high = point(api, api.value(2));
        var dx = horizontal ? 0 : 6, dy = horizontal ? 6 : 0;
        var style = { stroke: "#333", lineWidth: 1.4 };
        return { type: "group", children: [
          { type: "line", shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style: style },
          { type: "line", shape: { x1: low[0] - dx, y1: low[1] - dy, x2: low[0] + dx, y2: low[1] + dy }, style: style },
          { type: "line", shape: { x1: high[0] - dx, y1: high[1] - dy, x2: high[0] + dx, y2: high[1] + dy }, style: style }
        ] };
      }
    };
  }

  function intervalOption(spec, horizontal) {
    var whiskers = [];
    spec.categories.forEach(function (_, i) {
      if (spec.low[i] !== null && spec.high[i] !== null) { whiskers.push([i, spec.low[i], spec.high[i]]); }
    });
    // Labels cut short ("…") are named in full by the tooltip.
    var categoryAxis = { type: "category", data: spec.categories, inverse: horizontal,
      axisLabel: { interval: 0, rotate: !horizontal && spec.categories.length > 4 ? 30 : 0,
                   width: horizontal ? 110 : 90, overflow: "truncate" } };
    var valueAxis = { type: "value", name: spec.unit, min: 0 };
    return {
      animation: false, textStyle: { fontFamily: FONT },
      legend: { top: 0, data: ["估计值", spec.ci_label] },
      grid: horizontal ? { left: 120, right: 30, top: 36, bottom: 30 }
                       : { left: 50, right: 20, top: 36, bottom: spec.categories.length > 4 ? 70 : 40 },
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" },
        formatter: function (items) {
          var i = items[0].dataIndex;
          return spec.categories[i] + "<br>估计值 " + pct(spec.estimate[i]) + "<br>" + spec.ci_label + " " +
            pct(spec.low[i]) + " – " + pct(spec.high[i]) + "<br>样本量 " + spec.n[i] +
            (spec.unreliable[i] ? "<br>慎用（样本量小或区间过宽）" : "");
        }
      },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: [
        { type: "bar", name: "估计值", barMaxWidth: 48,
          data: spec.estimate.map(function (value, i) {
            return { value: value, itemStyle: { color: spec.unreliable[i] ? GREY : BLUE } };
          }),
          label: { show: true, position: horizontal ? "insideLeft" : "insideTop", color: "#fff",
                   formatter: function (p) { return pct(p.value); } } },
        errorBars(spec.ci_label, whiskers, horizontal)
      ]
    };
  }

  function trendOption(spec) {
    var years = spec.points.map(function (p) { return p.year; });
    if (spec.target) { years.push(spec.target.year); }
    var first = years.length ? Math.min.apply(null, years) : new Date().getFullYear();
    var last = years.length ? Math.max.apply(null, years) : first;
    var series = [
      { type: "line", name: "抽样估计", symbolSize: 8, color: BLUE,
        data: spec.points.map(function (p) { return [p.year, p.estimate]; }),
        label: { show: true, position: "left", formatter: function (p) { return pct(p.value[1]); } } },
      errorBars(spec.ci_label, spec.points.filter(function (p) { return p.low !== null && p.high !== null; })
        .map(function (p) { return [p.year, p.low, p.high]; }))
    ];
    var legend = ["抽样估计", spec.ci_label];
    if (spec.target) {
      legend.push("规划目标");
      series.push({ type: "scatter", name: "规划目标", symbol: "diamond", symbolSize: 14, color: RED,
        data: [[spec.target.year, spec.target.value]],
        label: { show: true, position: "top", formatter: spec.target.label },
        markLine: { symbol: "none", silent: true, lineStyle: { color: RED, type: "dashed" },
                    label: { formatter: "目标 " + spec.target.value + "%", position: "insideEndTop" },
                    data: [{ yAxis: spec.target.value }] } });
    }
    if (spec.projection) {
      legend.push(spec.projection_label);
      series.push({ type: "line", name: spec.projection_label, color: AMBER, symbol: "circle", symbolSize: 5,
        lineStyle: { type: "dotted", width: 2 }, data: spec.projection,
        label: { show: true, position: "bottom", formatter: function (p) {
          return p.dataIndex === spec.projection.length - 1 ? "外推 " + pct(p.value[1]) : ""; } } });
    }
    return {
      animation: false, textStyle: { fontFamily: FONT }, legend: { top: 0, data: legend },
      grid: { left: 50, right: 30, top: 40, bottom: 30 },
      tooltip: { trigger: "item", formatter: function (p) {
        if (p.seriesType === "custom") { return p.seriesName + " " + pct(p.value[1]) + " – " + pct(p.value[2]); }
        return p.seriesName + " " + p.value[0] + "年：" + pct(p.value[1]);
      } },
      xAxis: { type: "value", min: first - 1, max: last + 1, interval: 1,
               axisLabel: { formatter: function (v) { return Number.isInteger(v) ? String(v) : ""; } } },
      yAxis: { type: "value", name: spec.unit, min: 0 },
      series: series
    };
  }

  function init() {
    var block = document.getElementById("survey-charts");
    if (!block || typeof echarts === "undefined") { return; }
    var specs = JSON.parse(block.textContent);
    var charts = {};
    document.querySelectorAll("[data-survey-chart]").forEach(function (el) {
      var id = el.getAttribute("data-survey-chart");
      var spec = specs[id];
      if (!spec) { return; }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(spec.type === "trend" ? trendOption(spec)
        : intervalOption(spec, el.getAttribute("data-chart-layout") === "horizontal"));
      charts[id] = chart;
    });
    window.kesuChartTools.bindPngButtons("data-survey-png", charts, specs);
    window.kesuChartTools.resizeWithWindow(charts);
    window.kesuSurveyCharts = charts;
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
