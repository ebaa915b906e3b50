"""Oracle: every public mart of the metric definitions (docs/metrics.md), in plain Python.

Written from the contract text only (not from the project's intermediate or mart SQL). Its input
is the clean staging tables (``staging.stg_*``: quarantine is not re-implemented) and the as-of
date; everything after staging is computed here, row by row, in exact arithmetic:

* money is ``decimal.Decimal`` / ``fractions.Fraction`` (never float); customer MRR is rounded to
  cents half away from zero; FX conversion is exact (``amount * usd_per_unit``);
* every rate, mean and ratio is an exact ``Fraction`` (the comparison converts it to float, or
  rounds it to the scale of a decimal column);
* ``None`` is a null (e.g. a rate whose denominator is 0).

One function per public mart, ``mart(tables, as_of_date, oracle_vars) -> DataFrame`` with the
contract's columns (plus a few obvious extras such as ``customers_end``, compared only when the
mart has them). ``tables`` maps short names (``customers``, ``subscriptions`` ...) to DataFrames
of the staging rows, plus the warehouse's own ``mart_customer_health`` (``customer_health``),
the input of the health oracles.

This module is the entry point and the registry; the oracles live in the package:

* ``exact``: exact rounding, ratios, means, calendar helpers;
* ``base``: inputs (``load_inputs``), FX, spine, customer-month MRR, movements (at constant
  currency, and at current rates), logo counts;
* ``revenue``: fct_mrr_movements, mart_revenue_retention, mart_logo_churn;
* ``churn``: involuntary / voluntary churn, churn reasons, mart_churn_reasons;
* ``cohorts``: mart_cohort_retention; ``customers``: dim_customers;
* ``value``: mart_unit_economics, fct_customer_lifetime;
* ``experience``, ``support``, ``growth``: the other marts;
* ``health``: mart_customer_health's grain and trend, mart_health_backtest, component power.

Registry: ``MARTS``, every public mart the e2e test compares (the revenue marts at constant
currency with involuntary churn). ``builders`` and the ``test_oracle_*`` modules test the oracle
itself on hand-made cases, without dbt.

Each module's docstring states its decisions where the contract is silent (F1.., C1.., K1.., D1..,
H1..).

Readings of the contract (where it is loose; each is repeated next to the code it drives):

R1  "Anything dated after as_of_date is ignored": an event timestamp ``t`` counts only when
    ``t < as_of_end`` (the first instant of the day after as_of_date), a date ``d`` only when
    ``d <= as_of_date``. A ``first_response_at`` / ``resolved_at`` / ``onboarding_completed_at``
    / ``paid_at`` after it is treated as not having happened yet (null).
R2  Segment of anything customer-related (tickets, interactions via their ticket, responses,
    invoices) is the customer's ``segment`` from customers; 'all' rows cover every customer.
R3  A customer is active in m when its *rounded* MRR is > 0 (a version worth 0.004 USD a month
    does not make a logo).
R4  FX: USD is always 1; other currencies use the latest rate on or before the valuation date,
    else the earliest after it. MRR is valued at s(m), an invoice at the date of issued_at, an
    expense at its expense_month (the first day of the month).
R5  Invoice and expense USD amounts are converted exactly and NOT rounded per row; a published
    sum (acquisition_cost, retention_cost, total_paid_usd) is the exact sum rounded to cents
    once. Ratios built on such a published sum (cac, crc, realised_value) use the published
    (cent-rounded) value, so that the mart's own columns satisfy the formula.
R6  Paid invoice (project decision): status = 'paid' and paid_at <= as_of_date (R1), and
    issued_at on or before as_of_date.
R7  pct_promoters / pct_detractors are fractions (0.25 = 25 %): the conventions list only NPS,
    CSAT% and DSAT% as 0-100 points.
R8  Dense grids: every month × segment mart has spine × {smb, mid_market, enterprise, all};
    month-only marts have every spine month; mart_survey_response_rate has spine ×
    {nps, csat, ces} × {email, sms, in_app, chat}; mart_agent_performance has spine × every
    agent; mart_ticket_categories has spine × every category of a ticket created on or before
    as_of_date. Events in months outside the spine (e.g. a signup before the first spine month)
    appear in no row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd

from tests.oracle.base import OracleVars, load_inputs
from tests.oracle.churn import CHURN_REASONS_COLUMNS, mart_churn_reasons
from tests.oracle.cohorts import COHORT_RETENTION_COLUMNS, mart_cohort_retention
from tests.oracle.customers import DIM_CUSTOMERS_COLUMNS, dim_customers
from tests.oracle.exact import round_half_away, safe_div
from tests.oracle.experience import mart_customer_experience, mart_nps, mart_survey_response_rate
from tests.oracle.growth import mart_onboarding, mart_referrals, mart_trial_conversion
from tests.oracle.health import (
    BACKTEST_COLUMNS,
    COMPONENT_POWER_COLUMNS,
    TREND_COLUMNS,
    auc,
    customer_health_keys,
    mart_customer_health_trend,
    mart_health_backtest,
    mart_health_component_power,
)
from tests.oracle.revenue import (
    LOGO_CHURN_COLUMNS,
    MOVEMENT_COLUMNS,
    RETENTION_COLUMNS,
    fct_mrr_movements_constant_currency,
    mart_logo_churn,
    mart_revenue_retention_constant_currency,
)
from tests.oracle.support import mart_agent_performance, mart_support_kpis, mart_ticket_categories
from tests.oracle.value import fct_customer_lifetime, mart_unit_economics

Oracle = Callable[[dict[str, pd.DataFrame], date, OracleVars], pd.DataFrame]
RegistryEntry = tuple[Oracle, tuple[str, ...], tuple[str, ...]]
Registry = dict[str, RegistryEntry]


def _entry(oracle: Oracle, keys: tuple[str, ...], columns: list[str]) -> RegistryEntry:
    """A registry entry: the oracle, the mart's key and its other contract columns."""
    return oracle, keys, tuple(column for column in columns if column not in keys)


# What the warehouse publishes today, every entry compared by tests/e2e/test_metrics_oracle.py.
MARTS: Registry = {
    # mart: (oracle, key columns, contract columns that the mart must have)
    "fct_mrr_movements": _entry(
        fct_mrr_movements_constant_currency, ("month", "customer_id"), MOVEMENT_COLUMNS
    ),
    "mart_revenue_retention": _entry(
        mart_revenue_retention_constant_currency, ("month", "segment"), RETENTION_COLUMNS
    ),
    "mart_logo_churn": _entry(mart_logo_churn, ("month", "segment"), LOGO_CHURN_COLUMNS),
    "mart_unit_economics": (
        mart_unit_economics,
        ("month", "segment"),
        (
            "arpa",
            "gross_margin",
            "churn_rate_12m",
            "clv",
            "avg_invoice_usd",
            "invoices_per_customer_month",
            "expected_lifetime_months",
            "clv_historical",
            "acquisition_cost",
            "retention_cost",
            "cac",
            "clv_to_cac",
            "cac_payback_months",
            "crc",
        ),
    ),
    "fct_customer_lifetime": (
        fct_customer_lifetime,
        ("customer_id",),
        (
            "segment",
            "first_active_month",
            "last_active_month",
            "active_months",
            "current_mrr",
            "total_paid_usd",
            "realised_value",
        ),
    ),
    "mart_nps": (
        mart_nps,
        ("month", "segment"),
        (
            "responses",
            "promoters",
            "passives",
            "detractors",
            "pct_promoters",
            "pct_detractors",
            "nps",
        ),
    ),
    "mart_customer_experience": (
        mart_customer_experience,
        ("month", "segment"),
        ("csat_responses", "csat_avg", "csat_pct", "dsat_pct", "ces_responses", "ces_avg"),
    ),
    "mart_survey_response_rate": (
        mart_survey_response_rate,
        ("month", "survey_type", "channel"),
        ("invitations", "responses", "response_rate"),
    ),
    "mart_support_kpis": (
        mart_support_kpis,
        ("month", "segment"),
        (
            "tickets_created",
            "tickets_per_customer",
            "first_response_hours_avg",
            "first_response_hours_median",
            "tickets_resolved",
            "resolution_hours_avg",
            "fcr_rate",
            "interactions",
            "aht_seconds",
            "avg_ticket_severity",
            "open_tickets_end",
            "backlog_end",
        ),
    ),
    "mart_ticket_categories": (
        mart_ticket_categories,
        ("month", "category"),
        ("tickets_created", "share_of_tickets", "avg_severity", "resolution_hours_avg"),
    ),
    "mart_agent_performance": (
        mart_agent_performance,
        ("month", "agent_id"),
        (
            "team",
            "tickets_resolved",
            "fcr_rate",
            "interactions",
            "aht_seconds",
            "first_response_hours_avg",
            "csat_avg",
        ),
    ),
    "mart_trial_conversion": (
        mart_trial_conversion,
        ("month",),
        ("trials_ended", "trials_converted", "trial_to_paid_rate"),
    ),
    "mart_referrals": (
        mart_referrals,
        ("month",),
        ("customers_new", "referred_customers_new", "referral_rate"),
    ),
    "mart_onboarding": (
        mart_onboarding,
        ("month", "segment"),
        ("signups", "onboarded", "avg_days_to_onboard", "avg_days_to_first_value"),
    ),
    # the health trend, back-test and component power, recomputed from the warehouse's own scores
    "mart_customer_health": _entry(
        mart_customer_health_trend, ("month", "customer_id"), TREND_COLUMNS
    ),
    "mart_health_backtest": _entry(
        mart_health_backtest, ("month", "health_band"), BACKTEST_COLUMNS
    ),
    "mart_health_component_power": _entry(
        mart_health_component_power, ("component",), COMPONENT_POWER_COLUMNS
    ),
    "mart_churn_reasons": _entry(
        mart_churn_reasons, ("month", "segment", "churn_reason"), CHURN_REASONS_COLUMNS
    ),
    "mart_cohort_retention": _entry(
        mart_cohort_retention,
        ("cohort_month", "months_since_start", "segment"),
        COHORT_RETENTION_COLUMNS,
    ),
    "dim_customers": _entry(dim_customers, ("customer_id",), DIM_CUSTOMERS_COLUMNS),
}

__all__ = [
    "MARTS",
    "Oracle",
    "OracleVars",
    "auc",
    "customer_health_keys",
    "load_inputs",
    "round_half_away",
    "safe_div",
]
