"""Value and cost: mart_unit_economics, fct_customer_lifetime."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from fractions import Fraction

import pandas as pd

from tests.oracle.base import ALL, MONEY_MOVEMENT_COLUMNS, Base, OracleVars, dense
from tests.oracle.exact import ZERO_CENTS, frame, mean, month_of, round_half_away, safe_div


def mart_unit_economics(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """Readings:

    * avg_invoice_usd / invoices_per_customer_month are cumulative: every paid (R6) row of
      invoice_type 'invoice' issued before e(m) (no lower bound), in the customer's segment;
      USD at the issue date, exact (R5). Active customer-months = Σ customers_end over the spine
      months <= m.
    * churn_rate_12m = Σ customers_churned / Σ customers_start over the spine months in
      m-11..m; clv, expected_lifetime_months and clv_historical are null when it is null or 0.
    * acquisition_cost / retention_cost: expenses with expense_month in m (and on or before
      as_of_date), USD at the rate of expense_month, exact sum rounded to cents; 0 in a month
      without expenses; null on non-'all' rows (project decision), as are cac, crc,
      clv_to_cac and cac_payback_months. cac / crc divide the published (cent) cost (R5).
    """
    base = Base(tables, as_of_date, oracle_vars)
    margin = oracle_vars.gross_margin
    mrr_sums = base.movement_sums(base.movements, MONEY_MOVEMENT_COLUMNS)
    expenses: dict[tuple[date, str], Fraction] = defaultdict(Fraction)
    for row in base.expenses:
        if row["expense_month"] > as_of_date:
            continue
        month = month_of(row["expense_month"])
        expenses[(month, row["cost_type"])] += base.fx.usd(
            row["amount"], row["currency"], row["expense_month"]
        )
    paid = [row for row in base.paid_invoices if row["invoice_type"] == "invoice"]
    rows = []
    for month, segment in dense(base):
        end_at = base.month_end_at(month)
        customers_new = base.logos(month, segment, "customers_new")
        customers_end = base.logos(month, segment, "customers_end")
        ending_mrr = mrr_sums.get((month, segment), {}).get("ending_mrr", ZERO_CENTS)
        arpa = safe_div(ending_mrr, customers_end)
        window = base.spine_window(month, 12)
        churn_rate_12m = safe_div(
            sum(base.logos(m, segment, "customers_churned") for m in window),
            sum(base.logos(m, segment, "customers_start") for m in window),
        )
        clv = safe_div(arpa * margin, churn_rate_12m) if arpa is not None else None
        in_scope = [
            row["amount_usd"]
            for row in paid
            if row["issued_at"] < end_at and segment in base.segments_of(row["customer_id"])
        ]
        customer_months = sum(
            base.logos(m, segment, "customers_end") for m in base.spine if m <= month
        )
        avg_invoice = mean(in_scope)
        per_customer_month = safe_div(len(in_scope), customer_months)
        lifetime = safe_div(1, churn_rate_12m)
        clv_historical = None
        if None not in (avg_invoice, per_customer_month, lifetime):
            clv_historical = avg_invoice * per_customer_month * lifetime * margin
        row = {
            "month": month,
            "segment": segment,
            "customers_new": customers_new,
            "customers_end": customers_end,
            "arpa": arpa,
            "gross_margin": margin,
            "churn_rate_12m": churn_rate_12m,
            "clv": clv,
            "avg_invoice_usd": avg_invoice,
            "invoices_per_customer_month": per_customer_month,
            "expected_lifetime_months": lifetime,
            "clv_historical": clv_historical,
            "acquisition_cost": None,
            "retention_cost": None,
            "cac": None,
            "clv_to_cac": None,
            "cac_payback_months": None,
            "crc": None,
            "paid_invoices_to_date": len(in_scope),
            "customer_months_to_date": customer_months,
        }
        if segment == ALL:
            acquisition = round_half_away(expenses.get((month, "acquisition"), Fraction(0)))
            retention = round_half_away(expenses.get((month, "retention"), Fraction(0)))
            cac = safe_div(acquisition, customers_new)
            row.update(
                acquisition_cost=acquisition,
                retention_cost=retention,
                cac=cac,
                clv_to_cac=safe_div(clv, cac),
                cac_payback_months=safe_div(cac, arpa * margin if arpa is not None else None),
                crc=safe_div(retention, customers_end),
            )
        rows.append(row)
    return frame(rows, list(rows[0]) if rows else ["month", "segment"])


def fct_customer_lifetime(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """Readings: one row per customer signed up on or before as_of_date (R1), active or not;
    active months are spine months with MRR > 0 (null first/last month and 0 active months for
    a customer never active); current_mrr = MRR in the as-of month; total_paid_usd = exact USD
    sum of paid (R6) invoices and paid credit notes rounded to cents once (R5);
    realised_value = total_paid_usd (published cents) × gross_margin, rounded to cents."""
    base = Base(tables, as_of_date, oracle_vars)
    paid: dict[str, Fraction] = defaultdict(Fraction)
    for row in base.paid_invoices:
        paid[row["customer_id"]] += row["amount_usd"]
    as_of_month = month_of(as_of_date)
    rows = []
    for customer in base.customers:
        if customer["signed_up_at"] >= base.as_of_end:
            continue
        customer_id = customer["customer_id"]
        active = [month for month in base.spine if base.mrr_in(customer_id, month) > 0]
        total_paid = round_half_away(paid.get(customer_id, Fraction(0)))
        rows.append(
            {
                "customer_id": customer_id,
                "segment": customer["segment"],
                "first_active_month": active[0] if active else None,
                "last_active_month": active[-1] if active else None,
                "active_months": len(active),
                "current_mrr": base.mrr_in(customer_id, as_of_month),
                "total_paid_usd": total_paid,
                "realised_value": round_half_away(Fraction(total_paid) * oracle_vars.gross_margin),
            }
        )
    columns = [
        "customer_id",
        "segment",
        "first_active_month",
        "last_active_month",
        "active_months",
        "current_mrr",
        "total_paid_usd",
        "realised_value",
    ]
    return frame(rows, columns)
