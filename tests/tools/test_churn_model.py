"""The generator's churn models, judged the way a customer-success lead would judge the score.

Each model's dataset (a few hundred customers) is built with dbt into its own warehouse, and the
health back-test is computed independently (tests/oracle/health.py) from the warehouse's own
``mart_customer_health`` scores and the oracle's own churn movements. With ``--churn-model
signals`` accounts go bad before they leave, so the score must predict churn (red lift > 2, AUC
> 0.7); with ``--churn-model random`` nothing predicts churn, so the AUC must stay near 0.5.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import duckdb
import pytest

from tests.dbt_runner import generate_data, isolated_env, run_dbt
from tests.oracle.base import OracleVars, load_inputs
from tests.oracle.health import ALL_BANDS, backtest_population, mart_health_backtest

CUSTOMERS = 400
SEED = 11
# Only what the back-test reads: the health scores and the staging tables the oracle loads.
SELECTION = ["+mart_customer_health", "+int_as_of_date", "staging"]


@dataclass(frozen=True)
class Backtest:
    """Pooled over every back-test month: the score's AUC and the red band's lift."""

    auc: Fraction
    red_lift: Fraction
    red_accounts: int
    churned: int
    account_months: int


def _pooled(tables: dict, as_of, oracle_vars: OracleVars) -> Backtest:
    from tests.oracle.health import auc

    pooled = [
        pair
        for labelled in backtest_population(tables, as_of, oracle_vars).values()
        for pair in labelled
    ]
    churned = [Fraction(row["health_score"]) for row, hit in pooled if hit]
    stayed = [Fraction(row["health_score"]) for row, hit in pooled if not hit]
    red = [hit for row, hit in pooled if row["health_band"] == "red"]
    overall = Fraction(len(churned), len(pooled))
    red_rate = Fraction(sum(red), len(red)) if red else Fraction(0)
    score_auc = auc(churned, stayed)
    assert score_auc is not None, "no churn within 3 months in the back-test months"
    return Backtest(score_auc, red_rate / overall, len(red), len(churned), len(pooled))


def _build(model: str, root: Path) -> tuple[dict, object]:
    raw = generate_data(root / "raw", customers=CUSTOMERS, seed=SEED, churn_model=model)
    env = isolated_env(root, raw)
    built = run_dbt(["run", "--quiet", "-s", *SELECTION], env)
    assert built.returncode == 0, built.output
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        return load_inputs(con)


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict, object]]:
    root = tmp_path_factory.mktemp("churn_model")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {model: pool.submit(_build, model, root / model) for model in ("signals", "random")}
        return {model: future.result() for model, future in futures.items()}


def test_signals_model_makes_the_score_predict_churn(warehouses: dict) -> None:
    tables, as_of = warehouses["signals"]
    result = _pooled(tables, as_of, OracleVars())
    assert result.red_accounts > 0, result
    assert result.red_lift > 2, result
    assert result.auc > Fraction(7, 10), result


def test_random_model_leaves_the_score_at_chance(warehouses: dict) -> None:
    tables, as_of = warehouses["random"]
    result = _pooled(tables, as_of, OracleVars())
    assert result.churned > 20, result
    assert Fraction(35, 100) < result.auc < Fraction(65, 100), result
