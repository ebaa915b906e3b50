"""Growth and onboarding: mart_trial_conversion, mart_referrals, mart_onboarding."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import pandas as pd

from tests.oracle.base import Base, OracleVars, dense
from tests.oracle.exact import days_between, frame, mean, month_of, safe_div


def mart_trial_conversion(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """Readings: a trial ends in m when its valid_to is in m and <= as_of_date (project
    decision); it converted when a non-trial version of the same subscription_id has valid_from
    in [valid_to, valid_to + trial_conversion_days] and valid_from <= as_of_date (R1: a paid
    version starting after as_of_date has not happened yet)."""
    base = Base(tables, as_of_date, oracle_vars)
    window = timedelta(days=oracle_vars.trial_conversion_days)
    paid_starts: dict[str, list[date]] = defaultdict(list)
    for row in base.subscriptions:
        if not row["is_trial"] and row["valid_from"] <= as_of_date:
            paid_starts[row["subscription_id"]].append(row["valid_from"])
    ended: dict[date, int] = defaultdict(int)
    converted: dict[date, int] = defaultdict(int)
    for row in base.subscriptions:
        if not row["is_trial"] or row["valid_to"] is None or row["valid_to"] > as_of_date:
            continue
        end = row["valid_to"]
        ended[month_of(end)] += 1
        starts = paid_starts.get(row["subscription_id"], [])
        converted[month_of(end)] += any(end <= start <= end + window for start in starts)
    rows = [
        {
            "month": month,
            "trials_ended": ended.get(month, 0),
            "trials_converted": converted.get(month, 0),
            "trial_to_paid_rate": safe_div(converted.get(month, 0), ended.get(month, 0)),
        }
        for month in base.spine
    ]
    return frame(rows, ["month", "trials_ended", "trials_converted", "trial_to_paid_rate"])


def mart_referrals(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    base = Base(tables, as_of_date, oracle_vars)
    referred_by = {row["customer_id"]: row["referred_by_customer_id"] for row in base.customers}
    new: dict[date, int] = defaultdict(int)
    referred: dict[date, int] = defaultdict(int)
    for row in base.movements:
        if row["movement"] == "new":
            new[row["month"]] += 1
            referred[row["month"]] += referred_by[row["customer_id"]] is not None
    rows = [
        {
            "month": month,
            "customers_new": new.get(month, 0),
            "referred_customers_new": referred.get(month, 0),
            "referral_rate": safe_div(referred.get(month, 0), new.get(month, 0)),
        }
        for month in base.spine
    ]
    return frame(rows, ["month", "customers_new", "referred_customers_new", "referral_rate"])


def mart_onboarding(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """Readings: cohort = customers by signed_up_at month (signed up on or before as_of_date);
    onboarded = of those, onboarding_completed_at on or before as_of_date (R1);
    avg_days_to_onboard over the onboarded, avg_days_to_first_value over those with a
    first_value_at on or before as_of_date; fractional days. Grid: spine × segments (R8)."""
    base = Base(tables, as_of_date, oracle_vars)
    cohorts: dict[tuple[date, str], list[dict[str, Any]]] = defaultdict(list)
    for customer in base.customers:
        if customer["signed_up_at"] < base.as_of_end:
            for segment in base.segments_of(customer["customer_id"]):
                cohorts[(month_of(customer["signed_up_at"]), segment)].append(customer)

    def days_to(customer: dict[str, Any], column: str) -> Fraction | None:
        reached = customer[column]
        if reached is None or reached >= base.as_of_end:
            return None
        return days_between(customer["signed_up_at"], reached)

    rows = []
    for month, segment in dense(base):
        cohort = cohorts.get((month, segment), [])
        onboard_days = [
            d for d in (days_to(c, "onboarding_completed_at") for c in cohort) if d is not None
        ]
        value_days = [d for d in (days_to(c, "first_value_at") for c in cohort) if d is not None]
        rows.append(
            {
                "month": month,
                "segment": segment,
                "signups": len(cohort),
                "onboarded": len(onboard_days),
                "avg_days_to_onboard": mean(onboard_days),
                "avg_days_to_first_value": mean(value_days),
            }
        )
    columns = [
        "month",
        "segment",
        "signups",
        "onboarded",
        "avg_days_to_onboard",
        "avg_days_to_first_value",
    ]
    return frame(rows, columns)
