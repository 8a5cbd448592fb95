/* Dashboard charts: ECharts options built from the JSON the view emits (json_script), laid out as the
   card says (data-chart-layout and its height, from kesu_charts: many categories → horizontal bars, a
   band each, labels cut short with the full name in the tooltip), and PNG export through ECharts'
   getDataURL. Each card's table (查看数据) is plain HTML. No data is fetched from elsewhere. */
(function () {
  "use strict";

  // PNG export and resizing are shared with the other chart scripts (e.g. the survey pages).
  function bindPngButtons(attribute, charts, specs) {
    document.querySelectorAll("[" + attribute + "]").forEach(function (button) {
      button.addEventListener("click", function () {
        var id = button.getAttribute(attribute);
        if (!charts[id]) { return; }
        var link = document.createElement("a");
        link.href = charts[id].getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
        link.download = (specs[id].title || id) + ".png";
        document.body.appendChild(link);
        link.click();
        link.remove();
      });
    });
  }

  function resizeWithWindow(charts) {
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (id) { charts[id].resize(); });
    });
  }

  window.kesuChartTools = { bindPngButtons: bindPngButtons, resizeWithWindow: resizeWithWindow };

  // Horizontal bars name their categories on the left in up to a third of the card (a phone keeps room
  // for the bars); longer names are cut short and named in full by the tooltip.
  function optionFor(spec, horizontal, width) {
    var labelWidth = Math.round(Math.min(160, Math.max(80, width * 0.33)));
    var base = {
      color: spec.colours,
      tooltip: { trigger: spec.type === "pie" ? "item" : "axis" },
      animation: false,
      textStyle: { fontFamily: "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif" }
    };
    if (spec.type === "pie") {
      base.legend = { bottom: 0 };
      base.series = [{
        type: "pie", radius: ["35%", "65%"], name: spec.series[0].name,
        label: { formatter: "{b}\n{c}" + spec.unit },
        // Empty slices are left out so that their labels do not pile up on each other.
        // Each slice keeps its own colour, since dropping empty slices would shift the palette.
        data: spec.categories.map(function (name, i) {
          return { name: name, value: spec.series[0].data[i], itemStyle: { color: spec.colours[i] } };
        }).filter(function (item) { return item.value > 0; })
      }];
      return base;
    }
    var categoryAxis = { type: "category", data: spec.categories,
                         axisLabel: { interval: 0, width: horizontal ? labelWidth : 90, overflow: "truncate" } };
    var valueAxis = { type: "value", name: spec.unit, max: spec.unit === "%" ? 100 : null, minInterval: 1 };
    base.legend = spec.series.length > 1 ? { top: 0, type: "scroll" } : undefined;  // one line, even on a phone
    base.grid = { left: horizontal ? labelWidth + 10 : 40, right: 40, top: 30, bottom: horizontal ? 30 : 60, containLabel: false };
    base.tooltip.axisPointer = { type: "shadow" };
    base.xAxis = horizontal ? valueAxis : categoryAxis;
    base.yAxis = horizontal ? Object.assign({}, categoryAxis, { inverse: true }) : valueAxis;
    if (!horizontal) { base.xAxis.axisLabel.rotate = spec.categories.length > 3 ? 30 : 0; }
    base.series = spec.series.map(function (s) {
      return { type: "bar", name: s.name, data: s.data, stack: spec.type === "stacked_bar" ? "total" : undefined,
               label: { show: spec.type !== "stacked_bar", position: horizontal ? "right" : "top" } };
    });
    return base;
  }

  function init() {
    var block = document.getElementById("dashboard-charts");
    if (!block || typeof echarts === "undefined") { return; }
    var specs = JSON.parse(block.textContent);
    var charts = {};
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var id = el.getAttribute("data-chart");
      if (!specs[id]) { return; }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(optionFor(specs[id], el.getAttribute("data-chart-layout") === "horizontal", el.clientWidth));
      charts[id] = chart;
    });
    bindPngButtons("data-chart-png", charts, specs);
    resizeWithWindow(charts);
    window.kesuCharts = charts;
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
