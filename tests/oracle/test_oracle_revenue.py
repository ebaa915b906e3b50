"""The oracle's revenue rules on hand-made cases: constant currency, the identity, quick ratio."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from tests.oracle.base import Base, Fx
from tests.oracle.builders import (
    VARS,
    customer,
    mixed_book,
    one,
    rate,
    records,
    tables,
    version,
)
from tests.oracle.exact import frame
from tests.oracle.revenue import (
    MOVEMENT_COLUMNS,
    fct_mrr_movements_constant_currency,
    mart_revenue_retention_constant_currency,
)

FEB = date(2024, 2, 1)


def _movement(data: dict[str, pd.DataFrame], as_of: date, month: date) -> dict:
    return one(fct_mrr_movements_constant_currency(data, as_of, VARS), month=month)


def _at_current_rates(data: dict[str, pd.DataFrame], as_of: date) -> pd.DataFrame:
    """The movements read at current rates (cur compared with prev): what constant currency
    replaces."""
    return frame(Base(data, as_of, VARS).movements_at_current_rates, MOVEMENT_COLUMNS)


def test_rate_up_10_percent_with_the_same_versions_is_retained_with_fx_impact_10_percent() -> None:
    data = tables(
        customers=[customer("C1")],
        subscriptions=[version("S1", "C1", date(2024, 1, 1), currency="EUR")],
        fx_rates=[rate(date(2024, 1, 1), "EUR", "1.00"), rate(date(2024, 2, 1), "EUR", "1.10")],
    )
    row = _movement(data, date(2024, 2, 29), FEB)
    assert row["movement"] == "retained"
    assert (row["starting_mrr"], row["ending_mrr"]) == (Decimal("100.00"), Decimal("110.00"))
    assert row["expansion_mrr"] == row["contraction_mrr"] == 0
    assert row["fx_impact_mrr"] == Decimal("10.00") == row["starting_mrr"] / 10
    # the same figures at current rates read as a customer's expansion
    assert one(_at_current_rates(data, date(2024, 2, 29)), month=FEB)["movement"] == "expansion"
    retention = one(
        mart_revenue_retention_constant_currency(data, date(2024, 2, 29), VARS),
        month=FEB,
        segment="all",
    )
    assert (retention["nrr"], retention["grr"], retention["net_revenue_churn_rate"]) == (1, 1, 0)
    assert retention["fx_impact_mrr"] == Decimal("10.00")


def test_try_customer_upgrading_while_its_rate_falls_expands_at_prev_rates() -> None:
    data = tables(
        customers=[customer("C1")],
        subscriptions=[
            version("S1", "C1", date(2024, 1, 1), date(2024, 2, 10), "1000", currency="TRY"),
            version("S1", "C1", date(2024, 2, 10), None, "1500", currency="TRY"),
        ],
        fx_rates=[rate(date(2024, 1, 1), "TRY", "0.030"), rate(date(2024, 2, 1), "TRY", "0.025")],
    )
    row = _movement(data, date(2024, 2, 29), FEB)
    assert row["movement"] == "expansion"
    assert row["starting_mrr"] == Decimal("30.00")
    assert row["ending_mrr"] == Decimal("37.50")  # 1500 at this month's rate
    assert row["expansion_mrr"] == Decimal("15.00")  # 1500 at last month's rate (45) - 30
    assert row["fx_impact_mrr"] == Decimal("-7.50")
    current = one(_at_current_rates(data, date(2024, 2, 29)), month=FEB)
    assert current["expansion_mrr"] == Decimal("7.50")


def test_seat_cut_hidden_by_a_rising_rate_is_a_contraction() -> None:
    data = tables(
        customers=[customer("C1")],
        subscriptions=[
            version("S1", "C1", date(2024, 1, 1), date(2024, 2, 5), "100", currency="EUR"),
            version("S1", "C1", date(2024, 2, 5), None, "80", currency="EUR"),
        ],
        fx_rates=[rate(date(2024, 1, 1), "EUR", "1.0"), rate(date(2024, 2, 1), "EUR", "1.5")],
    )
    row = _movement(data, date(2024, 2, 29), FEB)
    assert (row["movement"], row["contraction_mrr"]) == ("contraction", Decimal("20.00"))
    assert (row["ending_mrr"], row["fx_impact_mrr"]) == (Decimal("120.00"), Decimal("40.00"))


def test_cur_at_prev_rates_is_summed_then_rounded_once() -> None:
    """Two versions of 10.005 EUR: 20.01 at the old rate 1 (10.01 + 10.01 = 20.02 if each
    version were rounded, an expansion of 0.01 that nobody made)."""
    data = tables(
        customers=[customer("C1")],
        subscriptions=[
            version("SA", "C1", date(2024, 1, 1), amount="10.005", currency="EUR"),
            version("SB", "C1", date(2024, 1, 1), amount="10.005", currency="EUR"),
        ],
        fx_rates=[rate(date(2024, 1, 1), "EUR", "1"), rate(date(2024, 2, 1), "EUR", "2")],
    )
    row = _movement(data, date(2024, 2, 29), FEB)
    assert (row["movement"], row["starting_mrr"], row["ending_mrr"]) == (
        "retained",
        Decimal("20.01"),
        Decimal("40.02"),
    )
    assert row["fx_impact_mrr"] == Decimal("20.01")


def test_prev_rates_are_those_of_the_previous_snapshot_date() -> None:
    """s(Jan) = Jan 31 uses the rate dated Jan 31, not the one of Jan 15 nor of Feb 10."""
    data = tables(
        customers=[customer("C1")],
        subscriptions=[version("S1", "C1", date(2024, 1, 1), currency="EUR")],
        fx_rates=[
            rate(date(2024, 1, 15), "EUR", "1.0"),
            rate(date(2024, 1, 31), "EUR", "1.2"),
            rate(date(2024, 2, 10), "EUR", "1.5"),
        ],
    )
    row = _movement(data, date(2024, 2, 29), FEB)
    assert (row["starting_mrr"], row["ending_mrr"]) == (Decimal("120.00"), Decimal("150.00"))
    assert (row["movement"], row["fx_impact_mrr"]) == ("retained", Decimal("30.00"))


def test_rate_rule_latest_on_or_before_else_earliest_after_and_usd_needs_none() -> None:
    fx = Fx(
        pd.DataFrame(
            [rate(date(2024, 3, 1), "CHF", "1.10"), rate(date(2024, 5, 1), "CHF", "1.20")],
            dtype=object,
        )
    )
    assert fx.rate("CHF", date(2024, 1, 1)) == Fraction("1.10")  # none before: earliest after
    assert fx.rate("CHF", date(2024, 4, 30)) == Fraction("1.10")
    assert fx.rate("CHF", date(2024, 5, 1)) == Fraction("1.20")
    assert fx.rate("USD", date(2024, 5, 1)) == 1
    with pytest.raises(ValueError, match="no fx rate for EUR"):
        fx.rate("EUR", date(2024, 5, 1))


def _identity_holds(row: dict) -> bool:
    gained = row["new_mrr"] + row["reactivation_mrr"] + row["expansion_mrr"]
    lost = row["contraction_mrr"] + row["churned_mrr"]
    return row["starting_mrr"] + gained - lost + row["fx_impact_mrr"] == row["ending_mrr"]


def test_identity_with_fx_impact_holds_per_row_and_in_every_aggregate() -> None:
    as_of = date(2024, 5, 20)
    movements = fct_mrr_movements_constant_currency(mixed_book(), as_of, VARS)
    assert {row["movement"] for row in records(movements)} == {
        "new",
        "reactivation",
        "expansion",
        "contraction",
        "retained",
        "churn",
    }
    assert any(row["fx_impact_mrr"] != 0 for row in records(movements))
    assert all(_identity_holds(row) for row in records(movements))
    retention = mart_revenue_retention_constant_currency(mixed_book(), as_of, VARS)
    assert len(retention) == 5 * 4
    assert all(_identity_holds(row) for row in records(retention))
    for segment in ("smb", "mid_market", "enterprise", "all"):
        rows = records(retention, segment=segment)
        for before, after in zip(rows, rows[1:], strict=False):
            assert before["ending_mrr"] == after["starting_mrr"]


def test_fx_impact_is_zero_on_new_reactivation_and_churn_rows() -> None:
    movements = records(fct_mrr_movements_constant_currency(mixed_book(), date(2024, 5, 20), VARS))
    changes = [row for row in movements if row["movement"] in ("new", "reactivation", "churn")]
    assert {row["movement"] for row in changes} == {"new", "reactivation", "churn"}
    assert all(row["fx_impact_mrr"] == 0 for row in changes)


def _usd_book() -> dict[str, pd.DataFrame]:
    """Feb 2024: A expands 100 -> 150, B churns (100), C contracts 100 -> 50, D is new (30),
    E comes back (20) after a month away."""
    return tables(
        customers=[customer(name) for name in "ABCDE"],
        subscriptions=[
            version("A1", "A", date(2024, 1, 1), date(2024, 2, 1), "100"),
            version("A2", "A", date(2024, 2, 1), None, "150"),
            version("B1", "B", date(2024, 1, 1), date(2024, 2, 1), "100"),
            version("C1", "C", date(2024, 1, 1), date(2024, 2, 1), "100"),
            version("C2", "C", date(2024, 2, 1), None, "50"),
            version("D1", "D", date(2024, 2, 1), None, "30"),
            version("E1", "E", date(2023, 12, 1), date(2024, 1, 1), "10"),
            version("E2", "E", date(2024, 2, 1), None, "20"),
        ],
    )


def test_quick_ratio_counts_reactivation_as_gained_revenue() -> None:
    row = one(
        mart_revenue_retention_constant_currency(_usd_book(), date(2024, 2, 29), VARS),
        month=FEB,
        segment="all",
    )
    assert row["quick_ratio"] == Fraction(30 + 20 + 50, 50 + 100)


def test_quick_ratio_is_null_without_losses_and_zero_without_gains() -> None:
    data = tables(
        customers=[customer("A")],
        subscriptions=[version("A1", "A", date(2024, 1, 1), date(2024, 3, 1))],
    )
    rows = mart_revenue_retention_constant_currency(data, date(2024, 3, 31), VARS)
    assert one(rows, month=date(2024, 1, 1), segment="all")["quick_ratio"] is None  # new only
    assert one(rows, month=FEB, segment="all")["quick_ratio"] is None  # retained: 0 / 0
    assert one(rows, month=date(2024, 3, 1), segment="all")["quick_ratio"] == 0  # churn only
    assert one(rows, month=FEB, segment="enterprise")["quick_ratio"] is None  # empty segment


def test_usd_only_movements_equal_the_current_rate_ones() -> None:
    as_of = date(2024, 2, 29)
    current = _at_current_rates(_usd_book(), as_of)
    constant = fct_mrr_movements_constant_currency(_usd_book(), as_of, VARS)
    assert constant.equals(current)
    assert (constant["fx_impact_mrr"] == 0).all()
