"""End to end: the same dbt project on Apache Spark (dbt-spark, session method) equals DuckDB.

The bundled sample (seeds/) is built twice, once per engine, at the same time, in one
module-scoped fixture:

* DuckDB: ``dbt run`` (its data and unit tests already run in the other end-to-end tests);
* Spark: ``dbt build --target spark`` into a fresh ``CS_SPARK_DIR`` (metastore and Parquet
  tables): every model, the singular tests and the multi-row generic tests of the marts and the
  audit relations (SPARK_BUILD), while the Python process and the JVM it starts are sampled for
  their peak resident memory.

Every public mart (schema ``marts``), ``audit.row_reconciliation`` and ``audit.quarantined_rows``
are then compared row by row: the Spark tables are read straight from their Parquet files, the
rows matched on their non-float columns, decimals and texts equal, doubles within 1e-9 relative.
"""

from __future__ import annotations

import contextlib
import math
import shutil
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import psutil
import pytest

from tests.dbt_runner import DBT, PROJECT_DIR, isolated_env, run_dbt

AS_OF = "2025-06-30"
REL_TOL = 1e-9
MAX_EXAMPLES = 4
# The dbt unit tests are engine-independent logic checks that already run on DuckDB; the Spark
# build here runs every model, the singular tests and the project's own generic tests of the
# published layers (grids, identities, grains, expressions: SQL of this project's macros, which
# must run on Spark too). Left out for time, as each costs Spark about a second whatever the data:
# the data tests of staging and intermediate (their output reaches the compared tables), and the
# tests of values row by row (`cs_follows_column_rules`, `unique`, `relationships`), which the
# row-by-row equality with DuckDB covers. `dbt build --target spark` with no exclusions runs them
# all, unit tests included.
SPARK_BUILD = [
    "build",
    "--target",
    "spark",
    "--exclude-resource-type",
    "unit_test",
    "--exclude",
    "test_type:generic,fqn:staging",
    "test_type:generic,fqn:intermediate",
    "test_name:cs_follows_column_rules",
    "test_name:unique",
    "test_name:relationships",
    # only tests declared in those folders' YAML: not a mart's test that also reads them
    "--indirect-selection",
    "cautious",
]

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None, reason="Spark needs Java 17+ on the PATH (docs/spark.md)"
)


@dataclass(frozen=True)
class SparkRun:
    returncode: int
    output: str
    seconds: float
    peak_rss_bytes: int


def _tree_rss(process: psutil.Process) -> int:
    """Resident memory of a process and all its descendants (the JVM is a child of dbt)."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


def run_dbt_measured(args: list[str], env: dict[str, str]) -> SparkRun:
    """Run dbt, sampling the peak resident memory of its whole process tree twice a second."""
    started = time.monotonic()
    with subprocess.Popen(
        [str(DBT), *args],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as proc:
        root = psutil.Process(proc.pid)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                with contextlib.suppress(psutil.Error):
                    peak = max(peak, _tree_rss(root))
                done.wait(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        output = proc.communicate()[0]
        done.set()
        sampler.join()
    return SparkRun(proc.returncode, output, time.monotonic() - started, peak)


@dataclass(frozen=True)
class Builds:
    duckdb_path: Path
    duckdb_run_output: str
    duckdb_returncode: int
    spark_tables: Path
    spark: SparkRun


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    workdir = tmp_path_factory.mktemp("spark_parity")
    spark_dir = workdir / "spark"
    env = isolated_env(
        workdir,
        None,
        CS_AS_OF_DATE=AS_OF,
        CS_SPARK_DIR=str(spark_dir),
        SPARK_LOCAL_IP="127.0.0.1",
    )
    # DuckDB computes while Spark mostly waits on per-statement latency: build both at once
    # (with their own dbt target and log directories).
    duck_env = {
        **env,
        "DBT_TARGET_PATH": str(workdir / "duckdb_target"),
        "DBT_LOG_PATH": str(workdir / "duckdb_logs"),
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        duck_future = pool.submit(run_dbt, ["run"], duck_env)
        spark = run_dbt_measured(SPARK_BUILD, env)
        duck = duck_future.result()
    print(
        f"\nSpark build (dbt build --target spark, sample data): {spark.seconds:.1f} s wall, "
        f"peak RSS of dbt + JVM {spark.peak_rss_bytes / 2**20:.0f} MiB"
    )
    return Builds(
        duckdb_path=workdir / "warehouse.duckdb",
        duckdb_run_output=duck.output,
        duckdb_returncode=duck.returncode,
        spark_tables=spark_dir / "spark-warehouse",
        spark=spark,
    )


def _tail(output: str, lines: int = 40) -> str:
    return "\n".join(output.strip().splitlines()[-lines:])


def _connect(builds: Builds) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(builds.duckdb_path), read_only=True)


def _relations(builds: Builds, schema: str) -> list[str]:
    with _connect(builds) as con:
        rows = con.execute(
            "select table_name from information_schema.tables where table_schema = ? "
            "order by table_name",
            [schema],
        ).fetchall()
    return [row[0] for row in rows]


def _read(builds: Builds, schema: str, table: str) -> tuple[list[str], list[tuple], list[tuple]]:
    """Column names, DuckDB rows and Spark rows (Spark's Parquet files read by DuckDB)."""
    files = builds.spark_tables / f"{schema}.db" / table
    assert files.is_dir(), f"Spark wrote no table {schema}.{table} (no {files})"
    with _connect(builds) as con:
        duck = con.execute(f"select * from {schema}.{table}")
        columns = [column[0] for column in duck.description]
        duck_rows = duck.fetchall()
        selected = ", ".join(f'"{name}"' for name in columns)
        spark_rows = con.execute(
            f"select {selected} from read_parquet('{files}/*.parquet')"
        ).fetchall()
    return columns, duck_rows, spark_rows


def _is_float(value: Any) -> bool:
    return isinstance(value, float)


def _sort_key(row: tuple) -> tuple:
    """Order rows by their exact columns (floats left out: they are compared with a tolerance)."""
    exact = [value for value in row if not _is_float(value)]
    return tuple((value is None, "" if value is None else str(value)) for value in exact)


def values_match(duck: Any, spark: Any) -> bool:
    if duck is None or spark is None:
        return duck is None and spark is None
    if isinstance(duck, float) or isinstance(spark, float):
        if math.isnan(float(duck)) or math.isnan(float(spark)):
            return math.isnan(float(duck)) and math.isnan(float(spark))
        return math.isclose(float(duck), float(spark), rel_tol=REL_TOL, abs_tol=1e-12)
    if isinstance(duck, Decimal | int) and isinstance(spark, Decimal | int):
        return Decimal(duck) == Decimal(spark)
    if isinstance(duck, datetime) and isinstance(spark, datetime):
        return duck.replace(tzinfo=None) == spark.replace(tzinfo=None)
    if isinstance(duck, date) and isinstance(spark, date):
        return duck == spark
    return duck == spark


def compare_rows(columns: list[str], duck_rows: list[tuple], spark_rows: list[tuple]) -> list[str]:
    """Row-by-row differences (at most MAX_EXAMPLES), empty when the tables are equal."""
    if len(duck_rows) != len(spark_rows):
        return [f"{len(duck_rows)} rows on DuckDB, {len(spark_rows)} on Spark"]
    problems: list[str] = []
    for duck, spark in zip(
        sorted(duck_rows, key=_sort_key), sorted(spark_rows, key=_sort_key), strict=True
    ):
        for name, duck_value, spark_value in zip(columns, duck, spark, strict=True):
            if not values_match(duck_value, spark_value):
                problems.append(
                    f"{name}: DuckDB {duck_value!r} vs Spark {spark_value!r} in row {duck!r}"
                )
                break
        if len(problems) >= MAX_EXAMPLES:
            break
    return problems


def test_duckdb_run_succeeds(builds: Builds) -> None:
    assert builds.duckdb_returncode == 0, _tail(builds.duckdb_run_output)


def test_spark_build_and_data_tests_pass(builds: Builds) -> None:
    assert builds.spark.returncode == 0, _tail(builds.spark.output)
    assert "ERROR=0" in builds.spark.output
    # the project's generic tests and the singular tests ran on Spark, not only the models
    for test in (
        "mart_nps_grid",
        "mart_revenue_retention_all_is_sum",
        "fct_mrr_movements_grain",
    ):
        assert f"PASS {test}" in builds.spark.output, test
    assert "PASS assert_" in builds.spark.output  # the singular tests
    for left_out in ("PASS unique_", "PASS mart_revenue_retention_column_rules"):
        assert left_out not in builds.spark.output  # left to the comparison (SPARK_BUILD)


def test_spark_state_lives_in_the_configured_directory(builds: Builds) -> None:
    spark_dir = builds.spark_tables.parent
    assert (spark_dir / "metastore_db").is_dir()
    assert list((builds.spark_tables / "marts.db" / "mart_nps").glob("*.parquet"))
    assert not (PROJECT_DIR / "metastore_db").exists()


def test_every_public_mart_is_on_both_engines(builds: Builds) -> None:
    marts = _relations(builds, "marts")
    assert marts == MARTS
    spark_marts = sorted(
        path.name for path in (builds.spark_tables / "marts.db").iterdir() if path.is_dir()
    )
    assert spark_marts == marts


MARTS = [
    "dim_customers",
    "dim_segments",
    "fct_customer_lifetime",
    "fct_mrr_movements",
    "mart_agent_performance",
    "mart_churn_reasons",
    "mart_cohort_retention",
    "mart_customer_experience",
    "mart_customer_health",
    "mart_health_backtest",
    "mart_health_component_power",
    "mart_health_summary",
    "mart_logo_churn",
    "mart_nps",
    "mart_onboarding",
    "mart_referrals",
    "mart_revenue_retention",
    "mart_support_kpis",
    "mart_survey_response_rate",
    "mart_ticket_categories",
    "mart_trial_conversion",
    "mart_unit_economics",
]


@pytest.mark.parametrize("mart", MARTS)
def test_mart_equal_on_spark(builds: Builds, mart: str) -> None:
    columns, duck_rows, spark_rows = _read(builds, "marts", mart)
    assert duck_rows, f"marts.{mart} is empty on DuckDB: the comparison would prove nothing"
    problems = compare_rows(columns, duck_rows, spark_rows)
    assert not problems, f"marts.{mart} differs between DuckDB and Spark:\n" + "\n".join(problems)


def test_row_reconciliation_equal_on_spark(builds: Builds) -> None:
    columns, duck_rows, spark_rows = _read(builds, "audit", "row_reconciliation")
    assert len(duck_rows) == 13
    problems = compare_rows(columns, duck_rows, spark_rows)
    assert not problems, "\n".join(problems)


def test_quarantined_rows_equal_on_spark(builds: Builds) -> None:
    """Same bad rows, keys and reasons on both engines (loaded_at aside)."""
    columns, duck_rows, spark_rows = _read(builds, "audit", "quarantined_rows")
    assert duck_rows, "the sample has documented bad rows"
    kept = [columns.index(name) for name in ("source_table", "row_key", "reason")]
    problems = compare_rows(
        ["source_table", "row_key", "reason"],
        [tuple(row[i] for i in kept) for row in duck_rows],
        [tuple(row[i] for i in kept) for row in spark_rows],
    )
    assert not problems, "\n".join(problems)


def test_comparison_detects_a_difference() -> None:
    """The comparison itself fails on a cent, a far float, a missing row and a null."""
    columns = ["segment", "amount", "rate"]
    base = [("smb", Decimal("1.00"), 0.5), ("all", Decimal("2.00"), None)]
    assert compare_rows(columns, base, list(reversed(base))) == []
    assert compare_rows(columns, base, [("smb", Decimal("1.01"), 0.5), base[1]])
    assert compare_rows(columns, base, [("smb", Decimal("1.00"), 0.5 * (1 + 1e-8)), base[1]])
    assert not compare_rows(columns, base, [("smb", Decimal("1.00"), 0.5 * (1 + 1e-12)), base[1]])
    assert compare_rows(columns, base, base[:1])
    assert compare_rows(columns, base, [base[0], ("all", Decimal("2.00"), 0.0)])
