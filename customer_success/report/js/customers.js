/* The customer drill-down: search a customer (id or name) among the embedded ones, see its
   attributes, and per month its MRR and movement, health and tickets. */
function drilldownTable(customerId) {
  var dd = DATA.drilldown || { customers: [], movements: [], health: [] };
  var byMonth = {};
  dd.movements.forEach(function (r) { if (r.customer_id === customerId) { (byMonth[r.month] = byMonth[r.month] || {}).movement = r; } });
  dd.health.forEach(function (r) { if (r.customer_id === customerId) { (byMonth[r.month] = byMonth[r.month] || {}).health = r; } });
  var table = el("table", { id: "customer-history" });
  var head = el("tr");
  [["Month", ""], ["MRR", "num"], ["Movement", ""], ["Health", "num"], ["Band", ""], ["Main risk factor", ""], ["Open severe tickets", "num"], ["Reopened tickets", "num"]].forEach(function (h) { head.appendChild(el("th", { "class": h[1] }, h[0])); });
  table.appendChild(head);
  Object.keys(byMonth).sort().forEach(function (month) {
    var m = byMonth[month].movement || {}, h = byMonth[month].health || {};
    var tr = el("tr", { "class": "customer-month", "data-month": month, "data-mrr": String(m.ending_mrr), "data-movement": m.movement || "", "data-health-score": String(h.health_score) });
    [[month.slice(0, 7), ""], [fmt("usd2", m.ending_mrr), "num"], [m.movement || "", ""], [fmt("points", h.health_score), "num"], [h.health_band || "", ""],
      [(h.main_risk_factor || "").replace(/_/g, " "), ""], [fmt("count", h.open_high_severity_tickets), "num"], [fmt("count", h.recent_reopened_tickets), "num"]].forEach(function (c) {
      tr.appendChild(el("td", { "class": c[1] }, c[0]));
    });
    table.appendChild(tr);
  });
  return table;
}

function customerDrilldown() {
  var dd = DATA.drilldown || { customers: [] };
  var box = el("section", { id: "customer-drilldown" });
  box.appendChild(el("h2", {}, "Customer drill-down (the " + dd.customers.length + " largest and red accounts; every customer is in marts.dim_customers)"));
  var input = el("input", { id: "customer-search", list: "customer-list", placeholder: "customer id or name", "aria-label": "Customer" });
  var list = el("datalist", { id: "customer-list" });
  dd.customers.forEach(function (c) { list.appendChild(el("option", { value: c.customer_id }, c.customer_name)); });
  box.appendChild(input);
  box.appendChild(list);
  var wanted = (state.customer || "").toLowerCase();
  var found = dd.customers.filter(function (c) { return c.customer_id.toLowerCase() === wanted || (c.customer_name || "").toLowerCase() === wanted; })[0];
  input.value = state.customer || "";
  input.addEventListener("change", function () { state.customer = input.value; render(); });
  if (!found) {
    box.appendChild(el("p", { "class": "empty" }, state.customer ? "No embedded customer matches \"" + state.customer + "\"." : "Type a customer id or name."));
    return box;
  }
  var facts = el("dl", { "class": "customer-facts", "data-customer-id": found.customer_id });
  [["Name", found.customer_name], ["Segment", SEGMENT_LABELS[found.segment] || found.segment], ["Country", found.country], ["Industry", found.industry],
    ["Channel", found.acquisition_channel], ["Cohort", (found.cohort_month || "").slice(0, 7)], ["Current MRR", fmt("usd2", found.current_mrr)],
    ["Plan tier", found.current_plan_tier || "n/a"], ["Health", found.health_band ? fmt("points", found.health_score) + " (" + found.health_band + ")" : "n/a"],
    ["Churn reason", found.churn_reason || "n/a"]].forEach(function (f) {
    facts.appendChild(el("dt", {}, f[0]));
    facts.appendChild(el("dd", {}, f[1] === null || f[1] === undefined ? "n/a" : String(f[1])));
  });
  box.appendChild(facts);
  box.appendChild(drilldownTable(found.customer_id));
  return box;
}
