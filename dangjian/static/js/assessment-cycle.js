// Assessment cycle pages: the grade distribution chart (from the JSON island "grade-data"), saved as an
// image through the chart's toolbox (its label from the chart's data-save-label); "select all / none" of the organizations when opening a cycle.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("grade-chart");
  var island = document.getElementById("grade-data");
  if (!box || !island || typeof echarts === "undefined") { return; }
  var data = JSON.parse(island.textContent);
  box.style.height = "300px";  // ECharts needs a height (set from script: no inline styles under the CSP)
  var chart = echarts.init(box);
  var esc = echarts.format.encodeHTML;
  chart.setOption({
    color: ["#c8102e"],
    title: { text: data.title, left: "center", textStyle: { fontSize: 14, fontWeight: "normal" } },
    toolbox: { right: 0, feature: { saveAsImage: { name: data.file, pixelRatio: 2, title: box.dataset.saveLabel || "" } } },
    tooltip: {
      trigger: "axis", axisPointer: { type: "shadow" },
      formatter: function (items) {
        var i = items[0].dataIndex;
        return esc(data.labels[i]) + "<br>" + data.counts[i] + " (" + data.percents[i] + "%)";
      }
    },
    grid: { left: 40, right: 16, bottom: 30, top: 48 },
    xAxis: { type: "category", data: data.labels },
    yAxis: { type: "value", minInterval: 1 },
    series: [{
      type: "bar", data: data.counts, barMaxWidth: 56,
      label: { show: true, position: "top", formatter: function (p) { return p.value + " (" + data.percents[p.dataIndex] + "%)"; } }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});

// Select all / none of a checkbox list (the list may be replaced by htmx, so the clicks are delegated).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-check-all], [data-check-none]");
  if (!button) { return; }
  var list = document.getElementById(button.dataset.checkAll || button.dataset.checkNone);
  if (!list) { return; }
  var on = button.hasAttribute("data-check-all");
  list.querySelectorAll("input[type=checkbox]").forEach(function (box) { box.checked = on; });
});
