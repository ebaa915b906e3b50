"""The semantic layer's back-test metrics (models/semantic/health_summary.yml) answer with the
figures of marts.mart_health_backtest, month by month."""

from __future__ import annotations

from tests.serving.conftest import ServingWorkspace
from tests.serving.metricflow import MetricFlow, number, same

# metric -> (health_band row, column) of mart_health_backtest
BACKTEST = {
    "health_auc": ("all", "auc"),
    "health_churn_rate_3m": ("all", "churn_rate_3m"),
    "backtest_accounts": ("all", "accounts"),
    "backtest_churned_within_3m": ("all", "churned_within_3m"),
    "red_churn_rate_3m": ("red", "churn_rate_3m"),
    "red_lift": ("red", "lift"),
}


def test_backtest_metrics_equal_the_mart(
    serving_workspace: ServingWorkspace, metricflow: MetricFlow
) -> None:
    rows = metricflow.query(list(BACKTEST), ["metric_time__month"])
    columns = sorted({column for _, column in BACKTEST.values()})
    marts = {
        (str(month), band): dict(zip(columns, values, strict=True))
        for month, band, *values in serving_workspace.query(
            f"select month, health_band, {', '.join(columns)} from marts.mart_health_backtest"
        )
    }
    months = {month for month, _ in marts}
    assert months, "mart_health_backtest is empty: the comparison would prove nothing"
    assert {row["metric_time__month"][:10] for row in rows} == months
    mismatches = []
    for row in rows:
        month = row["metric_time__month"][:10]
        for metric, (band, column) in BACKTEST.items():
            expected = marts[(month, band)][column]
            if not same(number(row[metric]), expected):
                mismatches.append((metric, month, row[metric], expected))
    assert mismatches == []
    assert any(number(row["health_auc"]) is not None for row in rows)
