"""Build the project through Dagster from tests, in isolation from the repository's warehouse/.

A `Workspace` is one temporary directory with its own raw data, warehouse, serving file, dbt
target and Dagster home. Runs happen in this process (`run_build_all`) with the workspace's
environment, or in a subprocess (`start_build_process`) for the tests that kill a build.
"""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from tests.dbt_runner import PROJECT_DIR, generate_data, isolated_env, run_dbt


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def env(self) -> dict[str, str]:
        return isolated_env(
            self.root,
            self.root / "raw",
            CS_DATA_DOCS_DIR=str(self.root / "data_docs"),
            CS_RUN_RETRY_WAIT_SECONDS="1",
        )

    @property
    def warehouse(self) -> Path:
        return Path(self.env["CS_WAREHOUSE_PATH"])

    @property
    def serving(self) -> Path:
        return Path(self.env["CS_SERVING_PATH"])


def make_workspace(root: Path, customers: int = 40, seed: int = 7) -> Workspace:
    """Generated raw data in ``root/raw`` and a dbt manifest in ``root/target``."""
    workspace = Workspace(root)
    generate_data(root / "raw", customers=customers, seed=seed)
    parsed = run_dbt(["parse", "--quiet"], workspace.env)
    assert parsed.returncode == 0, parsed.output
    return workspace


def set_scores(raw_dir: Path, score: str, every: int, limit: int | None = None) -> list[str]:
    """Set the score of every ``every``-th survey response to ``score``; returns their ids."""
    path = raw_dir / "survey_responses.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        rows = list(reader)
    changed = []
    for index, row in enumerate(rows):
        if index % every == 0 and (limit is None or len(changed) < limit):
            row["score"] = score
            changed.append(row["response_id"])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return changed


@contextmanager
def environment(env: dict[str, str]) -> Iterator[None]:
    """Replace os.environ with ``env`` for the duration (dbt subprocesses inherit it)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_build_all(
    workspace: Workspace,
    instance: dg.DagsterInstance,
    dbt_config: dict[str, object] | None = None,
    **extra_env: str,
) -> tuple[dg.ExecuteInProcessResult, dg.Definitions]:
    """Run the main job in this process (``dbt_config``: run config of the dbt step); never
    raises on a failed run.

    ``instance`` keeps runs and events in memory (a SQLite event log costs ~20 s a build here,
    one write per dbt event); builds that share it see each other's publishes, as the days of
    one deployment do. `orchestration.run` with a DAGSTER_HOME is exercised by the killed-build
    test."""
    from orchestration.factory import build_definitions
    from orchestration.runguard import release_run_lock
    from orchestration.schedules import MAIN_JOB

    with environment({**workspace.env, **extra_env}):
        defs = build_definitions()
        try:
            result = defs.resolve_job_def(MAIN_JOB).execute_in_process(
                instance=instance,
                raise_on_error=False,
                run_config={
                    "loggers": {"console": {"config": {"log_level": "WARNING"}}},
                    "ops": {"dbt_build": {"config": dbt_config or {}}},
                },
            )
        finally:  # as `orchestration.run` does: the run is over, whether it published or not
            release_run_lock(workspace.warehouse)
    return result, defs


def start_build_process(
    workspace: Workspace, home: Path, console: str = "run.log", **extra_env: str
) -> subprocess.Popen:
    """`python -m orchestration.run` in its own process group, output to ``home/<console>``."""
    home.mkdir(parents=True, exist_ok=True)
    log = (home / console).open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "orchestration.run"],
        cwd=PROJECT_DIR,
        env={**workspace.env, "DAGSTER_HOME": str(home), **extra_env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def query(path: Path, sql: str, parameters: list | None = None) -> list[tuple]:
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return connection.execute(sql, parameters or []).fetchall()
    finally:
        connection.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def step_failures(result: dg.ExecuteInProcessResult) -> dict[str, str]:
    """Failed steps and their innermost error message."""
    failures = {}
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.event_specific_data.error
            while error.cause is not None:
                error = error.cause
            failures[event.step_key] = error.message
    return failures
