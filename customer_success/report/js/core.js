/* Shared by every section: the data, formatting, DOM and SVG helpers, the chart frame.
   page.py joins the files of js/ (in JS_FILES order) into one strict-mode function. */
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
/* A value that rounds to zero is shown unsigned ("$0", not "-$0" or "+$0"). */
function unsignedZero(text) { return /^[-+][^1-9]*$/.test(text) ? text.slice(1) : text; }
function fmt(kind, v) {
  if (v === null || v === undefined || !isFinite(v)) { return "n/a"; }
  return unsignedZero(FORMATS[kind](v));
}

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
/* The page's state: the segment, the month range shown (indexes into DATA.months), the
   waterfall's month (an index into the range), the cohort measure and the customer searched. */
var state = { segment: "all", from: 0, to: DATA.months.length - 1, month: DATA.months.length - 1, cohortMeasure: "logo_retention", customer: "" };
function months() { return DATA.months.slice(state.from, state.to + 1); }
function series(segment, column) { return (DATA.series[segment][column] || []).slice(state.from, state.to + 1); }
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

/* range: a fixed [low, high] axis (a 1-5 score), else from 0 or the lowest value to the highest. */
function frame(values, kind, range) {
  var ticks = range ? niceTicks(range[0], range[1], 5)
    : niceTicks(Math.min.apply(null, values.concat([0])), Math.max.apply(null, values), 5);
  var lo = ticks[0], hi = ticks[ticks.length - 1];
  var n = months().length;
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
  months().forEach(function (m, i) {
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

