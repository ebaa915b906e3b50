"""The oracle's health trend, back-test and component power on hand-made cases."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pandas as pd
import pytest

from tests.oracle.builders import VARS, customer, health_row, one, records, tables, version
from tests.oracle.exact import add_months
from tests.oracle.health import (
    HEALTH_COMPONENTS,
    auc,
    mart_customer_health_trend,
    mart_health_backtest,
    mart_health_component_power,
)

JAN = date(2024, 1, 1)
MONTHS = [add_months(JAN, k) for k in range(6)]  # Jan .. Jun 2024


@pytest.mark.parametrize(
    ("churned", "retained", "expected"),
    [
        ([10, 20], [30, 40], 1),  # perfect: every churner scored lower
        ([30, 40], [10, 20], 0),  # inverted
        ([50, 50], [50, 50, 50], Fraction(1, 2)),  # all ties
        ([1, 3], [2, 3], Fraction(5, 8)),  # 1 < 2, 1 < 3, 3 > 2, 3 = 3 (half)
        ([], [1, 2], None),
        ([1], [], None),
    ],
)
def test_auc(churned: list[int], retained: list[int], expected: Fraction | None) -> None:
    assert auc(churned, retained) == expected


def _accounts(health: list[dict]) -> dict[str, pd.DataFrame]:
    """R (red) churns in April, Y (yellow) in May, G (green) stays; all active from January."""
    return tables(
        customers=[customer("R"), customer("Y"), customer("G", "enterprise")],
        subscriptions=[
            version("SR", "R", JAN, date(2024, 4, 1)),
            version("SY", "Y", JAN, date(2024, 5, 1)),
            version("SG", "G", JAN, None),
        ],
        health=health,
    )


def _health() -> list[dict]:
    bands = {"R": (20.0, "red"), "Y": (50.0, "yellow"), "G": (80.0, "green")}
    last = {"R": 2, "Y": 3, "G": 5}  # each has a row while active
    return [
        health_row(month, name, score, band)
        for name, (score, band) in bands.items()
        for month in MONTHS[: last[name] + 1]
    ]


def test_backtest_months_need_their_three_following_months_by_the_as_of_month() -> None:
    rows = mart_health_backtest(_accounts(_health()), date(2024, 6, 10), VARS)
    assert sorted(set(rows["month"])) == MONTHS[:3]  # March + 3 = June
    assert len(rows) == 3 * 4
    earlier = mart_health_backtest(_accounts(_health()), date(2024, 5, 31), VARS)
    assert sorted(set(earlier["month"])) == MONTHS[:2]


def test_backtest_rates_lift_and_auc() -> None:
    rows = mart_health_backtest(_accounts(_health()), date(2024, 6, 30), VARS)
    everyone = one(rows, month=JAN, health_band="all")
    # January: R churns in April (m+3) and counts; Y churns in May (m+4) and does not
    assert (everyone["accounts"], everyone["churned_within_3m"]) == (3, 1)
    assert (everyone["churn_rate_3m"], everyone["lift"], everyone["auc"]) == (Fraction(1, 3), 1, 1)
    red = one(rows, month=JAN, health_band="red")
    assert (red["accounts"], red["churn_rate_3m"], red["lift"], red["auc"]) == (1, 1, 3, None)
    assert one(rows, month=JAN, health_band="green")["lift"] == 0
    february = one(rows, month=date(2024, 2, 1), health_band="all")
    assert (february["churned_within_3m"], february["auc"]) == (2, 1)  # R and Y
    yellow = one(rows, month=date(2024, 2, 1), health_band="yellow")
    assert yellow["lift"] == Fraction(3, 2)


def test_backtest_band_without_accounts_is_zeros_and_lift_is_null_without_churn() -> None:
    health = [row for row in _health() if row["customer_id"] == "G"]
    rows = mart_health_backtest(_accounts(health), date(2024, 6, 30), VARS)
    red = one(rows, month=JAN, health_band="red")
    assert (red["accounts"], red["churned_within_3m"]) == (0, 0)
    assert (red["churn_rate_3m"], red["lift"], red["auc"]) == (None, None, None)
    everyone = one(rows, month=JAN, health_band="all")
    assert (everyone["accounts"], everyone["churn_rate_3m"]) == (1, 0)
    assert (everyone["lift"], everyone["auc"]) == (None, None)  # 0 / 0, and no churner


def test_trend_columns() -> None:
    health = [
        health_row(MONTHS[0], "G", 80.0, "green"),
        health_row(MONTHS[1], "G", 60.0, "yellow"),
        health_row(MONTHS[3], "G", 72.5, "green"),
        health_row(MONTHS[4], "G", 30.0, "red"),
    ]
    rows = mart_customer_health_trend(_accounts(health), date(2024, 6, 30), VARS)
    trend = {
        row["month"]: (
            row["health_score_3m_ago"],
            row["health_score_change_3m"],
            row["previous_health_band"],
        )
        for row in records(rows)
    }
    assert trend == {
        MONTHS[0]: (None, None, None),
        MONTHS[1]: (None, None, "green"),
        MONTHS[3]: (80, Fraction(-15, 2), None),  # no row in March
        MONTHS[4]: (60, -30, "green"),
    }


def test_component_power_auc_risk_factor_and_suggested_weights() -> None:
    health = [
        row
        | {
            "usage_score": {"R": 10.0, "Y": 40.0, "G": 90.0}[row["customer_id"]],
            "payment_score": {"R": 70.0, "Y": 80.0, "G": 60.0}[row["customer_id"]],
            "support_score": 50.0,
            "main_risk_factor": "usage" if row["customer_id"] == "R" else "engagement",
        }
        for row in _health()
    ]
    rows = mart_health_component_power(_accounts(health), date(2024, 6, 30), VARS)
    assert list(rows["component"]) == list(HEALTH_COMPONENTS)
    usage, payment, support, engagement = (
        one(rows, component=name) for name in ("usage", "payment", "support", "engagement")
    )
    # back-test months Jan-Mar: 9 rows; churned: R in Jan-Mar (April churn), Y in Feb-Mar (May)
    assert (usage["account_months"], usage["churned_within_3m"]) == (9, 5)
    # churners R 10 (x3), Y 40 (x2) against Y's January 40 and G 90 (x3): 19 of 20 pairs
    assert usage["auc"] == Fraction(19, 20)
    # churners R 70 (x3), Y 80 (x2) against Y 80 and G 60 (x3): R beats Y 80, Y ties it
    assert payment["auc"] == Fraction(3 + 2 * Fraction(1, 2), 20)
    assert support["auc"] == Fraction(1, 2)
    assert (usage["risk_factor_accounts"], usage["risk_factor_churned"]) == (3, 3)
    assert usage["risk_factor_churn_rate"] == 1
    assert engagement["risk_factor_churn_rate"] == Fraction(2, 6)
    assert support["risk_factor_accounts"] == 0 and support["risk_factor_churn_rate"] is None
    # usage, spend_trend, sentiment and engagement (the score itself) share the weight
    weights = dict(zip(rows["component"], rows["suggested_weight"], strict=True))
    assert weights == {
        "usage": Fraction(1, 4),
        "spend_trend": Fraction(1, 4),
        "support": 0,
        "sentiment": Fraction(1, 4),
        "payment": 0,
        "engagement": Fraction(1, 4),
    }


def test_component_power_weights_are_null_when_no_component_beats_chance() -> None:
    rows = mart_health_component_power(_accounts(_health()), date(2024, 6, 30), VARS)
    # every component equals the health score: the same AUC, the same weight
    assert set(rows["auc"]) == {Fraction(19, 20)}
    assert set(rows["suggested_weight"]) == {Fraction(1, 6)}
    flat = [row | {f"{name}_score": 50.0 for name in HEALTH_COMPONENTS} for row in _health()]
    rows = mart_health_component_power(_accounts(flat), date(2024, 6, 30), VARS)
    assert set(rows["auc"]) == {Fraction(1, 2)}
    assert list(rows["suggested_weight"]) == [None] * len(HEALTH_COMPONENTS)
    quiet = [row for row in _health() if row["customer_id"] == "G"]  # nobody churns: no AUC
    rows = mart_health_component_power(_accounts(quiet), date(2024, 6, 30), VARS)
    assert list(rows["auc"]) == list(rows["suggested_weight"]) == [None] * len(HEALTH_COMPONENTS)


def test_health_oracles_need_the_warehouse_scores() -> None:
    with pytest.raises(KeyError, match="mart_customer_health"):
        mart_health_backtest(tables(customers=[customer("R")]), date(2024, 6, 30), VARS)
