"""End to end: every public mart against an independent computation of metrics.md.

Two datasets are built once each (in parallel, ``dbt build`` with an explicit as_of_date):

* ``generated``: ``tools.generate_data --customers 150 --seed 3``, as of 2025-06-15 (the data
  runs to 2025-06-30, so half a month of rows is dated after as_of_date);
* ``edge``: a small hand-made dataset of traps (``tests/e2e/edge_dataset.py``).

The oracle (``tests/oracle/metrics_oracle.py``) reads the clean staging tables of the built
warehouse and recomputes each mart from the contract text. Comparison, row by row on the mart's
grain: same keys, counts equal, decimal columns equal to their scale (money to the cent, the
oracle rounding half away from zero), doubles within 1e-9 relative, nulls where the oracle has
nulls. A mart that does not exist yet is skipped; any mismatch fails.
"""

from __future__ import annotations

import math
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from tests.dbt_runner import DbtRun, generate_data, isolated_env, run_dbt
from tests.e2e.edge_dataset import write_edge_dataset
from tests.oracle import metrics_oracle as oracle

GENERATED_AS_OF = "2025-06-15"
EDGE_AS_OF = "2024-07-20"
DATASETS = ("generated", "edge")
UNIT_TESTS_IN = "generated"
ORACLE_VARS = oracle.OracleVars(
    gross_margin=Fraction("0.8"), backlog_target_hours=48, trial_conversion_days=30
)
MAX_EXAMPLES = 4


# --------------------------------------------------------------------------------------------
# Builds
# --------------------------------------------------------------------------------------------


@dataclass
class Build:
    name: str
    as_of: str
    workdir: Path
    build: DbtRun
    rerun: DbtRun | None

    @property
    def warehouse(self) -> Path:
        return self.workdir / "warehouse.duckdb"

    def connect(self) -> duckdb.DuckDBPyConnection:
        if not self.warehouse.exists():
            pytest.fail(f"no warehouse was built for {self.name}:\n{_tail(self.build.output)}")
        return duckdb.connect(str(self.warehouse), read_only=True)

    @cached_property
    def inputs(self) -> tuple[dict[str, pd.DataFrame], date]:
        with self.connect() as con:
            return oracle.load_inputs(con)

    def relation_columns(self, relation: str) -> dict[str, str]:
        with self.connect() as con:
            rows = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'marts' and table_name = ? order by ordinal_position",
                [relation],
            ).fetchall()
        return dict(rows)

    def fetch(self, relation: str) -> list[dict[str, Any]]:
        with self.connect() as con:
            cursor = con.execute(f"select * from marts.{relation}")
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _build(name: str, raw_dir: Path, workdir: Path, as_of: str) -> Build:
    env = isolated_env(workdir, raw_dir)
    as_of_var = f"{{as_of_date: '{as_of}'}}"
    # The dbt unit tests have fixed inputs: they run once, in the generated dataset's build.
    unit_tests = [] if name == UNIT_TESTS_IN else ["--exclude-resource-type", "unit_test"]
    build = run_dbt(["build", "--vars", as_of_var, *unit_tests], env)
    # A failing dbt test skips everything downstream of it. test_dbt_build_succeeds reports
    # that; `dbt run` then still materialises the marts so that the figures can be compared.
    rerun = None if build.returncode == 0 else run_dbt(["run", "--vars", as_of_var], env)
    return Build(name, as_of, workdir, build, rerun)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Build]:
    root = tmp_path_factory.mktemp("oracle")
    raw = {
        "generated": generate_data(root / "generated_raw", customers=150, seed=3),
        "edge": write_edge_dataset(root / "edge_raw"),
    }
    as_of = {"generated": GENERATED_AS_OF, "edge": EDGE_AS_OF}
    with ThreadPoolExecutor(max_workers=len(DATASETS)) as pool:
        futures = {
            name: pool.submit(_build, name, raw[name], root / f"{name}_build", as_of[name])
            for name in DATASETS
        }
        return {name: future.result() for name, future in futures.items()}


def _tail(output: str, lines: int = 40) -> str:
    """The end of a dbt log: from its summary ("Completed with ...") when there is one."""
    log = output.splitlines()
    starts = [index for index, line in enumerate(log) if "Completed with" in line]
    return "\n".join(log[starts[-1] :] if starts else log[-lines:])


# --------------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------------


def _is_null(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal | Fraction) and not isinstance(value, bool)


def values_match(expected: Any, actual: Any, data_type: str) -> bool:
    """Decimal columns: the oracle's exact value rounded (half away from zero) to the column's
    scale must be equal; doubles: 1e-9 relative; integers, dates and text: equal."""
    if _is_null(expected) or _is_null(actual):
        return _is_null(expected) and _is_null(actual)
    if not (_is_number(expected) and _is_number(actual)):
        return expected == actual
    data_type = data_type.upper()
    if data_type.startswith("DECIMAL"):
        scale = int(data_type.rstrip(")").split(",")[1])
        return Fraction(actual) == Fraction(oracle.round_half_away(Fraction(expected), scale))
    if data_type in ("DOUBLE", "FLOAT", "REAL"):
        return math.isclose(float(actual), float(Fraction(expected)), rel_tol=1e-9, abs_tol=1e-12)
    return Fraction(actual) == Fraction(expected)


def _show(value: Any) -> str:
    if isinstance(value, Fraction):
        return f"{float(value)!r}"
    return repr(value)


def compare(
    expected: pd.DataFrame,
    actual: list[dict[str, Any]],
    types: dict[str, str],
    keys: tuple[str, ...],
    required: tuple[str, ...],
) -> list[str]:
    """Problems found, as readable lines (empty = the mart matches the oracle)."""
    missing_columns = [column for column in (*keys, *required) if column not in types]
    if missing_columns:
        return [f"mart lacks contract columns {missing_columns}"]
    problems: list[str] = []
    expected_rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in expected.to_dict("records"):
        expected_rows[tuple(row[key] for key in keys)] = row
    actual_rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    duplicates = []
    for row in actual:
        key = tuple(row[column] for column in keys)
        if key in actual_rows:
            duplicates.append(key)
        actual_rows[key] = row
    if duplicates:
        problems.append(f"{len(duplicates)} duplicate keys, e.g. {duplicates[:MAX_EXAMPLES]}")
    missing = sorted(set(expected_rows) - set(actual_rows), key=repr)
    extra = sorted(set(actual_rows) - set(expected_rows), key=repr)
    if missing:
        problems.append(
            f"{len(missing)} oracle keys missing in mart, e.g. {missing[:MAX_EXAMPLES]}"
        )
    if extra:
        problems.append(f"{len(extra)} mart keys not in oracle, e.g. {extra[:MAX_EXAMPLES]}")
    columns = [c for c in expected.columns if c in types and c not in keys]
    differences: dict[str, list[str]] = defaultdict(list)
    for key in sorted(set(expected_rows) & set(actual_rows), key=repr):
        for column in columns:
            want, got = expected_rows[key][column], actual_rows[key][column]
            if not values_match(want, got, types[column]):
                differences[column].append(f"{key}: oracle {_show(want)} mart {_show(got)}")
    for column, lines in differences.items():
        problems.append(f"{column} ({types[column]}): {len(lines)} rows differ")
        problems.extend(f"    {line}" for line in lines[:MAX_EXAMPLES])
    return problems


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", DATASETS)
def test_dbt_build_succeeds(builds: dict[str, Build], dataset: str) -> None:
    build = builds[dataset]
    assert build.build.returncode == 0, _tail(build.build.output)


@pytest.mark.parametrize("dataset", DATASETS)
def test_as_of_date_is_one_row_with_the_configured_date(
    builds: dict[str, Build], dataset: str
) -> None:
    with builds[dataset].connect() as con:
        rows = con.execute("select as_of_date from intermediate.int_as_of_date").fetchall()
    assert rows == [(date.fromisoformat(builds[dataset].as_of),)]


def test_edge_dataset_is_clean(builds: dict[str, Build]) -> None:
    """Every hand-made trap must reach staging, or the oracle comparison proves nothing."""
    with builds["edge"].connect() as con:
        quarantined = con.execute(
            "select source_table, row_key, reason from audit.quarantined_rows"
        ).fetchall()
    assert quarantined == []


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("mart", list(oracle.MARTS))
def test_mart_matches_oracle(builds: dict[str, Build], dataset: str, mart: str) -> None:
    build = builds[dataset]
    types = build.relation_columns(mart)
    if not types:
        pytest.skip("mart not built yet")
    compute, keys, required = oracle.MARTS[mart]
    tables, as_of_date = build.inputs
    expected = compute(tables, as_of_date, ORACLE_VARS)
    problems = compare(expected, build.fetch(mart), types, keys, required)
    assert not problems, f"marts.{mart} ({dataset}) differs from the oracle:\n" + "\n".join(
        problems
    )


@pytest.mark.parametrize("dataset", DATASETS)
def test_customer_health_grain_and_score_ranges(builds: dict[str, Build], dataset: str) -> None:
    """Scoring is project-defined: only its grain (active customer × month) and that every
    score is within [0, 100] are checked."""
    build = builds[dataset]
    types = build.relation_columns("mart_customer_health")
    if not types:
        pytest.skip("mart not built yet")
    tables, as_of_date = build.inputs
    expected = oracle.customer_health_keys(tables, as_of_date, ORACLE_VARS)
    rows = build.fetch("mart_customer_health")
    actual_keys = [(row["month"], row["customer_id"]) for row in rows]
    assert len(actual_keys) == len(set(actual_keys)), "duplicate (month, customer_id)"
    expected_keys = set(zip(expected["month"], expected["customer_id"], strict=True))
    assert not expected_keys - set(actual_keys), "active customer-months missing"
    assert not set(actual_keys) - expected_keys, "rows for customer-months that are not active"
    score_columns = [  # latest_nps_score / latest_csat_score are raw survey answers
        column for column in types if column.endswith("_score") and not column.startswith("latest_")
    ]
    assert "health_score" in score_columns
    bad = [
        (row["month"], row["customer_id"], column, row[column])
        for row in rows
        for column in score_columns
        if _is_null(row[column]) or not 0 <= row[column] <= 100
    ]
    assert not bad, f"scores outside [0, 100] or null: {bad[:10]}"
