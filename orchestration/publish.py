"""The publish step, `serving_warehouse`: the last asset of `build_all`.

It depends on every dbt model, and every error-severity check (dbt tests, GX suites) is a blocking
asset check, so Dagster runs it only when dbt built everything and no blocking check failed; it
does not count check results itself. It refuses to run in a run that does not plan the whole graph
(one asset or group alone, a dbt `exclude`), because then the checks of this build did not all run.

It writes the serving file (customer_success/serving.py) and records the build as the asset's
materialization metadata: the build record lives in Dagster (run id, as_of_date, rows per served
relation, raw rows read and quarantined per table, checks). A build that did not publish has no
record, so it is never the baseline of the next run's volume check (gx_checks.py reads it from
here).
"""

from collections.abc import Mapping, Set
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
from dagster_dbt import DagsterDbtTranslator

from customer_success.manifest import Node, relation
from customer_success.serving import (
    PublishRecord,
    read_build_facts,
    serving_layer,
    write_serving_file,
)
from orchestration.assets import DBT_OP_NAME
from orchestration.runguard import holds_run_lock, release_run_lock
from orchestration.settings import Settings

PUBLISH_ASSET_NAME = "serving_warehouse"
PUBLISH_GROUP = "serving"
PUBLISH_KEY = dg.AssetKey(PUBLISH_ASSET_NAME)


def last_publish(instance: dg.DagsterInstance, serving_path: Path) -> PublishRecord | None:
    """The last publish to ``serving_path`` recorded in ``instance``, if any."""
    event = instance.get_latest_materialization_event(PUBLISH_KEY)
    if event is None or event.asset_materialization is None:
        return None
    metadata = {key: value.value for key, value in event.asset_materialization.metadata.items()}
    if str(metadata.get("serving_path")) != str(serving_path):
        return None
    return PublishRecord(
        run_id=event.run_id,
        rows_read={t: int(rows["read"]) for t, rows in metadata.get("raw_rows", {}).items()},
        as_of_date=metadata.get("as_of_date"),
        published_at=datetime.fromtimestamp(event.timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S"),
    )


class PublishRefused(Exception):
    """The run may not publish: it does not build and check the whole graph."""


def refuse_partial_run(
    context: dg.AssetExecutionContext,
    model_keys: Set[dg.AssetKey],
    check_keys: Set[dg.AssetCheckKey],
) -> None:
    """Raise unless this run plans every dbt model and every check, with no dbt exclusion."""
    layer = context.job_def.asset_layer
    missing = sorted(key.to_user_string() for key in model_keys - layer.selected_asset_keys)
    missing += sorted(
        f"check {key.name}" for key in check_keys - set(layer.asset_graph.asset_check_keys)
    )
    dbt_config = context.run.run_config.get("ops", {}).get(DBT_OP_NAME, {}).get("config", {})
    if dbt_config.get("exclude"):
        missing.append(f"dbt exclude {dbt_config['exclude']!r}")
    if missing:
        raise PublishRefused(
            "not publishing: only a run of the whole graph (job build_all) publishes; this run "
            f"leaves out {len(missing)}: {', '.join(missing[:10])}"
        )


def build_publish_asset(
    models: Mapping[str, Node],
    translator: DagsterDbtTranslator,
    check_keys: Set[dg.AssetCheckKey],
) -> dg.AssetsDefinition:
    model_keys = {translator.get_asset_key(node) for node in models.values()}
    served = serving_layer(models)
    as_of_relation = relation(models["int_as_of_date"])
    reconciliation = relation(models["row_reconciliation"])

    @dg.asset(
        name=PUBLISH_ASSET_NAME,
        group_name=PUBLISH_GROUP,
        deps=sorted(model_keys, key=lambda key: key.to_user_string()),
        kinds={"duckdb"},
        description=(
            "Publishes the serving layer (public marts, audit relations, time spine) to "
            "CS_SERVING_PATH: a new file, then an atomic rename. Runs only when every blocking "
            "check of the run passed; its metadata is the build record."
        ),
    )
    def serving_warehouse(
        context: dg.AssetExecutionContext, settings: dg.ResourceParam[Settings]
    ) -> dg.MaterializeResult:
        refuse_partial_run(context, model_keys, check_keys)
        if not holds_run_lock(settings.warehouse_path, context.run.run_id):
            raise PublishRefused(
                f"not publishing: this run does not hold the run lock of {settings.warehouse_path}"
                " that its dbt step took, so another build may have written the warehouse since"
            )
        as_of_date, raw = read_build_facts(settings.warehouse_path, as_of_relation, reconciliation)
        context.log.info(f"Publishing {len(served)} relations to {settings.serving_path}")
        counts = write_serving_file(settings.warehouse_path, settings.serving_path, served)
        release_run_lock(settings.warehouse_path)
        quarantined = sum(table["quarantined"] for table in raw.values())
        context.log.info(
            f"Published {len(counts)} relations of {settings.warehouse_path} to "
            f"{settings.serving_path} (as_of_date {as_of_date}, {quarantined} rows quarantined)"
        )
        return dg.MaterializeResult(
            metadata={
                "run_id": context.run.run_id,
                "as_of_date": as_of_date,
                "serving_path": dg.MetadataValue.path(str(settings.serving_path)),
                "row_counts": dg.MetadataValue.json(counts),
                "raw_rows": dg.MetadataValue.json(raw),
                "rows_quarantined": quarantined,
                "checks": len(check_keys),
                "size_bytes": settings.serving_path.stat().st_size,
            }
        )

    return serving_warehouse
