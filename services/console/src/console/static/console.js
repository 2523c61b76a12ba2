// Charts on the dashboard and the supervision page's grid of units (Apache ECharts, served by the
// console itself), the import progress bar and the print button of the printable assessment.
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

// The supervision page: one tile per unit (a county's towns, a town's communities), placed by unit
// code so a unit keeps its place from month to month, coloured by its index; a unit with nothing
// measured is grey, never a colour of 0. SVG, so the tiles stay sharp and their labels are text.
function drawUnitGrid() {
  var el = document.getElementById("unit-grid");
  var data = JSON.parse(document.getElementById("grid-data").textContent || "{}");
  var tiles = (data.tiles || []).slice().sort(function (a, b) { return a.code < b.code ? -1 : 1; });
  if (!tiles.length) { el.textContent = "暂无数据 / No data"; return; }
  var cols = Math.ceil(Math.sqrt(tiles.length * 1.6)), rows = Math.ceil(tiles.length / cols);
  var measured = [], grey = [];
  tiles.forEach(function (tile, i) {
    var item = { value: [i % cols, Math.floor(i / cols), tile.index === null ? 0 : Number(tile.index)], tile: tile };
    (tile.index === null ? grey : measured).push(item);
  });
  function label(p) {
    var tile = p.data.tile;
    return tile.name + "\n" + (tile.index === null ? data.not_measured : tile.index + (tile.rank ? "（第" + tile.rank + "名）" : ""));
  }
  var axis = function (n) { return { type: "category", data: Array.apply(null, Array(n)).map(function (_, i) { return i; }), show: false }; };
  var series = function (name, items, extra) {
    return Object.assign({ name: name, type: "heatmap", data: items, label: { show: true, formatter: label, color: "#111", fontSize: 14, lineHeight: 20 },
      itemStyle: { borderColor: "#fff", borderWidth: 3 }, emphasis: { disabled: true } }, extra || {});
  };
  echarts.init(el, null, { renderer: "svg" }).setOption({
    animation: false,
    tooltip: { renderMode: "richText", formatter: function (p) { return label(p).replace("\n", "："); } },
    grid: { left: 4, right: 4, top: 4, bottom: 56 },
    xAxis: axis(cols), yAxis: Object.assign(axis(rows), { inverse: true }),
    visualMap: { type: "piecewise", seriesIndex: 0, dimension: 2, orient: "horizontal", left: 4, bottom: 8,
      pieces: [{ gte: 90, color: "#1a7f37", label: "90–100" }, { gte: 80, lt: 90, color: "#7cc47f", label: "80–90" },
               { gte: 60, lt: 80, color: "#f2c14e", label: "60–80" }, { lt: 60, color: "#d9534f", label: "< 60" }] },
    legend: { data: [data.not_measured], right: 4, bottom: 8, selectedMode: false },
    series: [series("同心指数", measured), series(data.not_measured, grey, { itemStyle: { color: "#c8ced6", borderColor: "#fff", borderWidth: 3 } })]
  });
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
  if (document.getElementById("grid-data") && window.echarts) drawUnitGrid();
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  if (document.getElementById("job-progress")) watchImport();
  document.querySelectorAll("a[data-back]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (history.length > 1) { event.preventDefault(); history.back(); }
    });
  });
});
