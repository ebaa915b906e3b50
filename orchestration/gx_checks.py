"""The GX suites as Dagster asset checks: one blocking check per suite, all run by one step.

One step (not one per suite) so the warehouse is opened once, read-only, after dbt has finished,
and the Data Docs are built once. A suite that fails an error expectation, or cannot be evaluated
at all, is an ERROR result, which stops the publish step downstream (blocking checks).

The volume suite's baseline is the materialization metadata of the last publish in this Dagster
instance (publish.py), when it went to the same serving file.
"""

from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator

from customer_success.manifest import Node, relation
from customer_success.quality.runner import ERRORED, PASSED, WARNED, run_suites
from customer_success.quality.suites import build_suites
from orchestration.publish import last_publish
from orchestration.settings import Settings

GX_OP_NAME = "gx_quality"


def build_gx_checks(
    models: Mapping[str, Node], translator: DagsterDbtTranslator
) -> dg.AssetChecksDefinition:
    """The multi-asset check running every suite."""
    suites = build_suites(models)
    for suite in suites:
        for model in (suite.model, *suite.reads):
            if model not in models:
                raise KeyError(f"GX suite {suite.name} reads model {model}: not in the dbt project")
    specs = {
        suite.name: dg.AssetCheckSpec(
            name=suite.check_name,
            asset=translator.get_asset_key(models[suite.model]),
            description=f"Great Expectations suite {suite.name}: {suite.description}",
            blocking=True,
            additional_deps=[translator.get_asset_key(models[m]) for m in suite.reads],
            metadata={"suite": suite.name, "source": "customer_success/quality/suites.py"},
        )
        for suite in suites
    }
    relations = {name: relation(node) for name, node in models.items()}

    @dg.multi_asset_check(
        specs=list(specs.values()),
        name=GX_OP_NAME,
        can_subset=True,
        compute_kind="great_expectations",
        description="Great Expectations suites: raw volume, freshness and headline drift",
    )
    def gx_quality(
        context: dg.AssetCheckExecutionContext, settings: dg.ResourceParam[Settings]
    ) -> Iterator[dg.AssetCheckResult]:
        selected = {check_key.name for check_key in context.selected_asset_check_keys}
        context.log.info(f"GX suites {', '.join(sorted(selected))} on {settings.warehouse_path}")
        outcomes = run_suites(
            warehouse_path=settings.warehouse_path,
            suites=[s for s in suites if s.check_name in selected],
            relations=relations,
            quality=settings.quality,
            baseline=last_publish(context.instance, settings.serving_path),
            published=settings.serving_path,
            data_docs_dir=settings.data_docs_dir,
            run_name=context.run.run_id,
        )
        for outcome in outcomes:
            spec = specs[outcome.suite.name]
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
                passed=outcome.status == PASSED,
                severity=dg.AssetCheckSeverity.WARN
                if outcome.status == WARNED
                else dg.AssetCheckSeverity.ERROR,
                description=outcome.summary,
                metadata=metadata,
            )

    return gx_quality
