"""Cohorts: mart_cohort_retention.

A customer's cohort month is the month of its ``new`` movement (its first active month). One row
per spine month as cohort_month × segment (smb, mid_market, enterprise, all) × months_since_start
k = 0 .. months from cohort_month to the month of as_of_date; month = cohort_month + k.

Decisions where the contract is silent:

K1  A customer's segment is its customers.segment (one segment for life, as everywhere).
K2  An empty cohort (no customer, or none in the segment) is a row of zeros: customers_cohort,
    customers_active, cohort_mrr and mrr are 0 and every rate is null. A non-empty cohort always
    has cohort_mrr > 0 (its customers are active in cohort_month), so its rates are never null.
K3  MRR is the customer-month MRR of the contract (rounded cents, at the rate of s(m)): cohort
    retention is not at constant currency. gross_mrr_retention's numerator is
    Σ min(MRR in month, MRR in cohort_month) over the cohort's customers (0 for an inactive one).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pandas as pd

from tests.oracle.base import GRID_SEGMENTS, Base, OracleVars
from tests.oracle.exact import ZERO_CENTS, add_months, frame, month_of, months_between, safe_div

COHORT_RETENTION_COLUMNS = [
    "cohort_month",
    "months_since_start",
    "segment",
    "month",
    "customers_cohort",
    "customers_active",
    "logo_retention",
    "cohort_mrr",
    "mrr",
    "net_mrr_retention",
    "gross_mrr_retention",
]


def cohort_months(base: Base) -> dict[str, date]:
    """customer_id -> the month of its ``new`` movement (customers ever active)."""
    return {row["customer_id"]: row["month"] for row in base.movements if row["movement"] == "new"}


def mart_cohort_retention(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    base = Base(tables, as_of_date, oracle_vars)
    members: dict[tuple[date, str], list[str]] = defaultdict(list)
    for customer_id, cohort_month in sorted(cohort_months(base).items()):
        for segment in base.segments_of(customer_id):
            members[(cohort_month, segment)].append(customer_id)
    last_month = month_of(as_of_date)
    rows = []
    for cohort_month in base.spine:
        for segment in GRID_SEGMENTS:
            customers = members.get((cohort_month, segment), [])
            start = {
                customer_id: base.mrr_in(customer_id, cohort_month) for customer_id in customers
            }
            cohort_mrr = sum(start.values(), ZERO_CENTS)
            for k in range(months_between(cohort_month, last_month) + 1):
                month = add_months(cohort_month, k)
                now = {customer_id: base.mrr_in(customer_id, month) for customer_id in customers}
                active = sum(value > 0 for value in now.values())
                mrr = sum(now.values(), ZERO_CENTS)
                floor = sum((min(now[c], start[c]) for c in customers), ZERO_CENTS)
                rows.append(
                    {
                        "cohort_month": cohort_month,
                        "months_since_start": k,
                        "segment": segment,
                        "month": month,
                        "customers_cohort": len(customers),
                        "customers_active": active,
                        "logo_retention": safe_div(active, len(customers)),
                        "cohort_mrr": cohort_mrr,
                        "mrr": mrr,
                        "net_mrr_retention": safe_div(mrr, cohort_mrr),
                        "gross_mrr_retention": safe_div(floor, cohort_mrr),
                    }
                )
    return frame(rows, COHORT_RETENTION_COLUMNS)
