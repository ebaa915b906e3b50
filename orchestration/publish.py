"""Safe publishing: the warehouse becomes the serving file only when the whole build passed.

BI tools read CS_SERVING_PATH, never CS_WAREHOUSE_PATH (DuckDB locks readers out while dbt
writes). The last asset of the graph, `serving_warehouse`, runs only after every blocking check
passed (Dagster skips it otherwise) and checks again itself, then:

1. records the build in the warehouse: one row in `audit.build_log` (run id, as_of_date, started,
   finished, row counts per mart, checks passed/failed) and the rows read per raw table in
   `audit.raw_volume_history` (the baseline of the next run's volume check);
2. copies the warehouse to a new file beside the serving file, flushes it to disk and checks that
   DuckDB opens it and finds this build in it;
3. renames it over the serving file (`os.replace`, atomic on POSIX).

A reader holding the old serving file open keeps reading the old file (its inode) undisturbed and
sees the new data when it reconnects; nobody ever sees a half-written file. A build that fails or
is killed at any point before step 3 leaves the previous serving file exactly as it was; a
leftover temporary file is removed by the next publish.
"""

import contextlib
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster._core.events import DagsterEventType
from dagster_dbt import DagsterDbtTranslator

from orchestration.quality.checks import GX_OP_NAME
from orchestration.quality.warehouse import quote_relation
from orchestration.resources import WarehouseResource
from orchestration.translator import group_for_path

PUBLISH_ASSET_NAME = "serving_warehouse"
PUBLISH_GROUP = "serving"
TEMP_SUFFIX = ".publishing"

BUILD_LOG_DDL = """
create table if not exists audit.build_log (
    run_id varchar not null,
    as_of_date date,
    started_at timestamp,
    finished_at timestamp not null,
    mart_row_counts varchar,
    checks_passed bigint,
    checks_failed bigint,
    failed_checks varchar,
    rows_quarantined bigint,
    raw_data_dir varchar,
    serving_path varchar
)
"""

VOLUME_HISTORY_DDL = """
create table if not exists audit.raw_volume_history (
    run_id varchar not null,
    source_table varchar not null,
    rows_read bigint not null,
    recorded_at timestamp not null
)
"""


class PublishRefused(Exception):
    """The build may not be published (a check failed or did not run)."""


@dataclass(frozen=True)
class BuildRecord:
    run_id: str
    as_of_date: str | None
    started_at: datetime | None
    finished_at: datetime
    mart_row_counts: Mapping[str, int]
    checks_passed: int
    checks_failed: int
    failed_checks: Sequence[str] = field(default_factory=tuple)
    raw_data_dir: str = ""
    serving_path: str = ""


# ------------------------------------------------------------------------------------------
# Files
# ------------------------------------------------------------------------------------------


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def publish_lock(destination: Path) -> Iterator[None]:
    """One publish at a time per serving file (an advisory lock beside it)."""
    lock_path = destination.with_name(f".{destination.name}.lock")
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def temp_path_for(destination: Path) -> Path:
    return destination.with_name(f".{destination.name}.{uuid.uuid4().hex[:12]}{TEMP_SUFFIX}")


def remove_stale_temp_files(destination: Path) -> list[Path]:
    """Temporary copies left behind by killed publishes (call with the publish lock held)."""
    removed = []
    for leftover in destination.parent.glob(f".{destination.name}.*{TEMP_SUFFIX}"):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
            removed.append(leftover)
    return removed


def assert_checkpointed(database: Path) -> None:
    wal = database.with_name(database.name + ".wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise RuntimeError(
            f"{database} has a non-empty write-ahead log ({wal}): another process is writing it"
        )


def verify_copy(path: Path, run_id: str) -> None:
    """DuckDB opens the copy and finds this build in its build log."""
    connection = duckdb.connect(str(path), read_only=True)
    try:
        row = connection.execute(
            "select count(*) from audit.build_log where run_id = ?", [run_id]
        ).fetchone()
    finally:
        connection.close()
    if not row or row[0] != 1:
        raise RuntimeError(f"the copy {path} does not hold build {run_id}")


def publish_file(source: Path, destination: Path, run_id: str) -> Path:
    """Copy ``source`` beside ``destination`` and atomically rename it over ``destination``.

    Until the final rename the destination is untouched; on any error the temporary copy is
    removed and the error raised. Returns the destination.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    assert_checkpointed(source)
    with publish_lock(destination):
        remove_stale_temp_files(destination)
        temp = temp_path_for(destination)
        try:
            shutil.copyfile(source, temp)
            with temp.open("rb+") as handle:
                os.fsync(handle.fileno())
            verify_copy(temp, run_id)
            os.replace(temp, destination)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
            raise
        _fsync_directory(destination.parent)
    return destination


# ------------------------------------------------------------------------------------------
# The warehouse side: what was built, and the record of it
# ------------------------------------------------------------------------------------------


def mart_row_counts(
    connection: duckdb.DuckDBPyConnection, relations: Mapping[str, tuple[str, str]]
) -> dict[str, int]:
    existing = {
        (schema, name)
        for schema, name in connection.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
    }
    counts = {}
    for model, (schema, alias) in sorted(relations.items()):
        if (schema, alias) in existing:
            row = connection.execute(f"select count(*) from {quote_relation(schema, alias)}")
            counts[model] = int(row.fetchone()[0])
    return counts


def record_build(warehouse_path: Path, record: BuildRecord, volume_sql: str | None = None) -> None:
    """Append ``record`` to audit.build_log (and the raw volumes) in the warehouse file."""
    connection = duckdb.connect(str(warehouse_path))
    try:
        connection.execute("create schema if not exists audit")
        connection.execute(BUILD_LOG_DDL)
        connection.execute(VOLUME_HISTORY_DDL)
        quarantined = None
        if volume_sql:
            quarantined = connection.execute(
                f"select sum(rows_quarantined) from ({volume_sql})"
            ).fetchone()[0]
        connection.execute(
            "insert into audit.build_log values (?, cast(? as date), ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                record.run_id,
                record.as_of_date,
                record.started_at.replace(tzinfo=None) if record.started_at else None,
                record.finished_at.replace(tzinfo=None),
                json.dumps(dict(record.mart_row_counts), sort_keys=True),
                record.checks_passed,
                record.checks_failed,
                json.dumps(list(record.failed_checks)),
                quarantined,
                record.raw_data_dir,
                record.serving_path,
            ],
        )
        if volume_sql:
            connection.execute(
                "insert into audit.raw_volume_history "
                f"select ?, source_table, rows_read, ? from ({volume_sql})",
                [record.run_id, record.finished_at.replace(tzinfo=None)],
            )
        connection.execute("checkpoint")
    finally:
        connection.close()


def forget_build(warehouse_path: Path, run_id: str) -> None:
    """Undo `record_build` after a failed publish (best effort: the log lists published runs)."""
    with contextlib.suppress(Exception):
        connection = duckdb.connect(str(warehouse_path))
        try:
            connection.execute("delete from audit.build_log where run_id = ?", [run_id])
            connection.execute("delete from audit.raw_volume_history where run_id = ?", [run_id])
            connection.execute("checkpoint")
        finally:
            connection.close()


# ------------------------------------------------------------------------------------------
# The asset
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckTally:
    passed: list[str]
    failed_error: list[str]
    failed_warn: list[str]
    evaluated: set[str]


def tally_checks(instance: dg.DagsterInstance, run_id: str) -> CheckTally:
    """Every asset check evaluated in this run, by outcome."""
    passed, failed_error, failed_warn, evaluated = [], [], [], set()
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data
        label = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        evaluated.add(evaluation.check_name)
        if evaluation.passed:
            passed.append(label)
        elif evaluation.severity == dg.AssetCheckSeverity.ERROR:
            failed_error.append(label)
        else:
            failed_warn.append(label)
    return CheckTally(passed, failed_error, failed_warn, evaluated)


def materialized_keys(instance: dg.DagsterInstance, run_id: str) -> set[dg.AssetKey]:
    return {
        entry.dagster_event.asset_key
        for entry in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION)
        if entry.dagster_event and entry.dagster_event.asset_key
    }


def build_publish_asset(
    models: Mapping[str, Mapping[str, Any]],
    translator: DagsterDbtTranslator,
    gx_check_models: Mapping[str, str],
) -> dg.AssetsDefinition:
    """The final asset: depends on every dbt model, so it runs after them and their checks."""
    model_keys = {name: translator.get_asset_key(node) for name, node in models.items()}
    relations = {name: (node["schema"], node.get("alias") or name) for name, node in models.items()}
    marts = {
        name: relation
        for name, relation in relations.items()
        if group_for_path(models[name].get("original_file_path") or "") == "marts"
    }
    as_of_relation = relations.get("int_as_of_date")
    reconciliation = relations.get("row_reconciliation")

    @dg.asset(
        name=PUBLISH_ASSET_NAME,
        group_name=PUBLISH_GROUP,
        deps=sorted(model_keys.values(), key=lambda key: key.to_user_string()),
        kinds={"duckdb"},
        description=(
            "Publishes the warehouse to CS_SERVING_PATH (copy beside it, then atomic rename) "
            "once every error-severity check of the run has passed; records audit.build_log."
        ),
    )
    def serving_warehouse(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        settings = warehouse.settings()
        run_id = context.run.run_id
        tally = tally_checks(context.instance, run_id)
        if tally.failed_error:
            raise PublishRefused(
                "not publishing: error-severity checks failed: " + ", ".join(tally.failed_error)
            )
        built = materialized_keys(context.instance, run_id)
        missing_models = sorted(name for name, key in model_keys.items() if key not in built)
        if missing_models:
            raise PublishRefused(
                "not publishing: this run did not build every dbt model (publish only with the "
                f"whole graph); not built here: {', '.join(missing_models[:10])}"
            )
        started = context.instance.get_run_stats(run_id).start_time
        finished = datetime.now(UTC)
        connection = duckdb.connect(str(settings.warehouse_path), read_only=True)
        try:
            missing_checks = _checks_not_run(
                connection, gx_check_models, tally.evaluated, relations
            )
            as_of_date = None
            if as_of_relation:
                as_of_date = str(
                    connection.execute(
                        f"select as_of_date from {quote_relation(*as_of_relation)}"
                    ).fetchone()[0]
                )
            counts = mart_row_counts(connection, marts)
        finally:
            connection.close()
        if missing_checks:
            raise PublishRefused(
                "not publishing: these quality checks did not run in this run: "
                + ", ".join(missing_checks)
            )
        record = BuildRecord(
            run_id=run_id,
            as_of_date=as_of_date,
            started_at=datetime.fromtimestamp(started, UTC) if started else None,
            finished_at=finished,
            mart_row_counts=counts,
            checks_passed=len(tally.passed),
            checks_failed=len(tally.failed_warn),
            failed_checks=tally.failed_warn,
            raw_data_dir=str(settings.raw_data_dir),
            serving_path=str(settings.serving_path),
        )
        volume_sql = (
            f"select source_table, rows_read, rows_quarantined from "
            f"{quote_relation(*reconciliation)}"
            if reconciliation
            else None
        )
        record_build(settings.warehouse_path, record, volume_sql)
        try:
            publish_file(settings.warehouse_path, settings.serving_path, run_id)
        except BaseException:
            forget_build(settings.warehouse_path, run_id)
            raise
        context.log.info(
            f"Published {settings.warehouse_path} -> {settings.serving_path} "
            f"(as_of_date {as_of_date}; {len(tally.passed)} checks passed, "
            f"{len(tally.failed_warn)} warnings)"
        )
        return dg.MaterializeResult(
            metadata={
                "serving_path": dg.MetadataValue.path(str(settings.serving_path)),
                "as_of_date": as_of_date or "",
                "mart_row_counts": dg.MetadataValue.json(counts),
                "checks_passed": len(tally.passed),
                "checks_failed_warn": len(tally.failed_warn),
                "size_bytes": settings.serving_path.stat().st_size,
            }
        )

    return serving_warehouse


def _checks_not_run(
    connection: duckdb.DuckDBPyConnection,
    gx_check_models: Mapping[str, str],
    evaluated: set[str],
    relations: Mapping[str, tuple[str, str]],
) -> list[str]:
    """GX checks with no result in this run whose relation does exist (so should have run)."""
    existing = {
        (schema, name)
        for schema, name in connection.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
    }
    missing = []
    for check_name, model in sorted(gx_check_models.items()):
        if check_name not in evaluated and relations.get(model) in existing:
            missing.append(f"{check_name} (step {GX_OP_NAME})")
    return missing
