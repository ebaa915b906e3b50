/* The trend charts: lines, stacked bars and the MRR waterfall of one month. */
var LINE_CHARTS = [
  ["retention", "NRR and GRR", "pct", [["nrr", "NRR"], ["grr", "GRR"], ["nrr_12m", "NRR 12m cohort"], ["grr_12m", "GRR 12m cohort"]]],
  ["revenue_churn", "Revenue churn", "pct", [["gross_revenue_churn_rate", "Gross revenue churn"], ["net_revenue_churn_rate", "Net revenue churn"]]],
  ["logo_churn", "Logo churn and CRR", "pct", [["logo_churn_rate", "Logo churn"], ["customer_retention_rate", "CRR"]]],
  ["quick_ratio", "Quick ratio (MRR gained / MRR lost)", "ratio", [["quick_ratio", "Quick ratio"]]],
  ["nps", "NPS", "points", [["nps", "NPS"]]],
  ["csat_ces", "CSAT and CES (mean scores)", "score", [["csat_avg", "CSAT"], ["ces_avg", "CES"]]],
  ["support_time", "First response and TTR", "hours", [["first_response_hours_avg", "First response"], ["resolution_hours_avg", "TTR"]]],
  ["fcr", "First contact resolution", "pct", [["fcr_rate", "FCR"]]],
  ["aht", "Average handle time", "minutes", [["aht_seconds", "AHT"]]],
  ["backlog", "Open tickets and backlog", "count", [["open_tickets_end", "Open tickets"], ["backlog_end", "Backlog"]]],
  ["clv_cac", "CLV and CAC", "usd", [["clv", "CLV"], ["cac", "CAC"]]],
  ["clv_to_cac", "CLV:CAC and CRC", "ratio", [["clv_to_cac", "CLV:CAC"]], [["crc", "CRC", "usd2"]]]
];
/* Charts whose axis is the answers' scale, and charts whose points are sized by their sample. */
var AXIS_RANGES = { csat_ces: [1, 5] };
var SAMPLE_COUNTS = { nps: "responses" };
var STACKED_CHARTS = [
  ["nps_shares", "NPS answers: promoters, passives, detractors", "pct",
    [["pct_promoters", "Promoters", "#059669"], ["pct_passives", "Passives", "#9aa5b1"], ["pct_detractors", "Detractors", "#dc2626"]]],
  ["churn_kind", "Churned customers: voluntary and involuntary (unpaid invoices)", "count",
    [["customers_churned_voluntary", "Voluntary", "#d97706"], ["customers_churned_involuntary", "Involuntary", "#dc2626"]]],
  ["health_worsened", "Accounts whose band worsened this month", "count",
    [["accounts_green_to_yellow", "Green to yellow", "#d97706"], ["accounts_green_to_red", "Green to red", "#b42318"], ["accounts_yellow_to_red", "Yellow to red", "#dc2626"]]],
  ["health_improved", "Accounts whose band improved this month", "count",
    [["accounts_yellow_to_green", "Yellow to green", "#059669"], ["accounts_red_to_green", "Red to green", "#047857"], ["accounts_red_to_yellow", "Red to yellow", "#d97706"]]],
  ["health_bands", "Health bands (accounts)", "count",
    [["accounts_green", "Green", "#059669"], ["accounts_yellow", "Yellow", "#d97706"], ["accounts_red", "Red", "#dc2626"]]]
];

/* ------------------------------------------------------------------ charts */
function lineChart(spec, segment) {
  var id = spec[0], title = spec[1], kind = spec[2], lines = spec[3], extra = spec[4] || [];
  var fig = figure(id, title);
  var values = [];
  lines.forEach(function (l) { values = values.concat(finite(series(segment, l[0]))); });
  if (!values.length) { emptyNote(fig, segment); return fig; }
  var f = frame(values, kind, AXIS_RANGES[id]);
  var counts = SAMPLE_COUNTS[id] ? series(segment, SAMPLE_COUNTS[id]) : null;
  var marks = 0;
  lines.forEach(function (l, k) {
    var color = COLORS[k % COLORS.length];
    var values = series(segment, l[0]);
    var path = "", dots = [];
    values.forEach(function (v, i) {
      if (v === null || !isFinite(v)) { return; }
      var joined = i > 0 && values[i - 1] !== null && isFinite(values[i - 1]);
      path += (joined ? " L " : " M ") + f.x(i).toFixed(1) + " " + f.y(v).toFixed(1);
      var attrs = { cx: f.x(i), cy: f.y(v), r: 2.5, fill: color, "data-metric": l[0], "data-month": months()[i], "data-value": String(v) };
      var text = l[1] + " " + months()[i].slice(0, 7) + ": " + fmt(kind, v);
      if (counts) {
        /* a score from few answers is drawn small: its swings are mostly noise */
        attrs.r = Math.min(2 + Math.sqrt(counts[i] || 0) / 2, 7).toFixed(1);
        attrs["data-count"] = String(counts[i]);
        text += " (" + fmt("count", counts[i]) + " " + SAMPLE_COUNTS[id] + ")";
      }
      dots.push(tip(svgEl("circle", attrs), text));
    });
    f.svg.appendChild(svgEl("path", { d: path.trim(), fill: "none", stroke: color, "stroke-width": 2 }));
    dots.forEach(function (d) { f.svg.appendChild(d); });
    marks += dots.length;
  });
  fig.appendChild(f.svg);
  legend(fig, lines.map(function (l, k) { return [l[1], COLORS[k % COLORS.length]]; }));
  extra.forEach(function (e) {
    var latest = series(segment, e[0])[months().length - 1];
    fig.querySelector("figcaption").appendChild(el("span", { "data-metric": e[0], "data-value": String(latest) }, e[1] + " " + fmt(e[2], latest)));
  });
  fig.setAttribute("data-marks", String(marks));
  return fig;
}

function stackedChart(spec, segment) {
  var id = spec[0], title = spec[1], kind = spec[2], parts = spec[3];
  var fig = figure(id, title);
  var totals = months().map(function (m, i) {
    return parts.reduce(function (sum, p) { var v = series(segment, p[0])[i]; return sum + (v && isFinite(v) ? v : 0); }, 0);
  });
  if (!finite(totals).some(function (t) { return t > 0; })) { emptyNote(fig, segment); return fig; }
  var f = frame(totals, kind);
  var marks = 0;
  months().forEach(function (m, i) {
    var base = 0;
    parts.forEach(function (p) {
      var v = series(segment, p[0])[i];
      if (!v || !isFinite(v)) { return; }
      var rect = svgEl("rect", {
        x: f.x(i) - f.band * 0.35, width: Math.max(f.band * 0.7, 1), y: f.y(base + v), height: Math.max(f.y(base) - f.y(base + v), 0.5),
        fill: p[2], "data-metric": p[0], "data-month": m, "data-value": String(v)
      });
      f.svg.appendChild(tip(rect, p[1] + " " + m.slice(0, 7) + ": " + fmt(kind, v)));
      base += v;
      marks += 1;
    });
  });
  fig.appendChild(f.svg);
  legend(fig, parts.map(function (p) { return [p[1], p[2]]; }));
  fig.setAttribute("data-marks", String(marks));
  return fig;
}

/* [column, label, sign]: 0 a level, 1 added, -1 taken away, "fx" added with its own sign (the
   MRR a rate move made, apart from every customer's movement). */
var WATERFALL_STEPS = [
  ["starting_mrr", "Starting", 0], ["new_mrr", "New", 1], ["reactivation_mrr", "Reactivation", 1],
  ["expansion_mrr", "Expansion", 1], ["contraction_mrr", "Contraction", -1], ["churned_mrr", "Churned", -1],
  ["fx_impact_mrr", "FX impact", "fx"], ["ending_mrr", "Ending", 0]
];
function stepSign(step, v) { return step[2] === "fx" ? (v < 0 ? -1 : 1) : step[2]; }
function waterfall(segment, monthIndex) {
  var fig = figure("mrr_waterfall", "MRR movements (waterfall)");
  var picker = el("select", { id: "waterfall-month", "aria-label": "Month of the waterfall" });
  months().forEach(function (m, i) {
    var option = el("option", { value: String(i) }, m.slice(0, 7));
    if (i === monthIndex) { option.selected = true; }
    picker.appendChild(option);
  });
  picker.addEventListener("change", function () { state.month = Number(picker.value); render(); });
  fig.querySelector("figcaption").appendChild(picker);
  var value = function (col) { var v = series(segment, col)[monthIndex]; return v && isFinite(v) ? v : 0; };
  var running = 0, bars = [];
  WATERFALL_STEPS.forEach(function (s) {
    var v = value(s[0]);
    if (s[2] === 0) { bars.push([s, 0, v, v]); running = v; }
    else { var next = running + (s[2] === "fx" ? v : s[2] * v); bars.push([s, Math.min(running, next), Math.max(running, next), v]); running = next; }
  });
  var top = Math.max.apply(null, bars.map(function (b) { return b[2]; }));
  if (!(top > 0)) { emptyNote(fig, "all"); return fig; }
  /* zoom in on the movements: the axis starts below the lowest bar end, not at 0 */
  var low = Math.min.apply(null, bars.map(function (b) { return b[0][2] === 0 ? b[2] : b[1]; }));
  var ticks = niceTicks(Math.max(0, low - (top - low)), top, 5), lo = ticks[0], hi = ticks[ticks.length - 1];
  var svg = svgEl("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img" });
  var y = function (v) { return M.top + (H - M.top - M.bottom) * (1 - (Math.max(v, lo) - lo) / (hi - lo)); };
  var band = (W - M.left - M.right) / bars.length;
  var grid = svgEl("g", { "class": "grid" });
  ticks.forEach(function (t) {
    grid.appendChild(svgEl("line", { x1: M.left, x2: W - M.right, y1: y(t), y2: y(t) }));
    grid.appendChild(svgEl("text", { x: M.left - 6, y: y(t) + 4, "text-anchor": "end" }, fmt("usd", t)));
  });
  svg.appendChild(grid);
  bars.forEach(function (b, i) {
    var s = b[0];
    var color = s[2] === 0 ? "#2563eb" : s[2] === "fx" ? "#7c3aed" : (s[2] > 0 ? "#059669" : "#dc2626");
    var rect = svgEl("rect", {
      x: M.left + band * i + band * 0.15, width: band * 0.7, y: y(b[2]), height: Math.max(y(b[1]) - y(b[2]), 1),
      fill: color, "data-metric": s[0], "data-month": months()[monthIndex], "data-value": String(b[3])
    });
    svg.appendChild(tip(rect, s[1] + ": " + fmt("usd", b[3])));
    svg.appendChild(svgEl("text", { x: M.left + band * (i + 0.5), y: H - 8, "text-anchor": "middle" }, s[1]));
    svg.appendChild(svgEl("text", { x: M.left + band * (i + 0.5), y: y(b[2]) - 4, "text-anchor": "middle" },
      unsignedZero((stepSign(s, b[3]) < 0 ? "-" : stepSign(s, b[3]) > 0 ? "+" : "") + fmt("usd", Math.abs(b[3])))));
  });
  fig.appendChild(svg);
  fig.setAttribute("data-marks", String(bars.length));
  return fig;
}

