"""The dbt project as Dagster assets: one `dbt build` per run, streamed event by event.

Every dbt model is an asset (grouped by layer, see translator.py), every dbt data test an asset
check on its model (error-severity tests are blocking), and every dbt source an external asset in
group `raw`. The dbt CLI arguments come from `build_dbt_args`, a pure function.

Retries: the one retry mechanism of the project is here. A failure is retried only when it is
transient, i.e. the warehouse file is locked by another process (a second build, a notebook): the
dbt step raises `RetryRequested`, which Dagster honours under every launcher (`make run`'s
in-process run, the CLI, the UI, the schedule). Failed checks, a quarantine share over the limit,
SQL errors and bad raw data fail the same way every time and are never retried.
"""

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from customer_success.dbt_duckdb import release_dbt_duckdb
from orchestration.runguard import RunLockBusy, acquire_run_lock
from orchestration.settings import SettingError, Settings, validate_as_of_date

DBT_OP_NAME = "dbt_build"
STOP_GRACE_SECONDS = 3.0

_LOCKED = re.compile(
    r"could not set lock on file|conflicting lock is held|database is locked"
    r"|resource temporarily unavailable",
    re.IGNORECASE,
)


def is_transient_failure(message: str | None) -> bool:
    """True when ``message`` describes a locked database file."""
    return bool(message and _LOCKED.search(message))


def build_dbt_args(
    as_of_date: str | None = None,
    exclude: str | None = None,
    extra_vars: Mapping[str, Any] | None = None,
    unit_tests: bool = False,
) -> list[str]:
    """The arguments of `dbt build` for one run.

    ``as_of_date`` (YYYY-MM-DD, validated here: the run config's one check) and ``extra_vars``
    are passed as dbt vars (JSON, which dbt reads as YAML); ``exclude`` narrows the build further
    than the Dagster selection does. (There is no ``select``: dagster-dbt adds its own
    ``--select`` and dbt unions repeated selections, so a narrower selection is made in Dagster.)
    The dbt unit tests are left out unless ``unit_tests``: their inputs are static, so they prove
    the SQL once per change (`make test`), not once per scheduled build (dbt's own advice).
    Raises SettingError on a malformed date, an empty exclusion or a var given twice.
    """
    args = ["build"]
    dbt_vars: dict[str, Any] = {}
    for key, value in (extra_vars or {}).items():
        if not key.isidentifier():
            raise SettingError(f"dbt var names must be identifiers, got {key!r}")
        dbt_vars[key] = value
    checked_date = validate_as_of_date(as_of_date, "run config as_of_date")
    if checked_date is not None:
        if "as_of_date" in dbt_vars:
            raise SettingError("as_of_date is given both as as_of_date and in extra_vars")
        dbt_vars["as_of_date"] = checked_date
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars, sort_keys=True)]
    if exclude is not None:
        if not exclude.strip():
            raise SettingError("exclude must not be empty")
        args += ["--exclude", exclude.strip()]
    if not unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    return args


class DbtBuildConfig(dg.Config):
    """Run config of the dbt step (all optional; the settings provide the defaults)."""

    as_of_date: str | None = None
    """YYYY-MM-DD; overrides env CS_AS_OF_DATE for this run."""
    max_quarantine_share: float | None = None
    """Overrides dbt var max_quarantine_share (default 0.05) for this run."""
    exclude: str | None = None
    """dbt selection left out of this run (select assets in Dagster to narrow it otherwise)."""
    unit_tests: bool = False
    """Also run the dbt unit tests (static inputs; `make test` runs them on every change)."""


def build_dbt_assets(
    project: DbtProject, manifest: Mapping[str, Any], translator: DagsterDbtTranslator
) -> dg.AssetsDefinition:
    """The `@dbt_assets` multi-asset over the whole project."""

    @dbt_assets(
        manifest=manifest, project=project, dagster_dbt_translator=translator, name=DBT_OP_NAME
    )
    def dbt_build(
        context: dg.AssetExecutionContext,
        dbt: DbtCliResource,
        settings: dg.ResourceParam[Settings],
        config: DbtBuildConfig,
    ) -> Iterator[Any]:
        # env CS_AS_OF_DATE is read by dbt itself; only a run-config date becomes --vars, so a
        # plain build keeps the arguments of the set-up's `dbt parse` (partial parse).
        extra_vars: dict[str, Any] = {}
        if config.max_quarantine_share is not None:
            extra_vars["max_quarantine_share"] = config.max_quarantine_share
        args = build_dbt_args(config.as_of_date, config.exclude, extra_vars, config.unit_tests)
        try:
            note = acquire_run_lock(
                settings.warehouse_path, context.run.run_id, settings.run_lock_wait_seconds
            )
        except RunLockBusy as err:
            raise dg.Failure(description=str(err)) from err
        if note:
            context.log.warning(note)
        invocation = None
        try:
            check_warehouse_writable(settings)
            target = fresh_dbt_target(settings)
            context.log.info(
                f"dbt {' '.join(args)} | raw data {settings.raw_data_dir} -> "
                f"{settings.warehouse_path}"
            )
            # the published history (models/audit/published_figures.sql) reads both
            with dbt_environment(
                CS_BUILD_ID=context.run.run_id, CS_SERVING_PATH=str(settings.serving_path)
            ):
                invocation = dbt.cli(args, context=context, target_path=target)
            # an interrupted run (SIGTERM, Ctrl-C) gives dbt this long to stop, not dagster-dbt's
            # 25 s: DuckDB recovers a killed writer, and the next build rewrites the warehouse
            invocation.termination_timeout_seconds = STOP_GRACE_SECONDS
            # Events as dbt emits them. dagster-dbt's fetch_row_counts() would hold every event
            # until dbt exits on DuckDB (its count queries need dbt's write lock released): no
            # progress in the UI, and an interrupted run waiting for the whole build. The
            # published relations' row counts are on the publish step's materialization.
            yield from invocation.stream()
        except (DagsterDbtCliRuntimeError, duckdb.Error) as err:
            if is_transient_failure(str(err)):
                context.log.warning(
                    f"The warehouse {settings.warehouse_path} is locked by another process "
                    f"({_holder(str(err))}); retrying in {settings.retry_wait_seconds:.0f}s "
                    f"(at most {settings.retry_max} times)."
                )
                raise dg.RetryRequested(
                    max_retries=settings.retry_max, seconds_to_wait=settings.retry_wait_seconds
                ) from err
            raise
        except KeyError as err:
            # dbt re-parses the project on every build; a node Dagster's manifest does not know
            raise dg.Failure(
                description=(
                    f"The dbt project changed since its manifest was parsed ({err} is not in "
                    f"{project.manifest_path}). Run `make manifest` (dbt parse) and reload the "
                    "definitions, then build again."
                )
            ) from err
        finally:
            if invocation is not None:
                stop_process(invocation.process)  # an interrupted step leaves no dbt running
                # the checks and the publish open the warehouse next, read-only
                release_dbt_duckdb(invocation.adapter)

    return dbt_build


def _holder(message: str) -> str:
    found = re.search(r"lock is held in (.+?\(PID \d+\))", message, re.IGNORECASE)
    return f"held in {found.group(1)}" if found else "holder unknown"


def check_warehouse_writable(settings: Settings) -> None:
    """Open the warehouse for writing once before dbt starts, so that a file another process
    holds (a notebook) fails in a second with DuckDB's message naming that process."""
    if settings.warehouse_path.exists():
        duckdb.connect(str(settings.warehouse_path)).close()


def dbt_run_target(settings: Settings) -> Path:
    """The dbt target folder of the builds of this warehouse: one, emptied by each build (a
    build holds the warehouse's run lock), so dbt's artifacts of the last build stay readable."""
    digest = hashlib.sha256(str(settings.warehouse_path).encode()).hexdigest()[:10]
    return settings.dbt_target_path / f"build-{settings.warehouse_path.stem}-{digest}"


def fresh_dbt_target(settings: Settings) -> Path:
    target = dbt_run_target(settings)
    shutil.rmtree(target, ignore_errors=True)
    for leftover in settings.dbt_target_path.glob("dbt_build-*"):  # dagster-dbt's default
        shutil.rmtree(leftover, ignore_errors=True)
    return target


def stop_process(process: subprocess.Popen, grace_seconds: float = STOP_GRACE_SECONDS) -> None:
    """Interrupt ``process`` if it still runs (dbt cancels its queries on SIGINT), then kill it
    after ``grace_seconds``."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def dbt_environment(**variables: str) -> Iterator[None]:
    """Set ``variables`` in the environment while dbt starts (dagster-dbt hands its process a
    copy of os.environ), then restore it."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def raw_source_specs(
    project: DbtProject, manifest: Mapping[str, Any], translator: DagsterDbtTranslator
) -> Sequence[dg.AssetSpec]:
    """External assets for the dbt sources (the raw files), so they show in group `raw`."""
    specs = []
    for unique_id, source in sorted(manifest.get("sources", {}).items()):
        spec = translator.get_asset_spec(manifest, unique_id, project)
        specs.append(
            dg.AssetSpec(
                key=spec.key,
                group_name=spec.group_name,
                description=source.get("description")
                or f"Raw table {source['name']} (file $CS_RAW_DATA_DIR/{source['name']}.csv).",
                kinds={"csv", "duckdb"},
                metadata={
                    "relation": f"{source['schema']}.{source['identifier']}",
                    "file": f"$CS_RAW_DATA_DIR/{source['name']}.csv (or .parquet)",
                },
            )
        )
    return specs
