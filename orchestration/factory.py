"""Assemble the Dagster definitions from the settings and the dbt manifest, once."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from customer_success.manifest import dbt_group_owners, model_nodes
from orchestration.alerts import alert_on_run_failure
from orchestration.assets import build_dbt_assets, raw_source_specs
from orchestration.freshness import (
    build_raw_freshness_checks,
    raw_source_keys,
    with_publish_freshness,
)
from orchestration.gx_checks import build_gx_checks
from orchestration.outputs import SERVING_OUTPUT_ASSETS
from orchestration.project import build_dbt_project, load_manifest
from orchestration.publish import PUBLISH_GROUP, build_publish_asset
from orchestration.runguard import bound_executable
from orchestration.schedules import MAIN_JOB, build_jobs, build_schedules
from orchestration.sensors import build_raw_data_sensor
from orchestration.settings import Settings
from orchestration.translator import (
    PLATFORM_GROUP,
    CustomerSuccessTranslator,
    link_code_references,
    owned_python_assets,
    owned_raw_sources,
)


def build_definitions(settings: Settings | None = None) -> dg.Definitions:
    """The definitions; ``settings`` (default: from the environment) become the `settings`
    resource every asset and check reads."""
    settings = settings or Settings.from_env()
    project = build_dbt_project(settings)
    manifest = load_manifest(project)
    translator = CustomerSuccessTranslator()
    models = model_nodes(manifest)

    dbt_build = build_dbt_assets(project, manifest, translator)
    gx_checks = build_gx_checks(models, translator)
    publish = build_publish_asset(
        models, translator, {*dbt_build.check_keys, *gx_checks.check_keys}
    )
    raw_freshness = build_raw_freshness_checks(
        models, raw_source_keys(manifest, translator), translator
    )
    groups = {spec.group_name for spec in dbt_build.specs if spec.group_name} | {PUBLISH_GROUP}
    jobs = build_jobs(groups)
    owners = dbt_group_owners(manifest, PLATFORM_GROUP)
    return dg.Definitions(
        assets=link_code_references(
            [
                *owned_raw_sources(
                    raw_source_specs(project, manifest, translator),
                    manifest,
                    translator,
                    owners,
                    settings.project_dir,
                ),
                dbt_build,
                *owned_python_assets(
                    with_publish_freshness([publish, *SERVING_OUTPUT_ASSETS], settings),
                    owners,
                ),
            ],
            settings,
        ),
        asset_checks=[gx_checks, raw_freshness],
        jobs=jobs,
        schedules=build_schedules(jobs, settings),
        sensors=[
            alert_on_run_failure,
            build_raw_data_sensor(
                next(job for job in jobs if job.name == MAIN_JOB),
                [job.name for job in jobs],
                settings,
            ),
        ],
        resources={
            "settings": settings,
            "dbt": DbtCliResource(
                project_dir=project,
                dbt_executable=str(bound_executable(settings.dbt_target_path, dbt_executable())),
            ),
        },
        # one process per run, whatever launches it: the run lock it takes before dbt is held
        # by that process until the publish (orchestration/runguard.py)
        executor=dg.in_process_executor,
    )


def dbt_executable() -> str:
    """The dbt of this virtualenv (next to its python), else the one on PATH."""
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")
