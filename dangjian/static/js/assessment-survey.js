// Surveys (assessment app): the answer page's progress bar, the question form's fields by kind,
// and the results page's charts drawn from the JSON island "survey-charts". No inline script or style.
(function () {
  "use strict";

  function answered(fieldset) {
    var text = fieldset.querySelector("textarea");
    if (text) { return text.value.trim() !== ""; }
    return fieldset.querySelector("input:checked") !== null;
  }

  function progress(form) {
    var bar = document.querySelector("[data-progress]");
    var label = document.querySelector("[data-progress-text]");
    if (!bar) { return; }
    var questions = form.querySelectorAll("[data-question]");
    var done = 0;
    questions.forEach(function (q) { if (answered(q)) { done += 1; } });
    bar.value = done;
    if (label && label.dataset.template) {
      label.textContent = label.dataset.template.replace("__done__", done).replace("__total__", questions.length);
    }
  }

  function questionKinds(form) {
    var chosen = form.querySelector("input[name=kind]:checked");
    var kind = chosen ? chosen.value : "";
    form.querySelectorAll("[data-for-kinds]").forEach(function (box) {
      box.hidden = box.dataset.forKinds.split(" ").indexOf(kind) < 0;
    });
  }

  function charts() {
    var island = document.getElementById("survey-charts");
    var words = document.getElementById("survey-chart-words");
    if (!island || typeof echarts === "undefined") { return; }
    var data = JSON.parse(island.textContent);
    words = words ? words.dataset : {};  // translated words from the page: data-save, data-people, data-points
    var drawn = [];
    data.forEach(function (c) {
      var box = document.querySelector('[data-chart="' + c.id + '"]');
      if (!box) { return; }
      box.style.height = "260px";  // ECharts needs a height (set from script: no inline styles under the CSP)
      var chart = echarts.init(box);
      var toolbox = { feature: { saveAsImage: { title: words.save || "", name: c.title } } };
      if (c.kind === "single") {
        chart.setOption({
          color: ["#c8102e", "#1f4e8c", "#17693a", "#8a5a00", "#6b4c9a", "#0f7c8c", "#7a7a7a"],
          toolbox: toolbox,
          tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
          series: [{ type: "pie", radius: ["35%", "65%"], label: { formatter: "{b}\n{c} ({d}%)" },
                     data: c.labels.map(function (label, i) { return { name: label, value: c.counts[i] }; }) }]
        });
      } else {
        chart.setOption({
          color: ["#c8102e"],
          toolbox: toolbox,
          tooltip: { trigger: "axis" },
          grid: { left: 40, right: 10, bottom: 40, top: 30, containLabel: true },
          xAxis: { type: "category", data: c.labels, axisLabel: { interval: 0, rotate: c.labels.length > 5 ? 30 : 0 },
                   name: c.kind === "rating" ? (words.points || "") : "" },
          yAxis: { type: "value", minInterval: 1, name: words.people || "" },
          series: [{ type: "bar", data: c.counts, label: { show: true, position: "top" } }]
        });
      }
      drawn.push(chart);
    });
    window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-survey-form]");
    if (form) {
      progress(form);
      form.addEventListener("change", function () { progress(form); });
      form.addEventListener("input", function () { progress(form); });
    }
    var questionForm = document.querySelector("[data-question-form]");
    if (questionForm) {
      questionKinds(questionForm);
      questionForm.addEventListener("change", function () { questionKinds(questionForm); });
    }
    charts();
  });
})();
