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
of the staging rows.

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

import bisect
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any

import pandas as pd

SEGMENTS = ("smb", "mid_market", "enterprise")
ALL = "all"
GRID_SEGMENTS = (*SEGMENTS, ALL)
INTERVAL_MONTHS = {"month": 1, "quarter": 3, "year": 12}
SURVEY_TYPES = ("nps", "csat", "ces")
INVITATION_CHANNELS = ("email", "sms", "in_app", "chat")
ZERO_CENTS = Decimal("0.00")

STAGING_TABLES = {
    "customers": "stg_billing__customers",
    "plans": "stg_billing__plans",
    "subscriptions": "stg_billing__subscriptions",
    "invoices": "stg_billing__invoices",
    "fx_rates": "stg_billing__fx_rates",
    "expenses": "stg_billing__expenses",
    "agents": "stg_support__agents",
    "tickets": "stg_support__tickets",
    "ticket_interactions": "stg_support__ticket_interactions",
    "survey_invitations": "stg_surveys__survey_invitations",
    "survey_responses": "stg_surveys__survey_responses",
}


@dataclass(frozen=True)
class OracleVars:
    """The dbt vars the metrics depend on (defaults of dbt_project.yml)."""

    gross_margin: Fraction = Fraction(4, 5)
    backlog_target_hours: int = 48
    trial_conversion_days: int = 30


# --------------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------------


def load_inputs(con: Any) -> tuple[dict[str, pd.DataFrame], date]:
    """Read the clean staging tables and the as-of date from a built warehouse.

    Rows are fetched with ``fetchall`` so that decimals stay ``Decimal`` (``.df()`` would turn
    them into floats) and nulls stay ``None``.
    """
    tables: dict[str, pd.DataFrame] = {}
    for name, relation in STAGING_TABLES.items():
        cursor = con.execute(f"select * from staging.{relation}")
        columns = [column[0] for column in cursor.description]
        tables[name] = pd.DataFrame(cursor.fetchall(), columns=columns, dtype=object)
    dates = con.execute("select distinct as_of_date from intermediate.int_as_of_date").fetchall()
    if len(dates) != 1:
        raise ValueError(f"intermediate.int_as_of_date holds {len(dates)} distinct dates")
    return tables, dates[0][0]


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    records = frame.to_dict("records")
    return [{key: _none_if_missing(value) for key, value in row.items()} for row in records]


def _none_if_missing(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# --------------------------------------------------------------------------------------------
# Small exact helpers
# --------------------------------------------------------------------------------------------


def round_half_away(value: Fraction | Decimal | int, places: int = 2) -> Decimal:
    """Round exactly to ``places`` decimals, halves away from zero (10.005 -> 10.01)."""
    scaled = Fraction(value) * 10**places
    magnitude = math.floor(abs(scaled) + Fraction(1, 2))
    return Decimal(magnitude if scaled >= 0 else -magnitude).scaleb(-places)


def safe_div(numerator: Any, denominator: Any) -> Fraction | None:
    """numerator / denominator as an exact Fraction; null when either is null or den = 0."""
    if numerator is None or denominator is None:
        return None
    if Fraction(denominator) == 0:
        return None
    return Fraction(numerator) / Fraction(denominator)


def mean(values: Iterable[Any]) -> Fraction | None:
    items = [Fraction(value) for value in values]
    return safe_div(sum(items, Fraction(0)), len(items))


def median(values: Iterable[Any]) -> Fraction | None:
    """Continuous median (percentile_cont 0.5): mean of the two middle values when even."""
    items = sorted(Fraction(value) for value in values)
    if not items:
        return None
    middle = len(items) // 2
    if len(items) % 2:
        return items[middle]
    return (items[middle - 1] + items[middle]) / 2


def hours_between(start: datetime, end: datetime) -> Fraction:
    return Fraction((end - start) // timedelta(microseconds=1), 3600 * 10**6)


def days_between(start: datetime, end: datetime) -> Fraction:
    return Fraction((end - start) // timedelta(microseconds=1), 86400 * 10**6)


def month_of(value: date | datetime) -> date:
    return date(value.year, value.month, 1)


def add_months(month: date, count: int) -> date:
    year, month_index = divmod(month.year * 12 + month.month - 1 + count, 12)
    return date(year, month_index + 1, 1)


def last_day(month: date) -> date:
    return add_months(month, 1) - timedelta(days=1)


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns, dtype=object)


# --------------------------------------------------------------------------------------------
# Shared base: spine, FX, customer-month MRR, movements
# --------------------------------------------------------------------------------------------


class _Fx:
    """R4: latest rate on or before the date, else the earliest after it; USD is 1."""

    def __init__(self, fx_rates: pd.DataFrame) -> None:
        by_currency: dict[str, list[tuple[date, Fraction]]] = defaultdict(list)
        for row in _rows(fx_rates):
            by_currency[row["currency"]].append((row["rate_date"], Fraction(row["usd_per_unit"])))
        self._dates = {cur: [d for d, _ in sorted(rs)] for cur, rs in by_currency.items()}
        self._rates = {cur: [r for _, r in sorted(rs)] for cur, rs in by_currency.items()}

    def rate(self, currency: str, on: date) -> Fraction:
        if currency == "USD":
            return Fraction(1)
        dates = self._dates.get(currency)
        if not dates:
            raise ValueError(f"no fx rate for {currency}: staging should have quarantined it")
        position = bisect.bisect_right(dates, on) - 1
        return self._rates[currency][max(position, 0)]

    def usd(self, amount: Any, currency: str, on: date) -> Fraction:
        return Fraction(amount) * self.rate(currency, on)


class _Base:
    def __init__(
        self, tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
    ) -> None:
        self.vars = oracle_vars
        self.as_of = as_of_date
        self.as_of_end = datetime.combine(as_of_date + timedelta(days=1), time())
        self.customers = _rows(tables["customers"])
        self.segment = {row["customer_id"]: row["segment"] for row in self.customers}
        self.subscriptions = _rows(tables["subscriptions"])
        self.invoices = _rows(tables["invoices"])
        self.expenses = _rows(tables["expenses"])
        self.agents = _rows(tables["agents"])
        self.fx = _Fx(tables["fx_rates"])
        # R1: events after as_of_date are dropped here, once.
        self.tickets = [
            self._ticket_as_of(row)
            for row in _rows(tables["tickets"])
            if row["created_at"] < self.as_of_end
        ]
        self.ticket_by_id = {row["ticket_id"]: row for row in self.tickets}
        self.interactions = [
            row
            for row in _rows(tables["ticket_interactions"])
            if row["started_at"] < self.as_of_end
        ]
        self.invitations = [
            row for row in _rows(tables["survey_invitations"]) if row["sent_at"] < self.as_of_end
        ]
        self.responses = [
            row for row in _rows(tables["survey_responses"]) if row["responded_at"] < self.as_of_end
        ]
        self.spine = self._spine()
        self.spine_set = set(self.spine)

    def _ticket_as_of(self, row: dict[str, Any]) -> dict[str, Any]:
        ticket = dict(row)
        for column in ("first_response_at", "resolved_at"):
            if ticket[column] is not None and ticket[column] >= self.as_of_end:
                ticket[column] = None
        return ticket

    def _spine(self) -> list[date]:
        """Earliest month of subscriptions.valid_from, tickets.created_at and
        survey_responses.responded_at (each on or before as_of_date) to the as-of month."""
        firsts = [
            row["valid_from"] for row in self.subscriptions if row["valid_from"] <= self.as_of
        ]
        firsts += [row["created_at"].date() for row in self.tickets]
        firsts += [row["responded_at"].date() for row in self.responses]
        last = month_of(self.as_of)
        month = month_of(min(firsts)) if firsts else last
        spine = []
        while month <= last:
            spine.append(month)
            month = add_months(month, 1)
        return spine

    def snapshot_date(self, month: date) -> date:
        return min(last_day(month), self.as_of)

    def month_end_at(self, month: date) -> datetime:
        return min(datetime.combine(add_months(month, 1), time()), self.as_of_end)

    def segments_of(self, customer_id: str) -> tuple[str, str]:
        return (self.segment[customer_id], ALL)

    @cached_property
    def mrr(self) -> dict[str, dict[date, Decimal]]:
        """Customer MRR per spine month (only months with a counted version are stored).

        A version counts in m when valid_from <= s(m) < valid_to (null = forever) and it is not
        a trial; it adds recurring_amount / interval months in USD at the rate of s(m). The
        customer's exact sum is rounded once to cents, half away from zero.
        """
        versions: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self.subscriptions:
            if not row["is_trial"]:
                versions[row["customer_id"]].append(row)
        result: dict[str, dict[date, Decimal]] = {}
        for customer_id, rows in versions.items():
            months: dict[date, Decimal] = {}
            for month in self.spine:
                snapshot = self.snapshot_date(month)
                counted = [
                    row
                    for row in rows
                    if row["valid_from"] <= snapshot
                    and (row["valid_to"] is None or snapshot < row["valid_to"])
                ]
                if counted:
                    exact = sum(
                        (
                            self.fx.usd(row["recurring_amount"], row["currency"], snapshot)
                            / INTERVAL_MONTHS[row["billing_interval"]]
                            for row in counted
                        ),
                        Fraction(0),
                    )
                    months[month] = round_half_away(exact)
            result[customer_id] = months
        return result

    def mrr_in(self, customer_id: str, month: date) -> Decimal:
        return self.mrr.get(customer_id, {}).get(month, ZERO_CENTS)

    @cached_property
    def movements(self) -> list[dict[str, Any]]:
        """One row per customer × spine month with starting_mrr > 0 or ending_mrr > 0."""
        rows = []
        for customer_id in sorted(self.mrr):
            previous = ZERO_CENTS  # 0 before the first month
            ever_active = False
            for month in self.spine:
                current = self.mrr_in(customer_id, month)
                if previous > 0 or current > 0:
                    rows.append(
                        _movement(
                            month,
                            customer_id,
                            self.segment[customer_id],
                            previous,
                            current,
                            ever_active,
                        )
                    )
                ever_active = ever_active or current > 0
                previous = current
        return rows

    @cached_property
    def logo_counts(self) -> dict[tuple[date, str], dict[str, int]]:
        """customers_start / new / reactivated / churned / end per month × segment."""
        counts: dict[tuple[date, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for row in self.movements:
            for segment in self.segments_of(row["customer_id"]):
                bucket = counts[(row["month"], segment)]
                bucket["customers_start"] += row["starting_mrr"] > 0
                bucket["customers_end"] += row["ending_mrr"] > 0
                bucket["customers_new"] += row["movement"] == "new"
                bucket["customers_reactivated"] += row["movement"] == "reactivation"
                bucket["customers_churned"] += row["movement"] == "churn"
        return counts

    def logos(self, month: date, segment: str, column: str) -> int:
        bucket = self.logo_counts.get((month, segment))
        return int(bucket[column]) if bucket else 0

    def spine_window(self, month: date, length: int) -> list[date]:
        """The months m-(length-1)..m that are in the spine."""
        return [
            add_months(month, -back)
            for back in range(length)
            if add_months(month, -back) in self.spine_set
        ]

    # R6: paid invoices (and paid credit notes), USD at the issue date, exact (R5).
    @cached_property
    def paid_invoices(self) -> list[dict[str, Any]]:
        rows = []
        for row in self.invoices:
            if row["status"] != "paid" or row["paid_at"] is None:
                continue
            if row["paid_at"] >= self.as_of_end or row["issued_at"] >= self.as_of_end:
                continue
            usd = self.fx.usd(row["amount"], row["currency"], row["issued_at"].date())
            rows.append({**row, "amount_usd": usd})
        return rows

    def ticket_interaction_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for row in self.interactions:
            counts[row["ticket_id"]] += 1
        return counts

    def is_fcr(self, ticket: dict[str, Any], interaction_counts: dict[str, int]) -> bool:
        """First contact resolution: exactly one interaction (on or before as_of_date) and
        reopened_count = 0."""
        return interaction_counts.get(ticket["ticket_id"], 0) == 1 and ticket["reopened_count"] == 0


def _movement(
    month: date,
    customer_id: str,
    segment: str,
    previous: Decimal,
    current: Decimal,
    ever_active: bool,
) -> dict[str, Any]:
    amounts = dict.fromkeys(
        ("new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr"),
        ZERO_CENTS,
    )
    if previous == 0:
        movement = "reactivation" if ever_active else "new"
        amounts[f"{movement}_mrr"] = current
    elif current == 0:
        movement = "churn"
        amounts["churned_mrr"] = previous
    elif current > previous:
        movement = "expansion"
        amounts["expansion_mrr"] = current - previous
    elif current < previous:
        movement = "contraction"
        amounts["contraction_mrr"] = previous - current
    else:
        movement = "retained"
    return {
        "month": month,
        "customer_id": customer_id,
        "segment": segment,
        "starting_mrr": previous,
        "ending_mrr": current,
        **amounts,
        "movement": movement,
    }


MONEY_MOVEMENT_COLUMNS = [
    "starting_mrr",
    "ending_mrr",
    "new_mrr",
    "reactivation_mrr",
    "expansion_mrr",
    "contraction_mrr",
    "churned_mrr",
]


def _dense(base: _Base, segments: Iterable[str] = GRID_SEGMENTS) -> list[tuple[date, str]]:
    return [(month, segment) for month in base.spine for segment in segments]


# --------------------------------------------------------------------------------------------
# Revenue
# --------------------------------------------------------------------------------------------


def fct_mrr_movements(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    base = _Base(tables, as_of_date, oracle_vars)
    columns = ["month", "customer_id", "segment", *MONEY_MOVEMENT_COLUMNS, "movement"]
    return _frame(base.movements, columns)


def _movement_sums(base: _Base) -> dict[tuple[date, str], dict[str, Decimal]]:
    sums: dict[tuple[date, str], dict[str, Decimal]] = defaultdict(
        lambda: dict.fromkeys(MONEY_MOVEMENT_COLUMNS, ZERO_CENTS)
    )
    for row in base.movements:
        for segment in base.segments_of(row["customer_id"]):
            bucket = sums[(row["month"], segment)]
            for column in MONEY_MOVEMENT_COLUMNS:
                bucket[column] += row[column]
    return sums


def mart_revenue_retention(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """nrr_12m / grr_12m: cohort = customers active (MRR > 0) in m-12, in the row's segment;
    null when m-12 precedes the spine, or when the cohort's MRR in m-12 sums to 0."""
    base = _Base(tables, as_of_date, oracle_vars)
    sums = _movement_sums(base)
    rows = []
    for month, segment in _dense(base):
        money = sums.get((month, segment), dict.fromkeys(MONEY_MOVEMENT_COLUMNS, ZERO_CENTS))
        start, end = money["starting_mrr"], money["ending_mrr"]
        churned, contraction = money["churned_mrr"], money["contraction_mrr"]
        expansion = money["expansion_mrr"]
        customers_end = base.logos(month, segment, "customers_end")
        nrr_12m = grr_12m = None
        cohort_month = add_months(month, -12)
        if cohort_month in base.spine_set:
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
            nrr_12m = safe_div(now_sum, then_sum)
            grr_12m = safe_div(floor_sum, then_sum)
        rows.append(
            {
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
        )
    columns = [
        "month",
        "segment",
        *MONEY_MOVEMENT_COLUMNS,
        "arr",
        "gross_revenue_churn_rate",
        "net_revenue_churn_rate",
        "grr",
        "nrr",
        "nrr_12m",
        "grr_12m",
        "arpa",
        "customers_end",
    ]
    return _frame(rows, columns)


LOGO_COLUMNS = [
    "customers_start",
    "customers_new",
    "customers_reactivated",
    "customers_churned",
    "customers_end",
]


def mart_logo_churn(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    base = _Base(tables, as_of_date, oracle_vars)
    rows = []
    for month, segment in _dense(base):
        counts = {column: base.logos(month, segment, column) for column in LOGO_COLUMNS}
        start, end = counts["customers_start"], counts["customers_end"]
        won = counts["customers_new"] + counts["customers_reactivated"]
        rows.append(
            {
                "month": month,
                "segment": segment,
                **counts,
                "logo_churn_rate": safe_div(counts["customers_churned"], start),
                "customer_retention_rate": safe_div(end - won, start),
                "net_customer_churn_rate": safe_div(start - end, start),
            }
        )
    columns = [
        "month",
        "segment",
        *LOGO_COLUMNS,
        "logo_churn_rate",
        "customer_retention_rate",
        "net_customer_churn_rate",
    ]
    return _frame(rows, columns)


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
    base = _Base(tables, as_of_date, oracle_vars)
    margin = oracle_vars.gross_margin
    mrr_sums = _movement_sums(base)
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
    for month, segment in _dense(base):
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
    return _frame(rows, list(rows[0]) if rows else ["month", "segment"])


def fct_customer_lifetime(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """Readings: one row per customer signed up on or before as_of_date (R1), active or not;
    active months are spine months with MRR > 0 (null first/last month and 0 active months for
    a customer never active); current_mrr = MRR in the as-of month; total_paid_usd = exact USD
    sum of paid (R6) invoices and paid credit notes rounded to cents once (R5);
    realised_value = total_paid_usd (published cents) × gross_margin, rounded to cents."""
    base = _Base(tables, as_of_date, oracle_vars)
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
    return _frame(rows, columns)


# --------------------------------------------------------------------------------------------
# Customer experience
# --------------------------------------------------------------------------------------------


def _responses_by_segment(base: _Base, survey_type: str) -> dict[tuple[date, str], list[int]]:
    scores: dict[tuple[date, str], list[int]] = defaultdict(list)
    for row in base.responses:
        if row["survey_type"] != survey_type:
            continue
        for segment in base.segments_of(row["customer_id"]):
            scores[(month_of(row["responded_at"]), segment)].append(row["score"])
    return scores


def mart_nps(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """pct_promoters / pct_detractors are fractions (R7); nps is in points."""
    base = _Base(tables, as_of_date, oracle_vars)
    scores = _responses_by_segment(base, "nps")
    rows = []
    for month, segment in _dense(base):
        values = scores.get((month, segment), [])
        promoters = sum(score >= 9 for score in values)
        passives = sum(7 <= score <= 8 for score in values)
        detractors = sum(score <= 6 for score in values)
        responses = len(values)
        nps = safe_div(100 * (promoters - detractors), responses)
        rows.append(
            {
                "month": month,
                "segment": segment,
                "responses": responses,
                "promoters": promoters,
                "passives": passives,
                "detractors": detractors,
                "pct_promoters": safe_div(promoters, responses),
                "pct_detractors": safe_div(detractors, responses),
                "nps": nps,
            }
        )
    columns = [
        "month",
        "segment",
        "responses",
        "promoters",
        "passives",
        "detractors",
        "pct_promoters",
        "pct_detractors",
        "nps",
    ]
    return _frame(rows, columns)


def mart_customer_experience(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    base = _Base(tables, as_of_date, oracle_vars)
    csat = _responses_by_segment(base, "csat")
    ces = _responses_by_segment(base, "ces")
    rows = []
    for month, segment in _dense(base):
        csat_scores = csat.get((month, segment), [])
        ces_scores = ces.get((month, segment), [])
        satisfied = sum(score >= 4 for score in csat_scores)
        dissatisfied = sum(score <= 2 for score in csat_scores)
        rows.append(
            {
                "month": month,
                "segment": segment,
                "csat_responses": len(csat_scores),
                "csat_avg": mean(csat_scores),
                "csat_pct": safe_div(100 * satisfied, len(csat_scores)),
                "dsat_pct": safe_div(100 * dissatisfied, len(csat_scores)),
                "ces_responses": len(ces_scores),
                "ces_avg": mean(ces_scores),
            }
        )
    columns = [
        "month",
        "segment",
        "csat_responses",
        "csat_avg",
        "csat_pct",
        "dsat_pct",
        "ces_responses",
        "ces_avg",
    ]
    return _frame(rows, columns)


def mart_survey_response_rate(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """Readings: month = the invitation's sent_at month; survey_type and channel are the
    invitation's; responses = response rows (responded on or before as_of_date) whose
    invitation_id names such an invitation; dense grid (R8)."""
    base = _Base(tables, as_of_date, oracle_vars)
    invitations: dict[tuple[date, str, str], int] = defaultdict(int)
    invitation_key: dict[str, tuple[date, str, str]] = {}
    for row in base.invitations:
        key = (month_of(row["sent_at"]), row["survey_type"], row["channel"])
        invitations[key] += 1
        invitation_key[row["invitation_id"]] = key
    responses: dict[tuple[date, str, str], int] = defaultdict(int)
    for row in base.responses:
        key = invitation_key.get(row["invitation_id"]) if row["invitation_id"] else None
        if key is not None:
            responses[key] += 1
    rows = []
    for month in base.spine:
        for survey_type in SURVEY_TYPES:
            for channel in INVITATION_CHANNELS:
                key = (month, survey_type, channel)
                rows.append(
                    {
                        "month": month,
                        "survey_type": survey_type,
                        "channel": channel,
                        "invitations": invitations.get(key, 0),
                        "responses": responses.get(key, 0),
                        "response_rate": safe_div(responses.get(key, 0), invitations.get(key, 0)),
                    }
                )
    columns = ["month", "survey_type", "channel", "invitations", "responses", "response_rate"]
    return _frame(rows, columns)


# --------------------------------------------------------------------------------------------
# Support
# --------------------------------------------------------------------------------------------


def _handle_seconds(row: dict[str, Any]) -> int:
    return row["talk_seconds"] + row["hold_seconds"] + row["after_work_seconds"]


def mart_support_kpis(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """Readings: a first response / resolution after as_of_date has not happened yet (R1);
    interactions are counted in their started_at month, in the segment of their ticket's
    customer; FCR counts the ticket's interactions started on or before as_of_date."""
    base = _Base(tables, as_of_date, oracle_vars)
    interaction_counts = base.ticket_interaction_counts()
    backlog_delta = timedelta(hours=oracle_vars.backlog_target_hours)
    created: dict[tuple[date, str], list[dict[str, Any]]] = defaultdict(list)
    resolved: dict[tuple[date, str], list[dict[str, Any]]] = defaultdict(list)
    for ticket in base.tickets:
        for segment in base.segments_of(ticket["customer_id"]):
            created[(month_of(ticket["created_at"]), segment)].append(ticket)
            if ticket["resolved_at"] is not None:
                resolved[(month_of(ticket["resolved_at"]), segment)].append(ticket)
    handled: dict[tuple[date, str], list[int]] = defaultdict(list)
    for row in base.interactions:
        ticket = base.ticket_by_id.get(row["ticket_id"])
        if ticket is None:  # its ticket is dated after as_of_date (R1)
            continue
        for segment in base.segments_of(ticket["customer_id"]):
            handled[(month_of(row["started_at"]), segment)].append(_handle_seconds(row))
    rows = []
    for month, segment in _dense(base):
        made = created.get((month, segment), [])
        done = resolved.get((month, segment), [])
        seconds = handled.get((month, segment), [])
        first_response = [
            hours_between(ticket["created_at"], ticket["first_response_at"])
            for ticket in made
            if ticket["first_response_at"] is not None
        ]
        end_at = base.month_end_at(month)
        open_at_end = [
            ticket
            for ticket in base.tickets
            if segment in base.segments_of(ticket["customer_id"])
            and ticket["created_at"] < end_at
            and (ticket["resolved_at"] is None or ticket["resolved_at"] >= end_at)
        ]
        fcr_tickets = sum(base.is_fcr(ticket, interaction_counts) for ticket in done)
        customers_end = base.logos(month, segment, "customers_end")
        rows.append(
            {
                "month": month,
                "segment": segment,
                "tickets_created": len(made),
                "customers_end": customers_end,
                "tickets_per_customer": safe_div(len(made), customers_end),
                "first_response_hours_avg": mean(first_response),
                "first_response_hours_median": median(first_response),
                "tickets_resolved": len(done),
                "resolution_hours_avg": mean(
                    hours_between(ticket["created_at"], ticket["resolved_at"]) for ticket in done
                ),
                "fcr_tickets": fcr_tickets,
                "fcr_rate": safe_div(fcr_tickets, len(done)),
                "interactions": len(seconds),
                "handle_seconds": sum(seconds),
                "aht_seconds": safe_div(sum(seconds), len(seconds)),
                "avg_ticket_severity": mean(ticket["severity"] for ticket in made),
                "open_tickets_end": len(open_at_end),
                "backlog_end": sum(
                    ticket["created_at"] < end_at - backlog_delta for ticket in open_at_end
                ),
            }
        )
    return _frame(rows, list(rows[0]) if rows else ["month", "segment"])


def mart_ticket_categories(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """share_of_tickets = the category's tickets created in m / all tickets created in m
    (null when none); resolution_hours_avg over the category's tickets resolved in m;
    grid: spine × every category seen (R8)."""
    base = _Base(tables, as_of_date, oracle_vars)
    categories = sorted({ticket["category"] for ticket in base.tickets})
    created: dict[tuple[date, str], list[dict[str, Any]]] = defaultdict(list)
    resolved: dict[tuple[date, str], list[dict[str, Any]]] = defaultdict(list)
    month_total: dict[date, int] = defaultdict(int)
    for ticket in base.tickets:
        created[(month_of(ticket["created_at"]), ticket["category"])].append(ticket)
        month_total[month_of(ticket["created_at"])] += 1
        if ticket["resolved_at"] is not None:
            resolved[(month_of(ticket["resolved_at"]), ticket["category"])].append(ticket)
    rows = []
    for month in base.spine:
        for category in categories:
            made = created.get((month, category), [])
            done = resolved.get((month, category), [])
            rows.append(
                {
                    "month": month,
                    "category": category,
                    "tickets_created": len(made),
                    "share_of_tickets": safe_div(len(made), month_total.get(month, 0)),
                    "avg_severity": mean(ticket["severity"] for ticket in made),
                    "tickets_resolved": len(done),
                    "resolution_hours_avg": mean(
                        hours_between(ticket["created_at"], ticket["resolved_at"])
                        for ticket in done
                    ),
                }
            )
    columns = [
        "month",
        "category",
        "tickets_created",
        "share_of_tickets",
        "avg_severity",
        "tickets_resolved",
        "resolution_hours_avg",
    ]
    return _frame(rows, columns)


def mart_agent_performance(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """Readings: tickets_resolved / fcr_rate / first_response_hours_avg by the ticket's
    assignee_agent_id (resolved in m, created in m); interactions / aht by the interaction's
    agent_id and started_at month; csat_avg over csat responses responded in m whose ticket_id
    (on the response) is assigned to the agent. Grid: spine × every agent (R8)."""
    base = _Base(tables, as_of_date, oracle_vars)
    interaction_counts = base.ticket_interaction_counts()
    resolved: dict[tuple[date, str], list[dict[str, Any]]] = defaultdict(list)
    created: dict[tuple[date, str], list[dict[str, Any]]] = defaultdict(list)
    for ticket in base.tickets:
        agent_id = ticket["assignee_agent_id"]
        if agent_id is None:
            continue
        created[(month_of(ticket["created_at"]), agent_id)].append(ticket)
        if ticket["resolved_at"] is not None:
            resolved[(month_of(ticket["resolved_at"]), agent_id)].append(ticket)
    handled: dict[tuple[date, str], list[int]] = defaultdict(list)
    for row in base.interactions:
        handled[(month_of(row["started_at"]), row["agent_id"])].append(_handle_seconds(row))
    csat: dict[tuple[date, str], list[int]] = defaultdict(list)
    for row in base.responses:
        ticket = base.ticket_by_id.get(row["ticket_id"]) if row["ticket_id"] else None
        if row["survey_type"] == "csat" and ticket and ticket["assignee_agent_id"]:
            csat[(month_of(row["responded_at"]), ticket["assignee_agent_id"])].append(row["score"])
    rows = []
    for month in base.spine:
        for agent in sorted(base.agents, key=lambda row: row["agent_id"]):
            key = (month, agent["agent_id"])
            done = resolved.get(key, [])
            seconds = handled.get(key, [])
            fcr_tickets = sum(base.is_fcr(ticket, interaction_counts) for ticket in done)
            scores = csat.get(key, [])
            rows.append(
                {
                    "month": month,
                    "agent_id": agent["agent_id"],
                    "agent_name": agent["agent_name"],
                    "team": agent["team"],
                    "tickets_resolved": len(done),
                    "fcr_tickets": fcr_tickets,
                    "fcr_rate": safe_div(fcr_tickets, len(done)),
                    "interactions": len(seconds),
                    "handle_seconds": sum(seconds),
                    "aht_seconds": safe_div(sum(seconds), len(seconds)),
                    "first_response_hours_avg": mean(
                        hours_between(ticket["created_at"], ticket["first_response_at"])
                        for ticket in created.get(key, [])
                        if ticket["first_response_at"] is not None
                    ),
                    "csat_responses": len(scores),
                    "csat_avg": mean(scores),
                }
            )
    columns = [
        "month",
        "agent_id",
        "agent_name",
        "team",
        "tickets_resolved",
        "fcr_tickets",
        "fcr_rate",
        "interactions",
        "handle_seconds",
        "aht_seconds",
        "first_response_hours_avg",
        "csat_responses",
        "csat_avg",
    ]
    return _frame(rows, columns)


# --------------------------------------------------------------------------------------------
# Growth and onboarding
# --------------------------------------------------------------------------------------------


def mart_trial_conversion(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """Readings: a trial ends in m when its valid_to is in m and <= as_of_date (project
    decision); it converted when a non-trial version of the same subscription_id has valid_from
    in [valid_to, valid_to + trial_conversion_days] and valid_from <= as_of_date (R1: a paid
    version starting after as_of_date has not happened yet)."""
    base = _Base(tables, as_of_date, oracle_vars)
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
    return _frame(rows, ["month", "trials_ended", "trials_converted", "trial_to_paid_rate"])


def mart_referrals(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    base = _Base(tables, as_of_date, oracle_vars)
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
    return _frame(rows, ["month", "customers_new", "referred_customers_new", "referral_rate"])


def mart_onboarding(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """Readings: cohort = customers by signed_up_at month (signed up on or before as_of_date);
    onboarded = of those, onboarding_completed_at on or before as_of_date (R1);
    avg_days_to_onboard over the onboarded, avg_days_to_first_value over those with a
    first_value_at on or before as_of_date; fractional days. Grid: spine × segments (R8)."""
    base = _Base(tables, as_of_date, oracle_vars)
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
    for month, segment in _dense(base):
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
    return _frame(rows, columns)


def customer_health_keys(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """mart_customer_health's grain: one row per active customer (MRR > 0) × spine month."""
    base = _Base(tables, as_of_date, oracle_vars)
    rows = [
        {"month": month, "customer_id": customer_id}
        for customer_id, months in sorted(base.mrr.items())
        for month, value in sorted(months.items())
        if value > 0
    ]
    return _frame(rows, ["month", "customer_id"])


# --------------------------------------------------------------------------------------------
# Registry used by the e2e test
# --------------------------------------------------------------------------------------------

Oracle = Callable[[dict[str, pd.DataFrame], date, OracleVars], pd.DataFrame]

MARTS: dict[str, tuple[Oracle, tuple[str, ...], tuple[str, ...]]] = {
    # mart: (oracle, key columns, contract columns that the mart must have)
    "fct_mrr_movements": (
        fct_mrr_movements,
        ("month", "customer_id"),
        ("segment", *MONEY_MOVEMENT_COLUMNS, "movement"),
    ),
    "mart_revenue_retention": (
        mart_revenue_retention,
        ("month", "segment"),
        (
            *MONEY_MOVEMENT_COLUMNS,
            "arr",
            "gross_revenue_churn_rate",
            "net_revenue_churn_rate",
            "grr",
            "nrr",
            "nrr_12m",
            "grr_12m",
            "arpa",
        ),
    ),
    "mart_logo_churn": (
        mart_logo_churn,
        ("month", "segment"),
        (*LOGO_COLUMNS, "logo_churn_rate", "customer_retention_rate", "net_customer_churn_rate"),
    ),
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
}
