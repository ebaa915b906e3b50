"""Parquet copies of every public mart (schema `marts` of the serving file) for BI tools without
a DuckDB driver: `<exports dir>/<mart>.parquet`, one file per mart.

The new set is written into a temporary directory beside the exports directory and swapped in
whole, so a reader never sees a half-written file or a mix of two builds.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import duckdb

from orchestration.quality.warehouse import quote_relation

MARTS_SCHEMA = "marts"


def public_marts(connection: duckdb.DuckDBPyConnection) -> list[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables where table_schema = ? "
        "order by table_name",
        [MARTS_SCHEMA],
    ).fetchall()
    return [name for (name,) in rows]


def export_marts(serving_path: Path, exports_dir: Path) -> dict[str, int]:
    """Write every mart of ``serving_path`` to ``exports_dir``; returns rows per mart."""
    if not serving_path.exists():
        raise FileNotFoundError(f"no serving file at {serving_path}: publish a build first")
    exports_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = exports_dir.with_name(f".{exports_dir.name}.{uuid.uuid4().hex[:12]}.tmp")
    staging.mkdir()
    counts: dict[str, int] = {}
    try:
        connection = duckdb.connect(str(serving_path), read_only=True)
        try:
            for mart in public_marts(connection):
                target = staging / f"{mart}.parquet"
                relation = quote_relation(MARTS_SCHEMA, mart)
                target_sql = str(target).replace("'", "''")
                connection.execute(
                    f"copy (select * from {relation}) to '{target_sql}' (format parquet)"
                )
                counts[mart] = int(
                    connection.execute(f"select count(*) from {relation}").fetchone()[0]
                )
        finally:
            connection.close()
        if not counts:
            raise RuntimeError(f"{serving_path} has no table in schema {MARTS_SCHEMA}")
        retired = exports_dir.with_name(f".{exports_dir.name}.{uuid.uuid4().hex[:12]}.old")
        if exports_dir.exists():
            exports_dir.rename(retired)
        staging.rename(exports_dir)
        shutil.rmtree(retired, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return counts
