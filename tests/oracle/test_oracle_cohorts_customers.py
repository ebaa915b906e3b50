"""The oracle's cohort retention and customer dimension on hand-made cases."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from tests.oracle.builders import (
    VARS,
    customer,
    health_row,
    one,
    rate,
    records,
    tables,
    version,
)
from tests.oracle.cohorts import mart_cohort_retention
from tests.oracle.customers import dim_customers

JAN, FEB, MAR, APR = (date(2024, month, 1) for month in (1, 2, 3, 4))
AS_OF = date(2024, 4, 15)


def _book(health: list[dict] | None = None) -> dict[str, pd.DataFrame]:
    """A (smb): 100 in Jan-Feb, 150 in Mar, gone in Apr. B (smb): 200 in Jan, away in Feb, back
    with 50 from Mar. C (enterprise): 300 from Feb. N never pays. L signs up after as_of_date."""
    return tables(
        customers=[
            customer("A"),
            customer("B"),
            customer("C", "enterprise", country="DE", referred_by_customer_id="A"),
            customer("N", "mid_market"),
            customer("L", signed_up_at=datetime(2024, 4, 16)),
        ],
        subscriptions=[
            version("A1", "A", JAN, MAR, "100", plan_id="P_STARTER"),
            version("A1", "A", MAR, APR, "150", cancel_reason="too_expensive"),
            version("B1", "B", JAN, FEB, "200", cancel_reason="budget_cuts"),
            version("B2", "B", MAR, None, "50", plan_id="P_STARTER"),
            version("C1", "C", FEB, None, "300", plan_id="P_ENT"),
            version("L1", "L", date(2024, 4, 1), None, "10"),
        ],
        health=health,
    )


def test_cohort_triangle_has_every_spine_month_segment_and_k_up_to_the_as_of_month() -> None:
    rows = mart_cohort_retention(_book(), AS_OF, VARS)
    assert len(rows) == (4 + 3 + 2 + 1) * 4
    assert records(rows, cohort_month=JAN, segment="smb")[-1]["months_since_start"] == 3
    assert records(rows, cohort_month=APR, segment="all")[-1]["months_since_start"] == 0
    assert all(
        row["month"].month == row["cohort_month"].month + row["months_since_start"]
        for row in records(rows)
    )


def test_cohort_retention_logo_net_and_gross() -> None:
    rows = mart_cohort_retention(_book(), AS_OF, VARS)
    expected = {  # k: (active, mrr, logo, net, gross) for cohort Jan, smb (A and B, 300)
        0: (2, 300, 1, 1, 1),
        1: (1, 100, Fraction(1, 2), Fraction(1, 3), Fraction(1, 3)),
        2: (2, 200, 1, Fraction(2, 3), Fraction(1, 2)),  # A's 150 counts 100 in gross
        3: (1, 50, Fraction(1, 2), Fraction(1, 6), Fraction(1, 6)),
    }
    for k, (active, mrr, logo, net, gross) in expected.items():
        row = one(rows, cohort_month=JAN, segment="smb", months_since_start=k)
        assert (row["customers_cohort"], row["cohort_mrr"]) == (2, Decimal("300.00"))
        assert (row["customers_active"], row["mrr"]) == (active, mrr)
        assert (row["logo_retention"], row["net_mrr_retention"]) == (logo, net)
        assert row["gross_mrr_retention"] == gross
    assert one(rows, cohort_month=FEB, segment="all", months_since_start=2)["mrr"] == 300


def test_empty_cohort_is_a_row_of_zeros_with_null_rates() -> None:
    rows = mart_cohort_retention(_book(), AS_OF, VARS)
    # March has no new customer (B's return is a reactivation), nor has mid_market ever
    empty = {
        (row["cohort_month"], row["segment"], row["months_since_start"]): row
        for row in records(rows, cohort_month=MAR) + records(rows, segment="mid_market")
    }
    assert len(empty) == 2 * 4 + (4 + 3 + 2 + 1) - 2
    for row in empty.values():
        counts = (row["customers_cohort"], row["customers_active"], row["cohort_mrr"], row["mrr"])
        assert counts == (0, 0, 0, 0)
        rates = (row["logo_retention"], row["net_mrr_retention"], row["gross_mrr_retention"])
        assert rates == (None, None, None)


def test_dim_customers_attributes_cohort_and_current_state() -> None:
    health = [health_row(APR, "C", 35.5, "red"), health_row(APR, "B", 80.0, "green")]
    health += [health_row(MAR, "B", 90.0, "green"), health_row(MAR, "A", 10.0, "red")]
    rows = dim_customers(_book(health), AS_OF, VARS)
    assert sorted(rows["customer_id"]) == ["A", "B", "C", "N"]  # L signs up after as_of_date
    a, b, c, n = (one(rows, customer_id=name) for name in "ABCN")
    assert (c["country"], c["referred_by_customer_id"], c["segment"]) == ("DE", "A", "enterprise")
    assert (a["cohort_month"], a["last_active_month"], a["is_active"]) == (JAN, MAR, False)
    assert (a["current_mrr"], a["current_plan_tier"], a["health_score"]) == (0, None, None)
    assert a["churn_reason"] == "too_expensive"
    # B came back: active, and its reason is the one of its latest churn (February)
    assert (b["cohort_month"], b["is_active"], b["current_mrr"]) == (JAN, True, Decimal("50.00"))
    assert (b["current_plan_tier"], b["health_score"], b["health_band"]) == (
        "starter",
        80.0,
        "green",
    )
    assert b["churn_reason"] == "budget_cuts"
    assert (c["cohort_month"], c["current_plan_tier"], c["churn_reason"]) == (
        FEB,
        "enterprise",
        None,
    )
    assert (c["health_score"], c["health_band"]) == (35.5, "red")
    assert (n["cohort_month"], n["last_active_month"], n["is_active"]) == (None, None, False)


def _tier(*versions: dict, fx_rates: tuple = ()) -> str | None:
    data = tables(customers=[customer("C1")], subscriptions=versions, fx_rates=fx_rates, health=[])
    return one(dim_customers(data, AS_OF, VARS), customer_id="C1")["current_plan_tier"]


def test_current_plan_tier_is_the_one_of_the_highest_mrr_version_in_usd() -> None:
    # 100 a month beats 300 a year (25 a month), whatever the tier
    assert (
        _tier(
            version("S1", "C1", JAN, None, "100", plan_id="P_STARTER"),
            version("S2", "C1", JAN, None, "300", plan_id="P_ENT", billing_interval="year"),
        )
        == "starter"
    )
    # 100 EUR at 1.2 (120 USD) beats 110 USD; a version no longer in force does not count
    assert (
        _tier(
            version("S1", "C1", JAN, None, "110", plan_id="P_STARTER"),
            version("S2", "C1", JAN, None, "100", plan_id="P_ENT", currency="EUR"),
            version("S3", "C1", JAN, APR, "900", plan_id="P_PRO"),
            fx_rates=(rate(JAN, "EUR", "1.2"),),
        )
        == "enterprise"
    )


def test_current_plan_tier_ties_latest_valid_from_then_greatest_subscription_id() -> None:
    assert (
        _tier(
            version("S2", "C1", JAN, None, "100", plan_id="P_PRO"),
            version("S1", "C1", FEB, None, "100", plan_id="P_ENT"),
        )
        == "enterprise"
    )
    assert (
        _tier(
            version("S9", "C1", JAN, None, "100", plan_id="P_STARTER"),
            version("S10", "C1", JAN, None, "100", plan_id="P_ENT"),
        )
        == "starter"
    )
