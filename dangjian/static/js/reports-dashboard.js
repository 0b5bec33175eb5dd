// Statistics dashboard (reports app): tooltips with each figure's definition, and one ECharts chart
// per breakdown drawn from the JSON island "reports-charts" ({id, title, kind: "pie"|"bar", labels,
// values, last, now_name, last_name}). The tables beside the charts hold the same numbers. Every
// chart can be saved as an image (toolbox; its title comes from the chart box's data-save-title).
document.addEventListener("DOMContentLoaded", function () {
  if (typeof bootstrap !== "undefined") {
    document.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) {
      bootstrap.Tooltip.getOrCreateInstance(el);
    });
  }
  var island = document.getElementById("reports-charts");
  if (!island || typeof echarts === "undefined") { return; }
  var palette = ["#c8102e", "#1f4e8c", "#e6a23c", "#2e8b57", "#8e44ad", "#16a085", "#d35400", "#7f8c8d",
                 "#b03a2e", "#2874a6"];
  var charts = [];
  JSON.parse(island.textContent).forEach(function (spec) {
    var box = document.getElementById(spec.id);
    if (!box) { return; }
    box.style.height = "240px";  // ECharts needs a height (set from script: no inline styles under the CSP)
    var chart = echarts.init(box);
    var toolbox = { right: 0, top: 0, feature: { saveAsImage: {
      title: box.dataset.saveTitle || "", name: box.dataset.fileName || spec.title, pixelRatio: 2,
      backgroundColor: "#fff" } } };
    var option;
    if (spec.kind === "pie") {
      option = {
        color: palette, toolbox: toolbox,
        tooltip: { trigger: "item", renderMode: "richText" },
        legend: { type: "scroll", bottom: 0, textStyle: { fontSize: 11 } },
        series: [{ type: "pie", radius: ["30%", "60%"], center: ["50%", "45%"], avoidLabelOverlap: true,
          label: { position: "inside", formatter: "{c}", fontSize: 11, color: "#fff" }, labelLine: { show: false },
          data: spec.labels.map(function (label, i) { return { name: label, value: spec.values[i] }; })
            .filter(function (item) { return item.value; }) }]
      };
    } else {
      var series = [{ name: spec.now_name, type: "bar", data: spec.values, barMaxWidth: 28 }];
      if (spec.last) { series.push({ name: spec.last_name, type: "bar", data: spec.last, barMaxWidth: 28 }); }
      option = {
        color: ["#c8102e", "#b8bfc8"], toolbox: toolbox,
        tooltip: { trigger: "axis", renderMode: "richText" },
        legend: { top: 0, left: 0, textStyle: { fontSize: 11 } },
        grid: { left: 36, right: 8, top: 30, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: spec.labels, axisLabel: { interval: 0, rotate: spec.labels.length > 4 ? 30 : 0,
          fontSize: 11 } },
        yAxis: { type: "value", minInterval: 1 },
        series: series
      };
    }
    chart.setOption(option);
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
});
