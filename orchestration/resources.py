"""Resources: the dbt CLI and the warehouse/serving file locations."""

from __future__ import annotations

import shutil
import sys
from dataclasses import replace
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject

from orchestration.settings import Settings


class WarehouseResource(dg.ConfigurableResource):
    """Where the build writes and where it publishes. Unset fields come from the environment
    (CS_WAREHOUSE_PATH, CS_SERVING_PATH, CS_DATA_DOCS_DIR) when a run starts, not at import."""

    warehouse_path: str | None = None
    serving_path: str | None = None
    data_docs_dir: str | None = None

    def settings(self) -> Settings:
        settings = Settings.from_env()
        overrides = {
            name: Path(value)
            for name, value in (
                ("warehouse_path", self.warehouse_path),
                ("serving_path", self.serving_path),
                ("data_docs_dir", self.data_docs_dir),
            )
            if value
        }
        return replace(settings, **overrides)


def dbt_executable() -> str:
    """The dbt of this virtualenv (next to its python), else the one on PATH."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def build_resources(project: DbtProject) -> dict[str, dg.ConfigurableResource]:
    return {
        "dbt": DbtCliResource(project_dir=project, dbt_executable=dbt_executable()),
        "warehouse": WarehouseResource(),
    }
