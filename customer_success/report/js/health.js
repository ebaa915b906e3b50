/* Can this score be trusted? Churn within 3 months by band, lift and AUC of each back-test month,
   and each component's own power next to its configured weight. */
var BANDS = [["green", "Green", "#059669"], ["yellow", "Yellow", "#d97706"], ["red", "Red", "#dc2626"], ["all", "All accounts", "#52606d"]];
function backtestRows() { return (DATA.backtest || []).filter(function (r) { return inRange(r.month); }); }

function backtestChart(segment) {
  var fig = figure("health_backtest", "Churn within 3 months by health band (back-test)");
  var rows = backtestRows();
  if (segment !== "all" || !rows.length) {
    fig.appendChild(el("p", { "class": "note" }, segment !== "all" ? "Whole base only (see All customers)." : "No month with three months of outcome in this range."));
    fig.setAttribute("data-marks", "0");
    return fig;
  }
  var index = {};
  months().forEach(function (m, i) { index[m] = i; });
  var values = finite(rows.map(function (r) { return r.churn_rate_3m; }));
  var f = frame(values.length ? values : [0], "pct");
  var marks = 0;
  BANDS.forEach(function (b) {
    var path = "";
    rows.filter(function (r) { return r.health_band === b[0] && r.churn_rate_3m !== null; }).forEach(function (r) {
      var i = index[r.month];
      path += (path ? " L " : "M ") + f.x(i).toFixed(1) + " " + f.y(r.churn_rate_3m).toFixed(1);
      var dot = svgEl("circle", { cx: f.x(i), cy: f.y(r.churn_rate_3m), r: 3, fill: b[2], "data-metric": "churn_rate_3m", "data-band": b[0], "data-month": r.month, "data-value": String(r.churn_rate_3m) });
      f.svg.appendChild(tip(dot, b[1] + " " + r.month.slice(0, 7) + ": " + fmt("pct", r.churn_rate_3m) + " of " + fmt("count", r.accounts) + " accounts"));
      marks += 1;
    });
    if (path) { f.svg.insertBefore(svgEl("path", { d: path, fill: "none", stroke: b[2], "stroke-width": 2 }), f.svg.querySelector("circle")); }
  });
  fig.appendChild(f.svg);
  legend(fig, BANDS.map(function (b) { return [b[1], b[2]]; }));
  fig.setAttribute("data-marks", String(marks));
  return fig;
}

function healthTrust(segment) {
  var box = el("section", { id: "health-trust" });
  box.appendChild(el("h2", {}, "Can this health score be trusted?"));
  var rows = backtestRows();
  var last = rows.length ? rows[rows.length - 1].month : null;
  var latest = {};
  rows.forEach(function (r) { if (r.month === last) { latest[r.health_band] = r; } });
  var tiles = el("div", { "class": "kpis" });
  [["auc", "AUC (all accounts)", "all", "score"], ["lift", "Red lift", "red", "ratio"], ["churn_rate_3m", "Red churn within 3m", "red", "pct"], ["churn_rate_3m", "All churn within 3m", "all", "pct"]].forEach(function (t) {
    var v = latest[t[2]] ? latest[t[2]][t[0]] : null;
    var tile = el("div", { "class": "kpi backtest", "data-metric": t[0], "data-band": t[2], "data-month": last || "", "data-value": String(v) });
    tile.appendChild(el("div", { "class": "kpi-label" }, t[1] + (last ? " (" + last.slice(0, 7) + ")" : "")));
    tile.appendChild(el("div", { "class": "kpi-value" }, fmt(t[3], v)));
    tiles.appendChild(tile);
  });
  box.appendChild(tiles);
  var charts = el("section", { "class": "charts" });
  charts.appendChild(backtestChart(segment));
  charts.appendChild(componentPower());
  box.appendChild(charts);
  return box;
}

function componentPower() {
  var fig = el("div", { "class": "panel", id: "component-power" });
  fig.appendChild(el("h3", {}, "Component power: AUC on this data, configured and suggested weights"));
  var rows = DATA.component_power || [];
  var table = el("table", { "data-rows": String(rows.length) });
  var head = el("tr");
  [["Component", ""], ["AUC", "num"], ["Risk-factor churn", "num"], ["Weight", "num"], ["Suggested", "num"]].forEach(function (h) { head.appendChild(el("th", { "class": h[1] }, h[0])); });
  table.appendChild(head);
  rows.forEach(function (r) {
    var tr = el("tr", { "class": "component", "data-component": r.component, "data-auc": String(r.auc), "data-suggested-weight": String(r.suggested_weight) });
    tr.appendChild(el("td", {}, r.component.replace(/_/g, " ")));
    tr.appendChild(el("td", { "class": "num" }, fmt("score", r.auc)));
    tr.appendChild(el("td", { "class": "num" }, fmt("pct", r.risk_factor_churn_rate)));
    tr.appendChild(el("td", { "class": "num" }, fmt("pct", r.configured_weight)));
    tr.appendChild(el("td", { "class": "num" }, fmt("pct", r.suggested_weight)));
    table.appendChild(tr);
  });
  fig.appendChild(table);
  return fig;
}
