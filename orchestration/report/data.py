"""What the report shows, read from the published serving file (read-only).

Every figure is a column of a public mart, unchanged (dates as ISO strings, decimals as floats);
the page only formats them. `collect_report_data` returns one JSON-ready dict.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from orchestration.publish import PublishRecord
from orchestration.raw_contract import segments

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
        "ending_mrr",
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
    ),
}

BUILD_FIELDS = ("run_id", "as_of_date", "published_at")  # of the publish record
RED_ACCOUNT_COLUMNS = ("customer_id", "segment", "mrr", "health_score", "main_risk_factor")


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
        }
    finally:
        connection.close()
