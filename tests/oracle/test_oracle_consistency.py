"""The oracles agree with one another on a mixed hand-made book, and the registries hold."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from tests.oracle import metrics_oracle as oracle
from tests.oracle.builders import VARS, health_row, mixed_book, one, records
from tests.oracle.churn import mart_churn_reasons
from tests.oracle.cohorts import mart_cohort_retention
from tests.oracle.customers import dim_customers
from tests.oracle.revenue import mart_logo_churn, mart_revenue_retention_constant_currency

AS_OF = date(2024, 5, 20)


def _by_month_segment(rows: list[dict]) -> dict[tuple[date, str], dict]:
    return {(row["month"], row["segment"]): row for row in rows}


def test_churn_reasons_add_up_to_the_logo_and_revenue_churn() -> None:
    book = mixed_book()
    logos = _by_month_segment(records(mart_logo_churn(book, AS_OF, VARS)))
    revenue = _by_month_segment(
        records(mart_revenue_retention_constant_currency(book, AS_OF, VARS))
    )
    totals: dict[tuple[date, str], list] = defaultdict(lambda: [0, Decimal(0), 0])
    for row in records(mart_churn_reasons(book, AS_OF, VARS)):
        total = totals[(row["month"], row["segment"])]
        total[0] += row["customers_churned"]
        total[1] += row["churned_mrr"]
        total[2] += row["customers_churned_involuntary"]
    assert (
        one(mart_churn_reasons(book, AS_OF, VARS), segment="all", month=date(2024, 5, 1))[
            "churn_reason"
        ]
        == "low_usage"
    )
    assert (
        sum(
            row["customers_churned_involuntary"]
            for row in logos.values()
            if row["segment"] == "all"
        )
        == 1
    )
    for key, row in logos.items():
        expected = [row["customers_churned"], revenue[key]["churned_mrr"]]
        expected.append(row["customers_churned_involuntary"])
        assert totals.get(key, [0, 0, 0]) == expected, key


def test_cohorts_add_up_to_the_active_base_and_dim_customers_to_the_as_of_month() -> None:
    book = mixed_book()
    logos = _by_month_segment(records(mart_logo_churn(book, AS_OF, VARS)))
    revenue = _by_month_segment(
        records(mart_revenue_retention_constant_currency(book, AS_OF, VARS))
    )
    active: dict[tuple[date, str], list] = defaultdict(lambda: [0, Decimal(0)])
    for row in records(mart_cohort_retention(book, AS_OF, VARS)):
        active[(row["month"], row["segment"])][0] += row["customers_active"]
        active[(row["month"], row["segment"])][1] += row["mrr"]
    for key, row in logos.items():
        assert active[key] == [row["customers_end"], revenue[key]["ending_mrr"]], key
    customers = dim_customers(mixed_book(health=[]), AS_OF, VARS)
    latest = revenue[(date(2024, 5, 1), "all")]
    assert customers["is_active"].sum() == latest["customers_end"]
    assert customers["current_mrr"].sum() == latest["ending_mrr"]


# the marts the mixed book has rows for (the others need tables it leaves empty)
BOOK_COVERS = (
    "fct_mrr_movements",
    "mart_revenue_retention",
    "mart_logo_churn",
    "mart_churn_reasons",
    "mart_cohort_retention",
    "dim_customers",
    "mart_customer_health",
    "mart_health_backtest",
    "mart_health_component_power",
)


def test_every_registered_oracle_returns_its_keys_and_contract_columns_once() -> None:
    """MARTS promises each mart's key and columns: the oracles must deliver them."""
    data = mixed_book(
        health=[
            health_row(month, customer_id, 50.0, "yellow")
            for month in (date(2024, 1, 1), date(2024, 2, 1))
            for customer_id in ("E1", "U2")
        ]
    )
    for mart, (compute, keys, required) in oracle.MARTS.items():
        result = compute(data, date(2024, 5, 20), VARS)
        assert not set((*keys, *required)) - set(result.columns), mart
        assert not result.duplicated(list(keys)).any(), mart
        assert len(result) or mart not in BOOK_COVERS, mart
