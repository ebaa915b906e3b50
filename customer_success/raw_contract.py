"""The raw data contract, read from the dbt sources files (docs/raw-data.md).

The sources files ``models/staging/<source>/base/_<source>_base__sources.yml`` are the one place
the raw tables, their columns, types and rules are written down. dbt reads them (the loader and
the validators read ``graph.sources``); this module reads the same files for Python: the data
generator, the quality suites and the generated tables of docs/raw-data.md. Only PyYAML and the
standard library, so it loads without Dagster or dbt.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
SOURCES_GLOB = "models/staging/*/base/_*__sources.yml"
TYPES = ("string", "integer", "decimal", "date", "timestamp", "boolean")
DATED_TYPES = ("date", "timestamp")
TABLE_META = {"required", "key", "event_column"}
COLUMN_META = {"type", "scale", "required", "accepted", "min", "max", "min_exclusive"}
SEGMENT_COLUMN = ("customers", "segment")


class RawContractError(ValueError):
    """The contract files are malformed: the message names the file, table and column."""


@dataclass(frozen=True)
class ColumnSpec:
    """One raw column: its type and the rules a value must follow."""

    name: str
    type: str
    description: str
    required: bool = False
    accepted: tuple[str, ...] | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    minimum_exclusive: bool = False
    scale: int | None = None


@dataclass(frozen=True)
class TableSpec:
    """One raw table: the file ``<name>.csv`` (or ``.parquet``) and its columns, in order."""

    name: str
    source: str
    description: str
    required: bool
    key: tuple[str, ...]
    event_column: str | None
    columns: tuple[ColumnSpec, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> ColumnSpec:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"raw table {self.name} has no column {name}")


def contract_files(project_dir: Path | None = None) -> list[Path]:
    """The sources files holding the contract, in a fixed order."""
    files = sorted((project_dir or PROJECT_DIR).glob(SOURCES_GLOB))
    if not files:
        raise RawContractError(f"no raw contract files ({SOURCES_GLOB}) in {project_dir}")
    return files


def load_raw_contract(project_dir: Path | None = None) -> dict[str, TableSpec]:
    """Every raw table of the contract, ordered by (source, table) as dbt's loader orders them."""
    tables: dict[str, TableSpec] = {}
    for path in contract_files(project_dir):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for source in document.get("sources", []):
            for table in source.get("tables", []):
                spec = _table_spec(path, source["name"], table)
                if spec.name in tables:
                    raise RawContractError(f"{path}: raw table {spec.name} is defined twice")
                tables[spec.name] = spec
    return dict(sorted(tables.items(), key=lambda item: (item[1].source, item[0])))


def segments(project_dir: Path | None = None) -> tuple[str, ...]:
    """The customer segments: the accepted values of customers.segment."""
    table, column = SEGMENT_COLUMN
    accepted = load_raw_contract(project_dir)[table].column(column).accepted
    if not accepted:
        raise RawContractError(f"{table}.{column} has no accepted values")
    return accepted


def _table_spec(path: Path, source: str, table: dict[str, Any]) -> TableSpec:
    name = table["name"]
    where = f"{path}: {source}.{name}"
    meta = _meta(table)
    unknown = set(meta) - TABLE_META
    if unknown:
        raise RawContractError(f"{where}: unknown table meta {sorted(unknown)}")
    if not isinstance(meta.get("required"), bool):
        raise RawContractError(f"{where}: meta required must be true or false")
    columns = tuple(_column_spec(f"{where}.{c.get('name')}", c) for c in table.get("columns", []))
    names = [column.name for column in columns]
    if not columns or len(set(names)) != len(names):
        raise RawContractError(f"{where}: needs columns, each named once")
    key = tuple(meta.get("key") or ())
    required = {column.name for column in columns if column.required}
    if not key or not required.issuperset(key):
        raise RawContractError(f"{where}: key {list(key)} must name required columns of the table")
    event_column = meta.get("event_column")
    if event_column is not None:
        if event_column not in names:
            raise RawContractError(f"{where}: event_column {event_column} is not a column")
        if columns[names.index(event_column)].type not in DATED_TYPES:
            raise RawContractError(f"{where}: event_column {event_column} is not a date")
    return TableSpec(
        name=name,
        source=source,
        description=_description(where, table),
        required=meta["required"],
        key=key,
        event_column=event_column,
        columns=columns,
    )


def _column_spec(where: str, column: dict[str, Any]) -> ColumnSpec:
    meta = _meta(column)
    unknown = set(meta) - COLUMN_META
    if unknown:
        raise RawContractError(f"{where}: unknown column meta {sorted(unknown)}")
    kind = meta.get("type")
    if kind not in TYPES:
        raise RawContractError(f"{where}: type must be one of {', '.join(TYPES)}, got {kind}")
    scale = meta.get("scale")
    if (kind == "decimal") != isinstance(scale, int):
        raise RawContractError(f"{where}: a decimal needs an integer scale, other types none")
    accepted = meta.get("accepted")
    if accepted is not None and (kind != "string" or not accepted):
        raise RawContractError(f"{where}: accepted values need a string column and a value")
    bounds = [meta.get("min"), meta.get("max")]
    if any(bound is not None for bound in bounds) and kind not in ("integer", "decimal"):
        raise RawContractError(f"{where}: min and max need a number column")
    return ColumnSpec(
        name=column["name"],
        type=kind,
        description=_description(where, column),
        required=bool(meta.get("required", False)),
        accepted=tuple(str(value) for value in accepted) if accepted else None,
        minimum=bounds[0],
        maximum=bounds[1],
        minimum_exclusive=bool(meta.get("min_exclusive", False)),
        scale=scale,
    )


def _meta(node: dict[str, Any]) -> dict[str, Any]:
    """dbt 1.10+ reads meta under config: (a top-level meta is deprecated)."""
    return dict((node.get("config") or {}).get("meta") or {})


def _description(where: str, node: dict[str, Any]) -> str:
    description = " ".join(str(node.get("description") or "").split())
    if not description:
        raise RawContractError(f"{where}: needs a description")
    return description
