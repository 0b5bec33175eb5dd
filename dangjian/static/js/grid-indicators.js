// Request indicators page: draws the chart from the JSON island "indicators-data" (rates in percent).
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("indicators-chart");
  var island = document.getElementById("indicators-data");
  if (!box || !island || typeof echarts === "undefined") { return; }
  var data = JSON.parse(island.textContent);
  box.style.height = "320px";  // ECharts needs a height (set from script: no inline styles under the CSP)
  var chart = echarts.init(box);
  chart.setOption({
    color: ["#c8102e", "#1f4e8c", "#17693a", "#8a5a00"],
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } },
    legend: { top: 0 },
    grid: { left: 40, right: 10, bottom: 60, top: 40 },
    xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 5 ? 30 : 0 } },
    yAxis: { type: "value", min: 0, max: 100, name: "%" },
    series: data.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; })
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
