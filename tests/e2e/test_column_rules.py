"""The column rules of the models (column meta, checked by one `cs_follows_column_rules` test per
model) catch every rule they state, and every model that states rules is checked.

Each model's compiled test runs against a table of hand-made rows: one row that follows every
rule, then per rule one row that breaks only that rule. The test must report each rule once, with
one row breaking it, and nothing for the good row or for nulls where nulls are allowed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.dbt_runner import isolated_env, run_dbt

RULE_KEYS = ("required", "accepted", "min", "max", "min_exclusive")
TEST_NAME = "cs_follows_column_rules"


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("column_rules")
    env = isolated_env(root, None)
    result = run_dbt(["compile", "--quiet", "--select", f"test_name:{TEST_NAME}"], env)
    assert result.returncode == 0, result.output
    return root, json.loads((root / "target" / "manifest.json").read_text())


def rule_columns(node: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: column["meta"]
        for name, column in node["columns"].items()
        if any(key in column.get("meta", {}) for key in RULE_KEYS)
    }


def rules_tests(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """model unique id -> its cs_follows_column_rules test node."""
    found: dict[str, dict[str, Any]] = {}
    for node in manifest["nodes"].values():
        if node.get("test_metadata", {}).get("name") == TEST_NAME:
            (model,) = node["depends_on"]["nodes"]
            assert model not in found, f"{model} has two {TEST_NAME} tests"
            found[model] = node
    return found


def test_every_model_with_column_rules_has_its_rules_test(compiled):
    _, manifest = compiled
    models = {uid: n for uid, n in manifest["nodes"].items() if n["resource_type"] == "model"}
    with_rules = {uid for uid, node in models.items() if rule_columns(node)}
    assert len(with_rules) > 40  # the marts, intermediate, audit and semantic models
    assert set(rules_tests(manifest)) == with_rules


def good_value(meta: dict[str, Any]) -> Any:
    if meta.get("accepted"):
        return meta["accepted"][0]
    if "min" in meta:
        return meta["min"] + (1 if meta.get("min_exclusive") else 0)
    if "max" in meta:
        return meta["max"]
    return "present"


def breaking_rows(meta: dict[str, Any]) -> dict[str, Any]:
    """rule label suffix -> a value breaking only that rule of the column."""
    rows: dict[str, Any] = {}
    if meta.get("required"):
        rows["is missing"] = None
    if meta.get("accepted"):
        rows["is not one of " + ", ".join(map(str, meta["accepted"]))] = "not_a_listed_value"
    if "min" in meta:
        kind = "exclusive minimum" if meta.get("min_exclusive") else "minimum"
        value = meta["min"] if meta.get("min_exclusive") else meta["min"] - 0.5
        rows[f"is below its {kind} {meta['min']}"] = value
    if "max" in meta:
        rows[f"is above its maximum {meta['max']}"] = meta["max"] + 0.5
    return rows


def column_type(meta: dict[str, Any]) -> str:
    numeric = ("min" in meta or "max" in meta) and not meta.get("accepted")
    return "double" if numeric else "varchar"


def crafted_rows(rules: dict[str, dict[str, Any]]) -> tuple[list[list[Any]], dict[str, int]]:
    """Rows for a table of the columns of ``rules``: one following every rule, one with a null in
    every column that may be null, then one per rule breaking only it; and the broken rules the
    test must report, each with one row."""
    columns = list(rules)
    good = [good_value(rules[column]) for column in columns]
    nulls = [good[i] if rules[c].get("required") else None for i, c in enumerate(columns)]
    rows, expected = [good, nulls], {}
    for index, column in enumerate(columns):
        for label, value in breaking_rows(rules[column]).items():
            rows.append([*good[:index], value, *good[index + 1 :]])
            expected[f"{column} {label}"] = 1
    return rows, expected


def test_each_rules_test_reports_each_broken_rule_once(compiled):
    root, manifest = compiled
    compiled_dir = root / "target" / "compiled" / "customer_success"
    checked = 0
    with duckdb.connect(str(root / "warehouse.duckdb")) as connection:
        for model_id, test in sorted(rules_tests(manifest).items()):
            model = manifest["nodes"][model_id]
            rules = rule_columns(model)
            rows, expected = crafted_rows(rules)
            table = f'"{model["schema"]}"."{model.get("alias") or model["name"]}"'
            columns = ", ".join(f'"{name}" {column_type(meta)}' for name, meta in rules.items())
            connection.execute(f'create schema if not exists "{model["schema"]}"')
            connection.execute(f"create or replace table {table} ({columns})")
            placeholders = ", ".join("?" for _ in rules)
            connection.executemany(f"insert into {table} values ({placeholders})", rows)
            sql = (compiled_dir / test["original_file_path"] / f"{test['name']}.sql").read_text()
            assert dict(connection.execute(sql).fetchall()) == expected, model["name"]
            checked += len(expected)
    assert checked > 200
