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

from dagster_dbt import DagsterDbtTranslator

RAW_GROUP = "raw"


def group_for_path(original_file_path: str) -> str:
    """The group of a model given its path relative to the project (`models/<layer>/...`)."""
    parts = PurePosixPath(original_file_path.replace("\\", "/")).parts
    if len(parts) < 3 or parts[0] != "models":
        return "default"
    return re.sub(r"[^A-Za-z0-9_]", "_", parts[1])


class CustomerSuccessTranslator(DagsterDbtTranslator):
    """Groups by layer; everything else as dagster-dbt does it."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props.get("resource_type") == "source":
            return RAW_GROUP
        return group_for_path(dbt_resource_props.get("original_file_path") or "")
