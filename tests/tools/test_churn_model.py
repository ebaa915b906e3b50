"""The generator's churn models (``--churn-model signals|random``, tools/generate_data/risk.py).

On the raw files: payment failures leave churned accounts owing money (involuntary churn), the
cancel reasons include ``payment_failed`` and unrecorded ones, and each model is deterministic.

The property test judges the score the way a customer-success lead would: each model's dataset
(400 customers) is built with dbt into its own warehouse, and the health back-test is computed
independently (tests/oracle/health.py, the contract's ``mart_health_backtest``) from the
warehouse's own ``mart_customer_health`` scores and the oracle's own churn movements. With
``signals`` accounts go bad before they leave, so the score must predict churn (red lift > 2,
AUC > 0.7); with ``random`` nothing it reads predicts churn, so the AUC must stay near 0.5.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.dbt_runner import generate_data, isolated_env, run_dbt
from tests.oracle.base import OracleVars, load_inputs
from tests.oracle.health import mart_health_backtest
from tests.tools.test_generate_data import connect, run_generator

CUSTOMERS = 400
SEED = 11
# Only what the back-test reads: the health scores and the staging tables the oracle loads.
SELECTION = ["+mart_customer_health", "+int_as_of_date", "staging"]
MODELS = ("signals", "random")

# A churned customer's snapshot s(m) and whether it then owes an invoice due before s(m)
# (the contract's involuntary churn), from the raw files: churn = the last paid version of a
# customer ends and no other paid version is in force on that day.
INVOLUNTARY = """
WITH paid AS (SELECT * FROM subscriptions WHERE NOT is_trial),
ends AS (
    SELECT p.customer_id, p.valid_to AS churn_day,
           least(last_day(p.valid_to), DATE '2025-06-30') AS snapshot
    FROM paid p
    WHERE p.valid_to IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM paid q WHERE q.customer_id = p.customer_id
                      AND q.valid_from <= p.valid_to
                      AND (q.valid_to IS NULL OR q.valid_to > p.valid_to)))
SELECT count(*),
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM invoices i
           WHERE i.customer_id = ends.customer_id AND i.invoice_type = 'invoice'
             AND i.due_date < ends.snapshot
             AND (i.status IN ('open', 'uncollectible')
                  OR (i.status = 'paid' AND i.paid_at::DATE > ends.snapshot))))
FROM ends
"""
LAST_VERSION_REASONS = """
SELECT coalesce(cancel_reason, '(none)'), count(*)
FROM (SELECT *, row_number() OVER (PARTITION BY subscription_id ORDER BY valid_from DESC) AS k
      FROM subscriptions WHERE NOT is_trial)
WHERE k = 1 AND valid_to IS NOT NULL
GROUP BY ALL
"""


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("churn_raw")
    return {
        model: run_generator(root / model, "--churn-model", model, customers=300)
        for model in MODELS
    }


def test_payment_failures_make_involuntary_churn(raw: dict[str, Path]) -> None:
    churned, owing = connect(raw["signals"]).execute(INVOLUNTARY).fetchone()
    assert churned > 30
    assert 0.1 < owing / churned < 0.6, (owing, churned)


def test_cancel_reasons_include_payment_failures_and_unrecorded(raw: dict[str, Path]) -> None:
    reasons = dict(connect(raw["signals"]).execute(LAST_VERSION_REASONS).fetchall())
    assert reasons.get("payment_failed", 0) > 0 and reasons.get("(none)", 0) > 0, reasons
    assert len(reasons) >= 6, reasons
    random_reasons = dict(connect(raw["random"]).execute(LAST_VERSION_REASONS).fetchall())
    assert "payment_failed" not in random_reasons, random_reasons


def test_payment_failed_cancellations_left_an_invoice_unpaid(raw: dict[str, Path]) -> None:
    owing = (
        connect(raw["signals"])
        .execute(
            """SELECT count(*), count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM invoices i
               WHERE i.subscription_id = s.subscription_id AND i.invoice_type = 'invoice'
                 AND i.issued_at::DATE < s.valid_to
                 AND (i.status IN ('open', 'uncollectible') OR i.paid_at::DATE > s.valid_to)))
           FROM subscriptions s WHERE cancel_reason = 'payment_failed'"""
        )
        .fetchone()
    )
    assert owing[0] > 0 and owing[0] == owing[1], owing


def test_each_model_is_deterministic_and_they_differ(raw: dict[str, Path], tmp_path: Path) -> None:
    again = run_generator(tmp_path / "again", "--churn-model", "random", customers=300)
    for table in ("subscriptions", "invoices", "tickets", "survey_responses", "product_usage"):
        name = f"{table}.csv"
        assert (again / name).read_bytes() == (raw["random"] / name).read_bytes(), name
    assert (raw["signals"] / "tickets.csv").read_bytes() != (
        raw["random"] / "tickets.csv"
    ).read_bytes()


def test_unknown_churn_model_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        run_generator(tmp_path / "bad", "--churn-model", "magic")
    assert "--churn-model" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# The health back-test on a dbt build of each model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backtest:
    """Over every back-test month of the contract's mart_health_backtest (computed here)."""

    mean_auc: Fraction  # the mean of the monthly AUCs
    red_lift: Fraction  # Σ churned / Σ accounts of the red rows, over that of the all rows
    red_accounts: int
    churned: int
    months: int


def _backtest(tables: dict[str, pd.DataFrame], as_of: date) -> Backtest:
    rows = mart_health_backtest(tables, as_of, OracleVars()).to_dict("records")
    every = [row for row in rows if row["health_band"] == "all"]
    red = [row for row in rows if row["health_band"] == "red"]
    aucs = [Fraction(row["auc"]) for row in every if row["auc"] is not None]
    assert aucs, "no back-test month has churners and non-churners"

    def rate(selected: list[dict]) -> Fraction:
        accounts = sum(row["accounts"] for row in selected)
        return Fraction(sum(row["churned_within_3m"] for row in selected), max(accounts, 1))

    return Backtest(
        mean_auc=sum(aucs, Fraction(0)) / len(aucs),
        red_lift=rate(red) / rate(every),
        red_accounts=sum(row["accounts"] for row in red),
        churned=sum(row["churned_within_3m"] for row in every),
        months=len(every),
    )


def _build(model: str, root: Path) -> tuple[dict[str, pd.DataFrame], date]:
    raw_dir = generate_data(root / "raw", customers=CUSTOMERS, seed=SEED, churn_model=model)
    env = isolated_env(root, raw_dir)
    built = run_dbt(["run", "--quiet", "-s", *SELECTION], env)
    assert built.returncode == 0, built.output
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        return load_inputs(con)


@pytest.fixture(scope="module")
def backtests(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Backtest]:
    root = tmp_path_factory.mktemp("churn_model")
    with ThreadPoolExecutor(max_workers=len(MODELS)) as pool:
        futures = {model: pool.submit(_build, model, root / model) for model in MODELS}
        return {model: _backtest(*future.result()) for model, future in futures.items()}


def test_signals_model_makes_the_score_predict_churn(backtests: dict[str, Backtest]) -> None:
    result = backtests["signals"]
    assert result.months >= 20 and result.red_accounts > 20, result
    assert result.red_lift > 2, result
    assert result.mean_auc > Fraction(7, 10), result


def test_random_model_leaves_the_score_at_chance(backtests: dict[str, Backtest]) -> None:
    result = backtests["random"]
    assert result.months >= 20 and result.churned > 50, result
    assert Fraction(35, 100) < result.mean_auc < Fraction(65, 100), result
