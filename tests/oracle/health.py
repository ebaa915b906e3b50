"""Account health: grain, trend columns, back-test and component power.

The scoring itself is project-defined (weights and thresholds are dbt vars), so these oracles take
the warehouse's own ``marts.mart_customer_health`` rows as input (``load_inputs`` adds them as
``tables["customer_health"]``) and recompute everything built on them, exactly (``Fraction``).
Churn comes from the oracle's own movements (``Base.movements``, whose churn rows equal
``fct_mrr_movements``'s, checked by that mart's oracle).

Trend (contract): ``health_score_3m_ago`` = the customer's score in m-3, null when it has no row
then; ``health_score_change_3m`` = score - that; ``previous_health_band`` = its band in m-1, null
when none.

Back-test (contract): for every back-test month m, per band (green, yellow, red, all): accounts
(rows of m in the band), churned_within_3m (of those, the customers with a churn movement in m+1,
m+2 or m+3), churn_rate_3m, lift (churn_rate_3m / that of the 'all' row of m) and, on 'all' rows
only, auc = P(score of a churner < score of a non-churner) + 1/2 P(equal scores), null when
either group is empty. Decisions where the contract is silent:

H1  The back-test months are the months that have at least one mart_customer_health row ("every
    month m of mart_customer_health") and whose m+3 is on or before the month of as_of_date. A
    spine month with no active customer has no row in mart_customer_health and so none here.
H2  lift is null when either rate is null or the 'all' rate is 0; on the 'all' row it is 1
    whenever its rate is > 0.
H3  An account that churns and comes back within the 3 months still counts as churned; churn in
    m itself does not count (an account with a health row in m is active in m).

Component power (issue 17; not in the contract — this is the definition the marts follow).
Population: every mart_customer_health row of every back-test month (H1), pooled — an account is
counted once per month it has a row — each labelled churned_within_3m as in the back-test. Then,
one row per component c (``HEALTH_COMPONENTS``; its score column is ``<c>_score``):

* ``account_months``, ``churned_within_3m``: the population and its churned rows (the same on
  every row);
* ``auc``: P(<c>_score of a churned row < <c>_score of a non-churned row) + 1/2 P(equal), over
  every such pair of the population (pairs across months included); null when either group is
  empty — the component's own back-test AUC;
* ``risk_factor_accounts``: the rows whose ``main_risk_factor`` is c; ``risk_factor_churned``: of
  those, the churned ones; ``risk_factor_churn_rate`` = churned / accounts, null when 0;
* ``suggested_weight`` = max(auc - 1/2, 0) / Σ over the components of max(auc - 1/2, 0), a null
  auc counting 0; null on every row when that sum is 0 (no component beats chance).
Limits (for the docs): small populations make the AUC noisy; rows of one account in successive
months are not independent; the weights are fitted on the same months they are judged on
(look-ahead); a component that predicts only with others is not seen alone.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from fractions import Fraction
from typing import Any

import pandas as pd

from tests.oracle.base import Base, OracleVars, customer_health_rows
from tests.oracle.exact import add_months, frame, month_of, safe_div

HEALTH_BANDS = ("green", "yellow", "red")
ALL_BANDS = "all"
HEALTH_COMPONENTS = ("usage", "spend_trend", "support", "sentiment", "payment", "engagement")
HORIZON_MONTHS = 3
TREND_COLUMNS = [
    "month",
    "customer_id",
    "health_score_3m_ago",
    "health_score_change_3m",
    "previous_health_band",
]
BACKTEST_COLUMNS = [
    "month",
    "health_band",
    "accounts",
    "churned_within_3m",
    "churn_rate_3m",
    "lift",
    "auc",
]
COMPONENT_POWER_COLUMNS = [
    "component",
    "account_months",
    "churned_within_3m",
    "auc",
    "risk_factor_accounts",
    "risk_factor_churned",
    "risk_factor_churn_rate",
    "suggested_weight",
]


def customer_health_keys(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """mart_customer_health's grain: one row per active customer (MRR > 0) × spine month."""
    base = Base(tables, as_of_date, oracle_vars)
    rows = [
        {"month": month, "customer_id": customer_id}
        for customer_id, months in sorted(base.mrr.items())
        for month, value in sorted(months.items())
        if value > 0
    ]
    return frame(rows, ["month", "customer_id"])


def auc(churned: Iterable[Any], retained: Iterable[Any]) -> Fraction | None:
    """P(a churned score < a retained score) + 1/2 P(equal), exact; null when a side is empty."""
    lows = [Fraction(score) for score in churned]
    highs = sorted(Fraction(score) for score in retained)
    if not lows or not highs:
        return None
    wins = Fraction(0)
    for score in lows:
        below_or_equal = bisect.bisect_right(highs, score)
        equal = below_or_equal - bisect.bisect_left(highs, score)
        wins += len(highs) - below_or_equal + Fraction(equal, 2)
    return wins / (len(lows) * len(highs))


def _score(row: dict[str, Any], column: str) -> Fraction:
    if column not in row:
        raise KeyError(f"mart_customer_health has no column {column}")
    value = row[column]
    if value is None:
        raise ValueError(f"mart_customer_health {row['month']} {row['customer_id']}: {column} null")
    return Fraction(value)


def mart_customer_health_trend(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """The trend columns of every mart_customer_health row."""
    health = customer_health_rows(tables)
    by_key = {(row["customer_id"], row["month"]): row for row in health}
    rows = []
    for row in health:
        three_ago = by_key.get((row["customer_id"], add_months(row["month"], -3)))
        previous = by_key.get((row["customer_id"], add_months(row["month"], -1)))
        score_then = _score(three_ago, "health_score") if three_ago else None
        rows.append(
            {
                "month": row["month"],
                "customer_id": row["customer_id"],
                "health_score_3m_ago": score_then,
                "health_score_change_3m": (
                    _score(row, "health_score") - score_then if score_then is not None else None
                ),
                "previous_health_band": previous["health_band"] if previous else None,
            }
        )
    return frame(rows, TREND_COLUMNS)


def backtest_population(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> dict[date, list[tuple[dict[str, Any], bool]]]:
    """Per back-test month (H1): its mart_customer_health rows, each with churned_within_3m."""
    base = Base(tables, as_of_date, oracle_vars)
    churn_months: dict[str, set[date]] = defaultdict(set)
    for movement in base.movements:
        if movement["movement"] == "churn":
            churn_months[movement["customer_id"]].add(movement["month"])
    last_month = month_of(as_of_date)
    population: dict[date, list[tuple[dict[str, Any], bool]]] = defaultdict(list)
    for row in customer_health_rows(tables):
        month = row["month"]
        if add_months(month, HORIZON_MONTHS) > last_month:
            continue
        ahead = {add_months(month, k) for k in range(1, HORIZON_MONTHS + 1)}
        population[month].append((row, bool(ahead & churn_months[row["customer_id"]])))
    return dict(sorted(population.items()))


def mart_health_backtest(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """month × health_band (green, yellow, red, all); a band without accounts is zeros."""
    rows = []
    for month, labelled in backtest_population(tables, as_of_date, oracle_vars).items():
        all_rate = safe_div(sum(churned for _, churned in labelled), len(labelled))
        for band in (*HEALTH_BANDS, ALL_BANDS):
            members = [
                (row, churned)
                for row, churned in labelled
                if band == ALL_BANDS or row["health_band"] == band
            ]
            churned_count = sum(churned for _, churned in members)
            rate = safe_div(churned_count, len(members))
            rows.append(
                {
                    "month": month,
                    "health_band": band,
                    "accounts": len(members),
                    "churned_within_3m": churned_count,
                    "churn_rate_3m": rate,
                    "lift": safe_div(rate, all_rate),
                    "auc": _split_auc(members, "health_score") if band == ALL_BANDS else None,
                }
            )
    return frame(rows, BACKTEST_COLUMNS)


def _split_auc(labelled: list[tuple[dict[str, Any], bool]], column: str) -> Fraction | None:
    return auc(
        (_score(row, column) for row, churned in labelled if churned),
        (_score(row, column) for row, churned in labelled if not churned),
    )


def mart_health_component_power(
    tables: dict[str, pd.DataFrame], as_of_date: date, oracle_vars: OracleVars
) -> pd.DataFrame:
    """One row per health component over the pooled back-test account-months (docstring)."""
    pooled = [
        pair
        for labelled in backtest_population(tables, as_of_date, oracle_vars).values()
        for pair in labelled
    ]
    churned_total = sum(churned for _, churned in pooled)
    aucs = {component: _split_auc(pooled, f"{component}_score") for component in HEALTH_COMPONENTS}
    edges = {
        component: max(value - Fraction(1, 2), 0) if value is not None else 0
        for component, value in aucs.items()
    }
    edge_sum = sum(edges.values(), Fraction(0))
    rows = []
    for component in HEALTH_COMPONENTS:
        named = [churned for row, churned in pooled if row["main_risk_factor"] == component]
        rows.append(
            {
                "component": component,
                "account_months": len(pooled),
                "churned_within_3m": churned_total,
                "auc": aucs[component],
                "risk_factor_accounts": len(named),
                "risk_factor_churned": sum(named),
                "risk_factor_churn_rate": safe_div(sum(named), len(named)),
                "suggested_weight": safe_div(edges[component], edge_sum),
            }
        )
    return frame(rows, COMPONENT_POWER_COLUMNS)
