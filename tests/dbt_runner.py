"""Run the dbt project from tests in isolation: own warehouse file, target and log dirs."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
DBT = Path(sys.executable).with_name("dbt")


@dataclass(frozen=True)
class DbtRun:
    returncode: int
    output: str


def isolated_env(workdir: Path, raw_dir: Path | None, **extra: str) -> dict[str, str]:
    """Environment for a dbt or Dagster run that touches nothing outside ``workdir``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CS_", "DBT_", "DAGSTER_"))
    }
    env.update(
        CS_PROJECT_DIR=str(PROJECT_DIR),
        DBT_PROFILES_DIR=str(PROJECT_DIR),
        CS_WAREHOUSE_PATH=str(workdir / "warehouse.duckdb"),
        CS_SERVING_PATH=str(workdir / "serving.duckdb"),
        CS_DUCKDB_TEMP_DIR=str(workdir / "duckdb_tmp"),
        DBT_TARGET_PATH=str(workdir / "target"),
        DBT_LOG_PATH=str(workdir / "logs"),
        DAGSTER_HOME=str(workdir / "dagster_home"),
    )
    if raw_dir is not None:
        env["CS_RAW_DATA_DIR"] = str(raw_dir)
    env.update(extra)
    return env


def run_dbt(args: list[str], env: dict[str, str]) -> DbtRun:
    """Run ``dbt <args>`` from the project root; never raises on a dbt failure."""
    completed = subprocess.run(
        [str(DBT), *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return DbtRun(completed.returncode, completed.stdout + completed.stderr)


# The staging models and the two relations that account for every raw row (the published history
# is in audit too, but it reads the marts).
RAW_INGESTION = ("staging", "quarantined_rows", "row_reconciliation")


def build_raw_ingestion(env: dict[str, str], as_of: str, max_quarantine_share: float) -> DbtRun:
    """`dbt build` of RAW_INGESTION with its tests, for the raw-data tests."""
    return run_dbt(
        [
            "build",
            "--select",
            *RAW_INGESTION,
            "--indirect-selection",
            "cautious",
            "--vars",
            f"{{as_of_date: '{as_of}', max_quarantine_share: {max_quarantine_share}}}",
        ],
        env,
    )


def generate_data(out: Path, customers: int = 40, seed: int = 7, **options: str) -> Path:
    """Write a small contract-conforming dataset with the project's generator."""
    args = [sys.executable, "-m", "tools.generate_data", "--out", str(out)]
    args += ["--customers", str(customers), "--seed", str(seed)]
    for key, value in options.items():
        args += [f"--{key.replace('_', '-')}", value]
    subprocess.run(args, cwd=PROJECT_DIR, check=True, capture_output=True, text=True)
    return out
