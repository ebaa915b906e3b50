"""Parquet copies of every public mart (schema `marts` of the serving file) for BI tools without
a DuckDB driver: `<exports dir>/<mart>.parquet`, one file per mart.

Each export writes a complete new folder beside the exports path (`.<name>.<id>`), and the exports
path is a symbolic link to it, replaced in one rename: a reader always finds a whole set of one
build, never a gap, a half-written file or a mix of two builds. A mart dropped from the serving
file is gone from the next set. The previous set stays (hidden) until the next export, so a reader
that was listing it when the link moved can finish; older sets and anything a killed export left
behind are removed.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import duckdb

from customer_success.serving import file_lock
from customer_success.sql import quote_identifier, quote_relation, sql_text

MARTS_SCHEMA = "marts"

# What every Parquet reader (pandas, Polars, Arrow, Spark) loads without conversion: DECIMAL money
# as DOUBLE (pandas reads Parquet decimals as Python objects), DATE as a TIMESTAMP at midnight
# (pandas reads Parquet dates as Python objects). The serving file keeps the exact types.
EXPORT_TYPES = {"DECIMAL": "double", "DATE": "timestamp"}


def export_columns(connection: duckdb.DuckDBPyConnection, mart: str) -> str:
    """The select list of one mart's export: every column, cast per EXPORT_TYPES."""
    columns = connection.execute(
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = ? and table_name = ? order by column_index",
        [MARTS_SCHEMA, mart],
    ).fetchall()
    selected = []
    for name, data_type in columns:
        cast = EXPORT_TYPES.get(data_type.split("(")[0])
        column = quote_identifier(name)
        selected.append(f"cast({column} as {cast}) as {column}" if cast else column)
    return ", ".join(selected)


def write_parquet(serving_path: Path, directory: Path) -> dict[str, int]:
    """Every table of schema `marts` of ``serving_path`` as ``directory/<mart>.parquet``."""
    connection = duckdb.connect(str(serving_path), read_only=True)
    counts: dict[str, int] = {}
    try:
        marts = connection.execute(
            "select table_name from duckdb_tables() where schema_name = ? order by table_name",
            [MARTS_SCHEMA],
        ).fetchall()
        for (mart,) in marts:
            relation = quote_relation(MARTS_SCHEMA, mart)
            target = sql_text(directory / f"{mart}.parquet")
            columns = export_columns(connection, mart)
            connection.execute(
                f"copy (select {columns} from {relation}) to {target} (format parquet)"
            )
            (counts[mart],) = connection.execute(f"select count(*) from {relation}").fetchone()
    finally:
        connection.close()
    if not counts:
        raise RuntimeError(f"{serving_path} has no table in schema {MARTS_SCHEMA}")
    return counts


def swap_in(link: Path, folder: Path) -> None:
    """Make ``link`` a symbolic link to ``folder`` (a sibling) in one rename."""
    new_link = link.with_name(f".{link.name}.{uuid.uuid4().hex[:12]}.link")
    new_link.symlink_to(folder.name)
    moved = None
    try:
        if link.is_dir() and not link.is_symlink():  # a plain folder: moved aside once
            moved = link.with_name(f".{link.name}.{uuid.uuid4().hex[:12]}")
            link.rename(moved)
        os.replace(new_link, link)
    except BaseException:
        new_link.unlink(missing_ok=True)
        if moved is not None and not link.exists():
            moved.rename(link)
        raise


def remove_older_sets(link: Path, keep: set[str]) -> None:
    """Remove every set and leftover beside ``link`` but the ones named in ``keep``."""
    for path in link.parent.glob(f".{link.name}.*"):
        if path.name in keep or path.name == f".{link.name}.lock":
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def export_marts(serving_path: Path, exports_dir: Path) -> dict[str, int]:
    """Write every mart of ``serving_path`` as the new set at ``exports_dir``; rows per mart."""
    if not serving_path.exists():
        raise FileNotFoundError(f"no serving file at {serving_path}: publish a build first")
    exports_dir.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(exports_dir):
        previous = exports_dir.resolve().name if exports_dir.is_symlink() else None
        folder = exports_dir.with_name(f".{exports_dir.name}.{uuid.uuid4().hex[:12]}")
        folder.mkdir()
        try:
            counts = write_parquet(serving_path, folder)
            swap_in(exports_dir, folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        remove_older_sets(exports_dir, {folder.name, previous or folder.name})
    return counts
