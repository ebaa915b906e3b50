"""The serving file holds exactly the serving layer of the manifest: tables only (nothing that
points at the building machine), with the dbt descriptions as comments, in a storage format
DuckDB 1.x reads; it still answers after being moved; a model dropped from the manifest is gone
from it and from the exports after the next publish."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from customer_success.report.exports import export_marts
from customer_success.serving import STORAGE_VERSION, serving_layer, write_serving_file
from tests.serving.conftest import ServingWorkspace


def read(path: Path, sql: str) -> list[tuple]:
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_the_serving_file_lists_only_the_serving_layer(serving_workspace: ServingWorkspace):
    models = serving_workspace.models
    expected = {f"{r.schema}.{r.name}" for r in serving_layer(models)}
    public = {f"marts.{name}" for name, node in models.items() if node.get("access") == "public"}
    assert public and public <= expected
    assert {"audit.quarantined_rows", "audit.row_reconciliation"} <= expected
    assert "semantic.time_spine_daily" in expected
    tables = serving_workspace.query("select schema_name || '.' || table_name from duckdb_tables()")
    assert {name for (name,) in tables} == expected
    assert {name.split(".")[0] for name in expected} == {"marts", "audit", "semantic"}
    assert serving_workspace.query("select count(*) from duckdb_views() where not internal") == [
        (0,)
    ]
    (tags,) = serving_workspace.query(
        "select tags from duckdb_databases() where not internal and database_name not in "
        "('memory', 'temp')"
    )[0]
    assert tags["storage_version"].startswith(STORAGE_VERSION)


def test_tables_and_columns_carry_the_dbt_descriptions(serving_workspace: ServingWorkspace):
    tables = {
        (schema, name): comment
        for schema, name, comment in serving_workspace.query(
            "select schema_name, table_name, comment from duckdb_tables()"
        )
    }
    columns = {
        (schema, name, column): comment
        for schema, name, column, comment in serving_workspace.query(
            "select schema_name, table_name, column_name, comment from duckdb_columns()"
        )
    }
    documented = 0
    for served in serving_layer(serving_workspace.models):
        assert tables[(served.schema, served.name)] == (served.description or None)
        for column, description in served.columns.items():
            assert columns[(served.schema, served.name, column)] == (description or None)
            documented += bool(description)
    assert documented > 100
    assert columns[("marts", "mart_nps", "nps")]


def test_a_moved_serving_file_still_opens_and_answers(serving_workspace, tmp_path):
    moved = tmp_path / "elsewhere" / "renamed.duckdb"
    moved.parent.mkdir()
    shutil.move(shutil.copy(serving_workspace.serving, tmp_path / "copy.duckdb"), moved)
    tables = read(moved, "select schema_name, table_name from duckdb_tables()")
    assert tables
    for schema, name in tables:
        expected = serving_workspace.query(f"select count(*) from {schema}.{name}")
        assert read(moved, f"select count(*) from {schema}.{name}") == expected
    assert read(moved, "select sum(ending_mrr) from marts.mart_revenue_retention")[0][0] > 0


def test_a_dropped_model_is_gone_from_serving_and_exports_after_the_next_publish(
    serving_workspace, tmp_path
):
    serving, exports = tmp_path / "serving.duckdb", tmp_path / "exports"
    models = serving_workspace.models
    with serving_workspace.holding_warehouse():
        write_serving_file(serving_workspace.warehouse, serving, serving_layer(models))
    export_marts(serving, exports)
    assert (exports / "mart_referrals.parquet").exists()

    del models["mart_referrals"]  # the model is removed from the project
    with serving_workspace.holding_warehouse():
        write_serving_file(serving_workspace.warehouse, serving, serving_layer(models))
    export_marts(serving, exports)
    tables = {name for (name,) in read(serving, "select table_name from duckdb_tables()")}
    assert "mart_referrals" not in tables and "mart_nps" in tables
    assert not (exports / "mart_referrals.parquet").exists()
    assert (exports / "mart_nps.parquet").exists()
    # dbt leaves the dropped model's table in the warehouse: the manifest decides what is served
    with serving_workspace.holding_warehouse():
        assert read(serving_workspace.warehouse, "select count(*) from marts.mart_referrals")
