"""The semantic layer (models/semantic/) answers with the marts' figures.

MetricFlow (`mf`, dbt-metricflow) runs against the small warehouse of conftest.py; its answers
for the whole base (grouped by metric_time__month) must equal the marts' segment = 'all' rows,
and grouped by segment the marts' segment rows.
"""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from pathlib import Path

import pytest

from tests.dbt_runner import PROJECT_DIR
from tests.serving.conftest import ServingWorkspace

MF = Path(sys.executable).with_name("mf")

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
}
BY_SEGMENT = ("mrr", "nrr", "grr", "logo_churn_rate", "crr", "nps", "csat", "fcr_rate", "backlog")


def run_mf(workspace: ServingWorkspace, *args: str) -> subprocess.CompletedProcess:
    manifest = PROJECT_DIR / "target" / "semantic_manifest.json"
    assert manifest.exists(), f"{manifest} is missing: run `make manifest` (dbt parse) first"
    return subprocess.run(
        [str(MF), *args],
        cwd=PROJECT_DIR,
        env=workspace.env,
        capture_output=True,
        text=True,
        check=False,
    )


def mf_query(workspace: ServingWorkspace, metrics: list[str], group_by: list[str]) -> list[dict]:
    out = workspace.root / f"mf_{'_'.join(group_by)}.csv"
    done = run_mf(
        workspace,
        "query",
        "--metrics",
        ",".join(metrics),
        "--group-by",
        ",".join(group_by),
        "--csv",
        str(out),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    with out.open(newline="") as handle:
        return list(csv.DictReader(handle))


def number(text: str | None) -> float | None:
    return None if text in (None, "", "None", "nan") else float(text)


def same(actual: float | None, expected: float | None) -> bool:
    if expected is None or actual is None:
        return actual is None and expected is None
    return math.isclose(actual, float(expected), rel_tol=1e-9, abs_tol=1e-9)


def mart_values(workspace: ServingWorkspace, mart: str, column: str) -> dict[tuple, float]:
    rows = workspace.query(f"select month, segment, {column} from marts.{mart}")
    return {(str(month), segment): value for month, segment, value in rows}


@pytest.fixture(scope="module")
def whole_base(serving_workspace: ServingWorkspace) -> list[dict]:
    return mf_query(serving_workspace, list(WHOLE_BASE), ["metric_time__month"])


def test_mf_validate_configs_passes(serving_workspace: ServingWorkspace):
    done = run_mf(serving_workspace, "validate-configs")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ERRORS: 0" in done.stdout and "Breaking issues" not in done.stdout


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


def test_metrics_by_segment_equal_the_marts_segment_rows(serving_workspace):
    rows = mf_query(serving_workspace, list(BY_SEGMENT), ["metric_time__month", "segment"])
    segments = {row["segment"] for row in rows}
    assert {"smb", "mid_market", "enterprise"} <= segments
    checked = 0
    for metric in BY_SEGMENT:
        mart, column = WHOLE_BASE[metric]
        expected = mart_values(serving_workspace, mart, column)
        for row in rows:
            if row["segment"] == "all":
                continue
            key = (row["metric_time__month"][:10], row["segment"])
            assert same(number(row[metric]), expected[key]), (metric, key, row[metric])
            checked += 1
    assert checked >= len(BY_SEGMENT) * 3
