/* The page: the filters (segment, month range; also read from the URL hash
   #segment=smb&from=2024-01&to=2024-06), and render(). */
function monthIndex(text) {
  var found = -1;
  DATA.months.forEach(function (m, i) { if (m.slice(0, 7) === text) { found = i; } });
  return found;
}
function readHash() {
  var params = {};
  window.location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
    var kv = pair.split("=");
    if (kv.length === 2) { params[kv[0]] = decodeURIComponent(kv[1]); }
  });
  if (DATA.segments.indexOf(params.segment) >= 0) { state.segment = params.segment; }
  if (params.customer) { state.customer = params.customer; }
  var from = monthIndex(params.from || ""), to = monthIndex(params.to || "");
  if (from >= 0) { state.from = from; }
  if (to >= 0) { state.to = to; }
  if (state.from > state.to) { state.from = state.to; }
  state.month = state.to - state.from;
}
function writeHash() {
  window.location.hash = "segment=" + state.segment + "&from=" + DATA.months[state.from].slice(0, 7) +
    "&to=" + DATA.months[state.to].slice(0, 7) + (state.customer ? "&customer=" + encodeURIComponent(state.customer) : "");
}

function render() {
  var main = document.getElementById("report");
  main.textContent = "";
  document.body.setAttribute("data-segment", state.segment);
  document.body.setAttribute("data-range", (months()[0] || "") + "/" + (months()[months().length - 1] || ""));
  main.appendChild(el("h2", {}, "Latest month " + (months()[months().length - 1] || "").slice(0, 7) + " - " + SEGMENT_LABELS[state.segment]));
  main.appendChild(kpiTiles(state.segment));
  main.appendChild(restatedFigures());
  main.appendChild(el("h2", {}, "Trends"));
  var charts = el("section", { "class": "charts" });
  charts.appendChild(waterfall(state.segment, state.month));
  LINE_CHARTS.slice(0, 4).forEach(function (c) { charts.appendChild(lineChart(c, state.segment)); });
  charts.appendChild(stackedChart(STACKED_CHARTS[1], state.segment));
  charts.appendChild(lineChart(LINE_CHARTS[4], state.segment));
  charts.appendChild(stackedChart(STACKED_CHARTS[0], state.segment));
  LINE_CHARTS.slice(5).forEach(function (c) { charts.appendChild(lineChart(c, state.segment)); });
  STACKED_CHARTS.slice(2).forEach(function (c) { charts.appendChild(stackedChart(c, state.segment)); });
  main.appendChild(charts);
  main.appendChild(churnReasons(state.segment));
  main.appendChild(cohortHeatmap(state.segment));
  main.appendChild(healthTrust(state.segment));
  main.appendChild(redAccounts(state.segment));
  main.appendChild(customerDrilldown());
  document.querySelectorAll("figure.chart").forEach(function (fig) {
    var r = fig.getBoundingClientRect();
    fig.setAttribute("data-box", [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height].map(Math.round).join(","));
    var plot = fig.querySelector("svg");
    if (plot) {
      var p = plot.getBoundingClientRect();
      fig.setAttribute("data-plot-box", [p.left + window.scrollX, p.top + window.scrollY, p.width, p.height].map(Math.round).join(","));
    }
  });
  document.body.setAttribute("data-height", String(document.documentElement.scrollHeight));
}

function fillSelect(select, entries, selected, onChange) {
  entries.forEach(function (entry) {
    var option = el("option", { value: entry[0] }, entry[1]);
    if (entry[0] === selected) { option.selected = true; }
    select.appendChild(option);
  });
  select.addEventListener("change", function () { onChange(select.value); writeHash(); render(); });
}

if (DATA.months.length) { readHash(); }
fillSelect(document.getElementById("segment-filter"),
  DATA.segments.map(function (s) { return [s, SEGMENT_LABELS[s] || s]; }), state.segment,
  function (value) { state.segment = value; });
var monthEntries = DATA.months.map(function (m, i) { return [String(i), m.slice(0, 7)]; });
var rangeFrom = document.getElementById("range-from"), rangeTo = document.getElementById("range-to");
fillSelect(rangeFrom, monthEntries, String(state.from), function (value) {
  state.from = Math.min(Number(value), state.to);
  rangeFrom.value = String(state.from);
  state.month = state.to - state.from;
});
fillSelect(rangeTo, monthEntries, String(state.to), function (value) {
  state.to = Math.max(Number(value), state.from);
  rangeTo.value = String(state.to);
  state.month = state.to - state.from;
});
var build = DATA.build || {};
document.getElementById("build-meta").textContent =
  "As of " + (build.as_of_date || "n/a") + " - build " + (build.run_id || "n/a") + " published " + (build.published_at || "n/a") + " UTC";
render();
document.body.setAttribute("data-rendered", "true");
