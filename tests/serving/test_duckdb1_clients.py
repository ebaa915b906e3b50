"""The published serving file opens in the DuckDB 1.x clients BI analysts have: the Python duckdb
1.2 (the oldest release line that reads its storage version) and the DuckDB CLI 1.5 from PyPI, both
from `.venv-duckdb1` (`make duckdb1`, part of `make test`). Each lists the tables and reads every
row of every one, read-only, and finds what DuckDB 2.0 finds."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.dbt_runner import PROJECT_DIR
from tests.serving.conftest import ServingWorkspace

CLIENT_BIN = PROJECT_DIR / ".venv-duckdb1" / "bin"

# Runs under either interpreter: prints {"version": ..., "tables": {"schema.name": [rows, digest]}},
# the digest over every value of every row (as Python reads it), so two clients that read the same
# data print the same.
READ_EVERY_TABLE = """
import hashlib, json, sys
import duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
tables = connection.execute(
    "select schema_name, table_name from duckdb_tables() order by all"
).fetchall()
result = {}
for schema, name in tables:
    rows = connection.execute(f'select * from "{schema}"."{name}"').fetchall()
    text = "\\n".join(sorted(repr(row) for row in rows))
    result[f"{schema}.{name}"] = [len(rows), hashlib.sha256(text.encode()).hexdigest()]
print(json.dumps({"version": duckdb.__version__, "tables": result}))
"""


def read_every_table(python: Path | str, database: Path) -> dict:
    completed = subprocess.run(
        [str(python), "-c", READ_EVERY_TABLE, str(database)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def client(name: str) -> Path:
    path = CLIENT_BIN / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make duckdb1` (make test does)")
    return path


def expected_counts(workspace: ServingWorkspace) -> dict[str, int]:
    return {
        f"{schema}.{name}": workspace.query(f'select count(*) from "{schema}"."{name}"')[0][0]
        for schema, name in workspace.query("select schema_name, table_name from duckdb_tables()")
    }


def test_python_duckdb_1_2_reads_every_table(serving_workspace: ServingWorkspace):
    old = read_every_table(client("python"), serving_workspace.serving)
    current = read_every_table(sys.executable, serving_workspace.serving)
    assert old["version"].startswith("1.2.") and current["version"].startswith("2.")
    assert old["tables"] == current["tables"]
    assert {name: rows for name, (rows, _) in old["tables"].items()} == expected_counts(
        serving_workspace
    )
    marts = [name for name in old["tables"] if name.startswith("marts.")]
    assert len(marts) >= 15 and old["tables"]["marts.mart_revenue_retention"][0] > 0


def test_duckdb_cli_1_5_lists_and_reads_every_mart(serving_workspace: ServingWorkspace):
    cli = client("duckdb")
    version = subprocess.run([str(cli), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("v1.")
    expected = expected_counts(serving_workspace)
    counts = " union all ".join(
        f"select '{name}' as relation, count(*) as n from {name}" for name in sorted(expected)
    )
    completed = subprocess.run(
        [str(cli), "-readonly", "-csv", str(serving_workspace.serving), "-c", counts],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    rows = list(csv.DictReader(io.StringIO(completed.stdout)))
    assert {row["relation"]: int(row["n"]) for row in rows} == expected
    nps = subprocess.run(
        [str(cli), "-readonly", "-csv", str(serving_workspace.serving), "-c",
         "select nps from marts.mart_nps where segment = 'all' order by month desc limit 1"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    (latest,) = serving_workspace.query(
        "select nps from marts.mart_nps where segment = 'all' order by month desc limit 1"
    )
    assert nps.stdout.splitlines()[1] == ("" if latest[0] is None else str(latest[0]))
