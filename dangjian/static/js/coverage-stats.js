// Coverage statistics page: the monthly trend of the two coverage rates as a line chart, drawn from
// the JSON island "coverage-trend-data" (percentages; null where nothing was counted). The table
// under the chart holds the same numbers.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("coverage-trend");
  var island = document.getElementById("coverage-trend-data");
  if (!box || !island || typeof echarts === "undefined") { return; }
  var data = JSON.parse(island.textContent);
  box.style.height = "300px";  // ECharts needs a height (set from script: no inline styles under the CSP)
  var chart = echarts.init(box);
  chart.setOption({
    color: ["#c8102e", "#1f4e8c"],
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } },
    legend: { top: 0 },
    grid: { left: 40, right: 10, bottom: 50, top: 40 },
    xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 30 } },
    yAxis: { type: "value", min: 0, max: 100, name: "%" },
    series: data.series.map(function (s) { return { name: s.name, type: "line", data: s.data, connectNulls: false }; })
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
