"""Hand-made staging tables for the oracle's unit tests (no warehouse, no dbt).

Values have the types the staging tables hold: dates, naive UTC datetimes, ``Decimal`` amounts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd

from tests.oracle.base import CUSTOMER_HEALTH, STAGING_TABLES, OracleVars

VARS = OracleVars()

COLUMNS = {
    "customers": [
        "customer_id",
        "customer_name",
        "segment",
        "country",
        "industry",
        "signed_up_at",
        "acquisition_channel",
        "referred_by_customer_id",
        "onboarding_completed_at",
        "first_value_at",
    ],
    "plans": ["plan_id", "plan_name", "tier", "billing_interval", "list_price", "currency"],
    "subscriptions": [
        "subscription_id",
        "customer_id",
        "plan_id",
        "valid_from",
        "valid_to",
        "is_trial",
        "seats",
        "recurring_amount",
        "billing_interval",
        "currency",
        "cancel_reason",
    ],
    "invoices": [
        "invoice_id",
        "customer_id",
        "subscription_id",
        "invoice_type",
        "issued_at",
        "due_date",
        "amount",
        "currency",
        "status",
        "paid_at",
    ],
    "fx_rates": ["rate_date", "currency", "usd_per_unit"],
    "expenses": ["expense_id", "expense_month", "cost_type", "category", "amount", "currency"],
    "agents": ["agent_id", "agent_name", "team", "hired_at"],
    "tickets": [
        "ticket_id",
        "customer_id",
        "created_at",
        "first_response_at",
        "resolved_at",
        "status",
        "severity",
        "channel",
        "category",
        "assignee_agent_id",
        "reopened_count",
    ],
    "ticket_interactions": [
        "interaction_id",
        "ticket_id",
        "agent_id",
        "channel",
        "started_at",
        "talk_seconds",
        "hold_seconds",
        "after_work_seconds",
    ],
    "survey_invitations": [
        "invitation_id",
        "customer_id",
        "survey_type",
        "channel",
        "touchpoint",
        "ticket_id",
        "sent_at",
    ],
    "survey_responses": [
        "response_id",
        "invitation_id",
        "customer_id",
        "survey_type",
        "score",
        "responded_at",
        "touchpoint",
        "ticket_id",
        "comment",
    ],
}
HEALTH_COLUMNS = [
    "month",
    "customer_id",
    "health_score",
    "health_band",
    "main_risk_factor",
    "usage_score",
    "spend_trend_score",
    "support_score",
    "sentiment_score",
    "payment_score",
    "engagement_score",
]
PLANS = [
    {"plan_id": plan_id, "plan_name": plan_id, "tier": tier, "billing_interval": "month"}
    | {"list_price": Decimal("10"), "currency": "USD"}
    for plan_id, tier in (("P_STARTER", "starter"), ("P_PRO", "pro"), ("P_ENT", "enterprise"))
]


def customer(customer_id: str, segment: str = "smb", **values: Any) -> dict[str, Any]:
    row = {
        "customer_id": customer_id,
        "customer_name": f"Customer {customer_id}",
        "segment": segment,
        "country": "US",
        "industry": "Software",
        "signed_up_at": datetime(2023, 1, 1),
        "acquisition_channel": "organic",
    }
    return row | values


def version(
    subscription_id: str,
    customer_id: str,
    valid_from: date,
    valid_to: date | None = None,
    amount: str = "100",
    **values: Any,
) -> dict[str, Any]:
    row = {
        "subscription_id": subscription_id,
        "customer_id": customer_id,
        "plan_id": "P_PRO",
        "valid_from": valid_from,
        "valid_to": valid_to,
        "is_trial": False,
        "seats": 1,
        "recurring_amount": Decimal(amount),
        "billing_interval": "month",
        "currency": "USD",
        "cancel_reason": None,
    }
    return row | values


def invoice(
    invoice_id: str, customer_id: str, due_date: date, status: str, **values: Any
) -> dict[str, Any]:
    row = {
        "invoice_id": invoice_id,
        "customer_id": customer_id,
        "subscription_id": None,
        "invoice_type": "invoice",
        "issued_at": datetime.combine(due_date, datetime.min.time()),
        "due_date": due_date,
        "amount": Decimal("100"),
        "currency": "USD",
        "status": status,
        "paid_at": None,
    }
    return row | values


def rate(rate_date: date, currency: str, usd_per_unit: str) -> dict[str, Any]:
    return {"rate_date": rate_date, "currency": currency, "usd_per_unit": Decimal(usd_per_unit)}


def health_row(
    month: date, customer_id: str, score: float, band: str, **values: Any
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "month": month,
        "customer_id": customer_id,
        "health_score": score,
        "health_band": band,
        "main_risk_factor": "usage",
    }
    row |= {column: score for column in HEALTH_COLUMNS if column.endswith("_score")}
    return row | values


def tables(
    customers: Iterable[dict[str, Any]] = (),
    subscriptions: Iterable[dict[str, Any]] = (),
    invoices: Iterable[dict[str, Any]] = (),
    fx_rates: Iterable[dict[str, Any]] = (),
    health: Iterable[dict[str, Any]] | None = None,
) -> dict[str, pd.DataFrame]:
    """Every staging table (empty unless given; plans = ``PLANS``), and the warehouse's
    mart_customer_health rows when ``health`` is given."""
    given = {
        "customers": list(customers),
        "plans": PLANS,
        "subscriptions": list(subscriptions),
        "invoices": list(invoices),
        "fx_rates": list(fx_rates),
    }
    result = {
        name: pd.DataFrame(given.get(name, []), columns=COLUMNS[name], dtype=object)
        for name in STAGING_TABLES
    }
    if health is not None:
        result[CUSTOMER_HEALTH] = pd.DataFrame(list(health), columns=HEALTH_COLUMNS, dtype=object)
    return result


def mixed_book(health: Iterable[dict[str, Any]] | None = None) -> dict[str, pd.DataFrame]:
    """Three currencies with moving rates, every movement, three segments, an involuntary and a
    voluntary churn (2024-01 .. 2024-05)."""
    return tables(
        health=health,
        invoices=[
            invoice("I1", "U1", date(2024, 1, 15), "uncollectible"),
            invoice("I2", "E1", date(2024, 4, 20), "paid", paid_at=datetime(2024, 4, 21)),
        ],
        customers=[
            customer("E1"),
            customer("E2", "enterprise"),
            customer("T1", "mid_market"),
            customer("U1"),
            customer("U2", "enterprise"),
        ],
        subscriptions=[
            version("E1", "E1", date(2024, 1, 1), date(2024, 3, 1), "100", currency="EUR"),
            version("E1", "E1", date(2024, 3, 1), date(2024, 5, 1), "70", currency="EUR")
            | {"cancel_reason": "low_usage"},
            version(
                "E2",
                "E2",
                date(2024, 2, 10),
                None,
                "333.33",
                billing_interval="year",
                currency="EUR",
            ),
            version("T1", "T1", date(2024, 1, 5), date(2024, 4, 1), "5000", currency="TRY"),
            version("T1B", "T1", date(2024, 4, 1), None, "6000", currency="TRY"),
            version("U1", "U1", date(2024, 1, 1), date(2024, 2, 1), "50"),
            version("U1B", "U1", date(2024, 3, 1), None, "60"),
            version("U2", "U2", date(2024, 1, 20), None, "250", billing_interval="quarter"),
        ],
        fx_rates=[
            rate(date(2024, 1, 1), "EUR", "1.08"),
            rate(date(2024, 2, 1), "EUR", "1.07"),
            rate(date(2024, 3, 1), "EUR", "1.1"),
            rate(date(2024, 4, 1), "EUR", "1.09"),
            rate(date(2024, 1, 1), "TRY", "0.033"),
            rate(date(2024, 2, 1), "TRY", "0.032"),
            rate(date(2024, 3, 1), "TRY", "0.031"),
            rate(date(2024, 4, 1), "TRY", "0.0305"),
            rate(date(2024, 5, 1), "TRY", "0.029"),
        ],
    )


def records(frame: pd.DataFrame, **where: Any) -> list[dict[str, Any]]:
    """The rows of an oracle frame whose columns equal ``where``."""
    return [
        row
        for row in frame.to_dict("records")
        if all(row[column] == value for column, value in where.items())
    ]


def one(frame: pd.DataFrame, **where: Any) -> dict[str, Any]:
    found = records(frame, **where)
    assert len(found) == 1, f"{len(found)} rows match {where}"
    return found[0]
