"""Freshness the Dagster way, beside the GX suites.

- **Raw sources**: an asset check `freshness` on each raw table (the external assets of group
  `raw`) that has an event column in the raw contract: its latest event against today (UTC).
  The allowed lag is the GX freshness rule's, with the same settings (CS_FRESHNESS_MIN_LAG_DAYS,
  CS_FRESHNESS_GAP_FACTOR, CS_FRESHNESS_WINDOW_DAYS) and the same query
  (customer_success/quality/suites.py `load_freshness`), only measured to the wall clock instead
  of as_of_date. Run by `build_all` after dbt (the staging models are read, read-only), WARN
  severity: a stale feed is reported, not blocked (the GX suite blocks a build whose data does
  not reach its as_of_date).
- **Published marts**: a Dagster freshness policy on the serving assets (the publish, the report
  and the exports): failed once the last materialization is older than
  CS_FRESHNESS_PUBLISH_MAX_HOURS. The daemon evaluates it; the UI shows it on each asset.
"""

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator

from customer_success.manifest import Node, relation
from customer_success.quality.suites import SuiteContext, event_sources, load_freshness
from orchestration.settings import Settings

CHECK_NAME = "freshness"
OP_NAME = "raw_freshness"


def raw_source_keys(
    manifest: Mapping[str, Any], translator: DagsterDbtTranslator
) -> dict[str, dg.AssetKey]:
    """Raw table -> the asset key of its dbt source."""
    return {
        source["name"]: translator.get_asset_key(source)
        for source in manifest.get("sources", {}).values()
    }


def build_raw_freshness_checks(
    models: Mapping[str, Node],
    source_keys: Mapping[str, dg.AssetKey],
    translator: DagsterDbtTranslator,
) -> dg.AssetChecksDefinition:
    """One check per raw table with an event column, all evaluated by one read-only step."""
    sources = event_sources(models)
    specs = {
        table: dg.AssetCheckSpec(
            name=CHECK_NAME,
            asset=source_keys[table],
            description=(
                f"The latest {column} of {table} lies no further before today than its usual "
                "rhythm allows (max(min lag, gap factor x its longest recent gap), in days)."
            ),
            blocking=False,
            additional_deps=[translator.get_asset_key(models[model])],
        )
        for table, (model, column) in sorted(sources.items())
    }
    relations = {name: relation(node) for name, node in models.items()}

    @dg.multi_asset_check(
        specs=list(specs.values()),
        name=OP_NAME,
        can_subset=True,
        compute_kind="duckdb",
        description="Latest raw event of each raw table against the wall clock",
    )
    def raw_freshness(
        context: dg.AssetCheckExecutionContext, settings: dg.ResourceParam[Settings]
    ) -> Iterator[dg.AssetCheckResult]:
        selected = {key.asset_key for key in context.selected_asset_check_keys}
        tables = {t: s for t, s in sources.items() if specs[t].asset_key in selected}
        today = datetime.now(UTC).date()
        connection = duckdb.connect(str(settings.warehouse_path), read_only=True)
        try:
            suite_context = SuiteContext(
                connection, relations, settings.quality, None, settings.serving_path
            )
            frame, _ = load_freshness(suite_context, tables, reference=today)
        finally:
            connection.close()
        rows = {row["source_table"]: row for row in frame.to_dict("records")}
        for table in sorted(tables):
            yield freshness_result(
                specs[table], rows.get(table), today, settings.quality.freshness_min_lag_days
            )

    return raw_freshness


def freshness_result(
    spec: dg.AssetCheckSpec, row: Mapping[str, Any] | None, today: Any, min_lag_days: int
) -> dg.AssetCheckResult:
    """The check's result for one table's row of `load_freshness` (None: no event at all)."""
    if row is None:
        return dg.AssetCheckResult(
            asset_key=spec.asset_key,
            check_name=spec.name,
            passed=False,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"no event on or before {today}",
            metadata={"reference_date": str(today)},
        )
    lag = int(row["lag_days"])
    allowed = row["allowed_lag_days"]
    allowed = min_lag_days if allowed is None or allowed != allowed else int(allowed)  # NaN
    latest = row["latest_event_day"]
    latest_text = str(latest.date() if hasattr(latest, "date") else latest)
    return dg.AssetCheckResult(
        asset_key=spec.asset_key,
        check_name=spec.name,
        passed=lag <= allowed,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"latest event {latest_text}: {lag} days before {today} (allowed {allowed})",
        metadata={
            "latest_event_date": latest_text,
            "lag_days": lag,
            "allowed_lag_days": allowed,
            "reference_date": str(today),
        },
    )


def with_publish_freshness(
    assets: Sequence[dg.AssetsDefinition], settings: Settings
) -> list[dg.AssetsDefinition]:
    """``assets`` (the serving assets) with the freshness policy of the published marts."""
    policy = dg.FreshnessPolicy.time_window(
        fail_window=timedelta(hours=settings.quality.publish_max_age_hours)
    )
    return dg.map_asset_specs(lambda spec: dg.apply_freshness_policy(spec, policy), assets)
