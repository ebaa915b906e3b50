"""The oracle's churn analysis on hand-made cases: involuntary vs voluntary, churn reasons."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from tests.oracle.base import Base
from tests.oracle.builders import VARS, customer, invoice, one, rate, records, tables, version
from tests.oracle.churn import UNSPECIFIED, churn_reason, mart_churn_reasons, owes_at
from tests.oracle.revenue import mart_logo_churn, mart_revenue_retention_constant_currency

MARCH = date(2024, 3, 1)
S_MARCH = date(2024, 3, 31)


@pytest.mark.parametrize(
    ("case", "values", "owes"),
    [
        ("open, due the day before s(m)", {"due_date": date(2024, 3, 30)}, True),
        ("open, due on s(m) itself", {"due_date": S_MARCH}, False),
        ("open, due after s(m)", {"due_date": date(2024, 4, 2)}, False),
        ("uncollectible", {"status": "uncollectible"}, True),
        ("void", {"status": "void"}, False),
        ("paid the day after s(m)", {"status": "paid", "paid_at": datetime(2024, 4, 1)}, True),
        (
            "paid in the last second of s(m)",
            {"status": "paid", "paid_at": datetime(2024, 3, 31, 23, 59, 59)},
            False,
        ),
        ("paid before s(m)", {"status": "paid", "paid_at": datetime(2024, 3, 5)}, False),
        ("paid without paid_at (C3)", {"status": "paid"}, False),
        ("credit note, open", {"invoice_type": "credit_note", "amount": Decimal("-5")}, False),
    ],
)
def test_an_invoice_is_owed_at_s_m_when_due_before_it_and_not_paid_by_it(
    case: str, values: dict[str, Any], owes: bool
) -> None:
    row = invoice("I1", "C1", date(2024, 3, 1), "open") | values
    assert owes_at(row, S_MARCH) is owes, case


def _churning_in_march(customer_ids: str) -> list[dict[str, Any]]:
    return [
        version(f"S{customer_id}", customer_id, date(2024, 1, 1), date(2024, 3, 15))
        for customer_id in customer_ids
    ]


def test_churns_split_into_involuntary_and_voluntary_in_logos_and_revenue() -> None:
    data = tables(
        customers=[customer("A"), customer("B", "enterprise")]
        + [customer(name) for name in "CDEF"],
        subscriptions=_churning_in_march("ABCDEF"),
        invoices=[
            invoice("IA", "A", date(2024, 3, 10), "open"),
            invoice("IB", "B", date(2024, 3, 1), "paid", paid_at=datetime(2024, 4, 3)),
            invoice("IC", "C", date(2024, 3, 1), "void"),
            invoice("ID", "D", date(2024, 3, 1), "open", invoice_type="credit_note"),
            invoice("IF", "F", date(2024, 4, 10), "open"),
            # E owes nothing; A's paid invoice does not matter
            invoice("IA2", "A", date(2024, 2, 1), "paid", paid_at=datetime(2024, 2, 2)),
        ],
    )
    as_of = date(2024, 4, 30)
    logos = mart_logo_churn(data, as_of, VARS)
    everyone = one(logos, month=MARCH, segment="all")
    assert everyone["customers_churned"] == 6
    assert everyone["customers_churned_involuntary"] == 2  # A and B
    assert everyone["customers_churned_voluntary"] == 4
    smb = one(logos, month=MARCH, segment="smb")
    assert (smb["customers_churned_involuntary"], smb["customers_churned_voluntary"]) == (1, 4)
    revenue = mart_revenue_retention_constant_currency(data, as_of, VARS)
    assert one(revenue, month=MARCH, segment="all")["churned_mrr_involuntary"] == Decimal("200")
    assert one(revenue, month=MARCH, segment="enterprise")["churned_mrr_involuntary"] == 100
    assert one(revenue, month=MARCH, segment="mid_market")["churned_mrr_involuntary"] == 0


def test_an_invoice_due_after_an_early_as_of_snapshot_is_not_owed() -> None:
    """s(m) = as_of_date in the as-of month: due on as_of_date is not due before it."""
    data = tables(
        customers=[customer("A")],
        subscriptions=[version("SA", "A", date(2024, 1, 1), date(2024, 3, 5))],
        invoices=[invoice("IA", "A", date(2024, 3, 10), "open")],
    )
    row = one(mart_logo_churn(data, date(2024, 3, 10), VARS), month=MARCH, segment="all")
    assert (row["customers_churned"], row["customers_churned_involuntary"]) == (1, 0)
    later = one(mart_logo_churn(data, date(2024, 3, 11), VARS), month=MARCH, segment="all")
    assert later["customers_churned_involuntary"] == 1


def _reason(versions: list[dict[str, Any]], month: date = MARCH) -> str:
    base = Base(tables(customers=[customer("C1")], subscriptions=versions), S_MARCH, VARS)
    return churn_reason(base, "C1", month)


def test_churn_reason_is_the_one_of_the_latest_ended_version() -> None:
    assert (
        _reason(
            [
                version("S1", "C1", date(2024, 1, 1), date(2024, 2, 1), cancel_reason="a"),
                version("S1", "C1", date(2024, 2, 1), date(2024, 3, 10), cancel_reason="b"),
            ]
        )
        == "b"
    )


def test_churn_reason_ties_latest_valid_from_then_greatest_subscription_id() -> None:
    end = date(2024, 3, 10)
    assert (
        _reason(
            [
                version("S2", "C1", date(2024, 1, 1), end, cancel_reason="older"),
                version("S1", "C1", date(2024, 2, 1), end, cancel_reason="newer"),
            ]
        )
        == "newer"
    )
    # same valid_to and valid_from: the greatest subscription_id in text order ('S9' > 'S10')
    assert (
        _reason(
            [
                version("S9", "C1", date(2024, 1, 1), end, cancel_reason="nine"),
                version("S10", "C1", date(2024, 1, 1), end, cancel_reason="ten"),
            ]
        )
        == "nine"
    )


def test_churn_reason_ignores_trials_and_versions_ending_after_s_m() -> None:
    versions = [
        version("S1", "C1", date(2024, 1, 1), date(2024, 3, 5), cancel_reason="budget_cuts"),
        version("S1", "C1", date(2024, 3, 5), date(2024, 3, 20), is_trial=True)
        | {"cancel_reason": "trial_expired", "recurring_amount": Decimal("0")},
    ]
    assert _reason(versions) == "budget_cuts"
    assert _reason(versions, date(2024, 2, 1)) == UNSPECIFIED  # nothing ended by Feb 29


@pytest.mark.parametrize("reason", [None, ""])
def test_null_or_empty_reason_reads_unspecified(reason: str | None) -> None:
    versions = [version("S1", "C1", date(2024, 1, 1), date(2024, 3, 10), cancel_reason=reason)]
    assert _reason(versions) == UNSPECIFIED


def test_churn_without_an_ended_version_is_unspecified() -> None:
    """C1: 0.01 EUR a month is 0.01 USD at 1.0 but rounds to 0.00 at 0.4: a churn while the
    version is still in force."""
    data = tables(
        customers=[customer("C1")],
        subscriptions=[version("S1", "C1", date(2024, 1, 1), amount="0.01", currency="EUR")]
        + [version("S2", "C1", date(2023, 6, 1), date(2023, 7, 1), cancel_reason="x")]
        + [version("S3", "C1", date(2024, 2, 1), date(2024, 3, 20), cancel_reason="y")],
        fx_rates=[rate(date(2024, 1, 1), "EUR", "1.0"), rate(date(2024, 2, 1), "EUR", "0.4")],
    )
    reasons = mart_churn_reasons(data, date(2024, 3, 31), VARS)
    # 2023-07: S2 ended (x). 2024-03: S3 ended on Mar 20 (y), while the EUR version, still in
    # force, is worth 0.00: the latest ended version still gives the reason
    assert [(row["month"], row["churn_reason"]) for row in records(reasons, segment="all")] == [
        (date(2023, 7, 1), "x"),
        (date(2024, 3, 1), "y"),
    ]
    tiny = tables(
        customers=[customer("C1")],
        subscriptions=[version("S1", "C1", date(2024, 1, 1), amount="0.01", currency="EUR")],
        fx_rates=[rate(date(2024, 1, 1), "EUR", "1.0"), rate(date(2024, 2, 1), "EUR", "0.4")],
    )
    row = one(mart_churn_reasons(tiny, date(2024, 2, 29), VARS), segment="all")
    assert (row["month"], row["churn_reason"]) == (date(2024, 2, 1), UNSPECIFIED)


def test_churn_reasons_mart_has_only_combinations_with_a_churn_and_shares_add_up() -> None:
    data = tables(
        customers=[customer("A"), customer("B"), customer("C", "enterprise"), customer("D")],
        subscriptions=[
            version("SA", "A", date(2024, 1, 1), date(2024, 3, 2), cancel_reason="budget_cuts"),
            version("SB", "B", date(2024, 1, 1), date(2024, 3, 3), "50", cancel_reason=""),
            version("SC", "C", date(2024, 1, 1), date(2024, 3, 4), cancel_reason="budget_cuts"),
            version("SD", "D", date(2024, 1, 1), None),
        ],
        invoices=[invoice("IC", "C", date(2024, 2, 1), "uncollectible")],
    )
    rows = mart_churn_reasons(data, date(2024, 3, 31), VARS)
    keys = {(row["segment"], row["churn_reason"]) for row in records(rows)}
    assert keys == {
        ("smb", "budget_cuts"),
        ("smb", UNSPECIFIED),
        ("enterprise", "budget_cuts"),
        ("all", "budget_cuts"),
        ("all", UNSPECIFIED),
    }
    assert set(rows["month"]) == {MARCH}
    budget = one(rows, segment="all", churn_reason="budget_cuts")
    assert (budget["customers_churned"], budget["churned_mrr"]) == (2, Decimal("200"))
    assert budget["customers_churned_involuntary"] == 1
    assert budget["share_of_churned_customers"] == Fraction(2, 3)
    for segment in ("smb", "all"):
        shares = [row["share_of_churned_customers"] for row in records(rows, segment=segment)]
        assert sum(shares) == 1
