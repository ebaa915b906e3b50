"""Read-only access to the warehouse for the quality suites.

DuckDB allows one writer per file and locks readers out while it writes, so the suites open the
warehouse read-only, read everything they need into pandas in one go, and close the connection
before Great Expectations runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd


class WarehouseReader:
    """A read-only DuckDB connection with the few queries the suites need."""

    def __init__(self, connection: duckdb.DuckDBPyConnection):
        self._connection = connection

    def relation_exists(self, schema: str, name: str) -> bool:
        row = self._connection.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            [schema, name],
        ).fetchone()
        return bool(row and row[0])

    def frame(self, sql: str, parameters: Sequence[object] | None = None) -> pd.DataFrame:
        return self._connection.execute(sql, list(parameters or [])).df()

    def scalar(self, sql: str, parameters: Sequence[object] | None = None) -> object:
        row = self._connection.execute(sql, list(parameters or [])).fetchone()
        return row[0] if row else None


@contextmanager
def read_only(path: Path) -> Iterator[WarehouseReader]:
    """Open ``path`` read-only and close it on exit, whatever happens."""
    if not Path(path).exists():
        raise FileNotFoundError(f"warehouse file {path} does not exist (nothing was built yet)")
    connection = duckdb.connect(str(path), read_only=True)
    try:
        yield WarehouseReader(connection)
    finally:
        connection.close()


def quote_relation(schema: str, name: str) -> str:
    """`"schema"."name"` with embedded quotes doubled."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in (schema, name))
