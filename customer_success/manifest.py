"""What a parsed dbt manifest (`target/manifest.json`) says, read without Dagster: the models and
where each lives, the owners of the dbt groups, what each dbt test checks.

A model's layer is the first folder under `models/` (`staging`, `intermediate`, `marts`, `audit`,
`semantic`): it is the model's Dagster group and decides what the serving file holds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

Node = Mapping[str, Any]


def model_nodes(manifest: Mapping[str, Any]) -> dict[str, Node]:
    """dbt models of the project by name."""
    return {
        node["name"]: node
        for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") == "model"
    }


def relation(node: Node) -> tuple[str, str]:
    """(schema, table) of a model in the warehouse."""
    return node["schema"], node.get("alias") or node["name"]


def group_for_path(original_file_path: str) -> str:
    """The group of a model given its path relative to the project (`models/<layer>/...`)."""
    parts = PurePosixPath(original_file_path.replace("\\", "/")).parts
    if len(parts) < 3 or parts[0] != "models":
        return "default"
    return re.sub(r"[^A-Za-z0-9_]", "_", parts[1])


def dbt_group_owners(manifest: Mapping[str, Any], group: str) -> list[str]:
    """The owner email of the project's dbt group ``group``, as Dagster owners."""
    project = manifest.get("metadata", {}).get("project_name")
    for node in manifest.get("groups", {}).values():
        if node.get("name") == group and node.get("package_name") == project:
            email = (node.get("owner") or {}).get("email")
            return [email] if isinstance(email, str) else list(email or [])
    raise ValueError(f"dbt group {group!r} is not defined (models/groups.yml)")


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
