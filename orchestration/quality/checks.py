"""The GX suites as Dagster asset checks: one check per suite, all run by one step.

One step (not one per suite) so the warehouse is opened once, read-only, after dbt has finished,
and the Data Docs are built once. Every check is blocking: a suite that fails an error
expectation, or cannot be evaluated at all, stops the publish step downstream.

A suite whose mart is not in the dbt project yet cannot be attached to an asset: it is listed by
`unattached_suites` (and printed by `orchestration.run`). A suite whose relation is in the project
but not in the warehouse emits no result (Dagster shows the check as skipped) and logs why.
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator

from orchestration.quality.runner import ERRORED, NOT_BUILT, PASSED, WARNED, run_suites
from orchestration.quality.suites import SPINE_MODEL, SUITES, Suite
from orchestration.resources import WarehouseResource

GX_OP_NAME = "gx_quality"


def attached_suites(models: Mapping[str, Mapping[str, Any]]) -> list[Suite]:
    """Suites whose model (and every model it reads) is in the dbt project."""
    return [s for s in SUITES if all(m in models for m in (s.model, *s.reads))]


def unattached_suites(models: Mapping[str, Mapping[str, Any]]) -> list[Suite]:
    attached = {s.name for s in attached_suites(models)}
    return [s for s in SUITES if s.name not in attached]


def _relations(models: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple[str, str]]:
    return {name: (node["schema"], node.get("alias") or name) for name, node in models.items()}


def build_gx_checks(
    models: Mapping[str, Mapping[str, Any]],
    translator: DagsterDbtTranslator,
) -> dg.AssetChecksDefinition | None:
    """The multi-asset check running every attachable suite, or None if there is none."""
    suites = attached_suites(models)
    if not suites:
        return None

    def key(model: str) -> dg.AssetKey:
        return translator.get_asset_key(models[model])

    specs = {}
    for suite in suites:
        reads = [*suite.reads, *((SPINE_MODEL,) if suite.uses_spine else ())]
        specs[suite.name] = dg.AssetCheckSpec(
            name=suite.check_name,
            asset=key(suite.model),
            description=f"Great Expectations suite {suite.name}: {suite.description}",
            blocking=True,
            additional_deps=[key(m) for m in dict.fromkeys(reads) if m in models],
            metadata={"suite": suite.name, "source": "orchestration/quality/suites.py"},
        )
    relations = _relations(models)
    unattached = [s.name for s in unattached_suites(models)]

    @dg.multi_asset_check(
        specs=list(specs.values()),
        name=GX_OP_NAME,
        can_subset=True,
        compute_kind="great_expectations",
        description="Great Expectations suites on the marts and the raw data"
        + (f" (not built yet, so not attached: {', '.join(unattached)})" if unattached else ""),
    )
    def gx_quality(
        context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> Iterator[dg.AssetCheckResult]:
        settings = warehouse.settings()
        selected = {check_key.name for check_key in context.selected_asset_check_keys}
        to_run = [s for s in suites if s.check_name in selected]
        for name in unattached:
            context.log.warning(f"GX suite {name} skipped: its mart is not built by dbt yet")
        outcomes = run_suites(
            warehouse_path=settings.warehouse_path,
            suites=to_run,
            relations=relations,
            as_of_date=settings.as_of_date,
            quality=settings.quality,
            data_docs_dir=settings.data_docs_dir,
            run_name=context.run.run_id,
        )
        for outcome in outcomes:
            spec = specs[outcome.suite.name]
            if outcome.status == NOT_BUILT:
                context.log.warning(f"GX suite {outcome.suite.name} {outcome.summary}")
                continue
            passed = outcome.status == PASSED
            severity = (
                dg.AssetCheckSeverity.WARN
                if outcome.status == WARNED
                else dg.AssetCheckSeverity.ERROR
            )
            metadata: dict[str, Any] = {
                "status": outcome.status,
                "expectations_evaluated": outcome.evaluated,
                "expectations_met": outcome.succeeded,
                "data_docs": dg.MetadataValue.path(str(settings.data_docs_dir / "index.html")),
            }
            if outcome.failures:
                metadata["failures"] = dg.MetadataValue.md(
                    "\n".join(f"- `{item}`" for item in outcome.failures[:50])
                )
            if outcome.notes:
                metadata["notes"] = "; ".join(outcome.notes)
            if outcome.status == ERRORED:
                context.log.error(f"GX suite {outcome.suite.name}: {outcome.summary}")
            yield dg.AssetCheckResult(
                asset_key=spec.asset_key,
                check_name=spec.name,
                passed=passed,
                severity=severity,
                description=outcome.summary,
                metadata=metadata,
            )

    return gx_quality


def check_names(checks: dg.AssetChecksDefinition | None) -> Sequence[str]:
    return [] if checks is None else sorted(key.name for key in checks.check_keys)
