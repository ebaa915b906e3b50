"""The report's sections of issues 16 and 17 against the marts of the built warehouse: the
quick ratio and voluntary/involuntary charts, churn by reason, the cohort heat map, the health
back-test tiles and chart, component power, and the customer drill-down."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from customer_success.report.data import DRILLDOWN_LARGEST
from orchestration.outputs import write_report
from tests.serving.browser import PageLoad, load
from tests.serving.conftest import ServingWorkspace
from tests.serving.report_dom import attributes, chart_body


@pytest.fixture(scope="module")
def report(serving_workspace: ServingWorkspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = write_report(serving_workspace.serving, tmp_path_factory.mktemp("sections_report"))
    return path


@pytest.fixture(scope="module")
def page(report: Path, tmp_path_factory: pytest.TempPathFactory) -> PageLoad:
    loaded = load(report.as_uri(), tmp_path_factory.mktemp("chromium_sections"))
    assert loaded.console == [], loaded.console
    return loaded


def points(dom: str, chart: str, tag: str = "circle") -> list[dict[str, str]]:
    return [attributes(a) for a in re.findall(rf"<{tag} ([^>]*)>", chart_body(dom, chart))]


def as_float(value) -> float | None:
    return None if value is None else float(value)


def test_quick_ratio_and_churn_kind_charts_equal_the_marts(serving_workspace, page):
    expected = dict(
        serving_workspace.query(
            "select cast(month as varchar), quick_ratio from marts.mart_revenue_retention "
            "where segment = 'all' and quick_ratio is not null"
        )
    )
    shown = {p["data-month"]: float(p["data-value"]) for p in points(page.dom, "quick_ratio")}
    assert shown == {month: float(v) for month, v in expected.items()}

    bars = {
        (p["data-month"], p["data-metric"]): float(p["data-value"])
        for p in points(page.dom, "churn_kind", "rect")
    }
    rows = serving_workspace.query(
        "select cast(month as varchar), customers_churned_voluntary, "
        "customers_churned_involuntary from marts.mart_logo_churn where segment = 'all'"
    )
    wanted = {}
    for month, voluntary, involuntary in rows:
        if voluntary:
            wanted[(month, "customers_churned_voluntary")] = float(voluntary)
        if involuntary:
            wanted[(month, "customers_churned_involuntary")] = float(involuntary)
    assert bars == wanted


def test_churn_reasons_equal_the_mart_over_every_month(serving_workspace, page):
    rows = [attributes(a) for a in re.findall(r'<tr class="churn-reason" ([^>]*)>', page.dom)]
    shown = {
        r["data-reason"]: (int(r["data-customers"]), round(float(r["data-mrr"]), 2)) for r in rows
    }
    expected = {
        reason: (int(customers), round(float(mrr), 2))
        for reason, customers, mrr in serving_workspace.query(
            "select churn_reason, sum(customers_churned), sum(churned_mrr) "
            "from marts.mart_churn_reasons where segment = 'all' group by churn_reason"
        )
    }
    assert shown == expected


def test_cohort_cells_equal_the_mart(serving_workspace, page):
    cells = {
        (c["data-cohort"], int(c["data-k"])): as_float(
            None if c["data-value"] == "null" else c["data-value"]
        )
        for c in map(attributes, re.findall(r'<td class="num cell" ([^>]*)>', page.dom))
    }
    expected = {
        (str(cohort), int(k)): as_float(retention)
        for cohort, k, retention in serving_workspace.query(
            "select cohort_month, months_since_start, logo_retention "
            "from marts.mart_cohort_retention where segment = 'all'"
        )
    }
    assert cells == expected and cells


def test_backtest_tiles_and_chart_equal_the_mart(serving_workspace, page):
    latest = serving_workspace.query("select max(month) from marts.mart_health_backtest")[0][0]
    section = page.dom[page.dom.index('id="health-trust"') :]
    tiles = {
        (a["data-metric"], a["data-band"]): a
        for a in map(attributes, re.findall(r'<div class="kpi backtest" ([^>]*)>', section))
    }
    for (metric, band), tile in tiles.items():
        expected = serving_workspace.query(
            f"select {metric} from marts.mart_health_backtest where month = ? and health_band = ?",
            [latest, band],
        )[0][0]
        assert tile["data-month"] == str(latest)
        assert as_float(None if tile["data-value"] == "null" else tile["data-value"]) == as_float(
            expected
        ), (metric, band)
    shown = {
        (p["data-month"], p["data-band"]): float(p["data-value"])
        for p in points(page.dom, "health_backtest")
    }
    expected = {
        (str(month), band): float(rate)
        for month, band, rate in serving_workspace.query(
            "select month, health_band, churn_rate_3m from marts.mart_health_backtest "
            "where churn_rate_3m is not null"
        )
    }
    assert shown == expected


def test_component_power_table_equals_the_mart(serving_workspace, page):
    rows = [attributes(a) for a in re.findall(r'<tr class="component" ([^>]*)>', page.dom)]
    expected = serving_workspace.query(
        "select component, auc from marts.mart_health_component_power order by component"
    )
    assert [
        (r["data-component"], as_float(None if r["data-auc"] == "null" else r["data-auc"]))
        for r in rows
    ] == [(component, as_float(auc)) for component, auc in expected]


def test_customer_drilldown_shows_the_marts_history(serving_workspace, report, tmp_path):
    customer_id, name = serving_workspace.query(
        "select customer_id, customer_name from marts.dim_customers "
        "order by current_mrr desc, customer_id limit 1"
    )[0]
    loaded = load(report.as_uri() + "#customer=" + customer_id, tmp_path)
    assert f'data-customer-id="{customer_id}"' in loaded.dom and name in loaded.dom
    shown = [attributes(a) for a in re.findall(r'<tr class="customer-month" ([^>]*)>', loaded.dom)]
    history = serving_workspace.query(
        "select cast(month as varchar), ending_mrr, movement from marts.fct_mrr_movements "
        "where customer_id = ? order by month",
        [customer_id],
    )
    by_month = {row["data-month"]: row for row in shown}
    for month, mrr, movement in history:
        assert float(by_month[month]["data-mrr"]) == float(mrr)
        assert by_month[month]["data-movement"] == movement
    datalist = re.search(r'<datalist id="customer-list">(.*?)</datalist>', loaded.dom).group(1)
    embedded = datalist.count("<option ")
    assert (
        embedded
        <= DRILLDOWN_LARGEST
        + serving_workspace.query(
            "select count(*) from marts.mart_customer_health where health_band = 'red'"
        )[0][0]
    )
