"""The dbt project as Dagster sees it: the project and its parsed manifest (the models in it are
read by customer_success/manifest.py).

The manifest (`target/manifest.json`, or `$DBT_TARGET_PATH/manifest.json`) is prepared by the
set-up (`make manifest` runs `dbt parse`); it is never committed and never built here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dagster_dbt import DbtProject

from orchestration.settings import Settings


class ManifestMissingError(RuntimeError):
    """The dbt manifest the definitions are built from does not exist yet."""


def build_dbt_project(settings: Settings) -> DbtProject:
    """The repository root with its profiles.yml. The target is passed on the command line only
    when CS_DBT_TARGET is set (profiles.yml reads it too), so that the arguments match the
    set-up's `dbt parse` and dbt reuses its partial parse."""
    return DbtProject(
        project_dir=settings.project_dir,
        profiles_dir=settings.project_dir,
        target=settings.dbt_target,
        target_path=settings.dbt_target_path,
    )


def load_manifest(project: DbtProject) -> dict[str, Any]:
    """The parsed manifest, or a clear error that says how to produce it."""
    path = Path(project.manifest_path)
    if not path.exists():
        raise ManifestMissingError(
            f"dbt manifest not found at {path}. Dagster builds its asset graph from it: run "
            "`make manifest` (or `.venv/bin/dbt parse` with the same DBT_TARGET_PATH) first."
        )
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)
