/* The latest-month KPI tiles, the figures the last publish restated, the red accounts table. */
/* ------------------------------------------------------------------ what is shown */
var KPIS = [
  ["ending_mrr", "MRR", "usd"], ["arr", "ARR", "usd"], ["nrr", "NRR", "pct"], ["grr", "GRR", "pct"],
  ["gross_revenue_churn_rate", "Gross revenue churn", "pct"], ["net_revenue_churn_rate", "Net revenue churn", "pct"],
  ["logo_churn_rate", "Logo churn", "pct"], ["customer_retention_rate", "CRR", "pct"],
  ["customers_end", "Customers", "count"], ["arpa", "ARPA", "usd2"], ["quick_ratio", "Quick ratio", "ratio"],
  ["nps", "NPS", "points"], ["pct_promoters", "Promoters", "pct"], ["pct_passives", "Passives", "pct"],
  ["pct_detractors", "Detractors", "pct"], ["csat_avg", "CSAT (1-5)", "score"], ["csat_pct", "CSAT%", "points_pct"],
  ["ces_avg", "CES", "score"], ["first_response_hours_avg", "First response", "hours"],
  ["resolution_hours_avg", "TTR", "hours"], ["fcr_rate", "FCR", "pct"], ["aht_seconds", "AHT", "minutes"],
  ["backlog_end", "Backlog", "count"], ["clv", "CLV", "usd"], ["cac", "CAC", "usd2"],
  ["clv_to_cac", "CLV:CAC", "ratio"], ["crc", "CRC", "usd2"], ["accounts_red", "Red accounts", "count"],
  ["avg_health_score", "Avg health score", "points"]
];
/* ------------------------------------------------------------------ tiles and table */
function kpiTiles(segment) {
  var box = el("section", { "class": "kpis", id: "kpis" });
  var last = months().length - 1;
  KPIS.forEach(function (k) {
    var v = last >= 0 ? series(segment, k[0])[last] : null;
    var tile = el("div", { "class": "kpi", "data-metric": k[0], "data-format": k[2], "data-segment": segment, "data-month": months()[last] || "", "data-value": String(v) });
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
  [["Customer", ""], ["Segment", ""], ["MRR", "num"], ["Health score", "num"], ["Change in 3 months", "num"], ["Main risk factor", ""]].forEach(function (h) { head.appendChild(el("th", { "class": h[1] }, h[0])); });
  table.appendChild(head);
  rows.slice(0, RED_ROWS_SHOWN).forEach(function (r) {
    var tr = el("tr", { "class": "red-account", "data-customer-id": r.customer_id, "data-health-score": String(r.health_score), "data-main-risk-factor": r.main_risk_factor });
    tr.appendChild(el("td", {}, r.customer_id));
    tr.appendChild(el("td", {}, SEGMENT_LABELS[r.segment] || r.segment));
    tr.appendChild(el("td", { "class": "num" }, fmt("usd2", r.mrr)));
    tr.appendChild(el("td", { "class": "num" }, fmt("points", r.health_score)));
    tr.appendChild(el("td", { "class": "num", "data-value": String(r.health_score_change_3m) }, r.health_score_change_3m > 0 ? "+" + fmt("points", r.health_score_change_3m) : fmt("points", r.health_score_change_3m)));
    tr.appendChild(el("td", {}, r.main_risk_factor.replace(/_/g, " ")));
    table.appendChild(tr);
  });
  if (!rows.length) {
    var none = el("tr"); none.appendChild(el("td", { colspan: "6", "class": "empty" }, "No red account."));
    table.appendChild(none);
  }
  box.appendChild(table);
  if (rows.length > RED_ROWS_SHOWN) { box.appendChild(el("p", { "class": "empty" }, "and " + (rows.length - RED_ROWS_SHOWN) + " more (marts.mart_customer_health)")); }
  return box;
}


/* Figures of months the previous publish already showed that this publish changed (late or
   corrected raw data): audit.published_figures keeps every publish's headline figures. */
function restatedFigures() {
  var rows = DATA.restatements || [];
  var box = el("section", { id: "restatements" });
  var first = rows[0];
  box.appendChild(el("h2", {}, "Restated since the previous publish" + (first ? " (as of " + first.previous_as_of_date + ", build " + first.previous_build_id.slice(0, 8) + ")" : "")));
  if (!rows.length) {
    box.appendChild(el("p", { "class": "empty" }, "No figure of an already published month changed."));
    return box;
  }
  var table = el("table", { "data-rows": String(rows.length) });
  var head = el("tr");
  [["Mart", ""], ["Month", ""], ["Figure", ""], ["Was", "num"], ["Now", "num"], ["Change", "num"]].forEach(function (h) { head.appendChild(el("th", { "class": h[1] }, h[0])); });
  table.appendChild(head);
  rows.forEach(function (r) {
    var tr = el("tr", { "class": "restatement", "data-mart": r.mart, "data-month": r.month, "data-figure": r.figure, "data-previous": String(r.previous_value), "data-current": String(r.current_value) });
    var number = function (v) { return v === null ? "n/a" : String(Math.round(v * 10000) / 10000); };
    [[r.mart, ""], [r.month.slice(0, 7), ""], [r.figure.replace(/_/g, " "), ""], [number(r.previous_value), "num"], [number(r.current_value), "num"],
      [r.change === null ? "n/a" : (r.change > 0 ? "+" : "") + number(r.change) + (r.relative_change === null ? "" : " (" + (r.relative_change > 0 ? "+" : "") + fmt("pct", r.relative_change) + ")"), "num"]].forEach(function (c) {
      tr.appendChild(el("td", { "class": c[1] }, c[0]));
    });
    table.appendChild(tr);
  });
  box.appendChild(table);
  return box;
}
