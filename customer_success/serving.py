"""The serving file: exactly the serving layer of the current dbt manifest, in a fresh DuckDB file.

BI tools read CS_SERVING_PATH, never the warehouse (DuckDB locks readers out while dbt writes).
The publish step writes a new file beside it holding, as tables, the relations of the models in
SERVING_LAYERS (the public marts, the audit relations, the semantic layer's time spine) with the
dbt descriptions as table and column comments; nothing else (no raw views with the building
machine's paths, no staging or intermediate relation), so a model dropped from the project is gone
from the next file. The file is written in the storage format of DuckDB 1.2 (STORAGE_VERSION) so
that DuckDB clients from 1.2 on open it. It is then flushed to disk, checked, and renamed over the
old one (`os.replace`, atomic on POSIX): a reader holding the old file keeps reading it undisturbed
and sees the new data when it reconnects; a publish that fails or is killed leaves the old file as
it was, and its leftover temporary file is removed by the next publish.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from customer_success.manifest import Node, group_for_path, relation
from customer_success.sql import quote_identifier, quote_relation, sql_text

SERVING_LAYERS = ("marts", "audit", "semantic")
STORAGE_VERSION = "v1.2.0"
TEMP_SUFFIX = ".publishing"


@dataclass(frozen=True)
class PublishRecord:
    """A publish of the serving file as the orchestration recorded it (the baseline of the
    volume suite, the build line of the report)."""

    run_id: str
    rows_read: Mapping[str, int] = field(default_factory=dict)  # per raw table
    as_of_date: str | None = None
    published_at: str | None = None  # UTC


@dataclass(frozen=True)
class ServedRelation:
    schema: str
    name: str
    description: str
    columns: Mapping[str, str]  # column -> description


def serving_layer(models: Mapping[str, Node]) -> list[ServedRelation]:
    """The relations of the models in SERVING_LAYERS, with their dbt descriptions."""
    return [
        ServedRelation(
            *relation(node),
            description=(node.get("description") or "").strip(),
            columns={
                name: (column.get("description") or "").strip()
                for name, column in (node.get("columns") or {}).items()
            },
        )
        for _, node in sorted(models.items())
        if group_for_path(node.get("original_file_path") or "") in SERVING_LAYERS
    ]


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """One writer at a time for ``path`` (an advisory lock file beside it)."""
    with path.with_name(f".{path.name}.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def temp_path_for(destination: Path) -> Path:
    return destination.with_name(f".{destination.name}.{uuid.uuid4().hex[:12]}{TEMP_SUFFIX}")


def assert_checkpointed(database: Path) -> None:
    wal = database.with_name(database.name + ".wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise RuntimeError(
            f"{database} has a non-empty write-ahead log ({wal}): another process is writing it"
        )


def copy_serving_layer(
    warehouse: Path, target: Path, relations: Sequence[ServedRelation]
) -> dict[str, int]:
    """Create ``target`` holding ``relations`` of ``warehouse`` as commented tables; rows per
    relation ("schema.name")."""
    connection = duckdb.connect()
    try:
        connection.execute(f"attach {sql_text(warehouse)} as warehouse (read_only)")
        connection.execute(
            f"attach {sql_text(target)} as serving (storage_version '{STORAGE_VERSION}')"
        )
        counts = {}
        for served in relations:
            table = quote_relation(served.schema, served.name)
            schema = quote_identifier(served.schema)
            connection.execute(f"create schema if not exists serving.{schema}")
            connection.execute(f"create table serving.{table} as select * from warehouse.{table}")
            if served.description:
                connection.execute(
                    f"comment on table serving.{table} is {sql_text(served.description)}"
                )
            existing = {
                name
                for (name,) in connection.execute(
                    "select column_name from duckdb_columns() where database_name = 'serving' "
                    "and schema_name = ? and table_name = ?",
                    [served.schema, served.name],
                ).fetchall()
            }
            for column, description in served.columns.items():
                if description and column in existing:
                    connection.execute(
                        f"comment on column serving.{table}.{quote_identifier(column)} "
                        f"is {sql_text(description)}"
                    )
            (rows,) = connection.execute(f"select count(*) from serving.{table}").fetchone()
            counts[f"{served.schema}.{served.name}"] = int(rows)
        connection.execute("detach serving")
    finally:
        connection.close()
    return counts


def verify_serving_file(path: Path, counts: Mapping[str, int]) -> None:
    """DuckDB opens ``path`` and finds exactly the expected tables and no view."""
    connection = duckdb.connect(str(path), read_only=True)
    try:
        tables = connection.execute(
            "select schema_name || '.' || table_name from duckdb_tables()"
        ).fetchall()
        views = connection.execute("select count(*) from duckdb_views() where not internal")
        (view_count,) = views.fetchone()
    finally:
        connection.close()
    if {name for (name,) in tables} != set(counts) or view_count:
        raise RuntimeError(f"the new serving file {path} does not hold exactly the serving layer")


def read_build_facts(
    warehouse: Path, as_of_relation: tuple[str, str], reconciliation: tuple[str, str]
) -> tuple[str, dict[str, dict[str, int]]]:
    """What the publish records of the build in ``warehouse``: as_of_date and, per raw table, the
    rows read and quarantined (bounded: one row each)."""
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        (as_of_date,) = connection.execute(
            f"select as_of_date from {quote_relation(*as_of_relation)}"
        ).fetchone()
        rows = connection.execute(
            f"select source_table, rows_read, rows_quarantined "
            f"from {quote_relation(*reconciliation)} order by source_table"
        ).fetchall()
    finally:
        connection.close()
    raw = {table: {"read": int(read), "quarantined": int(bad)} for table, read, bad in rows}
    return str(as_of_date), raw


def write_serving_file(
    warehouse: Path, destination: Path, relations: Sequence[ServedRelation]
) -> dict[str, int]:
    """Write the serving layer of ``warehouse`` to a new file and rename it over
    ``destination``; rows per relation. Until the rename the destination is untouched; on any
    error the new file is removed and the error raised."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    assert_checkpointed(warehouse)
    with file_lock(destination):
        for leftover in destination.parent.glob(f".{destination.name}.*{TEMP_SUFFIX}"):
            leftover.unlink(missing_ok=True)
        temp = temp_path_for(destination)
        try:
            counts = copy_serving_layer(warehouse, temp, relations)
            with temp.open("rb+") as handle:
                os.fsync(handle.fileno())
            verify_serving_file(temp, counts)
            os.replace(temp, destination)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        fsync_directory(destination.parent)
    return counts
