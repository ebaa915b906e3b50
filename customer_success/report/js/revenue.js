/* Churn by reason over the month range, and the cohort retention heat map. */
function inRange(month) { var shown = months(); return shown.length > 0 && month >= shown[0] && month <= shown[shown.length - 1]; }

function churnReasons(segment) {
  var box = el("section", { id: "churn-reasons" });
  var totals = {};
  (DATA.churn_reasons || []).forEach(function (r) {
    if (r.segment !== segment || !inRange(r.month)) { return; }
    var t = totals[r.churn_reason] || (totals[r.churn_reason] = { customers: 0, mrr: 0, involuntary: 0 });
    t.customers += r.customers_churned; t.mrr += r.churned_mrr; t.involuntary += r.customers_churned_involuntary;
  });
  var reasons = Object.keys(totals).sort(function (a, b) { return totals[b].customers - totals[a].customers || (a < b ? -1 : 1); });
  var all = reasons.reduce(function (sum, r) { return sum + totals[r].customers; }, 0);
  var shown = months();
  box.appendChild(el("h2", {}, "Churn by reason, " + (shown[0] || "").slice(0, 7) + " to " + (shown[shown.length - 1] || "").slice(0, 7)));
  var table = el("table", { "data-rows": String(reasons.length) });
  var head = el("tr");
  [["Reason", ""], ["Churned customers", "num"], ["Share", "num"], ["Of them involuntary", "num"], ["Churned MRR", "num"], ["", "bar"]].forEach(function (h) { head.appendChild(el("th", { "class": h[1] }, h[0])); });
  table.appendChild(head);
  reasons.forEach(function (reason) {
    var t = totals[reason];
    var tr = el("tr", { "class": "churn-reason", "data-reason": reason, "data-customers": String(t.customers), "data-mrr": String(t.mrr), "data-involuntary": String(t.involuntary) });
    tr.appendChild(el("td", {}, reason.replace(/_/g, " ")));
    tr.appendChild(el("td", { "class": "num" }, fmt("count", t.customers)));
    tr.appendChild(el("td", { "class": "num" }, fmt("pct", t.customers / all)));
    tr.appendChild(el("td", { "class": "num" }, fmt("count", t.involuntary)));
    tr.appendChild(el("td", { "class": "num" }, fmt("usd2", t.mrr)));
    var bar = el("td", { "class": "bar" });
    var fill = el("i");
    fill.style.width = Math.round(100 * t.customers / all) + "%";
    bar.appendChild(fill);
    tr.appendChild(bar);
    table.appendChild(tr);
  });
  if (!reasons.length) {
    var none = el("tr"); none.appendChild(el("td", { colspan: "6", "class": "empty" }, "No churned customer in these months."));
    table.appendChild(none);
  }
  box.appendChild(table);
  return box;
}

/* One row per signup cohort of the range, one column per month since start; the cell's shade is
   its retention. */
var COHORT_MEASURES = [["logo_retention", "Logo retention"], ["net_mrr_retention", "Net MRR retention"], ["gross_mrr_retention", "Gross MRR retention"]];
function cohortHeatmap(segment) {
  var box = el("section", { id: "cohorts" });
  var caption = el("h2", {}, "Cohort retention by signup month ");
  var picker = el("select", { id: "cohort-measure", "aria-label": "Cohort measure" });
  COHORT_MEASURES.forEach(function (m) {
    var option = el("option", { value: m[0] }, m[1]);
    if (m[0] === state.cohortMeasure) { option.selected = true; }
    picker.appendChild(option);
  });
  picker.addEventListener("change", function () { state.cohortMeasure = picker.value; render(); });
  caption.appendChild(picker);
  box.appendChild(caption);
  var cohorts = {}, width = 0;
  (DATA.cohorts || []).forEach(function (r) {
    if (r.segment !== segment || !inRange(r.cohort_month)) { return; }
    (cohorts[r.cohort_month] || (cohorts[r.cohort_month] = [])).push(r);
    width = Math.max(width, r.months_since_start + 1);
  });
  var table = el("table", { "class": "heatmap", "data-measure": state.cohortMeasure });
  var head = el("tr");
  head.appendChild(el("th", {}, "Cohort"));
  head.appendChild(el("th", { "class": "num" }, "Customers"));
  for (var k = 0; k < width; k++) { head.appendChild(el("th", { "class": "num" }, "+" + k)); }
  table.appendChild(head);
  Object.keys(cohorts).sort().forEach(function (cohort) {
    var tr = el("tr");
    tr.appendChild(el("td", {}, cohort.slice(0, 7)));
    tr.appendChild(el("td", { "class": "num" }, fmt("count", cohorts[cohort][0].customers_cohort)));
    var byK = {};
    cohorts[cohort].forEach(function (r) { byK[r.months_since_start] = r; });
    for (var k = 0; k < width; k++) {
      var r = byK[k];
      var v = r ? r[state.cohortMeasure] : null;
      var td = el("td", { "class": "num cell" }, r ? fmt("pct", v) : "");
      if (r) {
        td.setAttribute("data-cohort", cohort);
        td.setAttribute("data-k", String(k));
        td.setAttribute("data-value", String(v));
        if (v !== null && isFinite(v)) { td.style.background = "rgba(37, 99, 235, " + Math.max(0.05, Math.min(v, 1.2) / 1.2).toFixed(2) + ")"; }
        if (v !== null && v > 0.6) { td.style.color = "#ffffff"; }
      }
      tr.appendChild(td);
    }
    table.appendChild(tr);
  });
  box.appendChild(table);
  return box;
}
