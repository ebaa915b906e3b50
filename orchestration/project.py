"""The dbt project as Dagster sees it.

The manifest (`target/manifest.json`, or `$DBT_TARGET_PATH/manifest.json`) is prepared by the
set-up (`make manifest` runs `dbt parse`); it is never committed and never built here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster_dbt import DbtProject

from orchestration.settings import Settings


class ManifestMissingError(RuntimeError):
    """The dbt manifest the definitions are built from does not exist yet."""


def build_dbt_project(settings: Settings | None = None) -> DbtProject:
    """The `DbtProject`: the repository root, profiles from the root, target CS_DBT_TARGET.

    profiles.yml already reads CS_DBT_TARGET (default duckdb). The target is passed on the
    command line only when it is set explicitly, so that the arguments match the set-up's
    `dbt parse` and dbt can reuse its partial parse (a full parse costs ~15 s per build).
    """
    settings = settings or Settings.from_env()
    return DbtProject(
        project_dir=settings.project_dir,
        profiles_dir=settings.project_dir,
        target=settings.dbt_target if os.environ.get("CS_DBT_TARGET", "").strip() else None,
        target_path=settings.dbt_target_path,
    )


def load_manifest(project: DbtProject) -> Mapping[str, Any]:
    """The parsed manifest, or a clear error that says how to produce it."""
    path = Path(project.manifest_path)
    if not path.exists():
        raise ManifestMissingError(
            f"dbt manifest not found at {path}. Dagster builds its asset graph from it: run "
            "`make manifest` (or `.venv/bin/dbt parse` with the same DBT_TARGET_PATH) first."
        )
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)
