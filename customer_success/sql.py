"""Quoting for the SQL the library writes to DuckDB."""

from pathlib import Path


def quote_identifier(name: str) -> str:
    """`"name"` with embedded quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def quote_relation(schema: str, name: str) -> str:
    return f"{quote_identifier(schema)}.{quote_identifier(name)}"


def sql_text(value: str | Path) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"
