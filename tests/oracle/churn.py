"""Churn analysis: involuntary vs voluntary churn, churn reasons, mart_churn_reasons.

The contract's rules, as coded here:

* A customer that churns in m (movement ``churn``) churned **involuntarily** when at s(m) it owes
  money: it has a row of invoice_type ``invoice`` (a credit note never counts) with
  ``due_date < s(m)`` that was not paid by s(m) — status ``open`` or ``uncollectible``, or
  status ``paid`` with the date of ``paid_at`` after s(m) (paid on s(m) itself is paid by s(m)).
  ``void`` owes nothing. Every other churn is **voluntary**.
* Its **churn reason** is the ``cancel_reason`` of its non-trial version with the latest
  ``valid_to`` on or before s(m); ties: the latest ``valid_from``, then the greatest
  ``subscription_id`` (text order). Null or the empty string reads ``unspecified``.

Where the contract is silent (decisions):

C1  A churned customer with no non-trial version whose valid_to is on or before s(m) (possible
    only when its versions still in force at s(m) round to 0.00 USD, e.g. a tiny amount after a
    rate move, or a paid version of amount 0) has reason ``unspecified``.
C2  "Paid (non-trial)" means ``is_trial`` false, whatever the amount: a version of amount 0 can
    be the latest ended one and give the reason.
C3  An invoice with status ``paid`` and no ``paid_at`` (staging forbids it) never owes; an
    invoice's own customer_id decides whose debt it is (its subscription_id is not used);
    its amount and currency do not matter (any unpaid invoice due before s(m) makes the churn
    involuntary); the statuses are read as loaded (today's status), as the contract says.
C4  A reason is not trimmed or case-folded: ``' '`` and ``'Budget'`` are reasons of their own.
C5  mart_churn_reasons rows exist only in spine months (there are no movements elsewhere);
    churned_mrr is the churn rows' churned_mrr (= their starting_mrr), summed exactly.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd

from tests.oracle.base import Base, OracleVars
from tests.oracle.exact import ZERO_CENTS, frame, safe_div

UNSPECIFIED = "unspecified"
OWING_STATUSES = ("open", "uncollectible")
CHURN_REASONS_COLUMNS = [
    "month",
    "segment",
    "churn_reason",
    "customers_churned",
    "churned_mrr",
    "customers_churned_involuntary",
    "share_of_churned_customers",
]


def owes_at(invoice: dict[str, Any], snapshot: date) -> bool:
    """True when ``invoice`` is an invoice due before ``snapshot`` and not paid by it."""
    if invoice["invoice_type"] != "invoice" or not invoice["due_date"] < snapshot:
        return False
    if invoice["status"] in OWING_STATUSES:
        return True
    paid_at = invoice["paid_at"]
    return invoice["status"] == "paid" and paid_at is not None and paid_at.date() > snapshot


def is_involuntary(base: Base, invoices: list[dict[str, Any]], month: date) -> bool:
    """A churn in ``month`` is involuntary when one of the customer's ``invoices`` is owed."""
    snapshot = base.snapshot_date(month)
    return any(owes_at(invoice, snapshot) for invoice in invoices)


def churn_reason(base: Base, customer_id: str, month: date) -> str:
    """cancel_reason of the non-trial version with the latest valid_to <= s(m) (C1, C2)."""
    snapshot = base.snapshot_date(month)
    ended = [
        version
        for version in base.paid_versions.get(customer_id, [])
        if version["valid_to"] is not None and version["valid_to"] <= snapshot
    ]
    if not ended:
        return UNSPECIFIED
    latest = max(
        ended,
        key=lambda version: (
            version["valid_to"],
            version["valid_from"],
            version["subscription_id"],
        ),
    )
    reason = latest["cancel_reason"]
    return reason if reason else UNSPECIFIED


def churns(base: Base) -> list[dict[str, Any]]:
    """Every churn movement with its involuntary flag and churn reason."""
    invoices: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for invoice in base.invoices:
        invoices[invoice["customer_id"]].append(invoice)
    return [
        {
            "month": row["month"],
            "customer_id": row["customer_id"],
            "churned_mrr": row["churned_mrr"],
            "involuntary": is_involuntary(base, invoices[row["customer_id"]], row["month"]),
            "churn_reason": churn_reason(base, row["customer_id"], row["month"]),
        }
        for row in base.movements
        if row["movement"] == "churn"
    ]


def involuntary_sums(base: Base) -> dict[tuple[date, str], tuple[int, Decimal]]:
    """(involuntary churned customers, their churned_mrr) per month × segment (and 'all')."""
    sums: dict[tuple[date, str], tuple[int, Decimal]] = defaultdict(lambda: (0, ZERO_CENTS))
    for churn in churns(base):
        if churn["involuntary"]:
            for segment in base.segments_of(churn["customer_id"]):
                count, money = sums[(churn["month"], segment)]
                sums[(churn["month"], segment)] = (count + 1, money + churn["churned_mrr"])
    return sums


def mart_churn_reasons(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """month × segment × churn_reason, only combinations with >= 1 churned customer (segment
    'all' included); share_of_churned_customers = customers_churned / every customer churned
    in that month and segment."""
    base = Base(tables, as_of_date, oracle_vars)
    groups: dict[tuple[date, str, str], list[dict[str, Any]]] = defaultdict(list)
    churned: dict[tuple[date, str], int] = defaultdict(int)
    for churn in churns(base):
        for segment in base.segments_of(churn["customer_id"]):
            groups[(churn["month"], segment, churn["churn_reason"])].append(churn)
            churned[(churn["month"], segment)] += 1
    rows = [
        {
            "month": month,
            "segment": segment,
            "churn_reason": reason,
            "customers_churned": len(members),
            "churned_mrr": sum((churn["churned_mrr"] for churn in members), ZERO_CENTS),
            "customers_churned_involuntary": sum(churn["involuntary"] for churn in members),
            "share_of_churned_customers": safe_div(len(members), churned[(month, segment)]),
        }
        for (month, segment, reason), members in sorted(groups.items())
    ]
    return frame(rows, CHURN_REASONS_COLUMNS)
