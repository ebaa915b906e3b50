"""Customers: dim_customers, one row per customer.

Decisions where the contract is silent:

D1  The rows: every clean customer with signed_up_at on or before as_of_date (before the first
    instant of the next day, R1), active or not, whatever its subscriptions.
D2  cohort_month is the month of its ``new`` movement (= its first active month);
    last_active_month the last spine month with MRR > 0; both null when never active.
D3  is_active / current_mrr: the MRR of the month of as_of_date (s = as_of_date) > 0 / that MRR
    (0.00 when inactive).
D4  current_plan_tier (null when inactive): among the non-trial versions in force at as_of_date
    (the ones the as-of month's MRR counts), the one with the highest monthly USD value at the
    rate of as_of_date, compared exactly (recurring_amount × usd_per_unit / interval months —
    equivalently recurring_amount × usd_per_unit × 12 / interval months, which needs no
    division); ties: the latest valid_from, then the greatest subscription_id (the tie rule of
    the churn reason); the tier of that version's plan_id in plans.
D5  health_score / health_band (null when inactive): the warehouse's own mart_customer_health
    row of the month of as_of_date (an active customer always has one: that mart's grain).
D6  churn_reason: the churn reason (tests/oracle/churn.py) of its churn movement of the latest
    month; null when it never churned. A customer that churned and came back keeps the reason
    of its latest churn.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from tests.oracle.base import Base, OracleVars, customer_health_rows
from tests.oracle.churn import churn_reason
from tests.oracle.cohorts import cohort_months
from tests.oracle.exact import frame, month_of

ATTRIBUTES = (
    "customer_name",
    "segment",
    "country",
    "industry",
    "acquisition_channel",
    "signed_up_at",
    "referred_by_customer_id",
)
DIM_CUSTOMERS_COLUMNS = [
    "customer_id",
    *ATTRIBUTES,
    "cohort_month",
    "last_active_month",
    "is_active",
    "current_mrr",
    "current_plan_tier",
    "health_score",
    "health_band",
    "churn_reason",
]


def current_plan_tier(base: Base, customer_id: str) -> str | None:
    """D4: the tier of the highest-MRR version in force at as_of_date."""
    versions = base.versions_in_force(customer_id, base.as_of)
    if not versions:
        return None
    top = max(
        versions,
        key=lambda version: (
            base.monthly_usd(version, base.as_of),
            version["valid_from"],
            version["subscription_id"],
        ),
    )
    return base.plans[top["plan_id"]]["tier"]


def dim_customers(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    base = Base(tables, as_of_date, oracle_vars)
    as_of_month = month_of(as_of_date)
    cohorts = cohort_months(base)
    latest_churn: dict[str, date] = {}
    for row in base.movements:
        if row["movement"] == "churn":
            latest_churn[row["customer_id"]] = max(
                row["month"], latest_churn.get(row["customer_id"], row["month"])
            )
    health = {
        row["customer_id"]: row
        for row in customer_health_rows(tables)
        if row["month"] == as_of_month
    }
    rows = []
    for customer in base.customers:
        if customer["signed_up_at"] >= base.as_of_end:
            continue
        customer_id = customer["customer_id"]
        active = [month for month in base.spine if base.mrr_in(customer_id, month) > 0]
        current_mrr = base.mrr_in(customer_id, as_of_month)
        is_active = current_mrr > 0
        scored: dict[str, Any] = health.get(customer_id, {}) if is_active else {}
        churned_in = latest_churn.get(customer_id)
        rows.append(
            {
                "customer_id": customer_id,
                **{column: customer[column] for column in ATTRIBUTES},
                "cohort_month": cohorts.get(customer_id),
                "last_active_month": active[-1] if active else None,
                "is_active": is_active,
                "current_mrr": current_mrr,
                "current_plan_tier": current_plan_tier(base, customer_id) if is_active else None,
                "health_score": scored.get("health_score"),
                "health_band": scored.get("health_band"),
                "churn_reason": (
                    churn_reason(base, customer_id, churned_in) if churned_in else None
                ),
            }
        )
    return frame(rows, DIM_CUSTOMERS_COLUMNS)
