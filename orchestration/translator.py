"""How dbt resources become Dagster assets: the group is the layer, read from the folder.

A dbt source (the raw files the on-run-start loader exposes as views `raw.<table>`) is in group
`raw`; a model is in the group of the first folder under `models/` (`staging`, `intermediate`,
`marts`, `audit`, `semantic`). There is no per-model rule: a new model lands in its layer's group
by where it lives.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtProject

RAW_GROUP = "raw"


def group_for_path(original_file_path: str) -> str:
    """The group of a model given its path relative to the project (`models/<layer>/...`)."""
    parts = PurePosixPath(original_file_path.replace("\\", "/")).parts
    if len(parts) < 3 or parts[0] != "models":
        return "default"
    return re.sub(r"[^A-Za-z0-9_]", "_", parts[1])


def check_description(manifest: Mapping[str, Any], test_unique_id: str) -> str | None:
    """What a dbt test checks, for its asset check: the test's own dbt description, else the
    description of its generic test (macro `test_<name>`) with the column and arguments."""
    test = manifest["nodes"][test_unique_id]
    if test.get("description"):
        return test["description"]
    metadata = test.get("test_metadata")
    if not metadata:
        return None
    package = metadata.get("namespace") or "dbt"
    macros = manifest.get("macros", {})
    generic = macros.get(f"macro.{package}.test_{metadata['name']}") or macros.get(
        f"macro.{test['package_name']}.test_{metadata['name']}", {}
    )
    kwargs = metadata.get("kwargs", {})
    arguments = ", ".join(
        f"{key}={value}" for key, value in kwargs.items() if key not in ("model", "column_name")
    )
    column = kwargs.get("column_name")
    text = generic.get("description") or metadata["name"]
    return "".join([f"{column}: " if column else "", text, f" ({arguments})" if arguments else ""])


class CustomerSuccessTranslator(DagsterDbtTranslator):
    """Groups by layer; checks carry the dbt test descriptions; the rest as dagster-dbt does it."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props.get("resource_type") == "source":
            return RAW_GROUP
        return group_for_path(dbt_resource_props.get("original_file_path") or "")

    def get_asset_check_spec(
        self,
        asset_spec: dg.AssetSpec,
        manifest: Mapping[str, Any],
        unique_id: str,
        project: DbtProject | None,
    ) -> dg.AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return None
        return spec._replace(description=check_description(manifest, unique_id))
