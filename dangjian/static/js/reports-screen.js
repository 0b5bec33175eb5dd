// The large screen (大屏) of the reports app. Draws the big numbers and the chart panels from the
// JSON islands "screen-data" (the statistics overview: {organization, date, <section>: {...}}) and
// "screen-panels" (each panel names the figure it shows by its dotted path), then fetches the same
// overview from the statistics API every five minutes; a failed fetch keeps the figures shown.
document.addEventListener("DOMContentLoaded", function () {
  var body = document.body;
  var texts = JSON.parse(document.getElementById("screen-texts").textContent);
  var specs = JSON.parse(document.getElementById("screen-panels").textContent);
  var data = JSON.parse(document.getElementById("screen-data").textContent);
  var REFRESH = 5 * 60 * 1000;
  var palette = ["#ff6b6b", "#4dabf7", "#ffd36b", "#51cf66", "#b197fc", "#3bc9db", "#ff922b", "#f783ac",
                 "#94d82d", "#adb5bd"];
  var charts = {};

  function dig(answer, path) {
    var node = answer;
    var parts = path.split(".");
    for (var i = 0; i < parts.length; i++) {
      if (node === null || typeof node !== "object" || !(parts[i] in node)) { return null; }
      node = node[parts[i]];
    }
    return node;
  }

  function shown(value, unit) {
    if (value === null || value === undefined) { return "—"; }
    var format = texts.formats[unit] || "{v}";
    return format.replace("{v}", value);
  }

  function toolbox() {
    return { right: 0, top: 0, iconStyle: { borderColor: "#9fb3d9" },
      feature: { saveAsImage: { title: body.dataset.saveTitle || texts.save, backgroundColor: "#0a1428",
        pixelRatio: 2 } } };
  }

  function option(spec, answer) {
    var base = { backgroundColor: "transparent", color: palette, toolbox: toolbox(),
      textStyle: { fontFamily: "Noto Sans CJK SC, Microsoft YaHei, sans-serif" } };
    if (spec.kind === "rates") {
      var rates = spec.rates.map(function (r) {
        var v = dig(answer, r.path);
        return { name: r.label, value: v === null ? null : parseFloat(v) };
      });
      return Object.assign(base, {
        tooltip: { trigger: "axis", renderMode: "richText" },
        grid: { left: 8, right: 48, top: 24, bottom: 8, containLabel: true },
        xAxis: { type: "value", min: 0, max: 100, axisLabel: { color: "#9fb3d9", formatter: "{value}%" },
          splitLine: { lineStyle: { color: "rgba(159,179,217,.15)" } } },
        yAxis: { type: "category", data: rates.map(function (r) { return r.name; }),
          axisLabel: { color: "#cfe0ff", width: 180, overflow: "truncate" } },
        series: [{ type: "bar", barMaxWidth: 22, data: rates.map(function (r) { return r.value; }),
          label: { show: true, position: "right", color: "#fff", formatter: function (p) {
            return p.value === null || p.value === undefined ? "—" : p.value + "%"; } },
          itemStyle: { color: new echarts.graphic.LinearGradient(0, 0, 1, 0,
            [{ offset: 0, color: "#c8102e" }, { offset: 1, color: "#ffd36b" }]) } }]
      });
    }
    var value = dig(answer, spec.path) || {};
    var codes = Object.keys(value);
    var labels = codes.map(function (code) { return spec.labels[code] || code; });
    var values = codes.map(function (code) { return parseFloat(value[code]) || 0; });
    if (spec.kind === "pie") {
      return Object.assign(base, {
        tooltip: { trigger: "item", renderMode: "richText" },
        legend: { type: "scroll", orient: "vertical", right: 0, top: "middle", textStyle: { color: "#cfe0ff" },
          pageTextStyle: { color: "#cfe0ff" } },
        series: [{ type: "pie", radius: ["38%", "68%"], center: ["38%", "52%"],
          label: { color: "#fff", formatter: "{c}" },
          data: codes.map(function (code, i) { return { name: labels[i], value: values[i] }; })
            .filter(function (item) { return item.value; }) }]
      });
    }
    var longest = labels.reduce(function (n, label) { return Math.max(n, String(label).length); }, 0);
    if (spec.kind !== "column" && longest > 6) {  // long names read better across: a horizontal bar chart
      return Object.assign(base, {
        tooltip: { trigger: "axis", renderMode: "richText" },
        grid: { left: 8, right: 40, top: 28, bottom: 4, containLabel: true },
        yAxis: { type: "category", data: labels, inverse: true,
          axisLabel: { color: "#cfe0ff", width: 170, overflow: "truncate" } },
        xAxis: { type: "value", minInterval: 1, axisLabel: { color: "#9fb3d9" },
          splitLine: { lineStyle: { color: "rgba(159,179,217,.15)" } } },
        series: [{ type: "bar", data: values, barMaxWidth: 22, label: { show: true, position: "right", color: "#fff" },
          itemStyle: { color: new echarts.graphic.LinearGradient(0, 0, 1, 0,
            [{ offset: 0, color: "#1f4e8c" }, { offset: 1, color: "#4dabf7" }]) } }]
      });
    }
    return Object.assign(base, {
      tooltip: { trigger: "axis", renderMode: "richText" },
      grid: { left: 8, right: 8, top: 28, bottom: 4, containLabel: true },
      xAxis: { type: "category", data: labels, axisLabel: { color: "#cfe0ff", interval: 0,
        rotate: labels.length > 4 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1, axisLabel: { color: "#9fb3d9" },
        splitLine: { lineStyle: { color: "rgba(159,179,217,.15)" } } },
      series: [{ type: "bar", data: values, barMaxWidth: 36, label: { show: true, position: "top", color: "#fff" },
        itemStyle: { color: new echarts.graphic.LinearGradient(0, 0, 0, 1,
          [{ offset: 0, color: "#4dabf7" }, { offset: 1, color: "#1f4e8c" }]) } }]
    });
  }

  function draw(answer) {
    document.querySelectorAll(".screen-number-value").forEach(function (el) {
      el.textContent = shown(dig(answer, el.dataset.path), el.dataset.unit);
    });
    if (answer.date) {
      var parts = answer.date.split("-");
      document.getElementById("screen-date").textContent =
        parts[0] + "年" + parseInt(parts[1], 10) + "月" + parseInt(parts[2], 10) + "日";
    }
    if (typeof echarts === "undefined") { return; }
    specs.forEach(function (spec) {
      var box = document.getElementById(spec.id);
      if (!box) { return; }
      if (!charts[spec.id]) { charts[spec.id] = echarts.init(box); }
      charts[spec.id].setOption(option(spec, answer), true);
    });
  }

  function refresh() {
    var status = document.getElementById("screen-status");
    fetch(body.dataset.api + "?org=" + encodeURIComponent(body.dataset.org),
      { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(function (answer) { data = answer; draw(data); status.textContent = ""; })
      .catch(function () { status.textContent = ""; });  // keep the figures already shown
  }

  draw(data);
  setInterval(refresh, REFRESH);
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
  });
});
