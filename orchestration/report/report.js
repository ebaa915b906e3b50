/* The customer success report: renders the marts' figures (JSON in #report-data) as KPI tiles,
   SVG charts and the red-accounts table, for the segment chosen in #segment-filter (or the URL
   hash #segment=<name>). No network: everything it needs is in the page.
   Every figure element carries data-metric / data-value (the mart's number, unformatted) so tests
   can compare the page with the marts; every chart records data-marks (drawn points or bars). */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("report-data").textContent);
  var SVG_NS = "http://www.w3.org/2000/svg";
  var SEGMENT_LABELS = { all: "All customers", smb: "SMB", mid_market: "Mid-market", enterprise: "Enterprise" };
  var COLORS = ["#2563eb", "#d97706", "#059669", "#7c3aed", "#dc2626", "#0891b2"];

  /* ------------------------------------------------------------------ formatting */
  function groupThousands(text) {
    var parts = text.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return parts.join(".");
  }
  function signed(v, body) { return (v < 0 ? "-" : "") + body(Math.abs(v)); }
  var FORMATS = {
    usd: function (v) { return signed(v, function (a) { return "$" + groupThousands(a.toFixed(0)); }); },
    usd2: function (v) { return signed(v, function (a) { return "$" + groupThousands(a.toFixed(2)); }); },
    pct: function (v) { return (v * 100).toFixed(1) + "%"; },
    points: function (v) { return v.toFixed(1); },
    points_pct: function (v) { return v.toFixed(1) + "%"; },
    score: function (v) { return v.toFixed(2); },
    hours: function (v) { return v.toFixed(1) + " h"; },
    minutes: function (v) { return (v / 60).toFixed(1) + " min"; },
    count: function (v) { return groupThousands(v.toFixed(0)); },
    ratio: function (v) { return v.toFixed(2) + "x"; }
  };
  function fmt(kind, v) {
    if (v === null || v === undefined || !isFinite(v)) { return "n/a"; }
    return FORMATS[kind](v);
  }

  /* ------------------------------------------------------------------ what is shown */
  var KPIS = [
    ["ending_mrr", "MRR", "usd"], ["arr", "ARR", "usd"], ["nrr", "NRR", "pct"], ["grr", "GRR", "pct"],
    ["gross_revenue_churn_rate", "Gross revenue churn", "pct"], ["net_revenue_churn_rate", "Net revenue churn", "pct"],
    ["logo_churn_rate", "Logo churn", "pct"], ["customer_retention_rate", "CRR", "pct"],
    ["customers_end", "Customers", "count"], ["arpa", "ARPA", "usd2"],
    ["nps", "NPS", "points"], ["pct_promoters", "Promoters", "pct"], ["pct_passives", "Passives", "pct"],
    ["pct_detractors", "Detractors", "pct"], ["csat_avg", "CSAT (1-5)", "score"], ["csat_pct", "CSAT%", "points_pct"],
    ["ces_avg", "CES", "score"], ["first_response_hours_avg", "First response", "hours"],
    ["resolution_hours_avg", "TTR", "hours"], ["fcr_rate", "FCR", "pct"], ["aht_seconds", "AHT", "minutes"],
    ["backlog_end", "Backlog", "count"], ["clv", "CLV", "usd"], ["cac", "CAC", "usd2"],
    ["clv_to_cac", "CLV:CAC", "ratio"], ["crc", "CRC", "usd2"], ["accounts_red", "Red accounts", "count"],
    ["avg_health_score", "Avg health score", "points"]
  ];
  var LINE_CHARTS = [
    ["retention", "NRR and GRR", "pct", [["nrr", "NRR"], ["grr", "GRR"], ["nrr_12m", "NRR 12m cohort"], ["grr_12m", "GRR 12m cohort"]]],
    ["revenue_churn", "Revenue churn", "pct", [["gross_revenue_churn_rate", "Gross revenue churn"], ["net_revenue_churn_rate", "Net revenue churn"]]],
    ["logo_churn", "Logo churn and CRR", "pct", [["logo_churn_rate", "Logo churn"], ["customer_retention_rate", "CRR"]]],
    ["nps", "NPS", "points", [["nps", "NPS"]]],
    ["csat_ces", "CSAT and CES (mean scores)", "score", [["csat_avg", "CSAT"], ["ces_avg", "CES"]]],
    ["support_time", "First response and TTR", "hours", [["first_response_hours_avg", "First response"], ["resolution_hours_avg", "TTR"]]],
    ["fcr", "First contact resolution", "pct", [["fcr_rate", "FCR"]]],
    ["aht", "Average handle time", "minutes", [["aht_seconds", "AHT"]]],
    ["backlog", "Open tickets and backlog", "count", [["open_tickets_end", "Open tickets"], ["backlog_end", "Backlog"]]],
    ["clv_cac", "CLV and CAC", "usd", [["clv", "CLV"], ["cac", "CAC"]]],
    ["clv_to_cac", "CLV:CAC and CRC", "ratio", [["clv_to_cac", "CLV:CAC"]], [["crc", "CRC", "usd2"]]]
  ];
  var STACKED_CHARTS = [
    ["nps_shares", "NPS answers: promoters, passives, detractors", "pct",
      [["pct_promoters", "Promoters", "#059669"], ["pct_passives", "Passives", "#9aa5b1"], ["pct_detractors", "Detractors", "#dc2626"]]],
    ["health_bands", "Health bands (accounts)", "count",
      [["accounts_green", "Green", "#059669"], ["accounts_yellow", "Yellow", "#d97706"], ["accounts_red", "Red", "#dc2626"]]]
  ];

  /* ------------------------------------------------------------------ helpers */
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function tip(node, text) { node.appendChild(svgEl("title", {}, text)); return node; }
  function series(segment, column) { return DATA.series[segment][column] || []; }
  function finite(values) { return values.filter(function (v) { return v !== null && isFinite(v); }); }
  function niceTicks(lo, hi, count) {
    if (lo === hi) { lo -= 1; hi += 1; }
    var step = Math.pow(10, Math.floor(Math.log10((hi - lo) / count)));
    [1, 2, 2.5, 5, 10].some(function (m) { if ((hi - lo) / (step * m) <= count) { step *= m; return true; } return false; });
    var ticks = [];
    for (var t = Math.floor(lo / step) * step; t <= hi + step * 1e-9; t += step) { ticks.push(t); }
    if (ticks[ticks.length - 1] < hi) { ticks.push(ticks[ticks.length - 1] + step); }
    return ticks;
  }

  var W = 566, H = 250, M = { left: 64, right: 14, top: 8, bottom: 26 };

  function frame(values, kind) {
    var ticks = niceTicks(Math.min.apply(null, values.concat([0])), Math.max.apply(null, values), 5);
    var lo = ticks[0], hi = ticks[ticks.length - 1];
    var n = DATA.months.length;
    var svg = svgEl("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "img" });
    var grid = svgEl("g", { "class": "grid" });
    var y = function (v) { return M.top + (H - M.top - M.bottom) * (1 - (v - lo) / (hi - lo)); };
    var band = (W - M.left - M.right) / Math.max(n, 1);
    var x = function (i) { return M.left + band * (i + 0.5); };
    ticks.forEach(function (t) {
      grid.appendChild(svgEl("line", { x1: M.left, x2: W - M.right, y1: y(t), y2: y(t) }));
      grid.appendChild(svgEl("text", { x: M.left - 6, y: y(t) + 4, "text-anchor": "end" }, fmt(kind, t)));
    });
    var every = Math.max(1, Math.ceil(n / 8));
    DATA.months.forEach(function (m, i) {
      if (i % every === 0) {
        grid.appendChild(svgEl("text", { x: x(i), y: H - 8, "text-anchor": "middle" }, m.slice(0, 7)));
      }
    });
    svg.appendChild(grid);
    var axis = svgEl("g", { "class": "axis" });
    axis.appendChild(svgEl("line", { x1: M.left, x2: W - M.right, y1: y(Math.max(lo, Math.min(0, hi))), y2: y(Math.max(lo, Math.min(0, hi))) }));
    svg.appendChild(axis);
    return { svg: svg, x: x, y: y, band: band };
  }

  function figure(id, title) {
    var fig = el("figure", { "class": "chart", "data-chart": id });
    var caption = el("figcaption");
    caption.appendChild(el("span", {}, title));
    fig.appendChild(caption);
    return fig;
  }
  function legend(fig, entries) {
    var box = el("div", { "class": "legend" });
    entries.forEach(function (e) {
      var item = el("span");
      var swatch = el("i");
      swatch.style.background = e[1];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(e[0]));
      box.appendChild(item);
    });
    fig.appendChild(box);
  }
  function emptyNote(fig, segment) {
    fig.appendChild(el("p", { "class": "note" },
      segment === "all" ? "No data yet." : "Whole base only: not available per segment (see All customers)."));
    fig.setAttribute("data-marks", "0");
  }

  /* ------------------------------------------------------------------ charts */
  function lineChart(spec, segment) {
    var id = spec[0], title = spec[1], kind = spec[2], lines = spec[3], extra = spec[4] || [];
    var fig = figure(id, title);
    var values = [];
    lines.forEach(function (l) { values = values.concat(finite(series(segment, l[0]))); });
    if (!values.length) { emptyNote(fig, segment); return fig; }
    var f = frame(values, kind);
    var marks = 0;
    lines.forEach(function (l, k) {
      var color = COLORS[k % COLORS.length];
      var values = series(segment, l[0]);
      var path = "", dots = [];
      values.forEach(function (v, i) {
        if (v === null || !isFinite(v)) { return; }
        var joined = i > 0 && values[i - 1] !== null && isFinite(values[i - 1]);
        path += (joined ? " L " : " M ") + f.x(i).toFixed(1) + " " + f.y(v).toFixed(1);
        var dot = svgEl("circle", { cx: f.x(i), cy: f.y(v), r: 2.5, fill: color, "data-metric": l[0], "data-month": DATA.months[i], "data-value": String(v) });
        dots.push(tip(dot, l[1] + " " + DATA.months[i].slice(0, 7) + ": " + fmt(kind, v)));
      });
      f.svg.appendChild(svgEl("path", { d: path.trim(), fill: "none", stroke: color, "stroke-width": 2 }));
      dots.forEach(function (d) { f.svg.appendChild(d); });
      marks += dots.length;
    });
    fig.appendChild(f.svg);
    legend(fig, lines.map(function (l, k) { return [l[1], COLORS[k % COLORS.length]]; }));
    extra.forEach(function (e) {
      var latest = series(segment, e[0])[DATA.months.length - 1];
      fig.querySelector("figcaption").appendChild(el("span", { "data-metric": e[0], "data-value": String(latest) }, e[1] + " " + fmt(e[2], latest)));
    });
    fig.setAttribute("data-marks", String(marks));
    return fig;
  }

  function stackedChart(spec, segment) {
    var id = spec[0], title = spec[1], kind = spec[2], parts = spec[3];
    var fig = figure(id, title);
    var totals = DATA.months.map(function (m, i) {
      return parts.reduce(function (sum, p) { var v = series(segment, p[0])[i]; return sum + (v && isFinite(v) ? v : 0); }, 0);
    });
    if (!finite(totals).some(function (t) { return t > 0; })) { emptyNote(fig, segment); return fig; }
    var f = frame(totals, kind);
    var marks = 0;
    DATA.months.forEach(function (m, i) {
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

  var WATERFALL_STEPS = [
    ["starting_mrr", "Starting", 0], ["new_mrr", "New", 1], ["reactivation_mrr", "Reactivation", 1],
    ["expansion_mrr", "Expansion", 1], ["contraction_mrr", "Contraction", -1], ["churned_mrr", "Churned", -1],
    ["ending_mrr", "Ending", 0]
  ];
  function waterfall(segment, monthIndex) {
    var fig = figure("mrr_waterfall", "MRR movements (waterfall)");
    var picker = el("select", { id: "waterfall-month", "aria-label": "Month of the waterfall" });
    DATA.months.forEach(function (m, i) {
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
      else { var next = running + s[2] * v; bars.push([s, Math.min(running, next), Math.max(running, next), v]); running = next; }
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
      var color = s[2] === 0 ? "#2563eb" : (s[2] > 0 ? "#059669" : "#dc2626");
      var rect = svgEl("rect", {
        x: M.left + band * i + band * 0.15, width: band * 0.7, y: y(b[2]), height: Math.max(y(b[1]) - y(b[2]), 1),
        fill: color, "data-metric": s[0], "data-month": DATA.months[monthIndex], "data-value": String(b[3])
      });
      svg.appendChild(tip(rect, s[1] + ": " + fmt("usd", b[3])));
      svg.appendChild(svgEl("text", { x: M.left + band * (i + 0.5), y: H - 8, "text-anchor": "middle" }, s[1]));
      svg.appendChild(svgEl("text", { x: M.left + band * (i + 0.5), y: y(b[2]) - 4, "text-anchor": "middle" },
        (s[2] < 0 ? "-" : s[2] > 0 ? "+" : "") + fmt("usd", b[3])));
    });
    fig.appendChild(svg);
    fig.setAttribute("data-marks", String(bars.length));
    return fig;
  }

  /* ------------------------------------------------------------------ tiles and table */
  function kpiTiles(segment) {
    var box = el("section", { "class": "kpis", id: "kpis" });
    var last = DATA.months.length - 1;
    KPIS.forEach(function (k) {
      var v = last >= 0 ? series(segment, k[0])[last] : null;
      var tile = el("div", { "class": "kpi", "data-metric": k[0], "data-format": k[2], "data-segment": segment, "data-month": DATA.months[last] || "", "data-value": String(v) });
      tile.appendChild(el("div", { "class": "kpi-label" }, k[1]));
      tile.appendChild(el("div", { "class": "kpi-value" }, fmt(k[2], v)));
      box.appendChild(tile);
    });
    return box;
  }

  var RED_ROWS_SHOWN = 25;
  function redAccounts(segment) {
    var box = el("section", { id: "red-accounts" });
    var rows = DATA.red_accounts.filter(function (r) { return segment === "all" || r.segment === segment; });
    box.appendChild(el("h2", {}, "Red accounts in " + (DATA.red_accounts_month || "").slice(0, 7) + " (" + rows.length + ") and their main risk factor"));
    var table = el("table", { "data-rows": String(rows.length) });
    var head = el("tr");
    [["Customer", ""], ["Segment", ""], ["MRR", "num"], ["Health score", "num"], ["Main risk factor", ""]].forEach(function (h) { head.appendChild(el("th", { "class": h[1] }, h[0])); });
    table.appendChild(head);
    rows.slice(0, RED_ROWS_SHOWN).forEach(function (r) {
      var tr = el("tr", { "class": "red-account", "data-customer-id": r.customer_id, "data-health-score": String(r.health_score), "data-main-risk-factor": r.main_risk_factor });
      tr.appendChild(el("td", {}, r.customer_id));
      tr.appendChild(el("td", {}, SEGMENT_LABELS[r.segment] || r.segment));
      tr.appendChild(el("td", { "class": "num" }, fmt("usd2", r.mrr)));
      tr.appendChild(el("td", { "class": "num" }, fmt("points", r.health_score)));
      tr.appendChild(el("td", {}, r.main_risk_factor.replace(/_/g, " ")));
      table.appendChild(tr);
    });
    if (!rows.length) {
      var none = el("tr"); none.appendChild(el("td", { colspan: "5", "class": "empty" }, "No red account."));
      table.appendChild(none);
    }
    box.appendChild(table);
    if (rows.length > RED_ROWS_SHOWN) { box.appendChild(el("p", { "class": "empty" }, "and " + (rows.length - RED_ROWS_SHOWN) + " more (marts.mart_customer_health)")); }
    return box;
  }

  /* ------------------------------------------------------------------ page */
  var state = { segment: "all", month: DATA.months.length - 1 };
  var hash = /segment=([a-z_]+)/.exec(window.location.hash);
  if (hash && DATA.segments.indexOf(hash[1]) >= 0) { state.segment = hash[1]; }

  function render() {
    var main = document.getElementById("report");
    main.textContent = "";
    document.body.setAttribute("data-segment", state.segment);
    main.appendChild(el("h2", {}, "Latest month " + (DATA.months[DATA.months.length - 1] || "").slice(0, 7) + " - " + SEGMENT_LABELS[state.segment]));
    main.appendChild(kpiTiles(state.segment));
    main.appendChild(el("h2", {}, "Trends"));
    var charts = el("section", { "class": "charts" });
    charts.appendChild(waterfall(state.segment, state.month));
    LINE_CHARTS.slice(0, 3).forEach(function (c) { charts.appendChild(lineChart(c, state.segment)); });
    charts.appendChild(lineChart(LINE_CHARTS[3], state.segment));
    charts.appendChild(stackedChart(STACKED_CHARTS[0], state.segment));
    LINE_CHARTS.slice(4).forEach(function (c) { charts.appendChild(lineChart(c, state.segment)); });
    charts.appendChild(stackedChart(STACKED_CHARTS[1], state.segment));
    main.appendChild(charts);
    main.appendChild(redAccounts(state.segment));
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

  var filter = document.getElementById("segment-filter");
  DATA.segments.forEach(function (s) {
    var option = el("option", { value: s }, SEGMENT_LABELS[s] || s);
    if (s === state.segment) { option.selected = true; }
    filter.appendChild(option);
  });
  filter.addEventListener("change", function () {
    state.segment = filter.value;
    window.location.hash = "segment=" + state.segment;
    render();
  });
  var build = DATA.build || {};
  document.getElementById("build-meta").textContent =
    "As of " + (build.as_of_date || "n/a") + " - build " + (build.run_id || "n/a") + " published " + (build.published_at || "n/a") + " UTC";
  render();
  document.body.setAttribute("data-rendered", "true");
}());
