// Charts on the dashboard (Apache ECharts, served by the console itself) and the import progress bar.
// The pages hold no script of their own (the Content-Security-Policy forbids inline script): this
// file starts what a page needs from its markup, and reads data only from JSON data blocks.
function drawDashboard() {
  var data = JSON.parse(document.getElementById("chart-data").textContent || "{}");
  function bar(id, rows, horizontal) {
    var el = document.getElementById(id);
    if (!el || !rows || !rows.length) { if (el) el.textContent = "暂无数据 / No data"; return; }
    var names = rows.map(function (r) { return r[0]; }), values = rows.map(function (r) { return r[1]; });
    var axis = { type: "category", data: names, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
    echarts.init(el).setOption({
      animation: false, tooltip: { renderMode: "richText" }, grid: { left: horizontal ? 150 : 50, bottom: 70 },
      xAxis: horizontal ? { type: "value" } : axis, yAxis: horizontal ? axis : { type: "value" },
      series: [{ type: "bar", data: values, itemStyle: { color: "#a61b1b" } }]
    });
  }
  function pie(id, rows) {
    var el = document.getElementById(id);
    if (!el || !rows || !rows.length) { if (el) el.textContent = "暂无数据 / No data"; return; }
    echarts.init(el).setOption({ animation: false, tooltip: { renderMode: "richText" }, series: [{ type: "pie", radius: "65%",
      data: rows.map(function (r) { return { name: r[0], value: r[1] }; }) }] });
  }
  bar("chart-categories", data.categories, true);
  bar("chart-units", data.units, false);
  bar("chart-bodies", data.bodies, false);
  bar("chart-scores", data.scores && data.scores.bins, false);
  pie("chart-states", data.states);
  pie("chart-sla", data.sla);
  var m = data.monthly, el = document.getElementById("chart-monthly");
  if (el && m && m.length) {
    echarts.init(el).setOption({ animation: false, tooltip: { trigger: "axis", renderMode: "richText" }, legend: {}, xAxis: { type: "category", data: m.map(function (r) { return r[0]; }) },
      yAxis: [{ type: "value", name: "人次" }, { type: "value", name: "元" }],
      series: [{ name: "服务人次", type: "bar", data: m.map(function (r) { return r[1]; }) },
               { name: "捐赠（元）", type: "line", yAxisIndex: 1, data: m.map(function (r) { return r[2]; }) }] });
  }
}

function watchImport() {
  var bar = document.getElementById("job-progress"), state = document.getElementById("job-state");
  if (!bar || ["succeeded", "failed"].indexOf(state.textContent) >= 0) return;
  var timer = setInterval(function () {
    fetch(bar.dataset.status, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (job) {
      bar.value = job.progress || 0;
      state.textContent = job.state;
      if (job.state === "succeeded" || job.state === "failed") { clearInterval(timer); location.reload(); }
    }).catch(function () { state.textContent = "暂时无法获取进度 / progress unavailable"; });
  }, 700);
}

document.addEventListener("DOMContentLoaded", function () {
  if (document.getElementById("chart-data") && window.echarts) drawDashboard();
  if (document.getElementById("job-progress")) watchImport();
  document.querySelectorAll("a[data-back]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (history.length > 1) { event.preventDefault(); history.back(); }
    });
  });
});
