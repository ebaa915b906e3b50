"""Inputs and the shared base of every oracle: spine, FX, customer-month MRR, movements.

The readings R1..R8 cited here are listed in ``metrics_oracle``'s docstring.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any

import pandas as pd

from tests.oracle.exact import (
    ZERO_CENTS,
    add_months,
    last_day,
    month_of,
    round_half_away,
    rows_of,
)

SEGMENTS = ("smb", "mid_market", "enterprise")
ALL = "all"
GRID_SEGMENTS = (*SEGMENTS, ALL)
INTERVAL_MONTHS = {"month": 1, "quarter": 3, "year": 12}

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
# The warehouse's own health scores: the health oracles (tests/oracle/health.py) take them as
# input, as the scoring is project-defined. The key is present only when the mart is built.
CUSTOMER_HEALTH = "customer_health"
CUSTOMER_HEALTH_RELATION = ("marts", "mart_customer_health")

MONEY_MOVEMENT_COLUMNS = [
    "starting_mrr",
    "ending_mrr",
    "new_mrr",
    "reactivation_mrr",
    "expansion_mrr",
    "contraction_mrr",
    "churned_mrr",
]
FX_IMPACT = "fx_impact_mrr"
LOGO_COLUMNS = [
    "customers_start",
    "customers_new",
    "customers_reactivated",
    "customers_churned",
    "customers_end",
]


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
    """Read the clean staging tables, the as-of date and, when built, the warehouse's own
    ``marts.mart_customer_health`` (as ``tables["customer_health"]``) from a built warehouse.

    Rows are fetched with ``fetchall`` so that decimals stay ``Decimal`` (``.df()`` would turn
    them into floats) and nulls stay ``None``.
    """
    tables = {
        name: _fetch(con, f"select * from staging.{relation}")
        for name, relation in STAGING_TABLES.items()
    }
    schema, relation = CUSTOMER_HEALTH_RELATION
    built = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, relation],
    ).fetchone()[0]
    if built:
        tables[CUSTOMER_HEALTH] = _fetch(con, f"select * from {schema}.{relation}")
    dates = con.execute("select distinct as_of_date from intermediate.int_as_of_date").fetchall()
    if len(dates) != 1:
        raise ValueError(f"intermediate.int_as_of_date holds {len(dates)} distinct dates")
    return tables, dates[0][0]


def _fetch(con: Any, query: str) -> pd.DataFrame:
    cursor = con.execute(query)
    columns = [column[0] for column in cursor.description]
    return pd.DataFrame(cursor.fetchall(), columns=columns, dtype=object)


def customer_health_rows(tables: dict[str, pd.DataFrame]) -> list[dict[str, Any]]:
    """The warehouse's mart_customer_health rows; a clear error when they were not loaded."""
    if CUSTOMER_HEALTH not in tables:
        schema, relation = CUSTOMER_HEALTH_RELATION
        raise KeyError(
            f"this oracle reads the warehouse's own {schema}.{relation}: load_inputs adds it "
            f'as tables["{CUSTOMER_HEALTH}"] when the warehouse has it'
        )
    return rows_of(tables[CUSTOMER_HEALTH])


# --------------------------------------------------------------------------------------------
# FX and the base
# --------------------------------------------------------------------------------------------


class Fx:
    """R4: latest rate on or before the date, else the earliest after it; USD is 1."""

    def __init__(self, fx_rates: pd.DataFrame) -> None:
        by_currency: dict[str, list[tuple[date, Fraction]]] = defaultdict(list)
        for row in rows_of(fx_rates):
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


class Base:
    """The staging rows (events after as_of_date dropped, R1) and what every mart shares."""

    def __init__(
        self, tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
    ) -> None:
        self.vars = oracle_vars
        self.as_of = as_of_date
        self.as_of_end = datetime.combine(as_of_date + timedelta(days=1), time())
        self.customers = rows_of(tables["customers"])
        self.segment = {row["customer_id"]: row["segment"] for row in self.customers}
        self.plans = {row["plan_id"]: row for row in rows_of(tables["plans"])}
        self.subscriptions = rows_of(tables["subscriptions"])
        self.invoices = rows_of(tables["invoices"])
        self.expenses = rows_of(tables["expenses"])
        self.agents = rows_of(tables["agents"])
        self.fx = Fx(tables["fx_rates"])
        # R1: events after as_of_date are dropped here, once.
        self.tickets = [
            self._ticket_as_of(row)
            for row in rows_of(tables["tickets"])
            if row["created_at"] < self.as_of_end
        ]
        self.ticket_by_id = {row["ticket_id"]: row for row in self.tickets}
        self.interactions = [
            row
            for row in rows_of(tables["ticket_interactions"])
            if row["started_at"] < self.as_of_end
        ]
        self.invitations = [
            row for row in rows_of(tables["survey_invitations"]) if row["sent_at"] < self.as_of_end
        ]
        self.responses = [
            row
            for row in rows_of(tables["survey_responses"])
            if row["responded_at"] < self.as_of_end
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

    def spine_window(self, month: date, length: int) -> list[date]:
        """The months m-(length-1)..m that are in the spine."""
        return [
            add_months(month, -back)
            for back in range(length)
            if add_months(month, -back) in self.spine_set
        ]

    # ----------------------------------------------------------------------------------------
    # Subscription versions and MRR
    # ----------------------------------------------------------------------------------------

    @cached_property
    def paid_versions(self) -> dict[str, list[dict[str, Any]]]:
        """The non-trial subscription versions of each customer."""
        versions: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self.subscriptions:
            if not row["is_trial"]:
                versions[row["customer_id"]].append(row)
        return versions

    def versions_in_force(self, customer_id: str, on: date) -> list[dict[str, Any]]:
        """Non-trial versions with valid_from <= on < valid_to (null valid_to = forever)."""
        return [
            row
            for row in self.paid_versions.get(customer_id, [])
            if row["valid_from"] <= on and (row["valid_to"] is None or on < row["valid_to"])
        ]

    def monthly_usd(self, version: dict[str, Any], rate_on: date) -> Fraction:
        """recurring_amount / interval months, in USD at the rate of ``rate_on``, exact."""
        usd = self.fx.usd(version["recurring_amount"], version["currency"], rate_on)
        return usd / INTERVAL_MONTHS[version["billing_interval"]]

    def _rounded_sum(self, versions: Iterable[dict[str, Any]], rate_on: date) -> Decimal:
        exact = sum((self.monthly_usd(row, rate_on) for row in versions), Fraction(0))
        return round_half_away(exact)

    @cached_property
    def mrr(self) -> dict[str, dict[date, Decimal]]:
        """Customer MRR per spine month (only months with a counted version are stored).

        A version counts in m when valid_from <= s(m) < valid_to (null = forever) and it is not
        a trial; it adds recurring_amount / interval months in USD at the rate of s(m). The
        customer's exact sum is rounded once to cents, half away from zero.
        """
        result: dict[str, dict[date, Decimal]] = {}
        for customer_id in self.paid_versions:
            months: dict[date, Decimal] = {}
            for month in self.spine:
                snapshot = self.snapshot_date(month)
                counted = self.versions_in_force(customer_id, snapshot)
                if counted:
                    months[month] = self._rounded_sum(counted, snapshot)
            result[customer_id] = months
        return result

    def mrr_in(self, customer_id: str, month: date) -> Decimal:
        return self.mrr.get(customer_id, {}).get(month, ZERO_CENTS)

    def mrr_at_prev_rates(self, customer_id: str, month: date) -> Decimal:
        """cur_at_prev_rates: the versions in force at s(m), each converted at the rate of
        s(m-1) (instead of s(m)), summed exactly and rounded to cents like MRR."""
        counted = self.versions_in_force(customer_id, self.snapshot_date(month))
        return self._rounded_sum(counted, self.snapshot_date(add_months(month, -1)))

    # ----------------------------------------------------------------------------------------
    # Movements and logo counts
    # ----------------------------------------------------------------------------------------

    def _movement_rows(self, constant_currency: bool) -> list[dict[str, Any]]:
        rows = []
        for customer_id in sorted(self.mrr):
            previous = ZERO_CENTS  # 0 before the first month
            ever_active = False
            for month in self.spine:
                current = self.mrr_in(customer_id, month)
                if previous > 0 or current > 0:
                    at_prev_rates = current
                    if constant_currency and previous > 0 and current > 0:
                        at_prev_rates = self.mrr_at_prev_rates(customer_id, month)
                    rows.append(
                        movement_row(
                            month,
                            customer_id,
                            self.segment[customer_id],
                            (previous, current, at_prev_rates),
                            ever_active,
                        )
                    )
                ever_active = ever_active or current > 0
                previous = current
        return rows

    @cached_property
    def movements(self) -> list[dict[str, Any]]:
        """The contract's movements (constant currency): one row per customer × spine month
        with starting_mrr > 0 or ending_mrr > 0, with fx_impact_mrr."""
        return self._movement_rows(constant_currency=True)

    @cached_property
    def movements_at_current_rates(self) -> list[dict[str, Any]]:
        """Movements that compare cur (not cur_at_prev_rates) with prev: a rate move reads as
        expansion or contraction and fx_impact_mrr is 0. Same rows, same new / reactivation /
        churn and the same logo counts as ``movements``."""
        return self._movement_rows(constant_currency=False)

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

    def movement_sums(
        self, movements: list[dict[str, Any]], columns: list[str]
    ) -> dict[tuple[date, str], dict[str, Decimal]]:
        """Σ of the money columns of ``movements`` per month × segment (and 'all')."""
        sums: dict[tuple[date, str], dict[str, Decimal]] = defaultdict(
            lambda: dict.fromkeys(columns, ZERO_CENTS)
        )
        for row in movements:
            for segment in self.segments_of(row["customer_id"]):
                bucket = sums[(row["month"], segment)]
                for column in columns:
                    bucket[column] += row[column]
        return sums

    # ----------------------------------------------------------------------------------------
    # Invoices and tickets
    # ----------------------------------------------------------------------------------------

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


def movement_row(
    month: date,
    customer_id: str,
    segment: str,
    amounts_in: tuple[Decimal, Decimal, Decimal],
    ever_active: bool,
) -> dict[str, Any]:
    """The movement of one customer in one month from (prev, cur, cur_at_prev_rates).

    new / reactivation / churn as the contract's table; otherwise cur_at_prev_rates is compared
    with prev (expansion, contraction or retained) and fx_impact_mrr = cur - cur_at_prev_rates.
    Passing cur as cur_at_prev_rates gives the movement at current rates (fx_impact_mrr = 0).
    """
    previous, current, at_prev_rates = amounts_in
    amounts = dict.fromkeys(MONEY_MOVEMENT_COLUMNS[2:], ZERO_CENTS)
    fx_impact = ZERO_CENTS
    if previous == 0:
        movement = "reactivation" if ever_active else "new"
        amounts[f"{movement}_mrr"] = current
    elif current == 0:
        movement = "churn"
        amounts["churned_mrr"] = previous
    else:
        fx_impact = current - at_prev_rates
        if at_prev_rates > previous:
            movement = "expansion"
            amounts["expansion_mrr"] = at_prev_rates - previous
        elif at_prev_rates < previous:
            movement = "contraction"
            amounts["contraction_mrr"] = previous - at_prev_rates
        else:
            movement = "retained"
    return {
        "month": month,
        "customer_id": customer_id,
        "segment": segment,
        "starting_mrr": previous,
        "ending_mrr": current,
        **amounts,
        FX_IMPACT: fx_impact,
        "movement": movement,
    }


def dense(base: Base, segments: Iterable[str] = GRID_SEGMENTS) -> list[tuple[date, str]]:
    return [(month, segment) for month in base.spine for segment in segments]
