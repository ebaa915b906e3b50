"""Assemble the Dagster definitions from the dbt manifest (definitions.py calls this once)."""

from __future__ import annotations

import logging

import dagster as dg
from dagster_dbt import DbtProject

from orchestration.assets import build_dbt_assets, model_nodes, raw_source_specs
from orchestration.project import build_dbt_project, load_manifest
from orchestration.publish import PUBLISH_GROUP, build_publish_asset
from orchestration.quality.checks import attached_suites, build_gx_checks, unattached_suites
from orchestration.report.assets import SERVING_OUTPUT_ASSETS
from orchestration.resources import build_resources
from orchestration.schedules import build_jobs, build_schedules
from orchestration.settings import Settings
from orchestration.translator import CustomerSuccessTranslator

logger = logging.getLogger(__name__)


def build_definitions(
    settings: Settings | None = None, project: DbtProject | None = None
) -> dg.Definitions:
    settings = settings or Settings.from_env()
    project = project or build_dbt_project(settings)
    manifest = load_manifest(project)
    translator = CustomerSuccessTranslator()
    models = model_nodes(manifest)
    warn_if_parsed_for_another_warehouse(models, settings)

    dbt_build = build_dbt_assets(project, manifest, translator)
    sources = raw_source_specs(project, manifest, translator)
    gx_checks = build_gx_checks(models, translator)
    for suite in unattached_suites(models):
        logger.warning(
            "GX suite %s skipped: model %s is not built by the dbt project yet",
            suite.name,
            suite.model,
        )
    publish = build_publish_asset(
        models,
        translator,
        {suite.check_name: suite.model for suite in attached_suites(models)},
    )

    groups = {spec.group_name for spec in dbt_build.specs if spec.group_name} | {PUBLISH_GROUP}
    jobs = build_jobs(groups, settings)
    return dg.Definitions(
        assets=[*sources, dbt_build, publish, *SERVING_OUTPUT_ASSETS],
        asset_checks=[gx_checks] if gx_checks is not None else [],
        jobs=jobs,
        schedules=build_schedules(jobs, settings),
        resources=build_resources(project),
    )


def warn_if_parsed_for_another_warehouse(models: dict, settings: Settings) -> None:
    """dbt-duckdb names the database after the warehouse file; dagster-dbt counts rows through
    the manifest's relation names, so a manifest parsed for another file name loses row counts
    (the build itself is unaffected)."""
    databases = {node.get("database") for node in models.values()}
    expected = settings.warehouse_path.stem
    if databases and databases != {expected}:
        logger.warning(
            "The dbt manifest was parsed for warehouse database %s but CS_WAREHOUSE_PATH is %s: "
            "run `make manifest` (dbt parse) with this CS_WAREHOUSE_PATH to get row counts.",
            ", ".join(sorted(str(d) for d in databases)),
            settings.warehouse_path,
        )
