"""Running the sample-data generator in tests, and reading what it wrote: the generator's CLI
in-process, a DuckDB with one typed view per raw table, and files read back as CSV-style text."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tools.generate_data.cli import main
from tools.generate_data.contract import TABLES
from tools.generate_data.writers import to_text

PROJECT_DIR = Path(__file__).resolve().parents[2]
START, END = "2023-01-01", "2025-06-30"
SMALL = 60
SQL_TYPES = {
    "str": "VARCHAR",
    "int": "BIGINT",
    "dec2": "DECIMAL(18,2)",
    "dec6": "DECIMAL(18,6)",
    "bool": "BOOLEAN",
    "date": "DATE",
    "ts": "TIMESTAMP",
}


def run_generator(out: Path, *args: str, customers: int = SMALL) -> Path:
    """Run the CLI in-process (the same argument parsing as ``python -m tools.generate_data``)."""
    argv = ["--out", str(out), "--customers", str(customers), "--start", START, "--end", END]
    assert main([*argv, *args]) == 0
    return out


def connect(directory: Path, fmt: str = "csv") -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one typed view per raw table."""
    con = duckdb.connect()
    for table, columns in TABLES.items():
        path = directory / f"{table}.{fmt}"
        if fmt == "csv":
            spec = ", ".join(f"'{c}': 'VARCHAR'" for c, _ in columns)
            source = (
                f"read_csv('{path}', header = true, auto_detect = false, delim = ',', "
                f"quote = '\"', escape = '\"', columns = {{{spec}}})"
            )
        else:
            source = f"read_parquet('{path}')"
        select = ", ".join(f"TRY_CAST({c} AS {SQL_TYPES[k]}) AS {c}" for c, k in columns)
        con.execute(f"CREATE VIEW {table} AS SELECT {select} FROM {source}")
    return con


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


def read_text(path: Path) -> pa.Table:
    """A CSV or Parquet file as a table of CSV-style strings."""
    columns = dict(TABLES[path.stem])
    if path.suffix == ".csv":
        opts = pacsv.ConvertOptions(
            column_types={c: pa.string() for c in columns}, strings_can_be_null=True
        )
        return pacsv.read_csv(path, convert_options=opts)
    table = pq.read_table(path)
    return pa.table(
        {c: to_text(table.column(c).combine_chunks(), columns[c]) for c in table.column_names}
    )
