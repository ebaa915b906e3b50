"""The dbt models of a parsed manifest (`target/manifest.json`), and where each lives.

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
