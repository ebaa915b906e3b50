"""The raw tables the generator writes: exactly the tables and columns of the raw contract
(customer_success.raw_contract), each column with the kind of value the generator writes into it."""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

from customer_success.raw_contract import TableSpec, load_raw_contract

CONTRACT: dict[str, TableSpec] = load_raw_contract()

# The generator's kinds: decimals are written with two places (cents), exchange rates with six.
KINDS = {"string": "str", "integer": "int", "date": "date", "timestamp": "ts", "boolean": "bool"}
DECIMAL_PLACES = {("fx_rates", "usd_per_unit"): 6}
ARROW_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(),
    "int": pa.int64(),
    "dec2": pa.decimal128(18, 2),
    "dec6": pa.decimal128(18, 6),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "ts": pa.timestamp("us"),
}

Columns = tuple[tuple[str, str], ...]


def column_kinds(table: TableSpec) -> Columns:
    """(column, kind) of every column of a raw table, in the contract's order."""
    return tuple(
        (
            column.name,
            KINDS.get(column.type) or f"dec{DECIMAL_PLACES.get((table.name, column.name), 2)}",
        )
        for column in table.columns
    )


TABLES: dict[str, Columns] = {name: column_kinds(table) for name, table in CONTRACT.items()}


def make_table(name: str, cols: dict[str, pa.Array]) -> pa.Table:
    """A raw table with exactly the contract's columns, in its order. A column of the contract the
    generator does not write (an optional column added to the contract) is written empty."""
    spec = CONTRACT[name]
    unknown = [column for column in cols if column not in spec.column_names]
    if unknown:
        raise ValueError(f"{name}: columns {unknown} are not in the raw contract")
    rows = len(next(iter(cols.values())))
    arrays = {}
    for column, kind in TABLES[name]:
        if column in cols:
            arrays[column] = cols[column]
        elif spec.column(column).required:
            raise ValueError(f"{name}: the generator does not write required column {column}")
        else:
            arrays[column] = pa.nulls(rows, ARROW_TYPES[kind])
    return pa.table(arrays)


def accepted_codes(table: str, column: str, values: Iterable[str]) -> tuple[str, ...]:
    """The generator's coded values of a column (code = position), checked against the values
    the raw contract accepts, so the generator never writes a value the contract refuses."""
    codes = tuple(values)
    accepted = CONTRACT[table].column(column).accepted or ()
    refused = [value for value in codes if value not in accepted]
    if refused:
        raise ValueError(f"{table}.{column}: the raw contract does not accept {refused}")
    return codes


def accepted_sql(table: str, column: str) -> str:
    """The values the raw contract accepts in a column, as a SQL list: ('a', 'b')."""
    accepted = CONTRACT[table].column(column).accepted or ()
    return "(" + ", ".join(f"'{value}'" for value in accepted) + ")"
