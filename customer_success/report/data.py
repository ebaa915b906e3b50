"""What the report shows, read from the published serving file (read-only).

Every figure is a column of a public mart, unchanged (dates as ISO strings, decimals as floats);
the page only formats them. `collect_report_data` returns one JSON-ready dict: the month x
segment series, and the tables the page filters itself (churn reasons, the cohort triangle, the
health back-test and component power, the customers of the drill-down, the figures the last
publish restated).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from customer_success.raw_contract import segments
from customer_success.report.history import restatements
from customer_success.serving import PublishRecord

SEGMENTS = ("all", *segments())

# mart -> the columns the report reads (every month x segment mart has month and segment).
MONTHLY_COLUMNS: Mapping[str, Sequence[str]] = {
    "mart_revenue_retention": (
        "starting_mrr",
        "new_mrr",
        "reactivation_mrr",
        "expansion_mrr",
        "contraction_mrr",
        "churned_mrr",
        "fx_impact_mrr",
        "ending_mrr",
        "churned_mrr_involuntary",
        "quick_ratio",
        "arr",
        "nrr",
        "grr",
        "nrr_12m",
        "grr_12m",
        "gross_revenue_churn_rate",
        "net_revenue_churn_rate",
        "arpa",
    ),
    "mart_logo_churn": (
        "customers_start",
        "customers_new",
        "customers_reactivated",
        "customers_churned",
        "customers_churned_involuntary",
        "customers_churned_voluntary",
        "customers_end",
        "logo_churn_rate",
        "customer_retention_rate",
    ),
    "mart_nps": (
        "responses",
        "promoters",
        "passives",
        "detractors",
        "pct_promoters",
        "pct_detractors",
        "nps",
    ),
    "mart_customer_experience": (
        "csat_responses",
        "csat_avg",
        "csat_pct",
        "dsat_pct",
        "ces_responses",
        "ces_avg",
    ),
    "mart_support_kpis": (
        "tickets_created",
        "first_response_hours_avg",
        "first_response_hours_median",
        "tickets_resolved",
        "resolution_hours_avg",
        "fcr_rate",
        "aht_seconds",
        "open_tickets_end",
        "backlog_end",
    ),
    "mart_unit_economics": ("clv", "cac", "clv_to_cac", "crc", "churn_rate_12m"),
    "mart_health_summary": (
        "accounts",
        "accounts_green",
        "accounts_yellow",
        "accounts_red",
        "avg_health_score",
        "accounts_green_to_yellow",
        "accounts_green_to_red",
        "accounts_yellow_to_red",
        "accounts_yellow_to_green",
        "accounts_red_to_yellow",
        "accounts_red_to_green",
    ),
}

BUILD_FIELDS = ("run_id", "as_of_date", "published_at")  # of the publish record
RED_ACCOUNT_COLUMNS = (
    "customer_id",
    "segment",
    "mrr",
    "health_score",
    "health_score_change_3m",
    "main_risk_factor",
)


def plain(value: Any) -> Any:
    """A JSON-ready value: decimals as floats, dates as ISO strings, NaN as None."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _rows(
    connection: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    cursor = connection.execute(sql, list(params))
    names = [column[0] for column in cursor.description]
    return [
        {name: plain(value) for name, value in zip(names, row, strict=True)}
        for row in cursor.fetchall()
    ]


def monthly_series(
    connection: duckdb.DuckDBPyConnection,
) -> dict[str, dict[str, dict[str, list[Any]]]]:
    """{segment: {column: [value per month]}} for every column of MONTHLY_COLUMNS, and months."""
    months = [
        row["month"]
        for row in _rows(
            connection, "select distinct month from marts.mart_revenue_retention order by month"
        )
    ]
    series: dict[str, dict[str, list[Any]]] = {segment: {} for segment in SEGMENTS}
    for mart, columns in MONTHLY_COLUMNS.items():
        selected = ", ".join(columns)
        rows = _rows(
            connection, f"select month, segment, {selected} from marts.{mart} order by month"
        )
        by_key = {(row["month"], row["segment"]): row for row in rows}
        for segment in SEGMENTS:
            for column in columns:
                series[segment][column] = [
                    by_key.get((month, segment), {}).get(column) for month in months
                ]
    for segment in SEGMENTS:
        responses, passives = series[segment]["responses"], series[segment]["passives"]
        series[segment]["pct_passives"] = [
            passive / response if response else None
            for passive, response in zip(passives, responses, strict=True)
        ]
    return {"months": months, "segments": series}  # type: ignore[dict-item]


def red_accounts(connection: duckdb.DuckDBPyConnection, month: str | None) -> list[dict[str, Any]]:
    """The red accounts of ``month``, worst first, with their main risk factor."""
    if month is None:
        return []
    selected = ", ".join(RED_ACCOUNT_COLUMNS)
    return _rows(
        connection,
        f"select {selected} from marts.mart_customer_health "
        "where month = cast(? as date) and health_band = 'red' "
        "order by health_score, customer_id",
        [month],
    )


# The drill-down embeds the history of the largest customers and of every red account, so the
# page stays a few MB at any warehouse size; every other customer is in marts.dim_customers.
DRILLDOWN_LARGEST = 200


def churn_reasons(connection: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return _rows(
        connection,
        "select month, segment, churn_reason, customers_churned, churned_mrr, "
        "customers_churned_involuntary from marts.mart_churn_reasons "
        "order by month, segment, customers_churned desc, churn_reason",
    )


def cohort_retention(connection: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return _rows(
        connection,
        "select cohort_month, months_since_start, segment, customers_cohort, customers_active, "
        "logo_retention, net_mrr_retention, gross_mrr_retention from marts.mart_cohort_retention "
        "order by cohort_month, months_since_start, segment",
    )


def health_backtest(connection: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return _rows(
        connection,
        "select month, health_band, accounts, churned_within_3m, churn_rate_3m, lift, auc "
        "from marts.mart_health_backtest order by month, health_band",
    )


def component_power(connection: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return _rows(connection, "select * from marts.mart_health_component_power order by component")


def drilldown_customers(connection: duckdb.DuckDBPyConnection, month: str | None) -> dict[str, Any]:
    """The customers one can search on the page: their attributes, then per month their MRR and
    movement, health score and band, main risk factor and open severe / reopened tickets."""
    chosen = _rows(
        connection,
        "with largest as (select customer_id from marts.dim_customers "
        "where current_mrr > 0 order by current_mrr desc, customer_id limit ?), "
        "red as (select customer_id from marts.mart_customer_health "
        "where month = cast(? as date) and health_band = 'red') "
        "select customer_id, customer_name, segment, country, industry, acquisition_channel, "
        "cohort_month, current_mrr, current_plan_tier, health_score, health_band, churn_reason "
        "from marts.dim_customers "
        "where customer_id in (select customer_id from largest union select customer_id from red) "
        "order by customer_id",
        [DRILLDOWN_LARGEST, month],
    )
    ids = [customer["customer_id"] for customer in chosen]
    movements = _rows(
        connection,
        "select customer_id, month, ending_mrr, movement from marts.fct_mrr_movements "
        "where list_contains(?, customer_id) order by customer_id, month",
        [ids],
    )
    health = _rows(
        connection,
        "select customer_id, month, health_score, health_band, main_risk_factor, "
        "open_high_severity_tickets, recent_reopened_tickets from marts.mart_customer_health "
        "where list_contains(?, customer_id) order by customer_id, month",
        [ids],
    )
    return {"customers": chosen, "movements": movements, "health": health}


def collect_report_data(serving_path: Path, record: PublishRecord | None) -> dict[str, Any]:
    """Everything the page shows, from the serving file (opened read-only, closed on return);
    ``record``, the publish that wrote it, names the build."""
    if not serving_path.exists():
        raise FileNotFoundError(
            f"no serving file at {serving_path}: publish a build first (make run)"
        )
    connection = duckdb.connect(str(serving_path), read_only=True)
    try:
        monthly = monthly_series(connection)
        latest = monthly["months"][-1] if monthly["months"] else None
        return {
            "build": {key: getattr(record, key) for key in BUILD_FIELDS} if record else {},
            "months": monthly["months"],
            "segments": list(SEGMENTS),
            "series": monthly["segments"],
            "red_accounts_month": latest,
            "red_accounts": red_accounts(connection, latest),
            "churn_reasons": churn_reasons(connection),
            "cohorts": cohort_retention(connection),
            "backtest": health_backtest(connection),
            "component_power": component_power(connection),
            "drilldown": drilldown_customers(connection, latest),
            "restatements": [
                {name: plain(value) for name, value in row.items()}
                for row in restatements(connection)
            ],
        }
    finally:
        connection.close()
