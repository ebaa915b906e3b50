"""Revenue and logos: fct_mrr_movements, mart_revenue_retention, mart_logo_churn.

The movements are the contract's, at **constant currency** (``*_constant_currency``):
expansion, contraction and retained compare cur_at_prev_rates (the versions in force at s(m),
each at the rate of s(m-1), summed and rounded to cents) with prev, ``fx_impact_mrr = cur -
cur_at_prev_rates`` (0 on new, reactivation and churn rows), and the retention rates use these
sums. On USD-only data they equal the movements at current rates
(``Base.movements_at_current_rates``, kept for the oracle's own tests).

Identity, per row and in every aggregate: starting + new + reactivation + expansion - contraction
- churned + fx_impact = ending.

Decisions where the contract is silent:

F1  cur_at_prev_rates is the exact sum of the versions' monthly USD values at the rate of s(m-1)
    (the rate rule of the conventions: latest on or before s(m-1), else the earliest after it;
    USD is 1), rounded once to cents half away from zero, never version by version.
F2  A cur_at_prev_rates that rounds to 0.00 (prev > 0, cur > 0) is a contraction of prev with
    fx_impact = cur, as the formulas give; the movement stays a contraction, never a churn.
F3  quick_ratio is null when contraction + churned is 0 (also when nothing was gained), 0 when
    only losses happened. churned_mrr_involuntary is 0.00 (not null) without involuntary churn;
    customers_churned_voluntary = customers_churned - customers_churned_involuntary.
F4  nrr_12m, grr_12m, arr and arpa are built on MRR, not on movements: constant currency leaves
    them as they are.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from tests.oracle.base import (
    ALL,
    FX_IMPACT,
    LOGO_COLUMNS,
    MONEY_MOVEMENT_COLUMNS,
    Base,
    OracleVars,
    dense,
)
from tests.oracle.churn import involuntary_sums
from tests.oracle.exact import ZERO_CENTS, add_months, frame, safe_div

CC_MONEY_COLUMNS = [*MONEY_MOVEMENT_COLUMNS, FX_IMPACT]
MOVEMENT_COLUMNS = ["month", "customer_id", "segment", *CC_MONEY_COLUMNS, "movement"]
RETENTION_RATE_COLUMNS = [
    "arr",
    "gross_revenue_churn_rate",
    "net_revenue_churn_rate",
    "grr",
    "nrr",
    "nrr_12m",
    "grr_12m",
    "arpa",
]
RETENTION_COLUMNS = [
    "month",
    "segment",
    *CC_MONEY_COLUMNS,
    "churned_mrr_involuntary",
    "quick_ratio",
    *RETENTION_RATE_COLUMNS,
]
LOGO_CHURN_COLUMNS = [
    "month",
    "segment",
    *LOGO_COLUMNS,
    "logo_churn_rate",
    "customer_retention_rate",
    "net_customer_churn_rate",
    "customers_churned_involuntary",
    "customers_churned_voluntary",
]


def fct_mrr_movements_constant_currency(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """The contract's movements: constant currency, with fx_impact_mrr."""
    base = Base(tables, as_of_date, oracle_vars)
    return frame(base.movements, MOVEMENT_COLUMNS)


def _retention_12m(base: Base, month: date, segment: str) -> tuple[Any, Any]:
    """nrr_12m / grr_12m: cohort = customers active (MRR > 0) in m-12, in the row's segment;
    null when m-12 precedes the spine, or when the cohort's MRR in m-12 sums to 0."""
    cohort_month = add_months(month, -12)
    if cohort_month not in base.spine_set:
        return None, None
    then_sum = now_sum = floor_sum = ZERO_CENTS
    for customer_id in base.mrr:
        if segment != ALL and base.segment[customer_id] != segment:
            continue
        then = base.mrr_in(customer_id, cohort_month)
        if then > 0:
            now = base.mrr_in(customer_id, month)
            then_sum += then
            now_sum += now
            floor_sum += min(now, then)
    return safe_div(now_sum, then_sum), safe_div(floor_sum, then_sum)


def _revenue_retention_rows(base: Base) -> list[dict[str, Any]]:
    sums = base.movement_sums(base.movements, CC_MONEY_COLUMNS)
    involuntary = involuntary_sums(base)
    rows = []
    for month, segment in dense(base):
        money = sums.get((month, segment), dict.fromkeys(CC_MONEY_COLUMNS, ZERO_CENTS))
        start, end = money["starting_mrr"], money["ending_mrr"]
        churned, contraction = money["churned_mrr"], money["contraction_mrr"]
        expansion = money["expansion_mrr"]
        customers_end = base.logos(month, segment, "customers_end")
        nrr_12m, grr_12m = _retention_12m(base, month, segment)
        row = {
            "month": month,
            "segment": segment,
            **money,
            "arr": end * 12,
            "gross_revenue_churn_rate": safe_div(churned + contraction, start),
            "net_revenue_churn_rate": safe_div(churned + contraction - expansion, start),
            "grr": safe_div(start - churned - contraction, start),
            "nrr": safe_div(start + expansion - contraction - churned, start),
            "nrr_12m": nrr_12m,
            "grr_12m": grr_12m,
            "arpa": safe_div(end, customers_end),
            "customers_end": customers_end,
        }
        gained = money["new_mrr"] + money["reactivation_mrr"] + expansion
        row["churned_mrr_involuntary"] = involuntary.get((month, segment), (0, ZERO_CENTS))[1]
        row["quick_ratio"] = safe_div(gained, contraction + churned)
        rows.append(row)
    return rows


def mart_revenue_retention_constant_currency(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """The contract's mart: sums of the constant-currency movements (fx_impact_mrr included),
    every rate from them; churned_mrr_involuntary = Σ churned_mrr of the involuntary churns;
    quick_ratio = (new + reactivation + expansion) / (contraction + churned), null on 0."""
    base = Base(tables, as_of_date, oracle_vars)
    return frame(_revenue_retention_rows(base), [*RETENTION_COLUMNS, "customers_end"])


def mart_logo_churn(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """Logo counts and rates; customers_churned_involuntary + customers_churned_voluntary =
    customers_churned (tests/oracle/churn.py)."""
    base = Base(tables, as_of_date, oracle_vars)
    involuntary = involuntary_sums(base)
    rows = []
    for month, segment in dense(base):
        counts = {column: base.logos(month, segment, column) for column in LOGO_COLUMNS}
        start, end = counts["customers_start"], counts["customers_end"]
        won = counts["customers_new"] + counts["customers_reactivated"]
        forced = involuntary.get((month, segment), (0, ZERO_CENTS))[0]
        rows.append(
            {
                "month": month,
                "segment": segment,
                **counts,
                "logo_churn_rate": safe_div(counts["customers_churned"], start),
                "customer_retention_rate": safe_div(end - won, start),
                "net_customer_churn_rate": safe_div(start - end, start),
                "customers_churned_involuntary": forced,
                "customers_churned_voluntary": counts["customers_churned"] - forced,
            }
        )
    return frame(rows, LOGO_CHURN_COLUMNS)
