"""The semantic layer (models/semantic/) answers with the marts' figures.

MetricFlow (`mf`, dbt-metricflow) runs against the small warehouse of conftest.py; its answers
for the whole base (grouped by metric_time__month) must equal the marts' segment = 'all' rows,
grouped by segment (segment__name) the marts' segment rows, and the customer-grain metrics grouped
by a customer attribute (customer__country ...) the movements summed per attribute of
dim_customers. Every `mf` command shown in the README and docs/serving.md runs here too.
"""

from __future__ import annotations

import csv
import re
import shlex
import subprocess

import pytest

from tests.dbt_runner import PROJECT_DIR
from tests.serving.conftest import ServingWorkspace
from tests.serving.metricflow import MF, MetricFlow, number, same

# metric -> (mart, column): the whole-base figures the semantic layer must reproduce.
WHOLE_BASE = {
    "mrr": ("mart_revenue_retention", "ending_mrr"),
    "arr": ("mart_revenue_retention", "arr"),
    "nrr": ("mart_revenue_retention", "nrr"),
    "grr": ("mart_revenue_retention", "grr"),
    "gross_revenue_churn_rate": ("mart_revenue_retention", "gross_revenue_churn_rate"),
    "net_revenue_churn_rate": ("mart_revenue_retention", "net_revenue_churn_rate"),
    "nrr_12m": ("mart_revenue_retention", "nrr_12m"),
    "arpa": ("mart_revenue_retention", "arpa"),
    "fx_impact_mrr": ("mart_revenue_retention", "fx_impact_mrr"),
    "churned_mrr_involuntary": ("mart_revenue_retention", "churned_mrr_involuntary"),
    "customers": ("mart_logo_churn", "customers_end"),
    "logo_churn_rate": ("mart_logo_churn", "logo_churn_rate"),
    "crr": ("mart_logo_churn", "customer_retention_rate"),
    "clv": ("mart_unit_economics", "clv"),
    "cac": ("mart_unit_economics", "cac"),
    "crc": ("mart_unit_economics", "crc"),
    "clv_to_cac": ("mart_unit_economics", "clv_to_cac"),
    "nps": ("mart_nps", "nps"),
    "pct_promoters": ("mart_nps", "pct_promoters"),
    "pct_detractors": ("mart_nps", "pct_detractors"),
    "csat": ("mart_customer_experience", "csat_avg"),
    "csat_pct": ("mart_customer_experience", "csat_pct"),
    "ces": ("mart_customer_experience", "ces_avg"),
    "fcr_rate": ("mart_support_kpis", "fcr_rate"),
    "aht_seconds": ("mart_support_kpis", "aht_seconds"),
    "ttr_hours": ("mart_support_kpis", "resolution_hours_avg"),
    "first_response_hours": ("mart_support_kpis", "first_response_hours_avg"),
    "backlog": ("mart_support_kpis", "backlog_end"),
    "accounts_red": ("mart_health_summary", "accounts_red"),
    "avg_health_score": ("mart_health_summary", "avg_health_score"),
    "customer_mrr": ("mart_revenue_retention", "ending_mrr"),
    "active_customers": ("mart_logo_churn", "customers_end"),
}
BY_SEGMENT = (
    "mrr",
    "fx_impact_mrr",
    "nrr",
    "grr",
    "logo_churn_rate",
    "crr",
    "nps",
    "csat",
    "fcr_rate",
    "backlog",
    "customer_mrr",
)
SEGMENT = "segment__name"
CUSTOMER_DIMENSIONS = {
    "customer__country": "country",
    "customer__industry": "industry",
    "customer__acquisition_channel": "acquisition_channel",
    "customer__current_plan_tier": "current_plan_tier",
}
GUIDES = (PROJECT_DIR / "README.md", PROJECT_DIR / "docs" / "serving.md")
MF_EXAMPLE = re.compile(r"^\.venv/bin/mf (.+)$", re.MULTILINE)


def mart_values(workspace: ServingWorkspace, mart: str, column: str) -> dict[tuple, float]:
    rows = workspace.query(f"select month, segment, {column} from marts.{mart}")
    return {(str(month), segment): value for month, segment, value in rows}


@pytest.fixture(scope="module")
def whole_base(metricflow: MetricFlow) -> list[dict]:
    return metricflow.query(list(WHOLE_BASE), ["metric_time__month"])


def test_whole_base_metrics_equal_the_marts(serving_workspace, whole_base):
    months = {
        str(month) for (month,) in serving_workspace.query("select month from marts.mart_nps")
    }
    assert {row["metric_time__month"][:10] for row in whole_base} == months
    mismatches = []
    for metric, (mart, column) in WHOLE_BASE.items():
        expected = mart_values(serving_workspace, mart, column)
        for row in whole_base:
            month = row["metric_time__month"][:10]
            if not same(number(row[metric]), expected[(month, "all")]):
                mismatches.append((metric, month, row[metric], expected[(month, "all")]))
    assert mismatches == []
    # the comparison is not vacuous: every metric has figures, not only nulls
    for metric in ("mrr", "nrr", "nps", "csat", "fcr_rate", "clv"):
        assert any(number(row[metric]) for row in whole_base), metric


def test_metrics_by_segment_equal_the_marts_segment_rows(serving_workspace, metricflow):
    rows = metricflow.query(list(BY_SEGMENT), ["metric_time__month", SEGMENT])
    segments = {row[SEGMENT] for row in rows}
    # decomposable metrics read the segment rows only: no blank 'all' row
    assert segments == {"smb", "mid_market", "enterprise"}
    checked = 0
    for metric in BY_SEGMENT:
        mart, column = WHOLE_BASE[metric]
        expected = mart_values(serving_workspace, mart, column)
        for row in rows:
            key = (row["metric_time__month"][:10], row[SEGMENT])
            assert same(number(row[metric]), expected[key]), (metric, key, row[metric])
            checked += 1
    assert checked >= len(BY_SEGMENT) * 3


def test_whole_base_metrics_by_segment_are_the_all_rows(serving_workspace, metricflow):
    rows = metricflow.query(["nrr_12m", "clv"], ["metric_time__month", SEGMENT])
    assert {row[SEGMENT] for row in rows} == {"all"}
    for metric in ("nrr_12m", "clv"):
        mart, column = WHOLE_BASE[metric]
        expected = mart_values(serving_workspace, mart, column)
        for row in rows:
            key = (row["metric_time__month"][:10], "all")
            assert same(number(row[metric]), expected[key]), (metric, key, row[metric])


def test_segment_and_customer_attributes_are_dimensions(metricflow):
    done = metricflow.run("list", "dimensions", "--metrics", "nrr")
    assert done.returncode == 0, done.stdout
    assert SEGMENT in done.stdout
    done = metricflow.run("list", "dimensions", "--metrics", "quick_ratio")
    assert done.returncode == 0, done.stdout
    for dimension in (SEGMENT, *CUSTOMER_DIMENSIONS):
        assert dimension in done.stdout, dimension


def test_quick_ratio_equals_the_mart(serving_workspace, metricflow):
    expected = mart_values(serving_workspace, "mart_revenue_retention", "quick_ratio")
    whole = metricflow.query(["quick_ratio"], ["metric_time__month"])
    by_segment = metricflow.query(["quick_ratio"], ["metric_time__month", SEGMENT])
    checked = 0
    for rows, segment_of in ((whole, lambda row: "all"), (by_segment, lambda row: row[SEGMENT])):
        for row in rows:
            key = (row["metric_time__month"][:10], segment_of(row))
            assert same(number(row["quick_ratio"]), expected[key]), (key, row["quick_ratio"])
            checked += expected[key] is not None
    assert checked > 0, "every quick ratio is null: the comparison would prove nothing"


@pytest.mark.parametrize("dimension", list(CUSTOMER_DIMENSIONS))
def test_customer_grain_metrics_by_customer_attribute(serving_workspace, metricflow, dimension):
    """customer_mrr, active_customers and quick_ratio grouped by a dim_customers attribute equal
    the movements of fct_mrr_movements summed per that attribute."""
    column = CUSTOMER_DIMENSIONS[dimension]
    metrics = ["customer_mrr", "active_customers", "quick_ratio"]
    rows = metricflow.query(metrics, ["metric_time__month", dimension])
    expected = {
        (str(month), attribute): (mrr, active, quick)
        for month, attribute, mrr, active, quick in serving_workspace.query(
            f"select movements.month, customers.{column}, sum(movements.ending_mrr),"
            " sum(case when movements.ending_mrr > 0 then 1 else 0 end),"
            " sum(new_mrr + reactivation_mrr + expansion_mrr)"
            " / nullif(sum(contraction_mrr + churned_mrr), 0)"
            " from marts.fct_mrr_movements as movements"
            " left join marts.dim_customers as customers"
            " on movements.customer_id = customers.customer_id group by all"
        )
    }
    found = {(row["metric_time__month"][:10], row[dimension] or None): row for row in rows}
    assert set(found) == set(expected)
    assert len({attribute for _, attribute in expected}) > 1, "one value only: proves little"
    for key, (mrr, active, quick) in expected.items():
        row = found[key]
        assert same(number(row["customer_mrr"]), mrr), (key, row)
        assert same(number(row["active_customers"]), active), (key, row)
        assert same(number(row["quick_ratio"]), quick), (key, row)


def _guide_examples() -> list[str]:
    return sorted({match for guide in GUIDES for match in MF_EXAMPLE.findall(guide.read_text())})


def test_the_mf_executable_answers(serving_workspace):
    """The other tests send `mf`'s commands to one process through its click group; the
    executable the guides call is that group too."""
    with serving_workspace.holding_warehouse():
        done = subprocess.run(
            [str(MF), "list", "metrics"],
            cwd=PROJECT_DIR,
            env=serving_workspace.env,
            capture_output=True,
            text=True,
            check=False,
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "nrr" in done.stdout and "quick_ratio" in done.stdout


def test_the_guides_show_mf_examples():
    examples = _guide_examples()
    assert any(example.startswith("query") for example in examples)
    assert any("customer__country" in example for example in examples)


@pytest.mark.parametrize("example", _guide_examples())
def test_guide_mf_example_runs(serving_workspace, metricflow, example):
    """Every `.venv/bin/mf ...` line of the README and docs/serving.md runs; a query is ordered
    by month, as its rows come back sorted."""
    args = shlex.split(example)
    if args[0] != "query":
        done = metricflow.run(*args)
        assert done.returncode == 0, done.stdout
        if args[0] == "validate-configs":
            assert "ERRORS: 0" in done.stdout and "Breaking issues" not in done.stdout
        return
    assert "--order" in args, f"unordered example: {example}"
    out = serving_workspace.root / f"example_{abs(hash(example))}.csv"
    done = metricflow.run(*args, "--csv", str(out))
    assert done.returncode == 0, done.stdout
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, f"no rows: {example}"
    months = [row["metric_time__month"] for row in rows]
    assert months == sorted(months), f"months out of order: {example}"
